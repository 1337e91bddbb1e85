"""DRF authentication by `X-API-Key` + `X-API-Secret` (the tenant comes from `X-Tenant-ID` or host)."""

from dataclasses import dataclass

from rest_framework.authentication import BaseAuthentication
from rest_framework.exceptions import AuthenticationFailed

from apps.apikeys.models import ApiKey
from apps.apikeys.services import ApiKeyRefused, api_key_authenticate


@dataclass
class ApiKeyPrincipal:
    api_key: ApiKey
    permissions: list[str]


class ApiKeyAuthentication(BaseAuthentication):
    def authenticate(self, request):
        key = request.META.get("HTTP_X_API_KEY", "").strip()
        if not key:
            return None
        secret = request.META.get("HTTP_X_API_SECRET", "").strip()
        try:
            api_key, permissions = api_key_authenticate(request=request._request, key=key, secret=secret)
        except ApiKeyRefused as exc:
            failure = AuthenticationFailed(exc.message)
            failure.details = {"error_type": exc.error_type}
            failure.auth_header = 'APIKey realm="api"'
            raise failure from None
        # The key acts for its creator (ownership, scopes), with the key's own permissions.
        return api_key.created_by, ApiKeyPrincipal(api_key=api_key, permissions=permissions)

    def authenticate_header(self, request) -> str:
        return 'APIKey realm="api"'

"""django-oauth-toolkit tuned to the design: JSON token bodies, PKCE for public clients,
`client_credentials` for confidential ones, concurrent sessions bounded by the tenant's config."""

import json

from oauth2_provider.models import get_application_model
from oauth2_provider.oauth2_backends import OAuthLibCore
from oauth2_provider.oauth2_validators import OAuth2Validator


class FormOrJsonOAuthLibCore(OAuthLibCore):
    """Reads token, revoke and introspect bodies form-encoded (RFC 6749) or as JSON (mobile apps)."""

    def extract_body(self, request):
        if request.content_type == "application/json":
            try:
                body = json.loads(request.body.decode("utf-8") or "{}")
            except (UnicodeDecodeError, ValueError):
                return []
            if not isinstance(body, dict):
                return []
            return [(str(key), str(value)) for key, value in body.items() if isinstance(value, str | int)]
        return super().extract_body(request)


class CrmOAuth2Validator(OAuth2Validator):
    def is_pkce_required(self, client_id, request) -> bool:
        """Public clients must prove PKCE; confidential ones authenticate with their secret."""
        Application = get_application_model()
        client_type = Application.objects.filter(client_id=client_id).values_list("client_type", flat=True).first()
        return client_type != Application.CLIENT_CONFIDENTIAL

    def validate_grant_type(self, client_id, grant_type, client, request, *args, **kwargs) -> bool:
        Application = get_application_model()
        if grant_type == "client_credentials":
            return client.client_type == Application.CLIENT_CONFIDENTIAL
        if grant_type == "refresh_token":
            return client.allows_grant_type(Application.GRANT_AUTHORIZATION_CODE)
        return super().validate_grant_type(client_id, grant_type, client, request, *args, **kwargs)

    def validate_user(self, username, password, client, request, *args, **kwargs) -> bool:
        """The password grant: a password past the tenant's `max_age_days` signs nobody in."""
        from apps.security.passwords import password_expired

        if not super().validate_user(username, password, client, request, *args, **kwargs):
            return False
        if password_expired(request.user):
            request.user = None
            return False
        return True

    def _save_bearer_token(self, token, request, *args, **kwargs):
        super()._save_bearer_token(token, request, *args, **kwargs)
        if request.grant_type == "authorization_code" and request.user is not None:
            from apps.identity.services import oauth_sessions_trim
            from apps.security.services import security_config_get

            limit = security_config_get()["session_config"]["concurrent_sessions"]
            oauth_sessions_trim(user=request.user, keep=limit)

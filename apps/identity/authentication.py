"""DRF authentication by `Authorization: Bearer <JWT>`: every refusal is a 401 with the design's body."""

from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed

from apps.core.permissions import grants_cover
from apps.identity.tokens import TokenPrincipal, TokenRefused, token_verify

# A forged or cross-tenant token says more about the caller than an expired one.
SUSPICIOUS = {"token_invalid", "tenant_mismatch"}


class ClientPrincipal:
    """The caller of a `client_credentials` token: an application, not a person."""

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_superuser = False
    pk = None
    id = None
    team_id = None
    department_id = None

    def __init__(self, application, permissions: list[str]):
        self.application = application
        self._permissions = permissions
        self.email = ""
        self.full_name = application.name or application.client_id

    def permission_strings(self) -> list[str]:
        return self._permissions

    def role_names(self) -> list[str]:
        return []

    def __str__(self) -> str:
        return f"client:{self.application.client_id}"


def refused(exc: TokenRefused, realm: str = "api") -> AuthenticationFailed:
    failure = AuthenticationFailed(exc.message)
    failure.details = exc.details
    failure.auth_header = f'Bearer realm="{realm}", error="invalid_token", error_description="{exc.message}"'
    return failure


class JWTAuthentication(BaseAuthentication):
    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise refused(TokenRefused("token_invalid", "Malformed Authorization header"))
        try:
            raw = parts[1].decode("ascii")
            claims, stored = token_verify(raw)
        except UnicodeDecodeError:
            raise refused(TokenRefused("token_invalid", "Invalid token")) from None
        except TokenRefused as exc:
            if exc.error_type in SUSPICIOUS:
                from apps.security.choices import SecurityEventType
                from apps.security.services import security_event_record

                security_event_record(
                    event_type=SecurityEventType.SUSPICIOUS_REQUEST_PATTERN,
                    request=request._request,  # the DRF request would re-enter authentication
                    actor_id="",
                    details={"reason": "bearer_token_refused", "error_type": exc.error_type},
                )
            raise refused(exc) from None
        permissions = list(claims.get("permissions") or [])
        if stored.user_id is not None:
            user = stored.user
            current = user.permission_strings()
            permissions = [grant for grant in permissions if not grants_cover(current, [grant])]
        else:
            user = ClientPrincipal(stored.application, permissions)
        principal = TokenPrincipal(
            claims=claims,
            permissions=permissions,
            access_token_id=stored.pk,
            application_id=stored.application_id,
        )
        request._request.crm_principal = principal
        return user, principal

    def authenticate_header(self, request) -> str:
        return 'Bearer realm="api"'

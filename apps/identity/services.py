"""Token lifecycle beyond what DOT does itself: logout, concurrent sessions, client permissions."""

from django.db import transaction
from oauth2_provider.models import get_access_token_model, get_refresh_token_model, revoke_access_token

from apps.identity.models import OAuthClientPermissions
from apps.identity.tokens import token_checksum


def access_token_revoke(*, raw: str) -> bool:
    """Revokes the access token (and its refresh token). True if it was live."""
    stored = get_access_token_model().objects.filter(token_checksum=token_checksum(raw)).first()
    if stored is None:
        return False
    revoke_access_token(stored)
    return True


def oauth_sessions_trim(*, user, keep: int) -> int:
    """Keeps the user's `keep` newest OAuth sessions (live refresh-token chains); revokes the rest."""
    stale = list(
        get_refresh_token_model().objects.filter(user=user, revoked__isnull=True).order_by("-created", "-id")[keep:]
    )
    for refresh_token in stale:
        refresh_token.revoke()
    return len(stale)


@transaction.atomic
def oauth_client_permissions_set(*, application, permissions: list[str]) -> OAuthClientPermissions:
    """What the client's `client_credentials` tokens may do (marketplace installs call this)."""
    grant, _ = OAuthClientPermissions.objects.update_or_create(
        application=application, defaults={"permissions": list(dict.fromkeys(permissions))}
    )
    return grant

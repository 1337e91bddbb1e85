from django.apps import AppConfig


class IdentityConfig(AppConfig):
    """OAuth2 + PKCE, RS256 JWT access tokens, JWKS."""

    name = "apps.identity"
    label = "identity"

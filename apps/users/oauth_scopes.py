"""OAuth2 scopes are the design's permission strings."""

from oauth2_provider.scopes import BaseScopes

from apps.users.roles import ALL_PERMISSIONS


class PermissionScopes(BaseScopes):
    def get_all_scopes(self) -> dict[str, str]:
        return {perm: perm for perm in ALL_PERMISSIONS}

    def get_available_scopes(self, application=None, request=None, *args, **kwargs) -> list[str]:
        return list(ALL_PERMISSIONS)

    def get_default_scopes(self, application=None, request=None, *args, **kwargs) -> list[str]:
        return list(ALL_PERMISSIONS)

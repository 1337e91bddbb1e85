"""Routes outside /v1 (filled by this module)."""

urlpatterns: list = []

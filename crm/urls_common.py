"""Routes both the public host and tenant hosts serve: health, OpenAPI, Django's error pages."""

from django.urls import path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from apps.core import views as core_views
from apps.core.permissions import PUBLIC
from apps.identity.views import jwks_view


class PublicSchemaView(SpectacularAPIView):
    required_permissions = {"*": PUBLIC}


class PublicSwaggerView(SpectacularSwaggerView):
    required_permissions = {"*": PUBLIC}


common_urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False), name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path(".well-known/jwks.json", jwks_view, name="jwks"),  # one key set for the whole platform
    path("v1/schema", PublicSchemaView.as_view(), name="schema"),
    path("v1/docs", PublicSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
]

handler400 = "apps.core.views.bad_request"
handler403 = "apps.core.views.permission_denied"
handler404 = "apps.core.views.not_found"
handler500 = "apps.core.views.server_error"

"""`/v1/marketplace/...` on tenant hosts: the catalogue and installs (tenant admins), the data
access and widgets of installed apps (the app's own `client_credentials` token)."""

import functools

from django.utils.module_loading import import_string
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.sorting import SortOrderFilter
from apps.core.api.viewsets import CrmViewSet
from apps.core.errors import Forbidden, ValidationFailed
from apps.core.permissions import AUTHENTICATED, caller_grants, grant_scope, permission_denied_details
from apps.marketplace import selectors, services
from apps.marketplace.api.serializers import (
    AppSerializer,
    InstallationSerializer,
    InstallSerializer,
    WidgetSerializer,
)
from apps.marketplace.models import Installation, MarketplaceApp, Widget
from apps.marketplace.permissions import MARKETPLACE_MANAGE, MARKETPLACE_READ

# What an app may list through `/v1/marketplace/data/<resource>`: the records' own list views,
# so filters, sorting, pagination, serialization and query counts are exactly the REST API's.
DATA_VIEWSETS = {
    "deals": "apps.deals.api.views.DealViewSet",
    "contacts": "apps.contacts.api.views.ContactViewSet",
    "accounts": "apps.accounts.api.views.AccountViewSet",
    "leads": "apps.leads.api.views.LeadViewSet",
    "pipelines": "apps.pipelines.api.views.PipelineViewSet",
}
APP_ID_HEADER = OpenApiParameter(
    "X-App-ID", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True, description="The app's id (app_...)."
)


def app_installation(request) -> Installation | None:
    """The installation behind the caller's token when the caller is an installed app's OAuth
    client (a `client_credentials` token), else None."""
    application = getattr(request.user, "application", None)
    if application is None:
        return None
    if not hasattr(request, "_marketplace_installation"):
        request._marketplace_installation = selectors.installation_of_client(client_id=application.client_id)
    return request._marketplace_installation


def require_app(request) -> Installation:
    installation = app_installation(request)
    if installation is None:
        raise Forbidden("Only an installed marketplace app's token may do this.")
    return installation


def require_permission(request, permission: str) -> None:
    if grant_scope(caller_grants(request), permission) is None:
        denied = PermissionDenied("Insufficient permissions")
        denied.details = permission_denied_details(request, permission)
        raise denied


class ListRetrieveViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    filter_backends = [SortOrderFilter]
    lookup_value_regex = "[^/]+"
    sort_fields = {"created_at": "created_at", "name": "name"}
    default_sort = "-created_at"


class CatalogueViewSet(ListRetrieveViewSet):
    """`/v1/marketplace/apps`: the apps a tenant may install; `apps/install` installs one."""

    queryset = selectors.app_catalogue()
    serializer_class = AppSerializer
    permission_resource = "marketplace"
    required_permissions = {"install": MARKETPLACE_MANAGE}

    @extend_schema(request=InstallSerializer, responses={201: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["post"])
    def install(self, request):
        body = InstallSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        config = body.validated_data["installation_config"]
        app = MarketplaceApp.objects.filter(pk=body.validated_data["app_id"]).first()
        if app is None:
            raise ValidationFailed({"app_id": f"No app '{body.validated_data['app_id']}'."})
        installation = services.app_install(
            app=app,
            permissions_granted=config["permissions_granted"],
            data_access_level=config["data_access_level"],
            webhook_config=config.get("webhook_config"),
            custom_settings=config.get("custom_settings"),
            installed_by=request.user,
            installer_grants=caller_grants(request),
        )
        return Response(InstallationSerializer(installation).data, status=status.HTTP_201_CREATED)


class InstallationViewSet(mixins.DestroyModelMixin, ListRetrieveViewSet):
    """`/v1/marketplace/installations`: the tenant's installed apps; DELETE uninstalls."""

    serializer_class = InstallationSerializer
    permission_resource = "marketplace"
    required_permissions = {"destroy": MARKETPLACE_MANAGE}
    sort_fields = {"created_at": "created_at"}

    def get_queryset(self):
        return selectors.installation_list()

    def destroy(self, request, *args, **kwargs):
        installation = self.get_object()
        installation_id = installation.pk
        services.app_uninstall(installation=installation, actor=request.user)
        return Response({"id": installation_id, "deleted": True})


@functools.cache
def _list_view(resource: str):
    return import_string(DATA_VIEWSETS[resource]).as_view({"get": "list"})


class MarketplaceDataView(APIView):
    """`GET /v1/marketplace/data/<resource>`: an installed app reads records it was granted."""

    resource = ""  # one route per resource: `as_view(resource="deals")`

    @property
    def required_permissions(self) -> dict[str, str]:
        return {"get": f"{self.resource}:read"}

    @extend_schema(parameters=[APP_ID_HEADER], responses=OpenApiTypes.OBJECT)
    def get(self, request):
        installation = require_app(request)
        app_id = request.headers.get("X-App-ID", "")
        if not app_id:
            raise ValidationFailed({"X-App-ID": "The header naming the app (app_...) is required."})
        if app_id != installation.app_id:
            raise Forbidden("X-App-ID does not name the app this token was issued to.")
        # The records' own list view answers, as this very caller: the request was already routed,
        # authenticated and counted by the rate limiter.
        inner = request._request
        inner._force_auth_user, inner._force_auth_token = request.user, request.auth
        return _list_view(self.resource)(inner)


class WidgetViewSet(CrmViewSet):
    """`/v1/marketplace/widgets`: an app's dashboard widgets; `{id}/data` computes one.

    Apps create widgets and see their own; tenant people holding `marketplace:read` see every
    widget of the tenant (its data still limited to what its app was granted).
    """

    queryset = Widget.objects.none()
    serializer_class = WidgetSerializer
    required_permissions = {"*": AUTHENTICATED}
    owner_field = None
    http_method_names = ["get", "post", "delete", "head", "options"]
    sort_fields = {"created_at": "created_at", "name": "name"}
    default_sort = "-created_at"

    def get_queryset(self):
        installation = app_installation(self.request)
        if installation is None:
            require_permission(self.request, MARKETPLACE_READ)
        return selectors.widget_list(installation=installation)

    def create(self, request, *args, **kwargs):
        installation = require_app(request)
        body = self.get_serializer(data=request.data)
        body.is_valid(raise_exception=True)
        widget = services.widget_create(installation=installation, **body.validated_data)
        return Response(self.get_serializer(widget).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance: Widget) -> None:
        if app_installation(self.request) is None:
            require_permission(self.request, MARKETPLACE_MANAGE)
        services.widget_delete(widget=instance)

    @extend_schema(responses=OpenApiTypes.OBJECT)
    @action(detail=True, methods=["get"])
    def data(self, request, pk=None):
        widget = self.get_object()
        if app_installation(request) is None:  # a person sees figures of records they may read
            require_permission(request, f"{widget.data_source['query']}:read")
        return Response(selectors.widget_data(widget=widget))

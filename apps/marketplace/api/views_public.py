"""`/v1/marketplace/apps...` on the public host: operators register, list and disable apps.

Operators are the superusers of the public schema. The public host has no OAuth server of its own
(OAuth clients and tokens live in tenant schemas), so they authenticate with their console session
(browser, `X-CSRFToken`) or, from scripts, with HTTP Basic (`email:password`, over TLS), checked by
the same sign-in backend as the console (lockout after repeated failures included).
"""

from django.db import connection
from django_tenants.utils import get_public_schema_name
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authentication import BasicAuthentication, SessionAuthentication
from rest_framework.decorators import action
from rest_framework.permissions import BasePermission
from rest_framework.response import Response

from apps.core.permissions import AUTHENTICATED, DeclaredPermission
from apps.marketplace import selectors, services
from apps.marketplace.api.serializers import AppRegisterSerializer, AppSerializer, registered_app_data
from apps.marketplace.api.views import ListRetrieveViewSet
from apps.security.ratelimit import RateLimitGate


class IsOperator(BasePermission):
    message = "Only the platform's operators may manage marketplace apps."

    def has_permission(self, request, view) -> bool:
        user = request.user
        return connection.schema_name == get_public_schema_name() and user.is_active and user.is_superuser


class OperatorAppViewSet(ListRetrieveViewSet):
    queryset = selectors.app_list()
    serializer_class = AppSerializer
    authentication_classes = [BasicAuthentication, SessionAuthentication]
    permission_classes = [RateLimitGate, DeclaredPermission, IsOperator]
    required_permissions = {"*": AUTHENTICATED}

    @extend_schema(request=AppRegisterSerializer, responses={201: OpenApiTypes.OBJECT})
    @action(detail=False, methods=["post"])
    def register(self, request):
        body = AppRegisterSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        info = data["app_info"]
        registered = services.app_register(
            name=info["name"],
            description=info["description"],
            version=info["version"],
            developer=info["developer"],
            permissions_requested=data["permissions_requested"],
            webhook_endpoints=data["webhook_endpoints"],
            oauth_config=data.get("oauth_config"),
            registered_by=request.user.email,
        )
        return Response(registered_app_data(registered), status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=AppSerializer)
    @action(detail=True, methods=["post"])
    def disable(self, request, pk=None):
        return Response(AppSerializer(services.app_disable(app=self.get_object())).data)

    @extend_schema(request=None, responses=AppSerializer)
    @action(detail=True, methods=["post"])
    def enable(self, request, pk=None):
        return Response(AppSerializer(services.app_enable(app=self.get_object())).data)

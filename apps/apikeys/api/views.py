"""`/v1/api-keys`: create (key and secret shown once), list, get, revoke, rotate."""

from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from apps.apikeys import services
from apps.apikeys.api.serializers import ApiKeyCreateSerializer, ApiKeySerializer, issued_key_data
from apps.apikeys.models import ApiKey
from apps.core.api.viewsets import CrmViewSet
from apps.core.permissions import caller_grants
from apps.security.services import security_config_get


class ApiKeyViewSet(CrmViewSet):
    queryset = ApiKey.objects.all()
    serializer_class = ApiKeySerializer
    permission_resource = "api_keys"
    required_permissions = {"rotate": "api_keys:write"}
    owner_field = "created_by"
    http_method_names = ["get", "post", "delete", "head", "options"]
    sort_fields = {"name": "name", "created_at": "created_at", "expires_at": "expires_at"}
    default_sort = "-created_at"

    def get_serializer_context(self) -> dict:
        context = super().get_serializer_context()
        context["rotation_days"] = security_config_get(self.request)["api_security"]["api_key_rotation_days"]
        return context

    def create(self, request, *args, **kwargs):
        serializer = ApiKeyCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        issued = services.api_key_create(
            request=request, creator=request.user, creator_grants=caller_grants(request), **serializer.validated_data
        )
        return Response(issued_key_data(issued), status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def rotate(self, request, pk=None):
        issued = services.api_key_rotate(api_key=self.get_object())
        return Response(issued_key_data(issued))

    def perform_destroy(self, instance: ApiKey) -> None:
        services.api_key_revoke(api_key=instance)

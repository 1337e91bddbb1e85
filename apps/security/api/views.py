"""`/v1/security-events` (tenant admins read the log) and `/v1/tenant/security-config`."""

from django.db import connection
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api.viewsets import CrmViewSet
from apps.security import services
from apps.security.api.serializers import SecurityConfigSerializer, SecurityEventSerializer
from apps.security.filtersets import SecurityEventFilterSet
from apps.security.models import SecurityEvent


class SecurityEventViewSet(CrmViewSet):
    queryset = SecurityEvent.objects.all()
    serializer_class = SecurityEventSerializer
    permission_resource = "security"
    owner_field = None
    http_method_names = ["get", "head", "options"]
    filterset_class = SecurityEventFilterSet
    sort_fields = {"timestamp": "timestamp", "event_type": "event_type"}
    default_sort = "-timestamp"


class SecurityConfigView(APIView):
    required_permissions = {"get": "security:read", "put": "security:write", "patch": "security:write"}

    def _answer(self, config: dict) -> Response:
        return Response({"tenant_id": connection.schema_name, "security_config": config})

    def get(self, request):
        return self._answer(services.security_config_get(request))

    def put(self, request):
        serializer = SecurityConfigSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._answer(services.security_config_update(sections=serializer.validated_data["security_config"]))

    patch = put

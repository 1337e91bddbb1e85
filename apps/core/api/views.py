from apps.core.api.serializers_custom_fields import CustomFieldDefinitionSerializer
from apps.core.api.viewsets import CrmViewSet
from apps.core.models import CustomFieldDefinition


class CustomFieldDefinitionViewSet(CrmViewSet):
    """`/v1/custom-fields`: the fields a tenant adds to contacts, accounts, leads and deals."""

    queryset = CustomFieldDefinition.objects.all()
    serializer_class = CustomFieldDefinitionSerializer
    permission_resource = "custom_fields"
    required_permissions = {"list": "custom_fields:read", "retrieve": "custom_fields:read"}
    owner_field = None
    filterset_fields = ["entity"]
    sort_fields = {"name": "name", "entity": "entity", "createdAt": "created_at"}
    default_sort = "entity"

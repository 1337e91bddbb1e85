"""A test-only urlconf: the tenant's routes plus a tiny contacts endpoint on the base viewset, so
ownership scopes can be tested before the contacts module lands."""

from django.urls import include, path
from rest_framework import serializers

from apps.contacts.models import Contact
from apps.core.api.urls import OptionalSlashRouter
from apps.core.api.viewsets import CrmViewSet
from crm.urls_tenant import urlpatterns as tenant_urlpatterns


class ProbeContactSerializer(serializers.ModelSerializer):
    firstName = serializers.CharField(source="first_name")
    lastName = serializers.CharField(source="last_name")
    ownerId = serializers.CharField(source="owner_id", read_only=True)

    class Meta:
        model = Contact
        fields = ["id", "firstName", "lastName", "ownerId"]


class ProbeContactViewSet(CrmViewSet):
    queryset = Contact.objects.all()
    serializer_class = ProbeContactSerializer
    permission_resource = "contacts"
    sort_fields = {"lastName": "last_name"}
    default_sort = "last_name"

    def perform_create(self, serializer) -> None:
        serializer.save(owner=self.request.user)


router = OptionalSlashRouter()
router.register("probe-contacts", ProbeContactViewSet, basename="probe-contact")
urlpatterns = [path("v1/", include(router.urls)), *tenant_urlpatterns]

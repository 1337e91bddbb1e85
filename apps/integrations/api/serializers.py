"""The design's integration bodies (snake_case), and the answers for connections and syncs."""

from decimal import Decimal

from rest_framework import serializers

from apps.core.api.serializers import StrictSerializer
from apps.core.errors import IntegrationError
from apps.integrations import selectors
from apps.integrations.choices import PROVIDER_TYPE, Provider
from apps.integrations.crypto import credentials_decrypt
from apps.integrations.models import Connection, Sync
from apps.integrations.providers import ADAPTERS
from apps.integrations.services.email_marketing import field_mapping_clean, sync_options_clean


def _iso(value):
    return value.strftime("%Y-%m-%dT%H:%M:%SZ") if value else None


# -- connections -------------------------------------------------------------------------------
class ConnectionSerializer(StrictSerializer):
    provider = serializers.ChoiceField(choices=Provider.choices)
    credentials = serializers.DictField()
    settings = serializers.DictField(required=False)

    def to_representation(self, connection: Connection) -> dict:
        return {
            "id": connection.pk,
            "provider": connection.provider,
            "integration_type": PROVIDER_TYPE[connection.provider].value,
            "credentials_set": connection.credential_fields,
            "settings": connection.settings,
            "base_url": _base_url(connection),
            "created_by": connection.created_by_id,
            "last_used_at": _iso(connection.last_used_at),
            "created_at": _iso(connection.created_at),
            "updated_at": _iso(connection.updated_at),
        }


class ConnectionUpdateSerializer(StrictSerializer):
    credentials = serializers.DictField(required=False)
    settings = serializers.DictField(required=False)


def _base_url(connection: Connection) -> str | None:
    """Where calls go: the `base_url` setting, else the provider's (Mailchimp's depends on the key)."""
    try:
        credentials = credentials_decrypt(connection.credentials)
    except IntegrationError:
        return connection.settings.get("base_url")
    return ADAPTERS[connection.provider](credentials=credentials, settings=connection.settings).base_url()


# -- syncs -------------------------------------------------------------------------------------
def sync_representation(sync: Sync, *, status_url: str) -> dict:
    """The design's sync answer (`sync_id`, `status`, `contacts_queued`, `estimated_completion`,
    `webhook_url`: where its status is read) with its progress."""
    return {
        "sync_id": sync.pk,
        "provider": sync.provider,
        "integration_type": PROVIDER_TYPE[sync.provider].value,
        "list_id": sync.request.get("list_id"),
        "status": sync.status,
        "contacts_queued": sync.contacts_queued,
        "processed": sync.processed,
        "created": sync.created,
        "updated": sync.updated,
        "failed": sync.failed,
        "errors": sync.errors,
        "error": sync.error,
        "estimated_completion": _iso(sync.estimated_completion),
        "webhook_url": status_url,
        "created_at": _iso(sync.created_at),
        "started_at": _iso(sync.started_at),
        "finished_at": _iso(sync.finished_at),
    }


class SyncContactsSerializer(StrictSerializer):
    provider = serializers.ChoiceField(choices=[Provider.MAILCHIMP])
    list_id = serializers.CharField(max_length=100)
    contact_filter = serializers.JSONField(required=False)
    field_mapping = serializers.JSONField(required=False)
    sync_options = serializers.JSONField(required=False)

    def validate_contact_filter(self, value):
        return selectors.contact_filter_clean(value)

    def validate_field_mapping(self, value):
        return field_mapping_clean(value)

    def validate_sync_options(self, value):
        return sync_options_clean(value)

    def validate(self, attrs):
        attrs.setdefault("contact_filter", {})
        attrs.setdefault("field_mapping", field_mapping_clean(None))
        attrs.setdefault("sync_options", sync_options_clean(None))
        return attrs


# -- calendar ----------------------------------------------------------------------------------
class CalendarAttendeeSerializer(StrictSerializer):
    email = serializers.EmailField()
    name = serializers.CharField(max_length=255, required=False, allow_blank=True)
    contact_id = serializers.CharField(max_length=40, required=False, allow_blank=True)


class CalendarEventBodySerializer(StrictSerializer):
    title = serializers.CharField(max_length=1024)
    description = serializers.CharField(required=False, allow_blank=True, max_length=8000)
    start_time = serializers.DateTimeField()
    end_time = serializers.DateTimeField()
    location = serializers.CharField(required=False, allow_blank=True, max_length=255)
    attendees = CalendarAttendeeSerializer(many=True, required=False)

    def validate(self, attrs):
        if attrs["end_time"] < attrs["start_time"]:
            raise serializers.ValidationError({"end_time": "end_time must not be before start_time."})
        return attrs


class CrmContextSerializer(StrictSerializer):
    deal_id = serializers.CharField(max_length=40, required=False, allow_blank=True)
    activity_type = serializers.CharField(max_length=50, required=False, allow_blank=True)
    create_crm_activity = serializers.BooleanField(required=False, default=False)


class CalendarEventSerializer(StrictSerializer):
    provider = serializers.ChoiceField(choices=[Provider.GOOGLE_CALENDAR])
    calendar_id = serializers.CharField(max_length=255, required=False, default="primary")
    event = CalendarEventBodySerializer()
    crm_context = CrmContextSerializer(required=False)


# -- accounting --------------------------------------------------------------------------------
class InvoiceAddressSerializer(StrictSerializer):
    street = serializers.CharField(max_length=500, required=False, allow_blank=True)
    city = serializers.CharField(max_length=255, required=False, allow_blank=True)
    state = serializers.CharField(max_length=255, required=False, allow_blank=True)
    zip = serializers.CharField(max_length=30, required=False, allow_blank=True)
    country = serializers.CharField(max_length=255, required=False, allow_blank=True)


class InvoiceCustomerSerializer(StrictSerializer):
    name = serializers.CharField(max_length=100)  # QBO's DisplayName limit
    email = serializers.EmailField(required=False, allow_blank=True)
    address = InvoiceAddressSerializer(required=False)


class InvoiceLineItemSerializer(StrictSerializer):
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    quantity = serializers.DecimalField(max_digits=14, decimal_places=4, min_value=Decimal("0"))
    rate = serializers.DecimalField(max_digits=16, decimal_places=2)
    amount = serializers.DecimalField(max_digits=16, decimal_places=2, required=False)

    def validate(self, attrs):
        expected = (attrs["quantity"] * attrs["rate"]).quantize(Decimal("0.01"))
        if "amount" in attrs and attrs["amount"] != expected:
            raise serializers.ValidationError({"amount": f"amount must be quantity × rate ({expected})."})
        attrs["amount"] = expected
        return attrs


class InvoiceDataSerializer(StrictSerializer):
    customer = InvoiceCustomerSerializer()
    line_items = InvoiceLineItemSerializer(many=True, allow_empty=False)
    terms = serializers.CharField(max_length=31, required=False, allow_blank=True)
    due_date = serializers.DateField(required=False)


class InvoiceSyncOptionsSerializer(StrictSerializer):
    update_deal_status = serializers.BooleanField(required=False, default=False)
    create_payment_tracking = serializers.BooleanField(required=False, default=False)


class CreateInvoiceSerializer(StrictSerializer):
    provider = serializers.ChoiceField(choices=[Provider.QUICKBOOKS])
    deal_id = serializers.CharField(max_length=40)
    invoice_data = InvoiceDataSerializer()
    sync_options = InvoiceSyncOptionsSerializer(required=False)

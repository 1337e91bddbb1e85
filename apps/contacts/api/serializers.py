from rest_framework import serializers

from apps.contacts.models import Contact
from apps.core.api.pagination import MAX_LIMIT
from apps.core.api.serializers import StrictSerializer

DATETIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def iso(value) -> str | None:
    return value.strftime(DATETIME_FORMAT) if value else None


def user_summary(user) -> dict | None:
    if user is None:
        return None
    name = f"{user.first_name} {user.last_name}".strip() or user.email
    return {"id": user.pk, "name": name, "email": user.email}


class AddressSerializer(StrictSerializer):
    street = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=255)
    city = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=120)
    state = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=120)
    zipCode = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=20)
    country = serializers.CharField(required=False, allow_blank=True, allow_null=True, max_length=120)


class ContactSerializer(StrictSerializer):
    """The design's contact. Output is built by hand (`to_representation`): lists of 200 stay cheap."""

    id = serializers.CharField(read_only=True)
    firstName = serializers.CharField(source="first_name", max_length=150)
    lastName = serializers.CharField(source="last_name", max_length=150)
    email = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=254)
    phone = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=40)
    company = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=255)
    jobTitle = serializers.CharField(
        source="job_title", required=False, allow_null=True, allow_blank=True, max_length=255
    )
    address = AddressSerializer(required=False, allow_null=True)
    customFields = serializers.JSONField(source="custom_fields", required=False)
    accountId = serializers.CharField(source="account_id", required=False, allow_null=True, max_length=40)
    ownerId = serializers.CharField(source="owner_id", required=False, allow_null=True, max_length=40)

    def to_representation(self, contact: Contact) -> dict:
        account = contact.account if contact.account_id else None
        return {
            "id": contact.pk,
            "firstName": contact.first_name,
            "lastName": contact.last_name,
            "fullName": contact.full_name,
            "email": contact.email,
            "phone": contact.phone or None,
            "company": contact.company or None,
            "jobTitle": contact.job_title or None,
            "address": contact.address or None,
            "customFields": contact.custom_fields or {},
            "accountId": contact.account_id,
            "account": {"id": account.pk, "name": account.name} if account else None,
            "ownerId": contact.owner_id,
            "owner": user_summary(contact.owner) if contact.owner_id else None,
            "createdAt": iso(contact.created_at),
            "updatedAt": iso(contact.updated_at),
        }


class SearchFiltersSerializer(StrictSerializer):
    company = serializers.CharField(required=False, allow_blank=True, max_length=255)
    jobTitle = serializers.CharField(required=False, allow_blank=True, max_length=255)
    createdAfter = serializers.DateTimeField(required=False)
    createdBefore = serializers.DateTimeField(required=False)
    accountId = serializers.CharField(required=False, max_length=40)
    ownerId = serializers.CharField(required=False, max_length=40)
    email = serializers.CharField(required=False, max_length=254)


class SearchSortSerializer(StrictSerializer):
    field = serializers.CharField(max_length=40)
    order = serializers.ChoiceField(choices=["asc", "desc"], required=False, default="asc")


class SearchPaginationSerializer(StrictSerializer):
    page = serializers.IntegerField(min_value=1, required=False, default=1)
    limit = serializers.IntegerField(min_value=1, required=False, default=25)

    def validate_limit(self, value: int) -> int:
        return min(value, MAX_LIMIT)


class ContactSearchSerializer(StrictSerializer):
    """`POST /v1/contacts/search`: the design's body."""

    query = serializers.CharField(required=False, allow_blank=True, max_length=200)
    filters = SearchFiltersSerializer(required=False)
    sort = SearchSortSerializer(required=False)
    pagination = SearchPaginationSerializer(required=False)

from rest_framework import serializers

from apps.accounts.choices import AccountType, RelationshipType
from apps.accounts.models import Account, AccountRelationship
from apps.contacts.api.serializers import AddressSerializer, iso, user_summary
from apps.core.api.serializers import StrictSerializer


class AccountSerializer(StrictSerializer):
    id = serializers.CharField(read_only=True)
    name = serializers.CharField(max_length=255)
    website = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=500)
    industry = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=120)
    employees = serializers.IntegerField(required=False, allow_null=True, min_value=0)
    annualRevenue = serializers.DecimalField(
        source="annual_revenue", max_digits=18, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    type = serializers.ChoiceField(choices=AccountType.choices, required=False)
    parentAccountId = serializers.CharField(source="parent_id", required=False, allow_null=True, max_length=40)
    address = AddressSerializer(required=False, allow_null=True)
    customFields = serializers.JSONField(source="custom_fields", required=False)
    ownerId = serializers.CharField(source="owner_id", required=False, allow_null=True, max_length=40)

    def to_representation(self, account: Account) -> dict:
        revenue = account.annual_revenue
        parent = account.parent if account.parent_id else None
        return {
            "id": account.pk,
            "name": account.name,
            "website": account.website or None,
            "industry": account.industry or None,
            "employees": account.employees,
            "annualRevenue": (int(revenue) if revenue == int(revenue) else float(revenue))
            if revenue is not None
            else None,
            "type": account.type,
            "parentAccountId": account.parent_id,
            "parentAccount": {"id": parent.pk, "name": parent.name} if parent else None,
            "address": account.address or None,
            "customFields": account.custom_fields or {},
            "ownerId": account.owner_id,
            "owner": user_summary(account.owner) if account.owner_id else None,
            "createdAt": iso(account.created_at),
            "updatedAt": iso(account.updated_at),
        }


class AccountRelationshipSerializer(StrictSerializer):
    id = serializers.CharField(read_only=True)
    relatedAccountId = serializers.CharField(source="related_account_id", max_length=40)
    relationshipType = serializers.ChoiceField(source="relationship_type", choices=RelationshipType.choices)
    description = serializers.CharField(required=False, allow_blank=True, default="")

    def to_representation(self, relationship: AccountRelationship) -> dict:
        return {
            "id": relationship.pk,
            "accountId": relationship.account_id,
            "relatedAccountId": relationship.related_account_id,
            "relationshipType": relationship.relationship_type,
            "description": relationship.description,
            "createdAt": iso(relationship.created_at),
        }

from rest_framework import serializers

from apps.contacts.api.serializers import iso, user_summary
from apps.core.api.serializers import StrictSerializer
from apps.leads.choices import LeadStatus
from apps.leads.models import Lead


class LeadSerializer(StrictSerializer):
    id = serializers.CharField(read_only=True)
    firstName = serializers.CharField(source="first_name", max_length=150)
    lastName = serializers.CharField(source="last_name", max_length=150)
    email = serializers.CharField(max_length=254)
    phone = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=40)
    company = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=255)
    jobTitle = serializers.CharField(
        source="job_title", required=False, allow_null=True, allow_blank=True, max_length=255
    )
    source = serializers.CharField(required=False, allow_null=True, allow_blank=True, max_length=120)
    status = serializers.ChoiceField(choices=LeadStatus.choices, required=False)
    score = serializers.IntegerField(required=False, min_value=0, max_value=100)
    customFields = serializers.JSONField(source="custom_fields", required=False)
    ownerId = serializers.CharField(source="owner_id", required=False, allow_null=True, max_length=40)

    def to_representation(self, lead: Lead) -> dict:
        return {
            "id": lead.pk,
            "firstName": lead.first_name,
            "lastName": lead.last_name,
            "fullName": lead.full_name,
            "email": lead.email,
            "phone": lead.phone or None,
            "company": lead.company or None,
            "jobTitle": lead.job_title or None,
            "source": lead.source,
            "status": lead.status,
            "score": lead.score,
            "isQualified": lead.status in (LeadStatus.QUALIFIED, LeadStatus.CONVERTED),
            "qualificationNotes": lead.qualification_notes or None,
            "nextAction": lead.next_action or None,
            "qualifiedAt": iso(lead.qualified_at),
            "convertedAt": iso(lead.converted_at),
            "convertedContactId": lead.converted_contact_id,
            "convertedAccountId": lead.converted_account_id,
            "convertedDealId": lead.converted_deal_id,
            "customFields": lead.custom_fields or {},
            "ownerId": lead.owner_id,
            "owner": user_summary(lead.owner) if lead.owner_id else None,
            "createdAt": iso(lead.created_at),
            "updatedAt": iso(lead.updated_at),
        }


class QualifySerializer(StrictSerializer):
    qualificationNotes = serializers.CharField(required=False, allow_blank=True, default="")
    score = serializers.IntegerField(required=False, min_value=0, max_value=100)
    nextAction = serializers.CharField(required=False, allow_blank=True, max_length=255, default="")


class ScoreSerializer(StrictSerializer):
    score = serializers.IntegerField(min_value=0, max_value=100)
    scoringFactors = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, default=list, max_length=50
    )


class ConvertSerializer(StrictSerializer):
    createContact = serializers.BooleanField(required=False, default=True)
    createDeal = serializers.BooleanField(required=False, default=False)
    dealTitle = serializers.CharField(required=False, allow_blank=True, max_length=255, default="")
    dealValue = serializers.DecimalField(max_digits=16, decimal_places=2, required=False, allow_null=True, min_value=0)
    pipelineId = serializers.CharField(required=False, allow_null=True, max_length=40)
    accountId = serializers.CharField(required=False, allow_null=True, max_length=40)


def score_history_representation(entry) -> dict:
    return {
        "score": entry.score,
        "previousScore": entry.previous_score,
        "scoringFactors": entry.scoring_factors,
        "changedBy": entry.changed_by_id,
        "createdAt": iso(entry.created_at),
    }

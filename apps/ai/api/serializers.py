"""Request bodies of the AI endpoints: the design's, snake_case, unknown keys refused."""

from rest_framework import serializers

from apps.ai.enrichment import FIELDS, SOURCES
from apps.core.api.serializers import StrictSerializer

ENGAGEMENT_WORDS = ("low", "medium", "high")


def _count() -> serializers.IntegerField:
    return serializers.IntegerField(min_value=0, max_value=10_000_000, required=False)


def _text(length: int = 255) -> serializers.CharField:
    return serializers.CharField(max_length=length, required=False, allow_blank=True)


class DemographicSerializer(StrictSerializer):
    company_size = _count()
    industry = _text(120)
    job_title = _text()
    location = _text()


class BehavioralSerializer(StrictSerializer):
    email_opens = _count()
    website_visits = _count()
    content_downloads = _count()
    demo_requested = serializers.BooleanField(required=False)


class EngagementSerializer(StrictSerializer):
    response_time_hours = serializers.FloatField(min_value=0, max_value=100_000, required=False)
    meeting_acceptance_rate = serializers.FloatField(min_value=0, max_value=1, required=False)
    referral_source = _text(120)


class ScoringFactorsSerializer(StrictSerializer):
    demographic = DemographicSerializer(required=False)
    behavioral = BehavioralSerializer(required=False)
    engagement = EngagementSerializer(required=False)


class LeadScoreRequestSerializer(StrictSerializer):
    lead_id = serializers.CharField(max_length=40)
    scoring_factors = ScoringFactorsSerializer(required=False)


class DealCharacteristicsSerializer(StrictSerializer):
    value = serializers.DecimalField(max_digits=16, decimal_places=2, min_value=0, required=False)
    stage = serializers.CharField(max_length=120, required=False)
    days_in_stage = _count()
    contact_engagement = serializers.ChoiceField(choices=ENGAGEMENT_WORDS, required=False)


class HistoricalContextSerializer(StrictSerializer):
    similar_deals_won = _count()
    similar_deals_lost = _count()
    average_sales_cycle = serializers.IntegerField(min_value=1, max_value=3650, required=False)


class CompetitiveIntelSerializer(StrictSerializer):
    competitors_identified = serializers.ListField(
        child=serializers.CharField(max_length=120), max_length=50, required=False
    )
    competitive_advantage = _text(200)


class AnalysisFactorsSerializer(StrictSerializer):
    deal_characteristics = DealCharacteristicsSerializer(required=False)
    historical_context = HistoricalContextSerializer(required=False)
    competitive_intel = CompetitiveIntelSerializer(required=False)


class DealProbabilityRequestSerializer(StrictSerializer):
    deal_id = serializers.CharField(max_length=40)
    analysis_factors = AnalysisFactorsSerializer(required=False)


class ContactEnrichRequestSerializer(StrictSerializer):
    contact_id = serializers.CharField(max_length=40)
    enrichment_sources = serializers.ListField(
        child=serializers.ChoiceField(choices=SOURCES), max_length=len(SOURCES), required=False
    )
    fields_to_enrich = serializers.ListField(
        child=serializers.ChoiceField(choices=FIELDS), max_length=len(FIELDS), required=False
    )

    def validate(self, attrs):
        for name, every in (("enrichment_sources", SOURCES), ("fields_to_enrich", FIELDS)):
            given = attrs.get(name) or list(every)
            attrs[name] = list(dict.fromkeys(given))  # order kept, repeats dropped
        return attrs

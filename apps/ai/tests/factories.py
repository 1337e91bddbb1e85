"""History for AI tests: leads and deals with outcomes and a signal a model can learn, written in
bulk (a few statements), and the design's request bodies verbatim."""

import random
from datetime import timedelta
from decimal import Decimal

from django.db.models import F
from django.utils import timezone

from apps.ai.models import DealSignals, LeadSignals
from apps.deals.models import Deal, DealStageChange
from apps.leads.choices import LeadStatus
from apps.leads.models import Lead
from apps.pipelines.models import Pipeline, Stage
from apps.tenants.services import DEFAULT_STAGES

DESIGN_LEAD_SCORE_BODY = {
    "lead_id": "lead_456",
    "scoring_factors": {
        "demographic": {
            "company_size": 500,
            "industry": "Technology",
            "job_title": "VP Sales",
            "location": "San Francisco",
        },
        "behavioral": {
            "email_opens": 5,
            "website_visits": 12,
            "content_downloads": 3,
            "demo_requested": True,
        },
        "engagement": {
            "response_time_hours": 2,
            "meeting_acceptance_rate": 0.8,
            "referral_source": "existing_customer",
        },
    },
}

DESIGN_DEAL_PROBABILITY_BODY = {
    "deal_id": "deal_789",
    "analysis_factors": {
        "deal_characteristics": {
            "value": 75000,
            "stage": "proposal",
            "days_in_stage": 14,
            "contact_engagement": "high",
        },
        "historical_context": {
            "similar_deals_won": 12,
            "similar_deals_lost": 3,
            "average_sales_cycle": 45,
        },
        "competitive_intel": {
            "competitors_identified": ["Salesforce", "HubSpot"],
            "competitive_advantage": "pricing",
        },
    },
}

DESIGN_ENRICH_BODY = {
    "contact_id": "contact_456",
    "enrichment_sources": ["linkedin", "company_database", "social_media", "public_records"],
    "fields_to_enrich": [
        "job_title",
        "company_info",
        "social_profiles",
        "contact_preferences",
        "technology_stack",
    ],
}

STAGES = [*DEFAULT_STAGES, ("Closed Lost", 6, 0, "lost")]


def pipeline_with_lost_stage(name: str = "AI Pipeline") -> Pipeline:
    """The design's five stages plus a lost one (the default pipeline has no lost stage)."""
    pipeline = Pipeline.objects.create(name=name)
    Stage.objects.bulk_create(
        Stage(pipeline=pipeline, name=n, slug=n.lower().replace(" ", "_"), order=o, probability=p, stage_type=t)
        for n, o, p, t in STAGES
    )
    return pipeline


def seed_lead_history(*, owner, converted: int = 30, lost: int = 30, tag: str = "h", seed: int = 7) -> list[Lead]:
    """Converted leads mostly requested a demo; disqualified ones mostly did not (1 in 6 flipped)."""
    rng = random.Random(seed)
    now = timezone.now()
    leads = []
    for index in range(converted + lost):
        won = index < converted
        leads.append(
            Lead(
                first_name="Hist",
                last_name=f"{tag}{index}",
                email=f"{tag}{index}@history{index % 7}.test",
                company=f"History {index % 5}",
                source=rng.choice(["website", "event", "referral"]),
                status=LeadStatus.CONVERTED if won else LeadStatus.UNQUALIFIED,
                converted_at=now - timedelta(days=rng.randint(1, 60)) if won else None,
                owner=owner,
            )
        )
    Lead.objects.bulk_create(leads)
    LeadSignals.objects.bulk_create(
        LeadSignals(lead=lead, factors={"demo_requested": (index < converted) != (index % 6 == 5)})
        for index, lead in enumerate(leads)
    )
    return leads


def seed_deal_history(*, owner, pipeline: Pipeline, won: int = 30, lost: int = 30, seed: int = 11) -> list[Deal]:
    """Won deals mostly had a highly engaged contact; lost ones mostly a poorly engaged one."""
    rng = random.Random(seed)
    stages = {stage.slug: stage for stage in pipeline.stages.all()}
    now = timezone.now()
    deals = []
    for index in range(won + lost):
        closing = stages["closed_won"] if index < won else stages["closed_lost"]
        closed_at = now - timedelta(days=rng.randint(1, 90))
        deals.append(
            Deal(
                title=f"History deal {index}",
                value=Decimal(rng.choice([5000, 20000, 75000])),
                pipeline=pipeline,
                stage=closing,
                probability=closing.probability,
                actual_close_date=closed_at,
                stage_entered_at=closed_at,
                owner=owner,
            )
        )
    Deal.objects.bulk_create(deals)
    Deal.objects.filter(pk__in=[deal.pk for deal in deals]).update(
        created_at=F("actual_close_date") - timedelta(days=30)
    )
    DealStageChange.objects.bulk_create(
        DealStageChange(deal=deal, from_stage=stages[rng.choice(["proposal", "negotiation"])], to_stage=deal.stage)
        for deal in deals
    )
    DealSignals.objects.bulk_create(
        DealSignals(deal=deal, factors={"contact_engagement": "high" if (i < won) != (i % 6 == 5) else "low"})
        for i, deal in enumerate(deals)
    )
    return deals

"""Reads: the factors of many leads or deals in a constant number of queries, their training
labels, the current models and the outcomes accrued since the last training.

Each extraction returns one `Row` per record: `values` maps a factor name (apps.ai.factors) to its
raw value, None when unknown; `label` is 1 (converted / won), 0 (lost, disqualified, or a lead
left unconverted for LEAD_STALE_DAYS), None while the record is still open.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import (
    CharField,
    DateTimeField,
    F,
    Func,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Now, NullIf
from django.utils import timezone

from apps.accounts.models import Account
from apps.activities.choices import CommunicationDirection, CommunicationType
from apps.activities.models import Communication, Event, Task
from apps.ai import factors as f
from apps.ai.models import TrainedModel
from apps.core.choices import CustomFieldEntity, CustomFieldType
from apps.core.models import CustomFieldDefinition
from apps.deals.models import Deal, DealStageChange
from apps.history.models import RecordHistory
from apps.leads.choices import LeadStatus
from apps.leads.models import Lead, LeadScoreHistory
from apps.pipelines.choices import StageType
from apps.pipelines.models import Stage

LEAD_STALE_DAYS = 90  # an open lead this old without converting is a negative example
AI_SCORE_MARKER = "source:ai"  # in the scoring factors of the score changes the AI made
CLOSED = (StageType.WON, StageType.LOST)


@dataclass
class Row:
    id: str
    values: dict[str, Any]
    label: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # what explanations quote (stage name, ...)


def _count(queryset: QuerySet, distinct: bool = False) -> Coalesce:
    template = "COUNT(DISTINCT %(expressions)s)" if distinct else "COUNT(%(expressions)s)"
    counted = queryset.order_by().annotate(_n=Func(F("pk"), template=template, output_field=IntegerField()))
    return Coalesce(Subquery(counted.values("_n")[:1]), Value(0))


def _custom_field_features(entity: str) -> dict[str, str]:
    """The tenant's number and yes/no custom fields of `entity` (name -> kind): more factors."""
    kinds = {CustomFieldType.NUMBER: f.NUMBER, CustomFieldType.BOOL: f.BOOLEAN}
    return {
        name: kinds[field_type]
        for name, field_type in CustomFieldDefinition.objects.filter(
            entity=entity, field_type__in=list(kinds)
        ).values_list("name", "field_type")
    }


def _custom_values(custom_fields: dict, definitions: dict[str, str], known: tuple[str, ...]) -> dict[str, Any]:
    taken = set(known) | {f.camel(name) for name in known}
    return {f"cf_{name}": (custom_fields or {}).get(name) for name in definitions if name not in taken}


def lead_rows(leads: QuerySet[Lead], *, now=None) -> list[Row]:
    """The factors of every lead in `leads`: five queries whatever their number."""
    now = now or timezone.now()
    by_name = Account.objects.filter(name__iexact=OuterRef("company")).order_by("created_at")
    manual = (
        LeadScoreHistory.objects.filter(lead=OuterRef("pk"))
        .exclude(scoring_factors__contains=[AI_SCORE_MARKER])
        .order_by("-created_at")
    )
    records = leads.order_by().annotate(
        account_employees=Coalesce("converted_account__employees", Subquery(by_name.values("employees")[:1])),
        account_industry=Coalesce(
            NullIf("converted_account__industry", Value("")),
            Subquery(by_name.values("industry")[:1]),
            output_field=CharField(),
        ),
        manual_score=Subquery(manual.values("score")[:1]),
        signals=F("ai_signals__factors"),
    )
    fields = ("id", "email", "job_title", "source", "status", "qualified_at", "converted_at", "created_at")
    records = list(
        records.values(*fields, "custom_fields", "account_employees", "account_industry", "manual_score", "signals")
    )
    activity = _lead_activity_counts(leads)
    definitions = _custom_field_features(CustomFieldEntity.LEAD)
    rows = []
    for record in records:
        counts = activity.get(record["id"], {})
        values: dict[str, Any] = {
            "company_size": record["account_employees"],
            "industry": record["account_industry"] or (record["custom_fields"] or {}).get("industry"),
            "job_title": record["job_title"],
            "location": None,
            "business_email": f.business_email(record["email"]),
            "email_opens": None,
            "website_visits": None,
            "content_downloads": None,
            "demo_requested": None,
            "tasks_logged": counts.get("tasks", 0),
            "events_logged": counts.get("events", 0),
            "manual_score": record["manual_score"],
            "response_time_hours": None,
            "meeting_acceptance_rate": None,
            "referral_source": record["source"] or None,
            "emails_logged": counts.get(CommunicationType.EMAIL, 0),
            "calls_logged": counts.get(CommunicationType.CALL, 0),
            "meetings_logged": counts.get(CommunicationType.MEETING, 0) + counts.get("events", 0),
            "inbound_messages": counts.get("inbound", 0),
            "was_qualified": record["qualified_at"] is not None,
        }
        values.update(f.from_custom_fields(record["custom_fields"], f.LEAD_SIGNAL_NAMES))
        values.update({k: v for k, v in (record["signals"] or {}).items() if k in f.LEAD_SIGNAL_NAMES})
        values.update(_custom_values(record["custom_fields"], definitions, f.LEAD_SIGNAL_NAMES))
        rows.append(Row(id=record["id"], values=lead_values_normalize(values), label=_lead_label(record, now)))
    return rows


def lead_values_normalize(values: dict[str, Any]) -> dict[str, Any]:
    """Job titles become seniority levels; everything else stays as given."""
    if isinstance(values.get("job_title"), str):
        values["job_title"] = f.seniority(values["job_title"])
    return values


def _lead_label(record: dict, now) -> int | None:
    if record["status"] == LeadStatus.CONVERTED or record["converted_at"] is not None:
        return 1
    if record["status"] == LeadStatus.UNQUALIFIED:
        return 0
    if record["created_at"] < now - timedelta(days=LEAD_STALE_DAYS):
        return 0
    return None


def _lead_activity_counts(leads: QuerySet[Lead]) -> dict[str, dict[str, int]]:
    """Per lead id: communications by type, inbound ones, tasks and events. Three grouped queries."""
    from django.db.models import Count

    ids = leads.order_by().values("id")
    counts: dict[str, dict[str, int]] = {}
    communications = (
        Communication.objects.filter(related_type="lead", related_id__in=ids)
        .values("related_id", "type", "direction")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in communications:
        per_lead = counts.setdefault(row["related_id"], {})
        per_lead[row["type"]] = per_lead.get(row["type"], 0) + row["n"]
        if row["direction"] == CommunicationDirection.INBOUND:
            per_lead["inbound"] = per_lead.get("inbound", 0) + row["n"]
    for model, key in ((Task, "tasks"), (Event, "events")):
        grouped = (
            model.objects.filter(related_type="lead", related_id__in=ids)
            .values("related_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        for row in grouped:
            counts.setdefault(row["related_id"], {})[key] = row["n"]
    return counts


def stage_positions() -> dict[str, dict[str, Any]]:
    """Every stage: its position among its pipeline's open stages (0 first .. 1 last), its
    probability (0-1), type and name. One query."""
    stages = list(
        Stage.objects.order_by("pipeline_id", "order").values(
            "id", "pipeline_id", "name", "slug", "stage_type", "probability"
        )
    )
    open_by_pipeline: dict[str, list[str]] = {}
    for stage in stages:
        if stage["stage_type"] == StageType.OPEN:
            open_by_pipeline.setdefault(stage["pipeline_id"], []).append(stage["id"])
    positions = {}
    for stage in stages:
        opened = open_by_pipeline.get(stage["pipeline_id"], [])
        index = opened.index(stage["id"]) if stage["id"] in opened else None
        position = None if index is None else (index / (len(opened) - 1) if len(opened) > 1 else 1.0)
        positions[stage["id"]] = {**stage, "position": position, "probability": stage["probability"] / 100}
    return positions


def deal_rows(deals: QuerySet[Deal], *, now=None) -> list[Row]:
    """The factors of every deal in `deals`, counted up to its close for closed deals: three queries."""
    now = now or timezone.now()
    closing = DealStageChange.objects.filter(deal=OuterRef("pk"), to_stage=OuterRef("stage_id")).order_by("-created_at")
    cutoff = OuterRef("cutoff")
    related = Q(related_type="deal", related_id=OuterRef("pk"))
    with_contact = (
        Q(related_type="contact", related_id=OuterRef("contact_id")) | Q(participants=OuterRef("contact_id"))
    ) & Q(timestamp__lte=cutoff, timestamp__gte=OuterRef("engagement_from"))
    records = (
        deals.order_by()
        .annotate(cutoff=Coalesce(F("actual_close_date"), Now(), output_field=DateTimeField()))
        .annotate(
            engagement_from=F("cutoff") - timedelta(days=f.ENGAGEMENT_WINDOW_DAYS),
            closing_from_stage=Subquery(closing.values("from_stage_id")[:1]),
            closing_seconds=Subquery(closing.values("seconds_in_previous_stage")[:1]),
            moves=_count(
                DealStageChange.objects.filter(deal=OuterRef("pk"), from_stage__isnull=False).exclude(
                    to_stage__stage_type__in=CLOSED
                )
            ),
            communications=_count(Communication.objects.filter(related, timestamp__lte=cutoff)),
            meetings=_count(
                Communication.objects.filter(related, type=CommunicationType.MEETING, timestamp__lte=cutoff)
            ),
            tasks=_count(Task.objects.filter(related, created_at__lte=cutoff)),
            events=_count(Event.objects.filter(related, start_time__lte=cutoff)),
            contact_communications=_count(Communication.objects.filter(with_contact), distinct=True),
            signals=F("ai_signals__factors"),
        )
        .values(
            "id",
            "title",
            "value",
            "stage_id",
            "pipeline_id",
            "contact_id",
            "created_at",
            "stage_entered_at",
            "cutoff",
            "custom_fields",
            "closing_from_stage",
            "closing_seconds",
            "moves",
            "communications",
            "meetings",
            "tasks",
            "events",
            "contact_communications",
            "signals",
            "account__employees",
            "account__annual_revenue",
            "pipeline__name",
        )
    )
    stages = stage_positions()
    definitions = _custom_field_features(CustomFieldEntity.DEAL)
    rows = []
    for record in records:
        stage = stages.get(record["stage_id"]) or {}
        closed = stage.get("stage_type") in CLOSED
        reference = stages.get(record["closing_from_stage"]) if closed else stage
        if closed:
            days = record["closing_seconds"] / 86400 if record["closing_seconds"] is not None else None
        else:
            days = (now - record["stage_entered_at"]).total_seconds() / 86400 if record["stage_entered_at"] else None
        competitors = (record["custom_fields"] or {}).get("competitorInfo")
        values: dict[str, Any] = {
            "value": float(record["value"]),
            "stage": (reference or {}).get("position"),
            "stage_probability": (reference or {}).get("probability"),
            "days_in_stage": days,
            "sales_cycle_days": (record["cutoff"] - record["created_at"]).total_seconds() / 86400,
            "stage_moves": record["moves"],
            "contact_engagement": f.engagement_level(record["contact_communications"]) if record["contact_id"] else 0,
            "deal_activities": record["communications"] + record["tasks"] + record["events"],
            "meetings_logged": record["meetings"] + record["events"],
            "account_employees": record["account__employees"],
            "account_revenue": float(record["account__annual_revenue"])
            if record["account__annual_revenue"] is not None
            else None,
            "has_contact": record["contact_id"] is not None,
            "competitors_identified": len([c for c in str(competitors).split(",") if c.strip()])
            if competitors
            else None,
            "competitive_advantage": None,
            "pipeline": record["pipeline__name"],
        }
        signals = record["signals"] or {}
        values.update({k: v for k, v in signals.items() if k in f.DEAL_SIGNAL_NAMES})
        values.update(_custom_values(record["custom_fields"], definitions, ()))
        deal_values_normalize(values)
        label = None if not closed else int(stage["stage_type"] == StageType.WON)
        extra = {
            "stage_name": (reference or {}).get("name"),
            "stage_id": record["stage_id"],
            "pipeline_id": record["pipeline_id"],
            "created_at": record["created_at"],
            "contact_communications": record["contact_communications"],
            "closed": closed,
            "engagement_reported": "contact_engagement" in signals,
        }
        rows.append(Row(id=record["id"], values=values, label=label, extra=extra))
    return rows


def deal_values_normalize(values: dict[str, Any]) -> dict[str, Any]:
    """Engagement words become levels, competitor lists their length."""
    if isinstance(values.get("contact_engagement"), str):
        values["contact_engagement"] = f.ENGAGEMENT_LEVELS.get(values["contact_engagement"].lower())
    if isinstance(values.get("competitors_identified"), list):
        values["competitors_identified"] = len(values["competitors_identified"])
    return values


def current_models() -> dict[str, TrainedModel]:
    """The current trained model of each kind (kinds without one are absent). One query."""
    return {model.kind: model for model in TrainedModel.objects.filter(is_current=True).defer("blob")}


def current_model(kind: str) -> TrainedModel | None:
    return TrainedModel.objects.filter(kind=kind, is_current=True).first()


def outcomes_since(since) -> int:
    """Leads converted or disqualified, and deals won or lost, after `since` (None: ever). Three
    counting queries, each on an indexed column or a short history slice."""
    converted = Lead.objects.filter(converted_at__isnull=False)
    disqualified = RecordHistory.objects.filter(record_type="lead", field="status", new=LeadStatus.UNQUALIFIED)
    closed = Deal.objects.filter(stage__stage_type__in=CLOSED, actual_close_date__isnull=False)
    if since is not None:
        converted = converted.filter(converted_at__gt=since)
        disqualified = disqualified.filter(at__gt=since)
        closed = closed.filter(actual_close_date__gt=since)
    return converted.count() + disqualified.count() + closed.count()


def last_training_started():
    """When the last finished training read its data (None: never trained)."""
    from apps.ai.choices import JobStatus
    from apps.ai.models import TrainingJob

    job = TrainingJob.objects.filter(status=JobStatus.COMPLETED).order_by("-started_at").first()
    return job.started_at if job else None


def outcomes_since_training() -> int:
    """New outcomes since the last completed training read its data (since ever without one)."""
    return outcomes_since(last_training_started())

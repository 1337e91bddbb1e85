"""Writes on deals: create, update, move between stages, trash. One transaction each, events
through the outbox, stage automation run inside the same transaction."""

import re
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.core.custom_fields import custom_fields_clean
from apps.core.errors import ValidationFailed
from apps.deals.events import deal_event_data, deal_stage_changed_data
from apps.deals.models import Deal, DealStageChange
from apps.events.services import event_emit
from apps.events.types import EventType
from apps.history.choices import HistoryAction
from apps.history.records import record_snapshot
from apps.history.services import history_action, history_changes, record_restore, record_trash
from apps.pipelines.choices import StageType
from apps.pipelines.models import Pipeline, Stage
from apps.pipelines.selectors import stage_resolve
from apps.reports.currency import tenant_currency

MAX_VALUE = Decimal("99999999999999.99")
# Fields deal_update accepts, beside stage / pipeline (moves) and custom_fields (merged).
UPDATABLE = (
    "title",
    "value",
    "currency",
    "probability",
    "expected_close_date",
    "description",
    "contact",
    "account",
    "owner",
)


def _clean_value(value: Any) -> Decimal:
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise ValidationFailed({"value": "The value is a number."}) from None
    if amount < 0 or amount > MAX_VALUE:
        raise ValidationFailed({"value": "The value is a number from 0 to 99,999,999,999,999.99."})
    return amount


def _clean_currency(currency: Any) -> str:
    if not isinstance(currency, str) or not re.fullmatch(r"[A-Za-z]{3}", currency):
        raise ValidationFailed({"currency": "The currency is a three-letter ISO 4217 code."})
    return currency.upper()


def _clean_probability(probability: Any) -> int:
    if isinstance(probability, bool) or not isinstance(probability, int) or not 0 <= probability <= 100:
        raise ValidationFailed({"probability": "The probability is a whole number from 0 to 100."})
    return probability


def _clean_date(value: Any, field: str = "expectedCloseDate") -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    from apps.deals.fields import parse_date_or_datetime

    parsed = parse_date_or_datetime(value)
    if parsed is None:
        raise ValidationFailed({field: "A date (YYYY-MM-DD) or an ISO 8601 date-time."})
    return parsed


def _close_date_for(stage: Stage, now: datetime) -> datetime | None:
    return now if stage.stage_type in (StageType.WON, StageType.LOST) else None


def _default_pipeline() -> Pipeline:
    pipeline = Pipeline.objects.filter(is_default=True).first() or Pipeline.objects.order_by("created_at").first()
    if pipeline is None:
        raise ValidationFailed({"pipelineId": "This tenant has no pipeline yet."})
    return pipeline


def _first_stage(pipeline: Pipeline) -> Stage:
    return pipeline.stages.order_by("order").first()


@transaction.atomic
def deal_create(
    *,
    title: str,
    value: Any,
    pipeline: Pipeline | None,
    stage: "Stage | str | None" = None,
    contact=None,
    account=None,
    owner,
    actor,
    currency: str | None = None,
    probability: int | None = None,
    expected_close_date: Any = None,
    description: str = "",
    custom_fields: dict | None = None,
) -> Deal:
    """A deal in `pipeline` (the default one when None), at `stage` (its first stage when None).

    The probability defaults to the stage's. The creation is the first row of the stage history
    and runs the stage's automation like any entry into it.
    """
    if not (title or "").strip():
        raise ValidationFailed({"title": "A deal needs a title."})
    pipeline = pipeline or _default_pipeline()
    stage = stage_resolve(pipeline=pipeline, ref=stage) if stage else _first_stage(pipeline)
    now = timezone.now()
    deal = Deal(
        title=title.strip(),
        value=_clean_value(value),
        currency=_clean_currency(currency) if currency else tenant_currency(),
        pipeline=pipeline,
        stage=stage,
        probability=stage.probability if probability is None else _clean_probability(probability),
        expected_close_date=_clean_date(expected_close_date),
        actual_close_date=_close_date_for(stage, now),
        description=description or "",
        contact=contact,
        account=account,
        owner=owner,
        stage_entered_at=now,
        custom_fields=custom_fields_clean(entity="deal", values=custom_fields or {}),
    )
    deal.save()
    DealStageChange.objects.create(deal=deal, from_stage=None, to_stage=stage, changed_by=_user(actor), reason="")
    history_action(record=deal, action=HistoryAction.CREATED, actor=actor, data=deal_history_snapshot(deal))
    event_emit(
        EventType.DEAL_CREATED, data=deal_event_data(deal), record_id=deal.pk, owner_id=deal.owner_id, actor=actor
    )
    from apps.deals.automation import automation_on_stage_entered

    automation_on_stage_entered(deal=deal, stage=stage, actor=actor)
    return deal


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


# The deal fields its history tracks, by API name (apps.history keeps one row per changed field).
DEAL_HISTORY_FIELDS = {
    "title": "title",
    "value": "value",
    "currency": "currency",
    "pipelineId": "pipeline_id",
    "stageId": "stage_id",
    "probability": "probability",
    "expectedCloseDate": "expected_close_date",
    "actualCloseDate": "actual_close_date",
    "description": "description",
    "contactId": "contact_id",
    "accountId": "account_id",
}


def deal_history_snapshot(deal: Deal) -> dict:
    return record_snapshot(deal, DEAL_HISTORY_FIELDS)


@transaction.atomic
def deal_update(*, deal: Deal, data: dict[str, Any], actor, reason: str = "") -> Deal:
    """Changes the fields in `data` (snake_case; `custom_fields` merges, a null value removes).

    `stage` (a Stage, id, name or slug) moves the deal through `deal_move_stage` after the other
    fields are saved, so its automation sees the new values; an explicit `probability` is kept.
    `pipeline` moves the deal to another pipeline (to `stage` there, else its first stage).
    """
    changed: list[str] = []
    before = deal_history_snapshot(deal)
    cleaners = {
        "value": _clean_value,
        "currency": _clean_currency,
        "probability": _clean_probability,
        "expected_close_date": _clean_date,
    }
    if "title" in data and not (data["title"] or "").strip():
        raise ValidationFailed({"title": "A deal needs a title."})
    for field in UPDATABLE:
        if field not in data:
            continue
        value = cleaners[field](data[field]) if field in cleaners else data[field]
        if field == "description":
            value = value or ""
        if getattr(deal, field) != value:
            setattr(deal, field, value)
            changed.append(field)
    if "custom_fields" in data:
        merged = custom_fields_clean(
            entity="deal", values=data["custom_fields"], existing=deal.custom_fields, partial=True
        )
        if merged != deal.custom_fields:
            deal.custom_fields = merged
            changed.append("custom_fields")
    target_pipeline = data.get("pipeline") or deal.pipeline
    new_stage = None
    if data.get("stage") or target_pipeline.pk != deal.pipeline_id:
        ref = data.get("stage")
        new_stage = stage_resolve(pipeline=target_pipeline, ref=ref) if ref else _first_stage(target_pipeline)
    if changed:
        deal.save()
        changes = history_changes(record=deal, before=before, after=deal_history_snapshot(deal), actor=actor)
        event_emit(
            EventType.DEAL_UPDATED,
            data=deal_event_data(deal, changed_fields=changed, changes=changes),
            record_id=deal.pk,
            owner_id=deal.owner_id,
            actor=actor,
        )
    if new_stage is not None and new_stage.pk != deal.stage_id:
        deal = deal_move_stage(
            deal=deal, new_stage=new_stage, reason=reason, actor=actor, keep_probability="probability" in data
        )
    return deal


@transaction.atomic
def deal_move_stage(
    *, deal: Deal, new_stage: "Stage | str", reason: str = "", actor, keep_probability: bool = False
) -> Deal:
    """Moves the deal to `new_stage` (a Stage, or an id / name / slug in the deal's pipeline).

    Records the history row (from, to, who, when, why, seconds spent in the previous stage), sets
    `actual_close_date` on won/lost (clears it when reopened), takes the stage's probability,
    emits `deal.stage_changed` and runs the new stage's automation. Moving to the current stage
    changes nothing.
    """
    if not isinstance(new_stage, Stage):
        new_stage = stage_resolve(pipeline=deal.pipeline, ref=new_stage, field="newStage")
    locked = Deal.all_objects.select_for_update().only("stage_id", "stage_entered_at").get(pk=deal.pk)
    if locked.stage_id == new_stage.pk:
        return deal
    previous_stage = Stage.objects.filter(pk=locked.stage_id).first()
    before = deal_history_snapshot(deal)
    now = timezone.now()
    seconds = int((now - locked.stage_entered_at).total_seconds()) if locked.stage_entered_at else None
    deal.stage, deal.pipeline_id = new_stage, new_stage.pipeline_id
    deal.stage_entered_at = now
    deal.actual_close_date = _close_date_for(new_stage, now)
    if not keep_probability:
        deal.probability = new_stage.probability
    deal.save()
    change = DealStageChange.objects.create(
        deal=deal,
        from_stage=previous_stage,
        to_stage=new_stage,
        changed_by=_user(actor),
        reason=reason or "",
        seconds_in_previous_stage=max(seconds, 0) if seconds is not None else None,
    )
    history_changes(record=deal, before=before, after=deal_history_snapshot(deal), actor=actor)
    event_emit(
        EventType.DEAL_STAGE_CHANGED,
        data=deal_stage_changed_data(deal, previous_stage=previous_stage, change=change, actor=actor),
        record_id=deal.pk,
        owner_id=deal.owner_id,
        actor=actor,
    )
    from apps.deals.automation import automation_on_stage_entered

    automation_on_stage_entered(deal=deal, stage=new_stage, actor=actor)
    return deal


@transaction.atomic
def deal_delete(*, deal: Deal, actor) -> Deal:
    """Moves the deal to the trash (`deleted_at`); it disappears from lists and reports and can be
    restored within the tenant's retention period."""
    record_trash(record=deal, actor=actor)
    event_emit(
        EventType.DEAL_DELETED, data=deal_event_data(deal), record_id=deal.pk, owner_id=deal.owner_id, actor=actor
    )
    return deal


@transaction.atomic
def deals_move_all(*, from_stage: Stage, to_stage: Stage, actor, reason: str) -> int:
    """Moves every deal of a stage (trashed ones too) to another stage, as when a stage is removed.

    One history row and one `deal.stage_changed` per live deal; no automation runs (an
    administrative move is not a deal entering a stage by its own progress).
    """
    now = timezone.now()
    deals = list(
        Deal.all_objects.select_for_update(of=("self",)).filter(stage=from_stage).select_related("contact", "account")
    )
    changes = []
    for deal in deals:
        seconds = int((now - deal.stage_entered_at).total_seconds()) if deal.stage_entered_at else None
        changes.append(
            DealStageChange(
                deal=deal,
                from_stage=from_stage,
                to_stage=to_stage,
                changed_by=_user(actor),
                reason=reason,
                seconds_in_previous_stage=max(seconds, 0) if seconds is not None else None,
            )
        )
        deal.stage, deal.pipeline_id, deal.stage_entered_at = to_stage, to_stage.pipeline_id, now
        deal.probability = to_stage.probability
        deal.actual_close_date = _close_date_for(to_stage, now)
    Deal.all_objects.bulk_update(
        deals, ["stage", "pipeline", "stage_entered_at", "probability", "actual_close_date", "updated_at"]
    )
    DealStageChange.objects.bulk_create(changes)
    for deal, change in zip(deals, changes, strict=True):
        if deal.deleted_at is None:
            event_emit(
                EventType.DEAL_STAGE_CHANGED,
                data=deal_stage_changed_data(deal, previous_stage=from_stage, change=change, actor=actor),
                record_id=deal.pk,
                owner_id=deal.owner_id,
                actor=actor,
            )
    return len(deals)


@transaction.atomic
def deal_restore(*, deal: Deal, actor) -> Deal:
    """Brings a trashed deal back (within the retention period), with its links and history."""
    record_restore(record=deal, actor=actor)
    event_emit(
        EventType.DEAL_UPDATED,
        data=deal_event_data(deal, changes={"deletedAt": {"old": "trashed", "new": None}}),
        record_id=deal.pk,
        owner_id=deal.owner_id,
        actor=actor,
    )
    return deal

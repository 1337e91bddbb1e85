"""Applying an import plan with bulk SQL, inside the caller's transaction (one per batch).

New rows go in with one `COPY ... FROM STDIN` per batch; updated records with one multi-row
`UPDATE`; their events with one multi-row `INSERT` into the outbox, one event per record exactly
as the single-record services emit them (so webhooks, /ws and SSE see every created contact),
published with one dispatcher wake-up per batch once the batch commits.
"""

import functools
from typing import Any

import orjson
from django.db import connection, transaction
from django.db.models import JSONField
from django.utils import timezone

from apps.bulk.models import ExternalRef
from apps.bulk.planning import ImportPlanner, Plan, model_defaults
from apps.core.ids import new_id
from apps.deals.events import deal_event_data
from apps.deals.models import Deal, DealStageChange
from apps.events.models import OutboxEvent
from apps.history.choices import HistoryAction
from apps.history.models import RecordHistory
from apps.history.records import snapshot_changes


def _json_text(value: Any) -> str | None:
    return None if value is None else orjson.dumps(value).decode()


def rows_copy(model, rows: list[dict[str, Any]], *, skip_auto: bool = False) -> None:
    """`COPY` the rows (dicts of attnames, every column present) into the model's table.
    `skip_auto` leaves an auto-increment primary key to its sequence."""
    if not rows:
        return
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (skip_auto and f.primary_key) and not getattr(f, "generated", False)
    ]
    plain = [f.attname for f in fields if not isinstance(f, JSONField)]
    as_json = [f.attname for f in fields if isinstance(f, JSONField)]
    column_sql = ", ".join(connection.ops.quote_name(model._meta.get_field(name).column) for name in plain + as_json)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({column_sql}) FROM STDIN") as copy:  # noqa: S608
            for row in rows:
                copy.write_row([row[name] for name in plain] + [_json_text(row[name]) for name in as_json])


def plan_apply(*, planner: ImportPlanner, plan: Plan, job_id: str) -> None:
    """Writes the plan; call inside `transaction.atomic()` together with the job's cursor update."""
    spec, model, actor = planner.spec, planner.model, planner.actor
    rows_copy(model, plan.creates)
    if plan.external_refs:
        now = timezone.now()
        rows_copy(
            ExternalRef,
            [
                {
                    "id": None,
                    "resource": spec.resource,
                    "external_id": external_id,
                    "record_id": record_id,
                    "created_at": now,
                }
                for external_id, record_id in plan.external_refs
            ],
            skip_auto=True,
        )
    deals = spec.record_type == "deal"
    if deals:
        _deal_stage_history(planner, plan)
    events: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []  # what history_action / history_changes write, as rows
    now = timezone.now()
    for row in plan.creates:
        snapshot = planner.snapshot(row)
        data = _deal_data(planner, row) if deals else {spec.record_type: snapshot}
        history.append(_history(spec.record_type, row["id"], HistoryAction.CREATED, "", None, snapshot, actor, now))
        events.append(_event(spec.created_event, row["id"], row["owner_id"], data, actor, job_id))
    if plan.updates:
        records = []
        for record, before in plan.updates.values():
            record.updated_at = now
            after = planner.snapshot(record.__dict__)
            changes = snapshot_changes(before, after)
            if changes:
                records.append(record)
                if deals:
                    data = deal_event_data(record, changed_fields=_deal_changed_fields(changes), changes=changes)
                else:
                    data = {spec.record_type: after, "changes": changes}
                history.extend(
                    _history(spec.record_type, record.pk, HistoryAction.UPDATED, name, c["old"], c["new"], actor, now)
                    for name, c in changes.items()
                )
                events.append(_event(spec.updated_event, record.pk, record.owner_id, data, actor, job_id))
        columns = sorted({model._meta.get_field(c).name for c in plan.update_columns} | {"updated_at"})
        model.all_objects.bulk_update(records, columns, batch_size=1000)
    rows_copy(RecordHistory, history, skip_auto=True)
    if events:
        rows_copy(OutboxEvent, events, skip_auto=True)
        _publish_after_commit()
    if deals:
        _deal_stage_moves_and_automation(planner, plan)


def _deal_data(planner: ImportPlanner, row: dict[str, Any]) -> dict:
    """The payload `deal_create` emits, built from the row without loading the deal."""
    deal = Deal(**row)
    deal.stage = planner.stage_by_id[row["stage_id"]]
    return deal_event_data(deal)


def _deal_changed_fields(changes: dict[str, Any]) -> list[str]:
    """`deal_update`'s `changed_fields`: model field names (`contact`, `custom_fields`)."""
    from apps.deals.services import DEAL_HISTORY_FIELDS

    names = {
        "custom_fields" if name.startswith("customFields.") else DEAL_HISTORY_FIELDS.get(name, name).removesuffix("_id")
        for name in changes
    }
    return sorted(names)


def _deal_stage_history(planner: ImportPlanner, plan: Plan) -> None:
    """A created deal's first stage-history row, as `deal_create` writes it."""
    DealStageChange.objects.bulk_create(
        DealStageChange(deal_id=row["id"], to_stage_id=row["stage_id"], changed_by=planner.actor)
        for row in plan.creates
    )


def _deal_stage_moves_and_automation(planner: ImportPlanner, plan: Plan) -> None:
    """Stage moves go through `deal_move_stage` (history, `deal.stage_changed`, automation); new
    deals entering a stage that has automation rules run them like `deal_create` does."""
    from apps.deals.automation import automation_on_stage_entered
    from apps.deals.services import deal_move_stage

    for deal_id, stage in plan.stage_moves.items():
        record, _ = plan.updates[deal_id]
        deal_move_stage(deal=record, new_stage=stage, actor=planner.actor)
    automated = [row for row in plan.creates if planner.stage_by_id[row["stage_id"]].automation_rules]
    for deal in Deal.objects.filter(pk__in=[row["id"] for row in automated]).select_related("stage"):
        automation_on_stage_entered(deal=deal, stage=deal.stage, actor=planner.actor)


def _history(record_type: str, record_id: str, action: str, field: str, old, new, actor, at) -> dict[str, Any]:
    """A history row, as the records' services write them (`history_action`, `history_changes`)."""
    return {
        "record_type": record_type,
        "record_id": record_id,
        "action": str(action),
        "field": field,
        "old": old,
        "new": new,
        "actor_id": getattr(actor, "pk", None),
        "at": at,
    }


def _event(event_type: str, record_id: str, owner_id: str | None, data: dict, actor, job_id: str) -> dict:
    """An outbox row, as `event_emit` would write it (one per record), for `COPY`."""
    return {
        **_outbox_defaults(),
        "event_id": new_id("evt"),
        "event_type": str(event_type),
        "record_id": record_id,
        "owner_id": owner_id or "",
        "actor_id": getattr(actor, "pk", None),
        "data": {**data, "bulkJobId": job_id},
        "created_at": timezone.now(),
    }


@functools.cache
def _outbox_defaults() -> dict[str, Any]:
    return model_defaults(OutboxEvent)


def _publish_after_commit() -> None:
    """One dispatcher wake-up for the batch's events, once they are committed."""
    from apps.events import dispatch

    schema_name = connection.schema_name
    with connection.cursor() as cursor:
        cursor.execute("SELECT max(seq) FROM events_outboxevent")
        seq = cursor.fetchone()[0]
    transaction.on_commit(lambda: dispatch.schedule(schema_name, seq))

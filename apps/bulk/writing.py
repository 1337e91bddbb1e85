"""Applying an import plan with bulk SQL, inside the caller's transaction (one per batch).

New rows go in with one `COPY ... FROM STDIN` per batch; updated records with one multi-row
`UPDATE`; their events with one multi-row `INSERT` into the outbox, one event per record exactly
as the single-record services emit them (so webhooks, /ws and SSE see every created contact),
published with one dispatcher wake-up per batch once the batch commits.
"""

from typing import Any

import orjson
from django.db import connection, transaction
from django.utils import timezone

from apps.bulk.models import ExternalRef
from apps.bulk.planning import ImportPlanner, Plan
from apps.bulk.snapshots import snapshot_changes
from apps.events.models import OutboxEvent


def _copy_value(value: Any) -> Any:
    if isinstance(value, (dict, list)):
        return orjson.dumps(value).decode()
    return value


def rows_copy(model, rows: list[dict[str, Any]]) -> None:
    """`COPY` the rows (dicts of attnames, every column present) into the model's table."""
    if not rows:
        return
    columns = [f.attname for f in model._meta.concrete_fields]
    column_sql = ", ".join(connection.ops.quote_name(f.column) for f in model._meta.concrete_fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({column_sql}) FROM STDIN") as copy:  # noqa: S608
            for row in rows:
                copy.write_row([_copy_value(row[column]) for column in columns])


def plan_apply(*, planner: ImportPlanner, plan: Plan, job_id: str) -> None:
    """Writes the plan; call inside `transaction.atomic()` together with the job's cursor update."""
    spec, model, actor = planner.spec, planner.model, planner.actor
    rows_copy(model, plan.creates)
    if plan.external_refs:
        ExternalRef.objects.bulk_create(
            ExternalRef(resource=spec.resource, external_id=external_id, record_id=record_id)
            for external_id, record_id in plan.external_refs
        )
    events: list[OutboxEvent] = []
    kind = spec.record_type
    for row in plan.creates:
        snapshot = planner.snapshot(row)
        events.append(_event(spec.created_event, row["id"], row["owner_id"], {kind: snapshot}, actor, job_id))
    if plan.updates:
        now = timezone.now()
        records = []
        for record, before in plan.updates.values():
            record.updated_at = now
            after = planner.snapshot(record.__dict__)
            changes = snapshot_changes(before, after)
            if changes:
                records.append(record)
                data = {kind: after, "changes": changes}
                events.append(_event(spec.updated_event, record.pk, record.owner_id, data, actor, job_id))
        columns = sorted({model._meta.get_field(c).name for c in plan.update_columns} | {"updated_at"})
        model.all_objects.bulk_update(records, columns, batch_size=1000)
    if events:
        OutboxEvent.objects.bulk_create(events, batch_size=1000)
        _publish_after_commit(max(event.seq for event in events))


def _event(event_type: str, record_id: str, owner_id: str | None, data: dict, actor, job_id: str) -> OutboxEvent:
    return OutboxEvent(
        event_type=str(event_type),
        record_id=record_id,
        owner_id=owner_id or "",
        actor=actor,
        data={**data, "bulkJobId": job_id},
    )


def _publish_after_commit(seq: int) -> None:
    from apps.events import dispatch

    schema_name = connection.schema_name
    transaction.on_commit(lambda: dispatch.schedule(schema_name, seq))

"""Turning a batch of imported rows into a plan: rows to create, records to update, rows skipped,
and per-row errors. Planning reads the database (a few queries per batch, never one per row)
and writes nothing; `apps.bulk.writing` applies a plan.
"""

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from django.db.models import Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower
from django.utils import timezone

from apps.bulk.models import ExternalRef
from apps.bulk.resources import (
    CHOICE,
    DATETIME,
    DECIMAL,
    EMAIL,
    INT,
    PHONE,
    REF,
    STAGE,
    ResourceSpec,
)
from apps.bulk.values import (
    CellError,
    blank,
    custom_cell,
    read_choice,
    read_datetime,
    read_decimal,
    read_email,
    read_int,
    read_phone,
    read_text,
)
from apps.contacts.services import address_merge
from apps.core.custom_fields import custom_field_definitions, custom_fields_clean
from apps.core.errors import ValidationFailed
from apps.core.ids import new_id
from apps.core.scoping import record_in_scope
from apps.history.api.mixins import REASSIGN_PERMISSION
from apps.pipelines.choices import StageType

KEEP_CHECKED_ROWS = 200_000


def any_of(values) -> RawSQL:
    """`IN (SELECT unnest(%s))`: one array parameter instead of thousands of placeholders."""
    return RawSQL("SELECT unnest(%s::text[])", (list(values),))


@dataclass
class CleanRow:
    number: int  # 1-based data row
    values: dict[str, Any] = field(default_factory=dict)  # model attname -> value
    custom: dict[str, Any] = field(default_factory=dict)
    address: dict[str, Any] = field(default_factory=dict)
    external_id: str | None = None
    owner_id: str | None = None
    stage_ref: str | None = None
    errors: list[dict] = field(default_factory=list)

    def fail(self, field_name: str | None, message: str) -> None:
        self.errors.append({"row": self.number, "field": field_name, "message": message})


@dataclass
class Plan:
    creates: list[dict[str, Any]] = field(default_factory=list)  # full rows, model attnames
    external_refs: list[tuple[str, str]] = field(default_factory=list)  # (external id, record id)
    updates: dict[str, tuple[Any, dict]] = field(default_factory=dict)  # record id -> (record, before)
    stage_moves: dict[str, Any] = field(default_factory=dict)  # deal id -> Stage (moved by deal_move_stage)
    update_columns: set[str] = field(default_factory=set)
    created: int = 0
    updated: int = 0
    skipped: int = 0
    failed: int = 0
    errors: list[dict] = field(default_factory=list)


def website_domain(website: str | None) -> str:
    """`https://www.Acme.com/about` -> `acme.com`: accounts match on it."""
    if not website:
        return ""
    text = website.strip().lower()
    host = urlsplit(text if "//" in text else f"//{text}").hostname or ""
    return host.removeprefix("www.")


class ImportPlanner:
    """Per job run: the spec, the caller, the options, and what is loaded once (custom field
    definitions, pipelines and stages)."""

    def __init__(self, *, spec: ResourceSpec, actor, scope: str, can_reassign: bool, options: dict) -> None:
        self.spec = spec
        self.model = spec.model()
        self.actor = actor
        self.scope = scope
        self.can_reassign = can_reassign
        self.update_existing = bool(options.get("update_existing"))
        self.skip_duplicates = bool(options.get("skip_duplicates"))
        self.definitions = custom_field_definitions(spec.entity)
        self.defaults = model_defaults(self.model)  # what the model fills in for a new record
        self.dry = False
        self.stages: list = []
        self.currency = ""
        self.default_pipeline_id: str | None = None
        if spec.record_type == "deal":
            from apps.pipelines.models import Pipeline, Stage
            from apps.reports.currency import tenant_currency

            self.stages = list(Stage.objects.all())
            self.currency = tenant_currency()
            default = (
                Pipeline.objects.filter(is_default=True).first() or Pipeline.objects.order_by("created_at").first()
            )
            self.default_pipeline_id = default.pk if default else None
        self.stage_by_id = {stage.pk: stage for stage in self.stages}
        # Natural keys and external ids seen earlier in this run and not yet in the database
        # (the strict validation pass writes nothing): later rows are their duplicates.
        self.seen: dict[str, str] = {}
        # Emails and phones read once per run: a strict import reads every row twice.
        self.memo: dict[tuple[str, str], tuple[str | None, str | None]] = {}
        # Rows the strict validation pass cleaned (all valid, or nothing is written), taken again
        # by the write pass instead of cleaning them twice; bounded, the rest are cleaned again.
        self.checked: dict[int, CleanRow] = {}

    # -- cells ---------------------------------------------------------------------------------
    def clean(self, number: int, mapped: dict[str, Any]) -> CleanRow:
        row = CleanRow(number=number)
        for target, raw in mapped.items():
            if blank(raw):
                continue
            try:
                self._cell(row, target, raw)
            except CellError as exc:
                row.fail(target, f"'{target}' {exc}." if not str(exc)[:1].isupper() else f"{exc}.")
        return row

    def _cell(self, row: CleanRow, target: str, raw: Any) -> None:
        if target == "externalId":
            row.external_id = read_text(raw, max_length=255)
        elif target == "ownerId":
            row.owner_id = read_text(raw, max_length=40)
        elif target.startswith("customFields."):
            name = target.split(".", 1)[1]
            definition = self.definitions.get(name)
            row.custom[name] = custom_cell(raw, definition.field_type) if definition else raw
        elif target.startswith("address."):
            row.address[target.split(".", 1)[1]] = read_text(raw, max_length=255)
        else:
            spec_field = self.spec.field_named(target)
            if spec_field.kind == STAGE:
                row.stage_ref = read_text(raw, max_length=120)
            else:
                row.values[spec_field.column] = self._read(spec_field, raw)

    def _read(self, spec_field, raw: Any) -> Any:
        kind = spec_field.kind
        if kind in (EMAIL, PHONE):
            key = (kind, raw if isinstance(raw, str) else str(raw))
            if key not in self.memo:
                try:
                    self.memo[key] = ((read_email if kind == EMAIL else read_phone)(raw), None)
                except CellError as exc:
                    self.memo[key] = (None, str(exc))
            value, problem = self.memo[key]
            if problem:
                raise CellError(problem)
            return value
        if kind == INT:
            return read_int(raw, minimum=0, maximum=spec_field.maximum)
        if kind == DECIMAL:
            return read_decimal(raw, maximum=spec_field.maximum)
        if kind == DATETIME:
            return read_datetime(raw)
        if kind == CHOICE:
            return read_choice(raw, choices=spec_field.choices)
        text = read_text(raw, max_length=spec_field.max_length)
        if spec_field.name == "currency":
            if len(text) != 3 or not text.isalpha():
                raise CellError("must be a three-letter ISO 4217 code")
            return text.upper()
        return text

    # -- keys ----------------------------------------------------------------------------------
    def natural_keys(self, values: dict[str, Any]) -> list[str]:
        match_by = self.spec.match_by
        if match_by == "email":
            return [f"email:{values['email']}"] if values.get("email") else []
        if match_by == "name_or_domain":
            keys = [f"name:{values['name'].lower()}"] if values.get("name") else []
            domain = website_domain(values.get("website"))
            return keys + ([f"domain:{domain}"] if domain else [])
        return []

    def _existing(self, rows: list[CleanRow]) -> dict[str, Any]:
        """Live records matching the batch's external ids and natural keys, keyed like `seen`."""
        found: dict[str, str] = {}
        externals = {row.external_id for row in rows if row.external_id}
        if externals:
            refs = ExternalRef.objects.filter(resource=self.spec.resource, external_id__in=any_of(externals))
            found.update({f"ext:{ext}": record_id for ext, record_id in refs.values_list("external_id", "record_id")})
        keys = {key for row in rows for key in self.natural_keys(row.values)}
        condition = Q()
        emails = [key[6:] for key in keys if key.startswith("email:")]
        names = [key[5:] for key in keys if key.startswith("name:")]
        domains = [key[7:] for key in keys if key.startswith("domain:")]
        if emails:
            condition |= Q(email__in=any_of(emails))
        if names:
            condition |= Q(lower_name__in=any_of(names))
        if domains:
            condition |= Q(
                website__iregex=r"^(https?://)?(www\.)?(" + "|".join(re.escape(d) for d in domains) + r")([/:?#]|$)"
            )
        records: dict[str, Any] = {}
        ids = set(found.values())
        queryset = self.model.objects.select_related("owner")
        if names:
            queryset = queryset.annotate(lower_name=Lower("name"))
        if condition or ids:
            for record in queryset.filter(condition | Q(pk__in=any_of(ids))):
                records[record.pk] = record
                for key in self.natural_keys(record.__dict__):
                    found.setdefault(key, record.pk)
        # An external id whose record has gone to the trash matches nothing.
        return {key: records[record_id] for key, record_id in found.items() if record_id in records}

    def _known_ids(self, rows: list[CleanRow]) -> dict[str, set[str]]:
        """Ids the batch references (accounts, contacts, pipelines, owners) that exist."""
        from django.apps import apps

        wanted: dict[str, set[str]] = {}
        for row in rows:
            for spec_field in self.spec.fields:
                if spec_field.kind == REF and row.values.get(spec_field.column):
                    wanted.setdefault(spec_field.ref, set()).add(row.values[spec_field.column])
            if row.owner_id:
                wanted.setdefault("users", set()).add(row.owner_id)
        known: dict[str, set[str]] = {}
        labels = {
            "accounts": ("accounts", "Account"),
            "contacts": ("contacts", "Contact"),
            "pipelines": ("pipelines", "Pipeline"),
            "users": ("users", "User"),
        }
        for ref, ids in wanted.items():
            model = apps.get_model(*labels[ref])
            queryset = model.objects.filter(pk__in=any_of(ids))
            if ref == "users":
                queryset = queryset.filter(is_active=True)
            known[ref] = set(queryset.values_list("pk", flat=True))
        return known

    # -- the plan ------------------------------------------------------------------------------
    def plan(self, batch: list[tuple[int, dict[str, Any]]], *, dry: bool = False) -> Plan:
        """`dry`: only to find the errors (the strict pass); the creates it lists are not writable."""
        self.dry = dry
        rows = [self._checked_or_clean(number, mapped) for number, mapped in batch]
        existing = self._existing([row for row in rows if not row.errors])
        known = self._known_ids(rows)
        plan = Plan()
        pending: dict[str, dict[str, Any]] = {}  # record id -> create row, for in-batch duplicates
        now = timezone.now()
        for row in rows:
            if not row.errors:
                self._check_refs(row, known)
            if row.errors:
                plan.failed += 1
                plan.errors.extend(row.errors)
                continue
            keys = ([f"ext:{row.external_id}"] if row.external_id else []) + self.natural_keys(row.values)
            match = self._match(keys, existing)
            if match is not None:
                self._duplicate(row, match, keys, plan, pending)
            else:
                self._create(row, keys, plan, pending, now)
            if row.errors:
                plan.failed += 1
                plan.errors.extend(row.errors)
        return plan

    def _checked_or_clean(self, number: int, mapped: dict[str, Any]) -> CleanRow:
        row = self.checked.pop(number, None)
        if row is None:
            row = self.clean(number, mapped)
            if self.dry and len(self.checked) < KEEP_CHECKED_ROWS:
                self.checked[number] = row
        return row

    def _match(self, keys: list[str], existing: dict[str, Any]):
        """The live record (or the id of a row created earlier in this run) a row duplicates."""
        for key in keys:
            match = existing.get(key) or self.seen.get(key)
            if match is not None:
                return match
        return None

    def _check_refs(self, row: CleanRow, known: dict[str, set[str]]) -> None:
        for spec_field in self.spec.fields:
            value = row.values.get(spec_field.column)
            if spec_field.kind == REF and value and value not in known.get(spec_field.ref, set()):
                row.fail(spec_field.name, f"No {spec_field.ref[:-1]} '{value}'.")
        if row.owner_id and row.owner_id not in known.get("users", set()):
            row.fail("ownerId", f"No active user '{row.owner_id}'.")
        elif row.owner_id and row.owner_id != self.actor.pk and not self.can_reassign:
            row.fail("ownerId", f"Giving a record to another owner needs the '{REASSIGN_PERMISSION}' permission.")

    def _custom(self, row: CleanRow, existing: dict | None) -> dict | None:
        try:
            return custom_fields_clean(
                entity=self.spec.entity,
                values=row.custom,
                existing=existing,
                partial=existing is not None,
                definitions=self.definitions,
            )
        except ValidationFailed as exc:
            for name, message in exc.field_errors.items():
                row.fail(name, message)
            return None

    def _duplicate(self, row: CleanRow, match, keys: list[str], plan: Plan, pending: dict) -> None:
        if not self.update_existing:
            if self.skip_duplicates:
                plan.skipped += 1
                return
            record_id = match if isinstance(match, str) else match.pk
            key_field = "externalId" if row.external_id and keys[0].startswith("ext:") else self.spec.match_by
            row.fail(
                {"name_or_domain": "name", "": "externalId"}.get(key_field, key_field),
                f"A {self.spec.record_type} matching this row already exists: {record_id}.",
            )
            return
        if isinstance(match, str):  # created earlier in this batch, or (validation pass) in an earlier one
            if match in pending:
                self._merge_into_create(row, pending[match])
            if not row.errors:
                plan.updated += 1
            return
        self._update(row, match, plan)

    def _merge_into_create(self, row: CleanRow, create: dict[str, Any]) -> None:
        custom = self._custom(row, create["custom_fields"])
        if custom is None:
            return
        create.update(row.values)
        create["custom_fields"] = custom
        if row.address:
            create["address"] = address_merge(create.get("address"), row.address)
        if row.owner_id:
            create["owner_id"] = row.owner_id

    def _update(self, row: CleanRow, record, plan: Plan) -> None:
        if not record_in_scope(record, self.actor, self.scope):
            row.fail("ownerId", f"{record.pk} belongs to an owner outside your write scope.")
            return
        custom = self._custom(row, record.custom_fields)
        if custom is None:
            return
        if record.pk not in plan.updates:
            plan.updates[record.pk] = (record, self.snapshot(record.__dict__))
        columns = dict(row.values)
        if self.spec.record_type == "deal" and (row.stage_ref or "pipeline_id" in columns):
            moved: dict[str, Any] = {}
            self._stage(row, moved, columns.pop("pipeline_id", None) or record.pipeline_id)
            if row.errors:
                return
            if moved["stage_id"] != record.stage_id:
                plan.stage_moves[record.pk] = self.stage_by_id[moved["stage_id"]]
        columns["custom_fields"] = custom
        if row.address:
            columns["address"] = address_merge(record.address, row.address)
        if row.owner_id:
            columns["owner_id"] = row.owner_id
        for column, value in columns.items():
            setattr(record, column, value)
        plan.update_columns.update(columns)
        plan.updated += 1

    def _create(self, row: CleanRow, keys: list[str], plan: Plan, pending: dict, now) -> None:
        values = dict(row.values)
        for spec_field in self.spec.fields:
            if spec_field.required and not values.get(spec_field.column):
                row.fail(spec_field.name, f"'{spec_field.name}' is required.")
        if self.spec.record_type == "deal":
            self._stage(row, values, values.get("pipeline_id"))
        custom = self._custom(row, None)
        if row.errors or custom is None:
            return
        if self.dry:
            record_id = f"row:{row.number}"
            create = {"custom_fields": custom}
        else:
            record_id = new_id(self.spec.record_type)
            create = self._create_row(row, values, custom, record_id, now)
        plan.creates.append(create)
        pending[record_id] = create
        for key in keys:
            self.seen[key] = record_id
        if row.external_id:
            plan.external_refs.append((row.external_id, record_id))
        plan.created += 1

    def _create_row(self, row: CleanRow, values: dict, custom: dict, record_id: str, now) -> dict[str, Any]:
        create = {
            **self.defaults,
            **values,
            "id": record_id,
            "owner_id": row.owner_id or self.actor.pk,
            "custom_fields": custom,
            "created_at": now,
            "updated_at": now,
        }
        if self.spec.has_address:
            create["address"] = row.address
        return create

    def _stage(self, row: CleanRow, values: dict[str, Any], pipeline_id: str | None) -> None:
        """Deals: the stage named by id, slug or name in the row's pipeline (default: the
        tenant's default pipeline, first stage); the probability follows the stage unless given."""
        pipeline_id = pipeline_id or self.default_pipeline_id
        if pipeline_id is None:
            row.fail("pipelineId", "This tenant has no pipeline yet.")
            return
        stages = sorted((stage for stage in self.stages if stage.pipeline_id == pipeline_id), key=lambda s: s.order)
        if row.stage_ref:
            ref = row.stage_ref.strip().lower()
            stage = next(
                (
                    s
                    for s in stages
                    if ref in (s.pk.lower(), s.slug.lower(), s.name.lower(), s.name.lower().replace(" ", "_"))
                ),
                None,
            )
            if stage is None:
                names = ", ".join(s.slug for s in stages)
                row.fail("stage", f"No stage '{row.stage_ref}' in this pipeline. Stages: {names}.")
                return
        elif stages:
            stage = stages[0]
        else:
            row.fail("stage", "The pipeline has no stage.")
            return
        now = timezone.now()
        values["pipeline_id"] = pipeline_id
        values["stage_id"] = stage.pk
        values["stage_entered_at"] = now
        values["actual_close_date"] = now if stage.stage_type in (StageType.WON, StageType.LOST) else None
        values.setdefault("probability", stage.probability)
        values.setdefault("currency", self.currency)

    def snapshot(self, values: dict[str, Any]) -> dict[str, Any]:
        """The record as the API names it: event payloads and history are built from it."""
        from apps.bulk.snapshots import snapshot_of

        return snapshot_of(self.spec, values)


def model_defaults(model) -> dict[str, Any]:
    """What the model fills in for a new row: field defaults, NULL, or "" for text."""
    defaults = {}
    for model_field in model._meta.concrete_fields:
        if model_field.primary_key or getattr(model_field, "generated", False):
            continue
        if model_field.attname in ("created_at", "updated_at"):
            continue
        if model_field.has_default():
            defaults[model_field.attname] = model_field.get_default()
        elif model_field.null:
            defaults[model_field.attname] = None
        elif model_field.get_internal_type() in ("CharField", "TextField"):
            defaults[model_field.attname] = ""
    return defaults

"""Records for GraphQL tests, written straight to the models (the services' own tests cover them)."""

import datetime as dt
import uuid
from decimal import Decimal

from django.utils import timezone

from apps.accounts.models import Account
from apps.activities.models import Communication, Event, Task
from apps.contacts.models import Contact
from apps.deals.models import Deal
from apps.leads.models import Lead
from apps.pipelines.models import Pipeline, Stage


def default_pipeline() -> Pipeline:
    return Pipeline.objects.get(is_default=True)


def stage(slug: str, pipeline: Pipeline | None = None) -> Stage:
    """A stage of the default pipeline; `closed_lost` is added on first use (provisioning makes
    the design's five stages, none of them lost)."""
    pipeline = pipeline or default_pipeline()
    if slug == "closed_lost":
        return Stage.objects.get_or_create(
            pipeline=pipeline, slug=slug, defaults={"name": "Closed Lost", "order": 6, "stage_type": "lost"}
        )[0]
    return Stage.objects.get(pipeline=pipeline, slug=slug)


def make_account(owner=None, **fields) -> Account:
    fields.setdefault("name", "Acme Corp")
    fields.setdefault("industry", "Technology")
    return Account.objects.create(owner=owner, **fields)


def make_contact(owner=None, **fields) -> Contact:
    fields.setdefault("first_name", "John")
    fields.setdefault("last_name", "Doe")
    fields.setdefault("email", f"john.doe.{uuid.uuid4().hex[:8]}@enterprise.com")  # emails are unique
    fields.setdefault("company", "Enterprise Inc")
    return Contact.objects.create(owner=owner, **fields)


def make_deal(owner=None, *, stage_slug: str = "qualification", **fields) -> Deal:
    target = stage(stage_slug)
    fields.setdefault("title", "Enterprise Software License")
    fields.setdefault("value", Decimal("50000.00"))
    fields.setdefault("expected_close_date", dt.datetime(2025, 3, 15, tzinfo=dt.UTC))
    fields.setdefault("probability", target.probability)
    return Deal.objects.create(
        owner=owner, pipeline=target.pipeline, stage=target, stage_entered_at=timezone.now(), **fields
    )


def make_lead(owner=None, **fields) -> Lead:
    fields.setdefault("first_name", "Jane")
    fields.setdefault("last_name", "Smith")
    fields.setdefault("email", f"jane.smith.{uuid.uuid4().hex[:8]}@prospect.com")
    fields.setdefault("source", "website")
    return Lead.objects.create(owner=owner, **fields)


def make_task(record, owner=None, **fields) -> Task:
    fields.setdefault("title", "Follow up call")
    fields.setdefault("due_date", timezone.now() + dt.timedelta(days=2))
    return Task.objects.create(owner=owner, related_type=type(record).__name__.lower(), related_id=record.pk, **fields)


def make_event(record, owner=None, **fields) -> Event:
    start = fields.pop("start_time", timezone.now() + dt.timedelta(days=3))
    fields.setdefault("title", "Product Demo")
    return Event.objects.create(
        owner=owner,
        related_type=type(record).__name__.lower(),
        related_id=record.pk,
        start_time=start,
        end_time=fields.pop("end_time", start + dt.timedelta(hours=1)),
        **fields,
    )


def make_communication(record, owner=None, **fields) -> Communication:
    fields.setdefault("type", "email")
    fields.setdefault("direction", "outbound")
    fields.setdefault("subject", "Proposal Follow-up")
    fields.setdefault("content", "Thank you for reviewing our proposal...")
    fields.setdefault("timestamp", timezone.now() - dt.timedelta(hours=1))
    return Communication.objects.create(
        owner=owner, related_type=type(record).__name__.lower(), related_id=record.pk, **fields
    )

"""Training jobs: retraining by itself after 50 new outcomes (never queued twice), the nightly run,
and feature extraction in a constant number of queries."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from apps.activities.models import Communication, Task
from apps.ai.choices import JobStatus, JobTrigger
from apps.ai.models import TrainingJob
from apps.ai.selectors import deal_rows, lead_rows, outcomes_since, outcomes_since_training
from apps.ai.services import ai_outcomes_observed, training_nightly, training_request, training_run
from apps.ai.tests.factories import pipeline_with_lost_stage, seed_deal_history, seed_lead_history
from apps.deals.models import Deal
from apps.leads.choices import LeadStatus
from apps.leads.models import Lead
from apps.leads.services import lead_create, lead_update

pytestmark = pytest.mark.django_db


def _converted_now(owner, count: int, tag: str) -> None:
    Lead.objects.bulk_create(
        Lead(
            first_name="New",
            last_name=f"{tag}{i}",
            email=f"{tag}{i}@new.test",
            status=LeadStatus.CONVERTED,
            converted_at=timezone.now(),
            owner=owner,
        )
        for i in range(count)
    )


def test_fifty_new_outcomes_since_the_last_training_queue_one_training_once(admin):
    seed_lead_history(owner=admin)
    first, _ = training_request(trigger=JobTrigger.MANUAL, actor=admin)
    training_run(job_id=first.pk)
    assert outcomes_since_training() == 0

    _converted_now(admin, 49, "a")
    assert ai_outcomes_observed(["lead.converted"]) is None  # 49: not yet

    pipeline = pipeline_with_lost_stage()
    won = pipeline.stages.get(slug="closed_won")
    Deal.objects.create(
        title="Won", value=10, pipeline=pipeline, stage=won, actual_close_date=timezone.now(), owner=admin
    )
    assert ai_outcomes_observed(["contact.created"]) is None  # no outcome in the batch: nothing counted
    job = ai_outcomes_observed(["deal.stage_changed"])
    assert job is not None and job.trigger == JobTrigger.OUTCOMES and job.status == JobStatus.QUEUED
    assert ai_outcomes_observed(["lead.converted"]) is None  # already queued: not twice
    assert TrainingJob.objects.filter(status=JobStatus.QUEUED).count() == 1

    training_run(job_id=job.pk)
    assert outcomes_since_training() == 0


def test_a_tenant_that_never_trained_trains_once_it_has_fifty_outcomes(admin):
    _converted_now(admin, 50, "b")
    job = ai_outcomes_observed(["lead.converted"])
    assert job is not None and job.trigger == JobTrigger.OUTCOMES


def test_disqualified_leads_and_lost_deals_count_as_outcomes(admin):
    before = timezone.now() - timedelta(seconds=1)
    lead = lead_create(actor=admin, data={"first_name": "A", "last_name": "B", "email": "ab@x.test"}, can_reassign=True)
    lead_update(lead=lead, actor=admin, data={"status": LeadStatus.UNQUALIFIED}, can_reassign=True)
    pipeline = pipeline_with_lost_stage()
    lost = pipeline.stages.get(slug="closed_lost")
    Deal.objects.create(title="Lost", value=10, pipeline=pipeline, stage=lost, actual_close_date=timezone.now())
    assert outcomes_since(before) == 2


def test_the_nightly_run_fails_abandoned_jobs_then_queues_a_training(admin):
    stale, _ = training_request(trigger=JobTrigger.MANUAL, actor=admin)
    TrainingJob.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(hours=3))

    job = training_nightly()

    stale.refresh_from_db()
    assert stale.status == JobStatus.FAILED and stale.message
    assert job.pk != stale.pk and job.trigger == JobTrigger.NIGHTLY and job.status == JobStatus.QUEUED


def test_the_nightly_training_is_a_beat_entry():
    entry = settings.CELERY_BEAT_SCHEDULE["ai-train-nightly"]
    assert entry["task"] == "ai.train_nightly" and not entry.get("args")


def _activity_on(lead_ids: list[str]) -> None:
    now = timezone.now()
    Communication.objects.bulk_create(
        Communication(type="email", direction="inbound", content="x", timestamp=now, related_type="lead", related_id=i)
        for i in lead_ids
    )
    Task.objects.bulk_create(Task(title="Call", related_type="lead", related_id=i) for i in lead_ids)


def test_lead_feature_extraction_takes_the_same_few_queries_for_any_number_of_leads(
    admin, django_assert_max_num_queries
):
    few = seed_lead_history(owner=admin, converted=3, lost=3, tag="few")
    _activity_on([lead.pk for lead in few])
    with django_assert_max_num_queries(5):
        assert len(lead_rows(Lead.objects.all())) == 6
    many = seed_lead_history(owner=admin, converted=60, lost=60, tag="many")
    _activity_on([lead.pk for lead in many])
    with django_assert_max_num_queries(5):
        rows = lead_rows(Lead.objects.all())
    assert len(rows) == 126
    assert all(row.values["emails_logged"] == 1 and row.values["tasks_logged"] == 1 for row in rows)
    assert sum(row.label for row in rows) == 63


def test_deal_feature_extraction_takes_the_same_few_queries_for_any_number_of_deals(
    admin, django_assert_max_num_queries
):
    pipeline = pipeline_with_lost_stage()
    seed_deal_history(owner=admin, pipeline=pipeline, won=3, lost=3)
    with django_assert_max_num_queries(3):
        assert len(deal_rows(Deal.objects.filter(pipeline=pipeline))) == 6
    seed_deal_history(owner=admin, pipeline=pipeline, won=60, lost=60)
    with django_assert_max_num_queries(3):
        rows = deal_rows(Deal.objects.filter(pipeline=pipeline))
    assert len(rows) == 126
    assert {row.values["stage"] for row in rows} <= {2 / 3, 1.0}  # proposal or negotiation, before closing


def test_a_deals_contact_engagement_counts_communications_with_its_contact(admin):
    from apps.contacts.models import Contact
    from apps.deals.services import deal_create

    pipeline = pipeline_with_lost_stage()
    contact = Contact.objects.create(first_name="Eve", last_name="E", email="eve@engaged.test")
    quiet = Contact.objects.create(first_name="Qu", last_name="Q", email="q@quiet.test")
    engaged = deal_create(title="E", value=1, pipeline=pipeline, contact=contact, owner=admin, actor=admin)
    silent = deal_create(title="S", value=1, pipeline=pipeline, contact=quiet, owner=admin, actor=admin)
    now = timezone.now()
    for _ in range(3):
        Communication.objects.create(
            type="call", direction="outbound", content="x", timestamp=now, related_type="contact", related_id=contact.pk
        )
    for _ in range(2):
        message = Communication.objects.create(type="email", direction="inbound", content="x", timestamp=now)
        message.participants.add(contact)
    Communication.objects.create(  # too old to count
        type="call",
        direction="outbound",
        content="x",
        timestamp=now - timedelta(days=120),
        related_type="contact",
        related_id=quiet.pk,
    )

    rows = {row.id: row for row in deal_rows(Deal.objects.filter(pipeline=pipeline))}
    assert rows[engaged.pk].values["contact_engagement"] == 2 and rows[engaged.pk].extra["contact_communications"] == 5
    assert rows[silent.pk].values["contact_engagement"] == 0

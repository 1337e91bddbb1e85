"""The outbox and its log: published once, in order, cursor-safe, permission-filtered, kept 30 days."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.activities.models import Task
from apps.events.due import tasks_due_notify
from apps.events.models import OutboxEvent
from apps.events.permissions import event_visible_to, events_visible_q
from apps.events.selectors import events_after
from apps.events.services import event_emit, events_publish_pending, events_purge
from apps.events.types import EventType


def test_dispatcher_publishes_each_committed_event_once_in_order(tenant):
    first = event_emit(EventType.CONTACT_CREATED, data={"contact": {"id": "contact_1"}}, record_id="contact_1")
    second = event_emit(EventType.CONTACT_UPDATED, data={"contact": {"id": "contact_1"}}, record_id="contact_1")
    assert events_publish_pending() == 2
    assert events_publish_pending() == 0
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.published_at and second.published_at
    assert second.position == first.position + 1


def test_many_emits_in_one_transaction_wake_the_dispatcher_once(tenant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        for number in range(5):
            event_emit(EventType.CONTACT_CREATED, data={"n": number}, record_id=f"contact_{number}")
    assert len(callbacks) == 1


def test_late_commit_gets_a_later_position_so_a_cursor_never_skips_it(tenant, admin):
    """seq is taken at insert; the event inserted first but committed last is still read after the cursor."""
    early = event_emit(EventType.DEAL_UPDATED, data={}, record_id="deal_early")  # seq n, "not committed yet"
    later = event_emit(EventType.DEAL_UPDATED, data={}, record_id="deal_later")  # seq n+1
    # The dispatcher saw only `later` committed: publish it alone first, as it would.
    OutboxEvent.objects.filter(pk=early.pk).update(published_at=timezone.now())  # hide `early` for now
    events_publish_pending()
    later.refresh_from_db()
    cursor = later.position
    OutboxEvent.objects.filter(pk=early.pk).update(published_at=None)  # `early` commits now
    events_publish_pending()
    caught_up, _ = events_after(position=cursor, grants=["*"], user=admin)
    assert [event.record_id for event in caught_up] == ["deal_early"]
    assert caught_up[0].seq < later.seq and caught_up[0].position > later.position


def test_unpublished_events_are_not_exposed_to_cursors(tenant, admin):
    event_emit(EventType.LEAD_CREATED, data={}, record_id="lead_unpublished")
    events, _ = events_after(position=0, grants=["*"], user=admin)
    assert "lead_unpublished" not in {event.record_id for event in events}


@pytest.fixture
def rep(make_user):
    return make_user(roles=["sales_rep"])


def _published(event_type, owner):
    event = event_emit(event_type, data={}, record_id="x_1", owner_id=owner.pk if owner else "")
    events_publish_pending()
    event.refresh_from_db()
    return event


def test_events_are_visible_per_read_permission_and_ownership_scope(rep, admin, make_user):
    other = make_user(roles=["sales_rep"])
    grants = rep.permission_strings()
    assert event_visible_to(_published(EventType.CONTACT_UPDATED, other), grants, rep)  # contacts:read (tenant)
    assert event_visible_to(_published(EventType.TASK_DUE, rep), grants, rep)  # activities:*:own, own task
    assert not event_visible_to(_published(EventType.TASK_DUE, other), grants, rep)  # someone else's task
    assert not event_visible_to(_published(EventType.ACCOUNT_CREATED, admin), grants, rep)  # no accounts:read
    assert not event_visible_to(_published(EventType.WEBHOOK_DISABLED, admin), grants, rep)
    marketing = make_user(roles=["marketing_manager"])
    assert not event_visible_to(
        _published(EventType.DEAL_STAGE_CHANGED, marketing), marketing.permission_strings(), marketing
    )


def test_sql_filter_and_event_visible_to_agree(rep, admin, make_user):
    other = make_user(roles=["sales_rep"])
    events = [
        _published(event_type, owner)
        for event_type in (
            EventType.CONTACT_UPDATED,
            EventType.TASK_DUE,
            EventType.ACCOUNT_CREATED,
            EventType.DEAL_CREATED,
        )
        for owner in (rep, other, None)
    ]
    grants = rep.permission_strings()
    by_sql = set(
        OutboxEvent.objects.filter(pk__in=[e.pk for e in events])
        .filter(events_visible_q(grants, rep))
        .values_list("pk", flat=True)
    )
    by_rule = {event.pk for event in events if event_visible_to(event, grants, rep)}
    assert by_sql == by_rule
    assert len(by_rule) == 7  # contacts 3 + deals 3 + own task 1


def test_task_due_is_emitted_once_when_a_task_falls_due(tenant, rep):
    now = timezone.now()
    due = Task.objects.create(title="Follow up call", due_date=now - timedelta(minutes=1), owner=rep, assigned_to=rep)
    Task.objects.create(title="Later", due_date=now + timedelta(hours=1), owner=rep)
    Task.objects.create(title="Done", due_date=now - timedelta(hours=1), status="completed", owner=rep)
    assert tasks_due_notify() == 1
    assert tasks_due_notify() == 0
    event = OutboxEvent.objects.get(event_type="task.due", record_id=due.pk)
    assert event.data["task_id"] == due.pk
    assert event.data["title"] == "Follow up call"
    assert event.data["due_date"].endswith("Z")
    assert event.owner_id == rep.pk


def test_events_are_kept_thirty_days(tenant):
    old = event_emit(EventType.CONTACT_CREATED, data={}, record_id="contact_old")
    recent = event_emit(EventType.CONTACT_CREATED, data={}, record_id="contact_recent")
    OutboxEvent.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=31))
    OutboxEvent.objects.filter(pk=recent.pk).update(created_at=timezone.now() - timedelta(days=29))
    assert events_purge() >= 1
    assert not OutboxEvent.objects.filter(pk=old.pk).exists()
    assert OutboxEvent.objects.filter(pk=recent.pk).exists()

"""Tasks, events and communications. Each may relate to one contact, account, lead or deal,
named by `related_type` and the record's prefixed id."""

from django.conf import settings
from django.db import models

from apps.activities.choices import (
    CommunicationDirection,
    CommunicationType,
    RelatedType,
    TaskPriority,
    TaskStatus,
)
from apps.core.ids import PrefixedIdField
from apps.core.models import CrmRecord


class Activity(CrmRecord):
    title = models.CharField(max_length=255, blank=True)
    description = models.TextField(blank=True)
    related_type = models.CharField(max_length=10, choices=RelatedType.choices, blank=True)
    related_id = models.CharField(max_length=40, blank=True, db_index=True)

    class Meta(CrmRecord.Meta):
        abstract = True


class Task(Activity):
    id = PrefixedIdField(prefix="task")
    due_date = models.DateTimeField(null=True, blank=True, db_index=True)
    priority = models.CharField(max_length=10, choices=TaskPriority.choices, default=TaskPriority.MEDIUM)
    status = models.CharField(max_length=12, choices=TaskStatus.choices, default=TaskStatus.PENDING, db_index=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    due_notified_at = models.DateTimeField(null=True, blank=True)

    class Meta(Activity.Meta):
        ordering = ["due_date"]


class Event(Activity):
    id = PrefixedIdField(prefix="event")
    start_time = models.DateTimeField(db_index=True)
    end_time = models.DateTimeField()
    location = models.CharField(max_length=255, blank=True)
    attendee_users = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="events")
    attendee_contacts = models.ManyToManyField("contacts.Contact", blank=True, related_name="events")

    class Meta(Activity.Meta):
        ordering = ["start_time"]


class Communication(Activity):
    id = PrefixedIdField(prefix="comm")
    type = models.CharField(max_length=10, choices=CommunicationType.choices)
    direction = models.CharField(max_length=10, choices=CommunicationDirection.choices)
    subject = models.CharField(max_length=500, blank=True)
    content = models.TextField()
    timestamp = models.DateTimeField(db_index=True)
    participants = models.ManyToManyField("contacts.Contact", blank=True, related_name="communications")

    class Meta(Activity.Meta):
        ordering = ["-timestamp"]

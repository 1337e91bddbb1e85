"""`Lead`, its scoring history and `LeadScore`."""

import graphene
from django.utils import timezone
from graphene_federation import key

from apps.activities.graphql.dataloaders import LastActivityLoader
from apps.activities.graphql.types import Activity
from apps.core.graphql.connections import CrmConnection
from apps.core.graphql.dataloaders import DataLoader, group_by, load_record
from apps.core.graphql.scalars import JSON, DateTime, OptionalText
from apps.deals.graphql.types import activities_field, load_activities
from apps.leads.choices import LeadStatus as LeadStatusChoices
from apps.leads.graphql.filters import LeadStatus
from apps.leads.models import Lead as LeadModel
from apps.users.graphql.types import UserType, load_user

QUALIFIED_STATUSES = (LeadStatusChoices.QUALIFIED, LeadStatusChoices.CONVERTED)


class ScoringFactor(graphene.ObjectType):
    """One reason a lead's score moved."""

    factor = graphene.String()
    points = graphene.Int()
    reason = graphene.String()


def scoring_factors(raw) -> list[ScoringFactor]:
    out = []
    for item in raw or []:
        if isinstance(item, dict):
            out.append(ScoringFactor(factor=item.get("factor"), points=item.get("points"), reason=item.get("reason")))
        elif isinstance(item, str):  # the REST body may list factors by name alone
            out.append(ScoringFactor(factor=item))
    return out


class LeadScoreHistoryType(graphene.ObjectType):
    """One change of a lead's score."""

    class Meta:
        name = "LeadScoreHistory"

    previous_score = graphene.Int()
    score = graphene.Int(required=True)
    scoring_factors = graphene.List(graphene.NonNull(ScoringFactor), required=True)
    changed_by = graphene.Field(UserType)
    timestamp = DateTime(required=True)

    def resolve_scoring_factors(entry, info):
        return scoring_factors(entry.scoring_factors)

    def resolve_changed_by(entry, info):
        return load_user(info, entry.changed_by_id)

    def resolve_timestamp(entry, info):
        return entry.created_at


class ScoreHistoryLoader(DataLoader):
    def batch_load(self, keys: list) -> list:
        from apps.leads.models import LeadScoreHistory

        grouped = group_by(
            LeadScoreHistory.objects.filter(lead_id__in=keys).order_by("lead_id", "-created_at", "-pk"),
            lambda entry: entry.lead_id,
        )
        return [grouped.get(key, []) for key in keys]


@key("id")
class LeadType(graphene.ObjectType):
    """A prospect not yet qualified; converting it creates a contact, an account and a deal."""

    class Meta:
        name = "Lead"
        possible_types = (LeadModel,)

    def __resolve_reference(self, info, **kwargs):
        """A federated gateway's reference `{__typename: "Lead", id}`, resolved to the record
        (null when it does not exist or the caller may not read it)."""
        from apps.leads.models import Lead

        return load_record(info, Lead, self.id, resource="leads", select=())

    id = graphene.ID(required=True)
    first_name = graphene.String(required=True)
    last_name = graphene.String(required=True)
    email = graphene.String(required=True)
    phone = OptionalText()
    company = OptionalText()
    job_title = OptionalText()
    source = graphene.String(required=True)
    status = LeadStatus(required=True)
    score = graphene.Int(required=True, description="0 to 100.")
    custom_fields = JSON()
    created_at = DateTime(required=True)
    updated_at = DateTime(required=True)

    owner = graphene.Field(UserType)
    activities = activities_field("Tasks, events and communications about this lead, newest first.")
    scoring_history = graphene.List(
        graphene.NonNull(LeadScoreHistoryType), required=True, description="Score changes, newest first."
    )

    full_name = graphene.String(required=True)
    is_qualified = graphene.Boolean(required=True, description="Qualified (or already converted).")
    days_since_created = graphene.Int(required=True)
    last_activity = graphene.Field(
        Activity, description="The latest communication, past event or completed task about this lead."
    )

    def resolve_full_name(lead, info) -> str:
        return lead.full_name

    def resolve_owner(lead, info):
        return load_user(info, lead.owner_id)

    def resolve_activities(lead, info, **arguments):
        return load_activities(info, "lead", lead.pk, arguments)

    def resolve_scoring_history(lead, info):
        return ScoreHistoryLoader.for_request(info).load(lead.pk)

    def resolve_is_qualified(lead, info) -> bool:
        return lead.status in QUALIFIED_STATUSES

    def resolve_days_since_created(lead, info) -> int:
        return max((timezone.now() - lead.created_at).days, 0)

    def resolve_last_activity(lead, info):
        return LastActivityLoader.for_request(info, related_type="lead").load(lead.pk)


class LeadConnection(CrmConnection):
    """A page of leads."""

    class Meta:
        node = LeadType


class LeadScore(graphene.ObjectType):
    """A lead's score and why: the latest change with its factors."""

    lead = graphene.Field(LeadType, required=True)
    score = graphene.Int(required=True)
    previous_score = graphene.Int()
    new_score = graphene.Int(required=True)
    scoring_factors = graphene.List(graphene.NonNull(ScoringFactor), required=True)
    timestamp = DateTime()
    history = graphene.List(graphene.NonNull(LeadScoreHistoryType), required=True)
    raw_factors = JSON(description="The factors as stored, for clients that want every detail.")

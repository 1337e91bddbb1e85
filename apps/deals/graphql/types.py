"""`Deal`, its connection and `DealStageChange`."""

import graphene
from django.utils import timezone
from graphene_federation import key

from apps.activities.graphql.dataloaders import ActivitiesByRelatedLoader, NextActivityLoader
from apps.activities.graphql.filters import ActivityFilter, ActivitySortInput
from apps.activities.graphql.types import Activity, ActivityConnection
from apps.core.graphql.connections import CrmConnection, PageRequest, connection_field
from apps.core.graphql.dataloaders import load_record
from apps.core.graphql.scalars import JSON, DateTime, OptionalText
from apps.deals.graphql.filters import DealStatus
from apps.deals.models import Deal as DealModel
from apps.pipelines.choices import StageType
from apps.users.graphql.types import UserType, load_user


def activities_field(description: str):
    return connection_field(
        ActivityConnection, description=description, filter_input=ActivityFilter, sort_input=ActivitySortInput
    )


def load_activities(info, related_type: str, record_id: str, arguments: dict):
    loader = ActivitiesByRelatedLoader.for_request(
        info,
        related_type=related_type,
        page=PageRequest.from_args(arguments),
        filter=arguments.get("filter"),
        sort=arguments.get("sort"),
        connection_type=ActivityConnection,
    )
    return loader.load(record_id)


@key("id")
class DealType(graphene.ObjectType):
    """An opportunity moving through a pipeline's stages."""

    class Meta:
        name = "Deal"
        possible_types = (DealModel,)

    def __resolve_reference(self, info, **kwargs):
        """A federated gateway's reference `{__typename: "Deal", id}`, resolved to the record
        (null when it does not exist or the caller may not read it)."""
        from apps.deals.models import Deal

        return load_record(info, Deal, self.id, resource="deals", select=("stage",))

    id = graphene.ID(required=True)
    title = graphene.String(required=True)
    value = graphene.Float(required=True)
    currency = graphene.String(required=True)
    stage = graphene.String(required=True, description="The stage's slug, e.g. `proposal`.")
    stage_id = graphene.ID(required=True)
    stage_name = graphene.String(required=True)
    status = DealStatus(required=True, description="ACTIVE while in an open stage, then WON or LOST.")
    probability = graphene.Int(required=True, description="Chance of winning, in percent.")
    expected_close_date = DateTime()
    actual_close_date = DateTime()
    description = OptionalText()
    custom_fields = JSON()
    created_at = DateTime(required=True)
    updated_at = DateTime(required=True)

    pipeline = graphene.Field(lambda: _pipeline_type(), required=True)
    contact = graphene.Field("apps.contacts.graphql.types.ContactType")
    account = graphene.Field("apps.accounts.graphql.types.AccountType")
    owner = graphene.Field(UserType, description="The owner (null once their user is removed).")
    activities = activities_field("Tasks, events and communications about this deal, newest first.")

    days_in_stage = graphene.Int(required=True, description="Whole days since the deal entered its stage.")
    weighted_value = graphene.Float(required=True, description="value × probability / 100.")
    is_overdue = graphene.Boolean(required=True, description="Still open after its expected close date.")
    next_activity = graphene.Field(
        Activity, description="The soonest open task (by due date) or upcoming event, as REST's `nextActivity`."
    )

    def resolve_value(deal, info) -> float:
        return float(deal.value)

    def resolve_stage(deal, info) -> str:
        return deal.stage.slug

    def resolve_stage_name(deal, info) -> str:
        return deal.stage.name

    def resolve_status(deal, info) -> str:
        return deal.stage.stage_type

    def resolve_pipeline(deal, info):
        from apps.pipelines.graphql.dataloaders import PipelineByIdLoader

        return PipelineByIdLoader.for_request(info).load(deal.pipeline_id)

    def resolve_contact(deal, info):
        from apps.contacts.models import Contact

        return load_record(info, Contact, deal.contact_id, resource="contacts")

    def resolve_account(deal, info):
        from apps.accounts.models import Account

        return load_record(info, Account, deal.account_id, resource="accounts")

    def resolve_owner(deal, info):
        return load_user(info, deal.owner_id)

    def resolve_activities(deal, info, **arguments):
        return load_activities(info, "deal", deal.pk, arguments)

    def resolve_days_in_stage(deal, info) -> int:
        if deal.stage_entered_at is None:
            return 0
        return max((timezone.now() - deal.stage_entered_at).days, 0)

    def resolve_weighted_value(deal, info) -> float:
        return float(deal.value) * deal.probability / 100

    def resolve_is_overdue(deal, info) -> bool:
        return bool(
            deal.expected_close_date
            and deal.expected_close_date < timezone.now()
            and deal.stage.stage_type == StageType.OPEN
        )

    def resolve_next_activity(deal, info):
        return NextActivityLoader.for_request(info).load(deal.pk)


def _pipeline_type():
    from apps.pipelines.graphql.types import PipelineType

    return PipelineType


class DealConnection(CrmConnection):
    """A page of deals."""

    class Meta:
        node = DealType


class DealStageChangeType(graphene.ObjectType):
    """One move of a deal from a stage to another."""

    class Meta:
        name = "DealStageChange"

    deal = graphene.Field(DealType)
    previous_stage = graphene.String(description="The slug of the stage it left (null when created).")
    new_stage = graphene.String(required=True, description="The slug of the stage it entered.")
    changed_by = graphene.Field(UserType)
    timestamp = DateTime(required=True)
    reason = OptionalText()

    def resolve_deal(change, info):
        from apps.deals.models import Deal

        return load_record(info, Deal, change.deal_id, resource="deals", select=("stage",))

    def resolve_previous_stage(change, info):
        return change.from_stage.slug if change.from_stage_id else None

    def resolve_new_stage(change, info):
        return change.to_stage.slug

    def resolve_changed_by(change, info):
        return load_user(info, change.changed_by_id)

    def resolve_timestamp(change, info):
        return change.created_at

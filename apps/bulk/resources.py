"""What bulk imports and exports know of each resource: its fields (API names, model columns and
how a cell is read), how duplicates are recognised, and the events its rows yield.

Target names are the REST API's (`firstName`, `accountId`); the snake_case spelling
(`first_name`) is accepted too, with a few aliases the design's bodies use (`company_name`).
Dotted names reach inside JSON columns: `address.city`, `customFields.industry`.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import models

from apps.bulk.choices import BulkResource
from apps.events.types import EventType

TEXT, INT, DECIMAL, DATETIME, CHOICE, EMAIL, PHONE, REF, STAGE = (
    "text",
    "int",
    "decimal",
    "datetime",
    "choice",
    "email",
    "phone",
    "ref",
    "stage",
)
ADDRESS_KEYS = ("street", "city", "state", "zipCode", "country")
ADDRESS_ALIASES = {"zip": "zipCode", "zip_code": "zipCode", "postal_code": "zipCode", "postalCode": "zipCode"}


@dataclass(frozen=True)
class Field:
    name: str  # API name
    column: str  # model attname
    kind: str = TEXT
    required: bool = False
    max_length: int | None = None
    choices: dict[str, str] = field(default_factory=dict)  # lowercased spelling -> stored value
    ref: str = ""  # resource (or "users", "pipelines") a REF points at
    maximum: Any = None


@dataclass(frozen=True)
class ResourceSpec:
    resource: str
    record_type: str  # the id prefix and the event payload key: "contact"
    entity: str  # custom field entity
    fields: tuple[Field, ...]
    match_by: str  # "email", "name_or_domain" or "" (external id only)
    created_event: str
    updated_event: str
    aliases: dict[str, str] = field(default_factory=dict)
    has_address: bool = False

    def model(self) -> type[models.Model]:
        from django.apps import apps

        return apps.get_model(self.resource, self.record_type.title())

    def field_named(self, name: str) -> Field | None:
        return _FIELD_INDEX[self.resource].get(name)

    def target(self, name: str) -> str | None:
        """The canonical target name of `name`, or None when it names nothing of this resource."""
        name = name.strip()
        if name in ("externalId", "external_id"):
            return "externalId"
        if name in ("ownerId", "owner_id"):
            return "ownerId"
        head, _, tail = name.partition(".")
        if tail and head in ("customFields", "custom_fields") and tail:
            return f"customFields.{tail}"
        if tail and head == "address" and self.has_address:
            key = ADDRESS_ALIASES.get(tail, tail)
            return f"address.{key}" if key in ADDRESS_KEYS else None
        field_ = self.field_named(self.aliases.get(name, name))
        return field_.name if field_ else None


def _choices(choices: type[models.TextChoices]) -> dict[str, str]:
    return {
        **{value.lower(): value for value in choices.values},
        **{label.lower(): value for value, label in choices.choices},
    }


def _specs() -> dict[str, ResourceSpec]:
    from apps.accounts.choices import AccountType
    from apps.leads.choices import LeadStatus

    lead_statuses = {key: value for key, value in _choices(LeadStatus).items() if value != LeadStatus.CONVERTED}
    person = (
        Field("firstName", "first_name", required=True, max_length=150),
        Field("lastName", "last_name", required=True, max_length=150),
        Field("phone", "phone", PHONE, max_length=40),
        Field("company", "company", max_length=255),
        Field("jobTitle", "job_title", max_length=255),
    )
    return {
        BulkResource.CONTACTS: ResourceSpec(
            resource=BulkResource.CONTACTS,
            record_type="contact",
            entity="contact",
            fields=(
                *person,
                Field("email", "email", EMAIL, max_length=254),
                Field("accountId", "account_id", REF, ref="accounts"),
            ),
            match_by="email",
            created_event=EventType.CONTACT_CREATED,
            updated_event=EventType.CONTACT_UPDATED,
            aliases={"company_name": "company", "companyName": "company", "email_address": "email"},
            has_address=True,
        ),
        BulkResource.LEADS: ResourceSpec(
            resource=BulkResource.LEADS,
            record_type="lead",
            entity="lead",
            fields=(
                *person,
                Field("email", "email", EMAIL, required=True, max_length=254),
                Field("source", "source", max_length=120),
                Field("status", "status", CHOICE, choices=lead_statuses),
                Field("score", "score", INT, maximum=100),
                Field("nextAction", "next_action", max_length=255),
                Field("qualificationNotes", "qualification_notes"),
            ),
            match_by="email",
            created_event=EventType.LEAD_CREATED,
            updated_event=EventType.LEAD_UPDATED,
            aliases={"company_name": "company", "companyName": "company", "email_address": "email"},
        ),
        BulkResource.ACCOUNTS: ResourceSpec(
            resource=BulkResource.ACCOUNTS,
            record_type="account",
            entity="account",
            fields=(
                Field("name", "name", required=True, max_length=255),
                Field("website", "website", max_length=500),
                Field("industry", "industry", max_length=120),
                Field("employees", "employees", INT, maximum=2_147_483_647),
                Field("annualRevenue", "annual_revenue", DECIMAL, maximum=Decimal("9999999999999999.99")),
                Field("type", "type", CHOICE, choices=_choices(AccountType)),
                Field("parentAccountId", "parent_id", REF, ref="accounts"),
            ),
            match_by="name_or_domain",
            created_event=EventType.ACCOUNT_CREATED,
            updated_event=EventType.ACCOUNT_UPDATED,
            aliases={
                "company_name": "name",
                "account_name": "name",
                "domain": "website",
                "parent_id": "parentAccountId",
            },
            has_address=True,
        ),
        BulkResource.DEALS: ResourceSpec(
            resource=BulkResource.DEALS,
            record_type="deal",
            entity="deal",
            fields=(
                Field("title", "title", required=True, max_length=255),
                Field("value", "value", DECIMAL, maximum=Decimal("99999999999999.99")),
                Field("currency", "currency", max_length=3),
                Field("pipelineId", "pipeline_id", REF, ref="pipelines"),
                Field("stage", "stage_id", STAGE),
                Field("probability", "probability", INT, maximum=100),
                Field("expectedCloseDate", "expected_close_date", DATETIME),
                Field("description", "description"),
                Field("contactId", "contact_id", REF, ref="contacts"),
                Field("accountId", "account_id", REF, ref="accounts"),
            ),
            match_by="",
            created_event=EventType.DEAL_CREATED,
            updated_event=EventType.DEAL_UPDATED,
            aliases={"name": "title", "deal_name": "title", "amount": "value", "stage_id": "stage", "stageId": "stage"},
        ),
    }


SPECS: dict[str, ResourceSpec] = {}
_FIELD_INDEX: dict[str, dict[str, Field]] = {}


def _snake(name: str) -> str:
    return "".join(f"_{char.lower()}" if char.isupper() else char for char in name)


def spec_for(resource: str) -> ResourceSpec:
    if not SPECS:
        for key, spec in _specs().items():
            SPECS[key] = spec
            index: dict[str, Field] = {}
            for field_ in spec.fields:
                index[field_.name] = field_
                index[_snake(field_.name)] = field_
                index[field_.column] = field_
            _FIELD_INDEX[key] = index
    return SPECS[resource]

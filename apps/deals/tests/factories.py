"""Records for deal, pipeline and report tests, made through the services like any client would."""

from decimal import Decimal

from apps.accounts.models import Account
from apps.contacts.models import Contact
from apps.deals.services import deal_create
from apps.pipelines.models import Pipeline

# The design's pipeline body, verbatim.
DESIGN_PIPELINE_BODY = {
    "name": "Sales Pipeline",
    "description": "Standard sales process",
    "stages": [
        {"name": "Lead", "order": 1, "probability": 10},
        {"name": "Qualification", "order": 2, "probability": 25},
        {"name": "Proposal", "order": 3, "probability": 50},
        {"name": "Negotiation", "order": 4, "probability": 75},
        {"name": "Closed Won", "order": 5, "probability": 100},
    ],
}

# The design's stage automation body, verbatim.
DESIGN_AUTOMATION_BODY = {
    "rules": [
        {
            "trigger": "deal_entered_stage",
            "conditions": [{"field": "value", "operator": "greater_than", "value": 10000}],
            "actions": [
                {"type": "assign_user", "userId": "user_senior_rep"},
                {"type": "create_task", "title": "High-value deal review", "dueInHours": 24},
            ],
        }
    ]
}


def default_pipeline() -> Pipeline:
    return Pipeline.objects.get(is_default=True)


def make_contact(**fields) -> Contact:
    fields.setdefault("first_name", "John")
    fields.setdefault("last_name", "Doe")
    fields.setdefault("email", "john.doe@enterprise-corp.com")
    return Contact.objects.create(**fields)


def make_account(**fields) -> Account:
    fields.setdefault("name", "Enterprise Corp")
    return Account.objects.create(**fields)


def make_deal(*, owner, actor=None, pipeline=None, stage=None, value="1000", title="Deal", **fields):
    return deal_create(
        title=title,
        value=Decimal(str(value)),
        pipeline=pipeline or default_pipeline(),
        stage=stage,
        owner=owner,
        actor=actor or owner,
        **fields,
    )

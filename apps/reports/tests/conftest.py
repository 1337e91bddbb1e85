"""A fixed data set for the report tests, figures computed by hand in the tests.

Pipeline "Sales Pipeline" (the design's five stages + Closed Lost), EUR at 1.10 USD.

    deal  owner  value       stage          created     expected    closed
    D1    alice  10,000 USD  Lead           2025-01-05  2025-02-10
    D2    alice  20,000 USD  Proposal       2025-02-01  2025-03-20
    D3    bob    10,000 EUR  Negotiation    2025-02-10  2025-05-05
    D4    bob    40,000 USD  Qualification  2025-05-01  2025-11-30  (probability 30)
    D5    alice  30,000 USD  Closed Won     2025-01-16              2025-02-15
    D6    bob     5,000 EUR  Closed Won     2025-03-01              2025-04-10
    D7    bob     8,000 USD  Closed Lost    2025-04-01              2025-04-20
    D8    alice   7,000 USD  Lead           2025-12-01  2026-01-15

Stage history in 2025 (days spent in the stage left):
    D5  -> Lead 01-16, Lead -> Qualification 01-20 (4), Qualification -> Proposal 01-30 (10),
        Proposal -> Closed Won 02-15 (16)
    D6  -> Lead 03-01, Lead -> Proposal 03-03 (2), Proposal -> Negotiation 03-13 (10),
        Negotiation -> Closed Won 04-10 (28)                                   [moved by bob]
    D7  -> Lead 04-01, Lead -> Qualification 04-07 (6), Qualification -> Closed Lost 04-20 (13)  [bob]
    D2  -> Lead 02-01, Lead -> Proposal 02-05 (4)
"""

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from apps.activities.models import Task
from apps.deals.models import Deal, DealStageChange
from apps.deals.tests.factories import DESIGN_PIPELINE_BODY, make_deal
from apps.pipelines.services import pipeline_create, stage_add
from apps.reports.models import CurrencyRate


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.fixture
def dataset(admin, make_user):
    alice = make_user(roles=["sales_manager"], first_name="Alice", last_name="Ames")
    bob = make_user(roles=["sales_rep"], first_name="Bob", last_name="Burns")
    pipeline = pipeline_create(name="Sales Pipeline", stages=DESIGN_PIPELINE_BODY["stages"], actor=admin)
    stage_add(pipeline=pipeline, name="Closed Lost", probability=0, actor=admin)
    stages = {stage.slug: stage for stage in pipeline.stages.all()}
    CurrencyRate.objects.create(currency="EUR", rate=Decimal("1.10"))

    def deal(name, owner, value, stage, created, expected=None, closed=None, currency="USD", **fields):
        record = make_deal(
            owner=owner, pipeline=pipeline, stage=stage, value=value, title=name, currency=currency, **fields
        )
        Deal.objects.filter(pk=record.pk).update(
            created_at=at(created),
            expected_close_date=at(expected) if expected else None,
            actual_close_date=at(closed) if closed else None,
        )
        return record

    deals = {
        "D1": deal("D1", alice, 10000, "lead", "2025-01-05", expected="2025-02-10"),
        "D2": deal("D2", alice, 20000, "proposal", "2025-02-01", expected="2025-03-20"),
        "D3": deal("D3", bob, 10000, "negotiation", "2025-02-10", expected="2025-05-05", currency="EUR"),
        "D4": deal("D4", bob, 40000, "qualification", "2025-05-01", expected="2025-11-30", probability=30),
        "D5": deal("D5", alice, 30000, "closed_won", "2025-01-16", closed="2025-02-15"),
        "D6": deal("D6", bob, 5000, "closed_won", "2025-03-01", closed="2025-04-10", currency="EUR"),
        "D7": deal("D7", bob, 8000, "closed_lost", "2025-04-01", closed="2025-04-20"),
        "D8": deal("D8", alice, 7000, "lead", "2025-12-01", expected="2026-01-15"),
    }
    DealStageChange.objects.all().delete()
    history = [
        ("D5", None, "lead", "2025-01-16", None, alice),
        ("D5", "lead", "qualification", "2025-01-20", 4, alice),
        ("D5", "qualification", "proposal", "2025-01-30", 10, alice),
        ("D5", "proposal", "closed_won", "2025-02-15", 16, alice),
        ("D6", None, "lead", "2025-03-01", None, bob),
        ("D6", "lead", "proposal", "2025-03-03", 2, bob),
        ("D6", "proposal", "negotiation", "2025-03-13", 10, bob),
        ("D6", "negotiation", "closed_won", "2025-04-10", 28, bob),
        ("D7", None, "lead", "2025-04-01", None, bob),
        ("D7", "lead", "qualification", "2025-04-07", 6, bob),
        ("D7", "qualification", "closed_lost", "2025-04-20", 13, bob),
        ("D2", None, "lead", "2025-02-01", None, alice),
        ("D2", "lead", "proposal", "2025-02-05", 4, alice),
    ]
    for name, source, target, when, days, who in history:
        change = DealStageChange.objects.create(
            deal=deals[name],
            from_stage=stages[source] if source else None,
            to_stage=stages[target],
            changed_by=who,
            seconds_in_previous_stage=days * 86400 if days is not None else None,
        )
        DealStageChange.objects.filter(pk=change.pk).update(created_at=at(when))
    Task.objects.create(
        title="Call", owner=bob, assigned_to=bob, status="completed", completed_at=at("2025-03-05"), related_type="deal"
    )
    return {"pipeline": pipeline, "stages": stages, "alice": alice, "bob": bob, "deals": deals}

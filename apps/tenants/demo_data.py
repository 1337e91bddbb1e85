"""Realistic sample data for the demo tenant: a sales team, accounts, contacts, leads, deals
in every stage, and their tasks, events and communications. Loaded once (skipped when present)."""

import random
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from faker import Faker

DEMO_PASSWORD = "DemoPass!2345"
INDUSTRIES = ["Technology", "Healthcare", "Finance", "Manufacturing", "Retail", "Education", "Energy", "Media"]
SOURCES = ["Website Form", "Referral", "Trade Show", "Cold Call", "Webinar", "Partner", "LinkedIn"]


@transaction.atomic
def demo_data_load(*, accounts: int = 60, contacts: int = 400, leads: int = 250, deals: int = 300) -> None:
    from apps.accounts.models import Account
    from apps.activities.models import Communication, Event, Task
    from apps.contacts.models import Contact
    from apps.deals.models import Deal, DealStageChange
    from apps.leads.models import Lead
    from apps.pipelines.models import Pipeline
    from apps.users.models import User
    from apps.users.roles import SALES_MANAGER, SALES_REP
    from apps.users.services import department_get_or_create, team_create, user_create

    if Account.objects.exists():
        return
    fake = Faker()
    Faker.seed(2025)
    rng = random.Random(2025)
    now = timezone.now()

    sales = department_get_or_create(name="Sales")
    team = team_create(name="West Coast", description="Enterprise accounts", department_id=sales.pk)
    manager = user_create(
        email="manager@demo.localhost",
        password=DEMO_PASSWORD,
        first_name="Morgan",
        last_name="Lee",
        roles=[SALES_MANAGER],
        team_id=team.pk,
    )
    reps = [
        user_create(
            email=f"rep{index}@demo.localhost",
            password=DEMO_PASSWORD,
            first_name=fake.first_name(),
            last_name=fake.last_name(),
            roles=[SALES_REP],
            team_id=team.pk,
        )
        for index in range(1, 5)
    ]
    owners = [manager, *reps, *User.objects.filter(email__startswith="admin")]

    def past(days: int) -> timezone.datetime:
        return now - timedelta(days=rng.randint(0, days), minutes=rng.randint(0, 1440))

    account_rows = []
    for _ in range(accounts):
        company = fake.unique.company()
        account_rows.append(
            Account(
                name=company,
                website=f"https://{fake.domain_name()}",
                industry=rng.choice(INDUSTRIES),
                employees=rng.choice([12, 45, 120, 500, 1500, 5000, 20000]),
                annual_revenue=Decimal(rng.randint(1, 500) * 1_000_000),
                type=rng.choice(["Customer", "Prospect", "Partner", "Prospect"]),
                address={
                    "street": fake.street_address(),
                    "city": fake.city(),
                    "state": fake.state_abbr(),
                    "zipCode": fake.postcode(),
                    "country": "US",
                },
                owner=rng.choice(owners),
            )
        )
    account_rows = Account.objects.bulk_create(account_rows)
    for child in account_rows[40:]:
        child.parent = rng.choice(account_rows[:10])
    Account.objects.bulk_update(account_rows[40:], ["parent"])

    contact_rows = []
    for _ in range(contacts):
        account = rng.choice(account_rows)
        first, last = fake.first_name(), fake.last_name()
        contact_rows.append(
            Contact(
                first_name=first,
                last_name=last,
                email=f"{first}.{last}.{fake.unique.random_int(1, 999999)}@example.com".lower(),
                phone=f"+1555{rng.randint(1000000, 9999999)}",
                company=account.name,
                job_title=fake.job()[:255],
                account=account,
                address={"city": fake.city(), "country": "US"},
                custom_fields={"leadSource": rng.choice(SOURCES), "industry": account.industry},
                owner=rng.choice(owners),
            )
        )
    contact_rows = Contact.objects.bulk_create(contact_rows)

    lead_rows = []
    for _ in range(leads):
        first, last = fake.first_name(), fake.last_name()
        lead_rows.append(
            Lead(
                first_name=first,
                last_name=last,
                email=f"{first}.{last}.{fake.unique.random_int(1, 999999)}@prospect.example".lower(),
                phone=f"+1555{rng.randint(1000000, 9999999)}",
                company=fake.company(),
                job_title=fake.job()[:255],
                source=rng.choice(SOURCES),
                status=rng.choice(["new", "new", "contacted", "qualified", "unqualified"]),
                score=rng.randint(5, 95),
                custom_fields={"budget": rng.choice(["10000-50000", "50000-100000", "100000+"])},
                owner=rng.choice(owners),
            )
        )
    Lead.objects.bulk_create(lead_rows)

    pipeline = Pipeline.objects.get(is_default=True)
    stages = list(pipeline.stages.order_by("order"))
    deal_rows = []
    for _ in range(deals):
        contact = rng.choice(contact_rows)
        stage = rng.choice(stages)
        created = past(300)
        closed = stage.stage_type != "open"
        deal_rows.append(
            Deal(
                title=f"{contact.company} - {rng.choice(['License', 'Renewal', 'Expansion', 'Services', 'Pilot'])}",
                value=Decimal(rng.randint(5, 250) * 1000),
                currency="USD",
                pipeline=pipeline,
                stage=stage,
                probability=stage.probability,
                expected_close_date=created + timedelta(days=rng.randint(20, 120)),
                actual_close_date=created + timedelta(days=rng.randint(10, 90)) if closed else None,
                description=fake.sentence(),
                contact=contact,
                account=contact.account,
                stage_entered_at=created + timedelta(days=rng.randint(0, 10)),
                custom_fields={"dealSource": rng.choice(SOURCES)},
                owner=rng.choice(owners),
            )
        )
    deal_rows = Deal.objects.bulk_create(deal_rows)
    history = []
    for deal in deal_rows:
        previous = None
        for stage in stages[: stages.index(deal.stage) + 1]:
            history.append(
                DealStageChange(
                    deal=deal,
                    from_stage=previous,
                    to_stage=stage,
                    changed_by=deal.owner,
                    reason="Demo history",
                    seconds_in_previous_stage=rng.randint(1, 20) * 86400 if previous else None,
                )
            )
            previous = stage
    DealStageChange.objects.bulk_create(history)

    tasks, events, communications = [], [], []
    for deal in deal_rows:
        tasks.append(
            Task(
                title=rng.choice(["Follow up call", "Send proposal", "Schedule demo", "Review contract"]),
                description=fake.sentence(),
                due_date=now + timedelta(days=rng.randint(-10, 30)),
                priority=rng.choice(["low", "medium", "high"]),
                status=rng.choice(["pending", "pending", "in_progress", "completed"]),
                assigned_to=deal.owner,
                owner=deal.owner,
                related_type="deal",
                related_id=deal.pk,
            )
        )
        start = now + timedelta(days=rng.randint(-20, 20), hours=rng.randint(8, 17))
        events.append(
            Event(
                title=rng.choice(["Product Demo", "Discovery Call", "Quarterly Review"]),
                description=fake.sentence(),
                start_time=start,
                end_time=start + timedelta(minutes=rng.choice([30, 60, 90])),
                location=rng.choice(["Zoom", "Conference Room A", "Customer site"]),
                owner=deal.owner,
                related_type="deal",
                related_id=deal.pk,
            )
        )
        communications.append(
            Communication(
                type=rng.choice(["email", "call", "meeting"]),
                direction=rng.choice(["outbound", "inbound"]),
                subject=f"Re: {deal.title}",
                content=fake.paragraph(),
                timestamp=past(60),
                owner=deal.owner,
                related_type="deal",
                related_id=deal.pk,
            )
        )
    Task.objects.bulk_create(tasks)
    Event.objects.bulk_create(events)
    communications = Communication.objects.bulk_create(communications)
    Participant = Communication.participants.through
    Participant.objects.bulk_create(
        Participant(communication_id=comm.pk, contact_id=deal.contact_id)
        for comm, deal in zip(communications, deal_rows, strict=True)
        if deal.contact_id
    )

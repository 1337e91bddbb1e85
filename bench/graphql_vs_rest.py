"""The design's GetDealsWithComplexFilter at `first: 100` against the REST list calls that fetch
the same data, timed through the whole Django stack.

    .venv/bin/python bench/graphql_vs_rest.py [--deals 100] [--runs 7]

Goal (issue 6): the GraphQL query answers within 2x the time of the equivalent REST calls. The
tenant `bench_graphql` holds `--deals` deals matching the query's filter (plus as many that do
not), each with its own contact and account and five activities (three tasks, two events).
REST needs one list call per resource to show the same page: the deals (filtered the same way),
their contacts, their accounts, and the deals' tasks and events (200 a page). Both sides run
with the test client as a signed-in tenant admin; the medians and their ratio are printed.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django_tenants.utils import tenant_context  # noqa: E402

from apps.tenants.models import Tenant  # noqa: E402
from apps.tenants.services import platform_setup, tenant_provision  # noqa: E402

SLUG = "bench_graphql"
GOAL_RATIO = 2.0


def complex_query(first: int) -> str:
    """The design's query, verbatim but for the page size."""
    from tests.graphql.queries import GET_DEALS_WITH_COMPLEX_FILTER

    return GET_DEALS_WITH_COMPLEX_FILTER.replace("first: 20", f"first: {first}")


def prepare(deals: int) -> Tenant:
    from apps.accounts.models import Account
    from apps.activities.models import Event, Task
    from apps.contacts.models import Contact
    from apps.deals.models import Deal
    from apps.pipelines.models import Stage

    platform_setup()
    tenant_provision(slug=SLUG, name="Bench GraphQL", admin_email="admin@bench.test", admin_password="Bench-Pass-2025!")
    connection.set_schema_to_public()
    tenant = Tenant.objects.get(schema_name=SLUG)
    with tenant_context(tenant):
        if Deal.objects.count() == deals * 2:
            print(f"reusing {deals} matching deals")
            return tenant
        for model in (Task, Event, Deal, Contact, Account):
            model.all_objects.all().delete()
        stages = {stage.slug: stage for stage in Stage.objects.filter(pipeline__is_default=True)}
        close = dt.datetime(2025, 2, 15, tzinfo=dt.UTC)
        now = dt.datetime.now(dt.UTC)
        for index in range(deals * 2):
            matching = index < deals
            account = Account.objects.create(name=f"Account {index}", industry="Technology" if matching else "Retail")
            contact = Contact.objects.create(
                first_name="Buyer", last_name=str(index), email=f"buyer{index}@enterprise.com", account=account
            )
            stage = stages["qualification" if index % 2 else "proposal"]
            deal = Deal.objects.create(
                title=f"Deal {index}",
                value=Decimal(10000 + index * 10),
                pipeline=stage.pipeline,
                stage=stage,
                probability=stage.probability,
                expected_close_date=close,
                contact=contact,
                account=account,
                stage_entered_at=now,
            )
            for offset in range(3):
                Task.objects.create(
                    title=f"Task {offset}",
                    related_type="deal",
                    related_id=deal.pk,
                    due_date=now + dt.timedelta(days=offset),
                )
            for offset in range(2):
                start = now + dt.timedelta(days=offset + 1)
                Event.objects.create(
                    title=f"Event {offset}",
                    related_type="deal",
                    related_id=deal.pk,
                    start_time=start,
                    end_time=start + dt.timedelta(hours=1),
                )
        print(f"generated {deals * 2} deals ({deals} matching), their contacts, accounts and 5 activities each")
    return tenant


def rest_pages(client: Client, path: str) -> list[dict]:
    """Every page of a REST list (200 a page)."""
    rows, page = [], 1
    while True:
        separator = "&" if "?" in path else "?"
        response = client.get(f"{path}{separator}limit=200&page={page}")
        assert response.status_code == 200, response.content[:500]
        body = response.json()
        rows.extend(body["data"])
        if not body["meta"]["pagination"]["hasNext"]:
            return rows
        page += 1


def rest_round(client: Client, first: int) -> int:
    """What a REST client does to show the page: deals, then contacts, accounts, tasks, events."""
    deals_path = (
        f"/v1/deals?valueMin=10000&valueMax=100000&stage=qualification,proposal&closeDateFrom=2025-01-01"
        f"&closeDateTo=2025-03-31&sort=value&order=desc&limit={first}"
    )
    response = client.get(deals_path)
    assert response.status_code == 200, response.content[:500]
    deals = response.json()["data"]
    contacts = rest_pages(client, "/v1/contacts")
    accounts = rest_pages(client, "/v1/accounts")
    tasks = rest_pages(client, "/v1/activities/tasks?relatedType=deal")
    events = rest_pages(client, "/v1/activities/events?relatedType=deal")
    return len(deals) + len(contacts) + len(accounts) + len(tasks) + len(events)


def graphql_round(client: Client, query: str) -> int:
    response = client.post("/graphql", {"query": query}, content_type="application/json")
    body = response.json()
    assert response.status_code == 200 and "errors" not in body, str(body)[:500]
    return len(body["data"]["deals"]["edges"])


def timed(work, runs: int) -> list[float]:
    work()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--deals", type=int, default=100)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    tenant = prepare(args.deals)

    from apps.users.models import User

    client = Client(HTTP_X_TENANT_ID=SLUG)
    with tenant_context(tenant):
        client.force_login(User.objects.get(email="admin@bench.test"))
    connection.set_schema_to_public()
    query = complex_query(args.deals)
    shown = graphql_round(client, query)
    assert shown == args.deals, f"GraphQL answered {shown} deals, expected {args.deals}"
    graphql = statistics.median(timed(lambda: graphql_round(client, query), args.runs))
    rest = statistics.median(timed(lambda: rest_round(client, args.deals), args.runs))
    ratio = graphql / rest
    print(f"GetDealsWithComplexFilter, first: {args.deals} ({args.runs} runs each, medians)")
    print(f"  GraphQL, one request                         : {graphql:7.1f} ms")
    print(f"  REST, deals + contacts + accounts + activities: {rest:7.1f} ms")
    print(f"  ratio GraphQL / REST: {ratio:.2f}   (goal <= {GOAL_RATIO})")
    sys.exit(0 if ratio <= GOAL_RATIO else 1)


if __name__ == "__main__":
    main()

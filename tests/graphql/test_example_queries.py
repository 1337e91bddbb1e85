"""The design's example queries run exactly as written (variables filled in)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from tests.graphql import data
from tests.graphql.queries import ACCOUNT_HIERARCHY_WITH_DEALS, GET_DEALS_WITH_COMPLEX_FILTER


def _complex_filter_fixture():
    tech = data.make_account(name="Globex Tech", industry="Technology")
    retail = data.make_account(name="Shop Co", industry="Retail")
    enterprise = data.make_contact(first_name="John", last_name="Doe", email="john@enterprise.com")
    other = data.make_contact(first_name="Ann", last_name="Other", email="ann@elsewhere.com")
    march = dt.datetime(2025, 3, 31, 15, 0, tzinfo=dt.UTC)
    matching = [
        data.make_deal(
            title="Big", value=Decimal("90000"), account=tech, contact=enterprise, expected_close_date=march
        ),
        data.make_deal(title="Mid", value=Decimal("40000"), account=tech, contact=enterprise, stage_slug="proposal"),
        data.make_deal(title="Low", value=Decimal("10000"), account=tech, contact=enterprise),
    ]
    data.make_deal(title="Too big", value=Decimal("150000"), account=tech, contact=enterprise)
    data.make_deal(
        title="Wrong stage", value=Decimal("50000"), account=tech, contact=enterprise, stage_slug="negotiation"
    )
    data.make_deal(
        title="Too late",
        account=tech,
        contact=enterprise,
        expected_close_date=dt.datetime(2025, 4, 1, tzinfo=dt.UTC),
    )
    data.make_deal(title="Retail", account=retail, contact=enterprise)
    data.make_deal(title="Other contact", account=tech, contact=other)
    return matching


def test_get_deals_with_complex_filter_runs_as_written(gql):
    big, mid, low = _complex_filter_fixture()
    for index in range(4):
        data.make_event(big, title=f"Meeting {index}")
    data.make_communication(big)
    overdue = data.make_task(big, title="Send contract", due_date=timezone.now() - dt.timedelta(days=1))

    body = gql(GET_DEALS_WITH_COMPLEX_FILTER, status=200)

    assert "errors" not in body
    deals = body["data"]["deals"]
    assert [edge["node"]["title"] for edge in deals["edges"]] == ["Big", "Mid", "Low"]
    assert deals["totalCount"] == 3
    assert deals["pageInfo"]["hasNextPage"] is False
    assert deals["pageInfo"]["hasPreviousPage"] is False
    assert deals["pageInfo"]["startCursor"] == deals["edges"][0]["cursor"]
    first = deals["edges"][0]["node"]
    assert first["id"] == big.pk
    assert first["value"] == 90000.0
    assert first["stage"] == "qualification"
    assert first["expectedCloseDate"] == "2025-03-31T15:00:00Z"
    assert first["contact"] == {"fullName": "John Doe", "email": "john@enterprise.com", "company": "Enterprise Inc"}
    assert first["account"] == {"name": "Globex Tech", "industry": "Technology"}
    activities = [edge["node"] for edge in first["activities"]["edges"]]
    assert len(activities) == 5  # six activities, the newest five
    assert {} not in activities[2:]  # the oldest event fell off; the communication shows as {}
    task = next(node for node in activities if node.get("title") == "Send contract")
    assert task["isOverdue"] is True
    assert task["dueDate"] == overdue.due_date.strftime("%Y-%m-%dT%H:%M:%SZ")
    meeting = next(node for node in activities if node.get("title", "").startswith("Meeting"))
    assert meeting["duration"] == 60


def test_account_hierarchy_with_deals_runs_as_written(gql):
    parent = data.make_account(name="Parent Holdings")
    account = data.make_account(name="Acme Corp", parent=parent)
    child = data.make_account(name="Acme Europe", parent=account)
    data.make_deal(title="Parent deal", value=Decimal("70000"), account=parent)
    data.make_deal(title="Parent lost deal", value=Decimal("5000"), account=parent, stage_slug="closed_lost")
    buyer = data.make_contact(first_name="Eva", last_name="Buyer", job_title="CTO", account=child)
    data.make_deal(title="Child open", value=Decimal("20000"), contact=buyer, account=child)
    data.make_deal(title="Child won", value=Decimal("30000"), contact=buyer, account=child, stage_slug="closed_won")
    owner_contact = data.make_contact(first_name="Max", last_name="Main", account=account)
    open_deal = data.make_deal(title="Main open", value=Decimal("50000"), contact=owner_contact, account=account)
    data.make_deal(title="Main won", account=account, stage_slug="closed_won")
    data.make_task(open_deal, title="Later task", due_date=timezone.now() + dt.timedelta(days=5))
    data.make_event(open_deal, title="Soon demo", start_time=timezone.now() + dt.timedelta(days=1))

    body = gql(ACCOUNT_HIERARCHY_WITH_DEALS, {"accountId": account.pk}, status=200)

    assert "errors" not in body
    result = body["data"]["account"]
    assert result["id"] == account.pk
    assert result["hierarchy"]["parent"] == {"id": parent.pk, "name": "Parent Holdings", "totalDealValue": 70000.0}
    [child_node] = result["hierarchy"]["children"]
    assert child_node["name"] == "Acme Europe"
    [contact_edge] = child_node["contacts"]["edges"]
    assert contact_edge["node"]["fullName"] == "Eva Buyer"
    assert contact_edge["node"]["jobTitle"] == "CTO"
    assert [edge["node"] for edge in contact_edge["node"]["deals"]["edges"]] == [
        {"title": "Child open", "value": 20000.0, "stage": "qualification", "probability": 25}
    ]
    [deal_edge] = result["deals"]["edges"]
    assert deal_edge["node"]["title"] == "Main open"
    assert deal_edge["node"]["contact"] == {"fullName": "Max Main"}
    assert deal_edge["node"]["nextActivity"]["title"] == "Soon demo"
    assert "startTime" in deal_edge["node"]["nextActivity"]

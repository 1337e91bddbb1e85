"""Filter inputs: every operator, nested relations, custom fields, and/or/not."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.graphql import data

DEALS = "query($filter: DealFilter) { deals(filter: $filter, first: 200) { totalCount edges { node { title } } } }"
CONTACTS = "query($filter: ContactFilter) { contacts(filter: $filter) { edges { node { firstName } } } }"
LEADS = "query($filter: LeadFilter) { leads(filter: $filter) { edges { node { firstName } } } }"


@pytest.fixture
def people(tenant):
    data.make_contact(first_name="Alice", last_name="Archer", email="alice@enterprise.com", company="Enterprise")
    data.make_contact(first_name="Bob", last_name="Baker", email="bob@small.io", company="Small IO")
    data.make_contact(first_name="Carol", last_name="Cook", email=None, company="")


def _names(body, field):
    assert "errors" not in body, body
    return sorted(edge["node"][field] for edge in body["data"][next(iter(body["data"]))]["edges"])


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"eq": "Alice"}, ["Alice"]),
        ({"ne": "Alice"}, ["Bob", "Carol"]),
        ({"in": ["Alice", "Bob"]}, ["Alice", "Bob"]),
        ({"nin": ["Alice", "Bob"]}, ["Carol"]),
        ({"contains": "LIC"}, ["Alice"]),
        ({"startsWith": "b"}, ["Bob"]),
        ({"endsWith": "ol"}, ["Carol"]),
    ],
)
def test_string_filter_operators(gql, people, condition, expected):
    assert _names(gql(CONTACTS, {"filter": {"firstName": condition}}), "firstName") == expected


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"eq": 20000}, ["B"]),
        ({"ne": 20000}, ["A", "C"]),
        ({"gt": 20000}, ["C"]),
        ({"gte": 20000}, ["B", "C"]),
        ({"lt": 20000}, ["A"]),
        ({"lte": 20000}, ["A", "B"]),
        ({"in": [10000, 30000]}, ["A", "C"]),
        ({"nin": [10000, 30000]}, ["B"]),
    ],
)
def test_float_filter_operators(gql, tenant, condition, expected):
    for title, value in (("A", 10000), ("B", 20000), ("C", 30000)):
        data.make_deal(title=title, value=Decimal(value))
    assert _names(gql(DEALS, {"filter": {"value": condition}}), "title") == expected


def test_int_filter_and_datetime_filter(gql, tenant):
    data.make_deal(title="Jan", probability=10, expected_close_date=dt.datetime(2025, 1, 10, 9, tzinfo=dt.UTC))
    data.make_deal(title="Feb", probability=50, expected_close_date=dt.datetime(2025, 2, 28, 23, tzinfo=dt.UTC))
    data.make_deal(title="Mar", probability=90, expected_close_date=dt.datetime(2025, 3, 1, 0, tzinfo=dt.UTC))
    by_probability = gql(DEALS, {"filter": {"probability": {"gt": 10, "lt": 90}}})
    assert _names(by_probability, "title") == ["Feb"]
    through_february = gql(DEALS, {"filter": {"expectedCloseDate": {"lte": "2025-02-28"}}})
    assert _names(through_february, "title") == ["Feb", "Jan"]
    after_february = gql(DEALS, {"filter": {"expectedCloseDate": {"gt": "2025-02-28"}}})
    assert _names(after_february, "title") == ["Mar"]
    exact_instant = gql(DEALS, {"filter": {"expectedCloseDate": {"eq": "2025-01-10T09:00:00Z"}}})
    assert _names(exact_instant, "title") == ["Jan"]


def test_nested_filters_across_relations(gql, tenant):
    tech = data.make_account(name="Tech", industry="Technology")
    retail = data.make_account(name="Retail", industry="Retail")
    big_buyer = data.make_contact(email="x@enterprise.com", account=retail)
    data.make_deal(title="Tech deal", account=tech)
    data.make_deal(title="Retail deal", account=retail, contact=big_buyer)
    by_account = gql(DEALS, {"filter": {"account": {"industry": {"eq": "Technology"}}}})
    assert _names(by_account, "title") == ["Tech deal"]
    by_contact = gql(DEALS, {"filter": {"contact": {"email": {"contains": "@enterprise.com"}}}})
    assert _names(by_contact, "title") == ["Retail deal"]
    two_levels = gql(DEALS, {"filter": {"contact": {"account": {"name": {"eq": "Retail"}}}}})
    assert _names(two_levels, "title") == ["Retail deal"]


def test_custom_fields_filter(gql, tenant):
    data.make_deal(title="Referral", custom_fields={"dealSource": "Referral", "seats": 50})
    data.make_deal(title="Web", custom_fields={"dealSource": "Website", "seats": 5})
    data.make_deal(title="Bare")
    assert _names(gql(DEALS, {"filter": {"customFields": {"key": "dealSource", "eq": "Referral"}}}), "title") == [
        "Referral"
    ]
    assert _names(gql(DEALS, {"filter": {"customFields": {"key": "seats", "gt": 10}}}), "title") == ["Referral"]
    assert _names(gql(DEALS, {"filter": {"customFields": {"key": "dealSource", "startsWith": "web"}}}), "title") == [
        "Web"
    ]
    assert _names(gql(DEALS, {"filter": {"customFields": {"key": "dealSource", "exists": False}}}), "title") == ["Bare"]
    bad_key = gql(DEALS, {"filter": {"customFields": {"key": "x'; drop", "eq": 1}}})
    assert bad_key["errors"][0]["extensions"]["code"] == "VALIDATION_ERROR"


def test_and_or_not_combine_filters(gql, people):
    either = gql(CONTACTS, {"filter": {"or": [{"firstName": {"eq": "Alice"}}, {"company": {"eq": "Small IO"}}]}})
    assert _names(either, "firstName") == ["Alice", "Bob"]
    neither = gql(CONTACTS, {"filter": {"not": {"firstName": {"in": ["Alice", "Bob"]}}}})
    assert _names(neither, "firstName") == ["Carol"]
    both = gql(CONTACTS, {"filter": {"and": [{"firstName": {"startsWith": "a"}}, {"lastName": {"eq": "Archer"}}]}})
    assert _names(both, "firstName") == ["Alice"]


def test_deal_status_and_lead_status_filters(gql, tenant):
    data.make_deal(title="Open")
    data.make_deal(title="Won", stage_slug="closed_won")
    data.make_deal(title="Lost", stage_slug="closed_lost")
    for status, expected in (("ACTIVE", ["Open"]), ("WON", ["Won"]), ("LOST", ["Lost"])):
        assert _names(gql(DEALS, {"filter": {"status": status}}), "title") == expected
    data.make_lead(first_name="New")
    data.make_lead(first_name="Hot", status="qualified", email="hot@x.com")
    assert _names(gql(LEADS, {"filter": {"status": {"eq": "QUALIFIED"}}}), "firstName") == ["Hot"]
    assert _names(gql(LEADS, {"filter": {"status": {"nin": ["QUALIFIED"]}}}), "firstName") == ["New"]

"""No N+1: the complex deals query costs the same few SQL queries whatever the page size."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.graphql import data
from tests.graphql.queries import GET_DEALS_WITH_COMPLEX_FILTER

# COUNT, deals, contacts, accounts, and one query per activity kind.
EXPECTED_QUERIES = 7


def _seed(count: int) -> None:
    for index in range(count):
        account = data.make_account(name=f"Account {index}", industry="Technology")
        contact = data.make_contact(email=f"buyer{index}@enterprise.com", account=account)
        deal = data.make_deal(title=f"Deal {index}", value=10000 + index, account=account, contact=contact)
        data.make_task(deal)
        data.make_task(deal)
        data.make_event(deal)
        data.make_event(deal)
        data.make_communication(deal)


def _queries(gql, query: str) -> tuple[list[str], dict]:
    """The SQL a request ran, tenant routing (done once per request by the middleware) aside."""
    with CaptureQueriesContext(connection) as captured:
        body = gql(query, status=200)
    assert "errors" not in body, body
    sql = [q["sql"] for q in captured.captured_queries]
    return [q for q in sql if "tenants_" not in q and not q.startswith("SET")], body


def test_complex_deals_query_costs_a_constant_number_of_queries(gql, api, make_user):
    _seed(20)
    # A sales rep (who may also read accounts): the ownership scope filters deals and activities.
    rep = make_user(roles=["sales_rep", "support_agent"])
    from apps.activities.models import Communication, Event, Task
    from apps.deals.models import Deal

    for model in (Deal, Task, Event, Communication):
        model.objects.update(owner=rep)
    api.force_authenticate(rep)

    small = GET_DEALS_WITH_COMPLEX_FILTER.replace("first: 20", "first: 5")
    _queries(gql, small)  # the caller's roles are read once per user object
    small_sql, small_body = _queries(gql, small)
    full_sql, full_body = _queries(gql, GET_DEALS_WITH_COMPLEX_FILTER)

    assert len(small_body["data"]["deals"]["edges"]) == 5
    assert len(full_body["data"]["deals"]["edges"]) == 20
    nodes = [edge["node"] for edge in full_body["data"]["deals"]["edges"]]
    assert all(len(node["activities"]["edges"]) == 5 for node in nodes)
    assert all(node["account"]["industry"] == "Technology" and node["contact"]["email"] for node in nodes)
    assert len(full_sql) == len(small_sql), "\n".join(full_sql)
    assert len(full_sql) <= EXPECTED_QUERIES, "\n".join(full_sql)


def test_account_hierarchy_query_costs_the_same_whatever_the_number_of_children(gql):
    from tests.graphql.queries import ACCOUNT_HIERARCHY_WITH_DEALS

    def build(children: int) -> str:
        parent = data.make_account(name="Parent")
        account = data.make_account(name="Middle", parent=parent)
        for index in range(children):
            child = data.make_account(name=f"Child {index}", parent=account)
            for person in range(3):
                contact = data.make_contact(first_name=f"P{person}", account=child)
                deal = data.make_deal(contact=contact, account=child)
                data.make_task(deal)
        deal = data.make_deal(account=account)
        data.make_event(deal)
        return account.pk

    accounts = {children: build(children) for children in (2, 6)}
    gql(ACCOUNT_HIERARCHY_WITH_DEALS, {"accountId": accounts[2]})  # the caller's roles are read once
    counts = []
    for children, account_id in accounts.items():
        with CaptureQueriesContext(connection) as captured:
            body = gql(ACCOUNT_HIERARCHY_WITH_DEALS, {"accountId": account_id}, status=200)
        assert "errors" not in body, body
        assert len(body["data"]["account"]["hierarchy"]["children"]) == children
        counts.append(len([q for q in captured.captured_queries if "tenants_" not in q["sql"]]))
    assert counts[0] == counts[1], counts

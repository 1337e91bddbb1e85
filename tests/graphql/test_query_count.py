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

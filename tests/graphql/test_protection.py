"""Refusals before execution (depth, cost, size), persisted queries, errors without traces,
authentication and permissions as REST has them, tenant isolation, GraphiQL."""

import hashlib
import uuid

import pytest
from graphql import GraphQLError

from apps.core.graphql.errors import format_error
from tests.fixtures import in_tenant
from tests.graphql import data


def _nested(levels: int) -> str:
    """A query `levels` fields deep: account { parentAccount { ... { id } } }."""
    inner = "id"
    for _ in range(levels - 2):
        inner = f"parentAccount {{ {inner} }}"
    return f'{{ account(id: "account_x") {{ {inner} }} }}'


def test_a_query_ten_levels_deep_runs(gql):
    body = gql(_nested(10), status=200)
    assert body == {"data": {"account": None}}


def test_a_query_eleven_levels_deep_is_refused_before_it_runs(gql, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # tenant routing only
        body = gql(_nested(11), status=400)
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_DEEP"
    assert "data" not in body


def test_a_query_over_the_cost_budget_is_refused(gql):
    costly = "{ contacts(first: 200) { edges { node { deals(first: 200) { edges { node { id } } } } } } }"
    body = gql(costly, status=400)
    error = body["errors"][0]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    assert error["extensions"]["cost"] > error["extensions"]["budget"] == 10_000


def test_cost_counts_page_sizes_given_in_variables(gql, settings):
    settings.CRM_GRAPHQL_TENANT_COST_BUDGETS = {"acme": 100}
    query = "query($n: Int) { contacts(first: $n) { edges { node { account { id } } } } }"
    assert "errors" not in gql(query, {"n": 10}, status=200)
    assert gql(query, {"n": 200}, status=400)["errors"][0]["extensions"]["code"] == "QUERY_TOO_COSTLY"


def test_an_oversized_query_text_is_refused(gql):
    body = gql("{ apiVersion }" + " " * 30_000, status=400)
    assert body["errors"][0]["extensions"]["code"] == "QUERY_TOO_LARGE"


def test_persisted_query_registers_then_runs_by_hash(gql):
    query = f"# {uuid.uuid4()}\n{{ apiVersion }}"  # registrations outlive a test (shared cache)
    digest = hashlib.sha256(query.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    unknown = gql(None, extensions=extensions)
    assert unknown["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    registered = gql(query, extensions=extensions, status=200)
    assert registered == {"data": {"apiVersion": "1.0"}}
    by_hash = gql(None, extensions=extensions, status=200)
    assert by_hash == {"data": {"apiVersion": "1.0"}}
    wrong = gql("{ __typename }", extensions=extensions)
    assert wrong["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_HASH_MISMATCH"


def test_introspection_is_on(gql):
    body = gql("{ __schema { queryType { name } types { name } } }", status=200)
    names = {item["name"] for item in body["data"]["__schema"]["types"]}
    assert {"Contact", "Deal", "DealFilter", "StringFilter", "Activity", "JSON", "DateTime"} <= names


def test_unexpected_errors_never_expose_a_trace():
    wrapped = GraphQLError("boom", original_error=RuntimeError("password=secret at line 42"), path=["deals"])
    formatted = format_error(wrapped)
    assert formatted["message"] == "An internal error occurred. It has been logged."
    assert formatted["extensions"] == {"code": "INTERNAL_ERROR"}
    assert "secret" not in str(formatted)


def test_syntax_errors_are_answered_without_a_trace(gql):
    body = gql("{ deals( ", status=400)
    assert body["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "Traceback" not in str(body)


def test_anonymous_callers_are_unauthorized(api):
    response = api.post("/graphql", {"query": "{ contacts { totalCount } }"}, format="json")
    body = response.json()
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHORIZED"
    assert body["data"] == {"contacts": None}


def test_permissions_are_those_of_rest(api, make_user, gql):
    rep = make_user(roles=["sales_rep"])
    other = make_user(roles=["sales_rep"])
    account = data.make_account()
    data.make_deal(title="Mine", owner=rep, account=account)
    data.make_deal(title="Theirs", owner=other)
    api.force_authenticate(rep)
    deals = gql("{ deals { edges { node { title account { name } } } } }", status=200)
    # deals:read is tenant-wide for reps; accounts:read they lack, so nested accounts are null.
    assert sorted(edge["node"]["title"] for edge in deals["data"]["deals"]["edges"]) == ["Mine", "Theirs"]
    assert all(edge["node"]["account"] is None for edge in deals["data"]["deals"]["edges"])
    refused = gql("{ accounts { totalCount } }")
    assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert refused["errors"][0]["extensions"]["required_permissions"] == ["accounts:read"]


def test_own_scope_limits_what_a_caller_sees(api, make_user, gql):
    rep = make_user(roles=["sales_rep"])
    mine = data.make_deal(title="Mine", owner=rep)
    data.make_task(mine, owner=rep, title="My task")
    data.make_task(mine, title="Someone else's task")
    api.force_authenticate(rep)
    query = "query($id: ID!) { deal(id: $id) { activities { totalCount edges { node { ... on Task { title } } } } } }"
    activities = gql(query, {"id": mine.pk}, status=200)["data"]["deal"]["activities"]
    assert activities["totalCount"] == 1
    assert activities["edges"] == [{"node": {"title": "My task"}}]


@pytest.mark.django_db
def test_records_of_another_tenant_are_invisible(gql, tenant):
    in_tenant("globex")
    foreign = data.make_deal(title="Globex secret")
    in_tenant("acme")
    body = gql("query($id: ID!) { deal(id: $id) { title } }", {"id": foreign.pk}, status=200)
    assert body == {"data": {"deal": None}}
    listed = gql("{ deals { totalCount } }", status=200)
    assert listed["data"]["deals"]["totalCount"] == 0


def test_graphiql_is_served_to_browsers(admin_api):
    response = admin_api.get("/graphql", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert b"graphiql" in response.content.lower()
    assert "cdn.jsdelivr.net" in response["Content-Security-Policy"]


def test_queries_may_be_sent_with_get(admin_api):
    response = admin_api.get("/graphql", {"query": "{ apiVersion }"}, HTTP_ACCEPT="application/json")
    assert response.json() == {"data": {"apiVersion": "1.0"}}


def test_bearer_tokens_authenticate_as_they_do_for_rest(api, make_user, bearer):
    rep = make_user(roles=["sales_rep"])
    data.make_deal(title="Visible")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer(rep)}")
    body = api.post("/graphql", {"query": "{ deals { totalCount } }"}, format="json").json()
    assert body == {"data": {"deals": {"totalCount": 1}}}
    api.credentials(HTTP_AUTHORIZATION="Bearer not-a-token")
    refused = api.post("/graphql", {"query": "{ deals { totalCount } }"}, format="json")
    assert refused.status_code == 401
    assert refused.json()["errors"][0]["extensions"]["code"] == "UNAUTHORIZED"


def test_graphql_calls_count_against_the_rate_limit(api, make_user, bearer, settings):
    settings.CRM_RATE_LIMIT_TIERS = {"authenticated_user": {"minute": 2}}
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {bearer(make_user(roles=['sales_rep']))}")
    answers = [api.post("/graphql", {"query": "{ apiVersion }"}, format="json") for _ in range(3)]
    assert [answer.status_code for answer in answers] == [200, 200, 429]
    assert answers[2].json()["errors"][0]["extensions"]["code"] == "RATE_LIMIT_EXCEEDED"
    assert answers[2]["Retry-After"]
    assert answers[0]["X-RateLimit-Limit"] == "2"


def test_persisted_queries_are_registered_per_tenant(gql, tenant):
    from rest_framework.test import APIClient

    from apps.users.models import User

    query = f"# {uuid.uuid4()}\n{{ apiVersion }}"
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": hashlib.sha256(query.encode()).hexdigest()}}
    assert gql(query, extensions=extensions, status=200) == {"data": {"apiVersion": "1.0"}}
    in_tenant("globex")
    globex = APIClient(HTTP_X_TENANT_ID="globex")
    globex.force_authenticate(User.objects.get(email="admin@globex.test"))
    body = globex.post("/graphql", {"query": None, "extensions": extensions}, format="json").json()
    assert body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
    in_tenant("acme")


def test_operations_on_a_socket_count_against_the_callers_rate_limits(settings, tenant, make_user):
    """Each operation a socket starts counts as one HTTP call of its caller would; past a limit
    it is refused with RATE_LIMIT_EXCEEDED (the consumer sends that as the operation's error)."""
    from apps.core.graphql.subscriptions import GraphQLSubscriptionConsumer, SubscriptionContext

    settings.CRM_RATE_LIMIT_TIERS = {"authenticated_user": {"minute": 3, "hour": 100, "day": 1000, "burst": 100}}
    consumer = GraphQLSubscriptionConsumer()
    consumer.tenant = tenant
    consumer.context = SubscriptionContext(make_user(roles=["sales_rep"]), None, ["deals:read"])
    assert [consumer._rate_limit_refusal() for _ in range(3)] == [None, None, None]
    refused = format_error(consumer._rate_limit_refusal())
    assert refused["extensions"]["code"] == "RATE_LIMIT_EXCEEDED"
    assert refused["extensions"]["limit"] == 3 and refused["extensions"]["window"] == "1 minute"
    assert refused["extensions"]["retry_after"] >= 1
    other = GraphQLSubscriptionConsumer()
    other.tenant = tenant
    other.context = SubscriptionContext(make_user(roles=["sales_rep"]), None, ["deals:read"])
    assert other._rate_limit_refusal() is None  # counted per caller, not per server


def test_a_mutation_missing_its_rest_hooks_is_refused_when_defined():
    import graphene

    from apps.core.graphql.mutations import RestMutation

    with pytest.raises(TypeError, match="must define rest_request"):

        class Broken(RestMutation):
            Output = graphene.String

            @classmethod
            def payload(cls, info, data, **arguments):
                return None

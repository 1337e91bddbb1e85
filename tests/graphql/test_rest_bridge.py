"""Mutations and reports run REST's own actions in-process (apps.core.graphql.rest_bridge): the
caller, their permissions and REST's refusals travel both ways."""

from types import SimpleNamespace

import pytest
from django.test import RequestFactory

from apps.core.errors import Forbidden, NotFound
from apps.core.graphql.rest_bridge import RestRefused, rest_call


def _info(user, tenant):
    request = RequestFactory().post("/graphql", HTTP_X_TENANT_ID="acme")
    request.user, request.auth, request.tenant = user, None, tenant
    return SimpleNamespace(context=request)


def test_a_rest_action_answers_its_data_as_the_graphql_caller(admin, tenant):
    created = rest_call(_info(admin, tenant), "POST", "/v1/teams", {"name": "Bridge team"})
    assert created["name"] == "Bridge team"
    listed = rest_call(_info(admin, tenant), "GET", "/v1/teams", query={"limit": 200})
    assert "Bridge team" in {team["name"] for team in listed}


def test_rest_validation_errors_come_back_per_field(admin, tenant):
    with pytest.raises(RestRefused) as refused:
        rest_call(_info(admin, tenant), "POST", "/v1/users", {"email": "not-an-email"})
    errors = refused.value.as_errors()
    assert {"code": "VALIDATION_ERROR", "field": "email"}.items() <= next(
        e for e in errors if e["field"] == "email"
    ).items()


def test_rest_permission_refusals_are_forbidden(make_user, tenant):
    rep = make_user(roles=["sales_rep"])
    with pytest.raises(Forbidden):
        rest_call(_info(rep, tenant), "POST", "/v1/teams", {"name": "Not mine to make"})


def test_unknown_paths_and_records_are_not_found(admin, tenant):
    with pytest.raises(NotFound):
        rest_call(_info(admin, tenant), "GET", "/v1/no-such-thing")
    with pytest.raises(RestRefused) as refused:
        rest_call(_info(admin, tenant), "GET", "/v1/users/user_missing")
    assert refused.value.code == "NOT_FOUND"

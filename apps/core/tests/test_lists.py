"""Pagination and sort validation, shared by every list endpoint."""

import pytest


@pytest.fixture
def teams(admin_api):
    for name in ["Alpha", "Bravo", "Charlie", "Delta", "Echo"]:
        assert admin_api.post("/v1/teams", {"name": name}, format="json").status_code == 201


def test_page_and_limit_fill_meta_pagination(admin_api, teams):
    body = admin_api.get("/v1/teams?page=2&limit=2&sort=name&order=asc").json()
    assert [team["name"] for team in body["data"]] == ["Charlie", "Delta"]
    assert body["meta"]["pagination"] == {
        "page": 2,
        "limit": 2,
        "total": 5,
        "totalPages": 3,
        "hasNext": True,
        "hasPrev": True,
    }


def test_sort_desc(admin_api, teams):
    body = admin_api.get("/v1/teams?sort=name&order=desc&limit=1").json()
    assert body["data"][0]["name"] == "Echo"


def test_limit_is_capped_at_200(admin_api, teams):
    assert admin_api.get("/v1/teams?limit=5000").json()["meta"]["pagination"]["limit"] == 200


@pytest.mark.parametrize(
    ("query", "field"),
    [("page=0", "page"), ("page=abc", "page"), ("limit=-1", "limit"), ("sort=bogus", "sort"), ("order=up", "order")],
)
def test_bad_list_parameters_answer_400_naming_the_parameter(admin_api, query, field):
    response = admin_api.get(f"/v1/teams?{query}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == field


def test_page_past_the_end_is_empty(admin_api, teams):
    body = admin_api.get("/v1/teams?page=9&limit=2").json()
    assert body["data"] == []
    assert body["meta"]["pagination"]["hasNext"] is False


def test_list_query_count_does_not_grow_with_rows(admin_api, make_user, django_assert_max_num_queries):
    for _ in range(3):
        make_user(roles=["sales_rep"])
    with django_assert_max_num_queries(7) as small:
        admin_api.get("/v1/users?limit=50")
    for _ in range(20):
        make_user(roles=["sales_rep", "sales_manager"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = admin_api.get("/v1/users?limit=50")
    assert response.json()["meta"]["pagination"]["total"] == 24

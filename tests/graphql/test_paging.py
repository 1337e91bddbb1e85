"""Relay cursor paging, forwards and backwards, with arguments or the `pagination` input."""

from decimal import Decimal

import pytest

from apps.core.graphql.connections import encode_cursor
from tests.graphql import data

PAGE = """
query($first: Int, $after: String, $last: Int, $before: String) {
  deals(first: $first, after: $after, last: $last, before: $before, sort: {field: VALUE, direction: ASC}) {
    edges { cursor node { title } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    totalCount
  }
}
"""


@pytest.fixture
def ten_deals(tenant):
    for index in range(10):
        data.make_deal(title=f"D{index}", value=Decimal(1000 + index))


def _page(gql, **variables):
    body = gql(PAGE, variables, status=200)
    assert "errors" not in body, body
    deals = body["data"]["deals"]
    return [edge["node"]["title"] for edge in deals["edges"]], deals["pageInfo"], deals["totalCount"]


def test_paging_forward_with_first_and_after(gql, ten_deals):
    titles, info, total = _page(gql, first=4)
    assert (titles, total) == (["D0", "D1", "D2", "D3"], 10)
    assert info["hasNextPage"] is True and info["hasPreviousPage"] is False
    titles, info, _ = _page(gql, first=4, after=info["endCursor"])
    assert titles == ["D4", "D5", "D6", "D7"]
    assert info["hasNextPage"] is True and info["hasPreviousPage"] is True
    titles, info, _ = _page(gql, first=4, after=info["endCursor"])
    assert titles == ["D8", "D9"]
    assert info["hasNextPage"] is False


def test_paging_backward_with_last_and_before(gql, ten_deals):
    titles, info, _ = _page(gql, last=3)
    assert titles == ["D7", "D8", "D9"]
    assert info["hasNextPage"] is False and info["hasPreviousPage"] is True
    titles, info, _ = _page(gql, last=3, before=info["startCursor"])
    assert titles == ["D4", "D5", "D6"]
    titles, info, _ = _page(gql, last=3, before=encode_cursor(2))
    assert titles == ["D0", "D1"]
    assert info["hasPreviousPage"] is False


def test_pagination_input_is_the_same_as_the_arguments(gql, ten_deals):
    query = """query($after: String) {
      deals(pagination: {first: 2, after: $after}, sort: {field: VALUE, direction: DESC}) { edges { node { title } } }
    }"""
    body = gql(query, {"after": encode_cursor(0)}, status=200)
    assert [edge["node"]["title"] for edge in body["data"]["deals"]["edges"]] == ["D8", "D7"]


def test_a_cursor_we_did_not_issue_starts_at_the_beginning(gql, ten_deals):
    titles, info, _ = _page(gql, first=2, after="cursor123")
    assert titles == ["D0", "D1"]


def test_pages_hold_at_most_200_records(gql, tenant):
    for index in range(201):
        data.make_contact(first_name=f"P{index:03}", email=f"p{index}@x.io")
    body = gql("{ contacts(first: 500) { totalCount edges { cursor } } }", status=200)
    assert body["data"]["contacts"]["totalCount"] == 201
    assert len(body["data"]["contacts"]["edges"]) == 200


def test_nested_connections_page_per_parent(gql, tenant):
    account = data.make_account(name="Paged")
    for index in range(5):
        data.make_contact(first_name=f"C{index}", last_name="Same", account=account, email=f"c{index}@x.io")
    query = """query($id: ID!, $after: String) { account(id: $id) {
      contacts(first: 2, after: $after, sort: {field: FIRST_NAME, direction: ASC}) {
        totalCount edges { node { firstName } } pageInfo { hasNextPage hasPreviousPage endCursor } } } }"""
    first = gql(query, {"id": account.pk})["data"]["account"]["contacts"]
    assert [e["node"]["firstName"] for e in first["edges"]] == ["C0", "C1"]
    assert first["totalCount"] == 5 and first["pageInfo"]["hasNextPage"] is True
    second = gql(query, {"id": account.pk, "after": first["pageInfo"]["endCursor"]})["data"]["account"]["contacts"]
    assert [e["node"]["firstName"] for e in second["edges"]] == ["C2", "C3"]
    assert second["pageInfo"]["hasPreviousPage"] is True
    beyond = gql(query, {"id": account.pk, "after": encode_cursor(10)})["data"]["account"]["contacts"]
    assert beyond["edges"] == [] and beyond["totalCount"] == 5

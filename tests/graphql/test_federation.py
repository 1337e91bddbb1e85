"""The schema joins a federated gateway as a subgraph: `_service { sdl }` and `_entities`."""

from tests.graphql import data

ENTITIES = """
query($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Contact { id fullName email }
    ... on Deal { id title stage }
    ... on Account { id name }
    ... on Lead { id fullName }
    ... on Pipeline { id name }
  }
}
"""


def test_service_sdl_declares_the_entity_keys(gql):
    sdl = gql("{ _service { sdl } }", status=200)["data"]["_service"]["sdl"]
    for entity in ("Contact", "Deal", "Account", "Lead", "Pipeline"):
        assert f'type {entity} @key(fields: "id")' in sdl
    assert "customerOverview" in sdl or "type Query" in sdl


def test_entities_resolve_references_the_way_a_gateway_sends_them(gql):
    contact = data.make_contact()
    deal = data.make_deal(contact=contact)
    account = data.make_account(name="Federated")
    lead = data.make_lead()
    pipeline = data.default_pipeline()
    representations = [
        {"__typename": "Deal", "id": deal.pk},
        {"__typename": "Contact", "id": contact.pk},
        {"__typename": "Account", "id": account.pk},
        {"__typename": "Lead", "id": lead.pk},
        {"__typename": "Pipeline", "id": pipeline.pk},
        {"__typename": "Deal", "id": "deal_missing"},
    ]
    body = gql(ENTITIES, {"representations": representations}, status=200)
    assert "errors" not in body, body
    assert body["data"]["_entities"] == [
        {"__typename": "Deal", "id": deal.pk, "title": deal.title, "stage": "qualification"},
        {"__typename": "Contact", "id": contact.pk, "fullName": "John Doe", "email": contact.email},
        {"__typename": "Account", "id": account.pk, "name": "Federated"},
        {"__typename": "Lead", "id": lead.pk, "fullName": "Jane Smith"},
        {"__typename": "Pipeline", "id": pipeline.pk, "name": pipeline.name},
        None,
    ]


def test_entities_apply_the_callers_permissions(gql, api, make_user):
    account = data.make_account()
    api.force_authenticate(make_user(roles=["sales_rep"]))
    body = gql(ENTITIES, {"representations": [{"__typename": "Account", "id": account.pk}]}, status=200)
    assert body["data"]["_entities"] == [None]

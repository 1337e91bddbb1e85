"""`/v1/contacts`: the design's bodies verbatim, validation, duplicates, search, scopes."""

import pytest

from apps.contacts.models import Contact
from apps.events.models import OutboxEvent

DESIGN_CREATE = {
    "firstName": "John",
    "lastName": "Doe",
    "email": "john.doe@example.com",
    "phone": "+1-555-0123",
    "company": "Acme Corp",
    "jobTitle": "Sales Manager",
    "address": {"street": "123 Main St", "city": "New York", "state": "NY", "zipCode": "10001", "country": "US"},
    "customFields": {"leadSource": "Website", "industry": "Technology"},
}
DESIGN_UPDATE = {"firstName": "John", "lastName": "Smith", "email": "john.smith@example.com"}
DESIGN_SEARCH = {
    "query": "john",
    "filters": {"company": "Acme Corp", "jobTitle": "Manager", "createdAfter": "2025-01-01T00:00:00Z"},
    "sort": {"field": "lastName", "order": "asc"},
    "pagination": {"page": 1, "limit": 50},
}


def create(api, body=None, **overrides):
    response = api.post("/v1/contacts", {**(body or DESIGN_CREATE), **overrides}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["data"]


def test_design_create_body_creates_the_contact(admin_api, admin):
    contact = create(admin_api)
    assert contact["id"].startswith("contact_")
    assert contact["firstName"] == "John"
    assert contact["email"] == "john.doe@example.com"
    assert contact["phone"] == "+15550123"
    assert contact["address"]["zipCode"] == "10001"
    assert contact["customFields"] == {"leadSource": "Website", "industry": "Technology"}
    assert contact["ownerId"] == admin.pk
    assert contact["createdAt"].endswith("Z")
    event = OutboxEvent.objects.get(record_id=contact["id"])
    assert event.event_type == "contact.created"
    assert event.data["contact"]["email"] == "john.doe@example.com"


def test_get_answers_the_contact_and_unknown_ids_404(admin_api):
    contact = create(admin_api)
    assert admin_api.get(f"/v1/contacts/{contact['id']}").json()["data"]["lastName"] == "Doe"
    assert admin_api.get("/v1/contacts/contact_01JUNKNOWN").status_code == 404
    assert admin_api.get("/v1/contacts/deal_01JUNKNOWN").status_code == 404


def test_design_update_body_changes_only_what_is_sent_and_emits_changes(admin_api):
    contact = create(admin_api)
    for method in ("put", "patch"):
        response = getattr(admin_api, method)(f"/v1/contacts/{contact['id']}", DESIGN_UPDATE, format="json")
        assert response.status_code == 200, response.content
    updated = response.json()["data"]
    assert updated["lastName"] == "Smith"
    assert updated["email"] == "john.smith@example.com"
    assert updated["company"] == "Acme Corp"
    assert updated["customFields"]["industry"] == "Technology"
    event = OutboxEvent.objects.filter(record_id=contact["id"], event_type="contact.updated").first()
    assert event.data["changes"]["email"] == {"old": "john.doe@example.com", "new": "john.smith@example.com"}
    assert event.data["changes"]["lastName"] == {"old": "Doe", "new": "Smith"}


def test_delete_moves_to_trash_and_get_404s(admin_api):
    contact = create(admin_api)
    response = admin_api.delete(f"/v1/contacts/{contact['id']}")
    assert response.json()["data"] == {"id": contact["id"], "deleted": True}
    assert admin_api.get(f"/v1/contacts/{contact['id']}").status_code == 404
    assert Contact.all_objects.get(pk=contact["id"]).deleted_at is not None


def test_design_list_query_finds_john(admin_api):
    create(admin_api)
    create(admin_api, firstName="Mary", lastName="Adams", email="mary@example.com")
    body = admin_api.get("/v1/contacts?page=1&limit=50&sort=lastName&order=asc&search=john").json()
    assert [c["email"] for c in body["data"]] == ["john.doe@example.com"]
    assert body["meta"]["pagination"]["total"] == 1


def test_design_search_body_answers_ranked_page(admin_api):
    create(admin_api)
    create(admin_api, firstName="Johnny", lastName="Appleseed", email="johnny@example.com", jobTitle="Engineer")
    create(admin_api, firstName="Mary", lastName="Adams", email="mary@example.com")
    response = admin_api.post("/v1/contacts/search", DESIGN_SEARCH, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert [c["email"] for c in body["data"]] == ["john.doe@example.com"]
    assert body["meta"]["pagination"]["limit"] == 50


def test_search_tolerates_typos_and_prefixes(admin_api):
    create(admin_api, firstName="Katherine", lastName="Johnson", email="kj@nasa.test", company="NASA")
    create(admin_api, firstName="Mary", lastName="Adams", email="mary@example.com")
    for query in ("kath", "johnsen", "jonson", "katherin johnson", "nasa", "kj@nasa"):
        found = admin_api.post("/v1/contacts/search", {"query": query}, format="json").json()["data"]
        assert [c["lastName"] for c in found] == ["Johnson"], query


def test_created_contact_is_searchable_in_the_next_request(admin_api):
    contact = create(admin_api, firstName="Zebulon", lastName="Quirke", email="zq@example.com")
    found = admin_api.get("/v1/contacts?search=zebulon").json()["data"]
    assert [c["id"] for c in found] == [contact["id"]]
    admin_api.patch(f"/v1/contacts/{contact['id']}", {"lastName": "Marlowe"}, format="json")
    found = admin_api.post("/v1/contacts/search", {"query": "marlowe"}, format="json").json()["data"]
    assert [c["id"] for c in found] == [contact["id"]]
    # The renamed contact's new word is known to the typo corrector at once.
    found = admin_api.post("/v1/contacts/search", {"query": "marloww"}, format="json").json()["data"]
    assert [c["id"] for c in found] == [contact["id"]]


def test_duplicate_email_conflicts_naming_the_existing_contact(admin_api):
    contact = create(admin_api)
    response = admin_api.post("/v1/contacts", {**DESIGN_CREATE, "email": "JOHN.DOE@example.com "}, format="json")
    assert response.status_code == 409
    error = response.json()["errors"][0]
    assert error["code"] == "CONFLICT"
    assert contact["id"] in error["message"]
    assert error["details"]["existingId"] == contact["id"]


def test_upsert_by_email_updates_the_existing_contact(admin_api):
    contact = create(admin_api)
    response = admin_api.post("/v1/contacts?upsert=email", {**DESIGN_CREATE, "jobTitle": "VP"}, format="json")
    assert response.status_code == 200
    assert response.json()["data"]["id"] == contact["id"]
    assert response.json()["data"]["jobTitle"] == "VP"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({"firstName": "A", "lastName": "B", "email": "not-an-email"}, ["email"]),
        ({"firstName": "A", "lastName": "B", "phone": "12"}, ["phone"]),
        ({"lastName": "B"}, ["firstName"]),
        ({"firstName": "A", "lastName": "B", "nickname": "x"}, ["nickname"]),
        ({"firstName": "A", "lastName": "B", "customFields": {"shoeSize": 44}}, ["customFields.shoeSize"]),
        ({"firstName": "A", "lastName": "B", "address": {"planet": "Mars"}}, ["address.planet"]),
        ({"firstName": "A", "lastName": "B", "email": "bad", "phone": "x"}, ["email", "phone"]),
        ({"firstName": "A", "lastName": "B", "accountId": "account_01JNOPE"}, ["accountId"]),
    ],
)
def test_bad_input_answers_one_error_per_field(admin_api, body, fields):
    response = admin_api.post("/v1/contacts", body, format="json")
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    assert {e["code"] for e in errors} == {"VALIDATION_ERROR"}
    assert sorted(e["field"] for e in errors) == sorted(fields)


def test_sales_rep_owns_what_they_create_and_cannot_edit_others(api, make_user, admin):
    rep = make_user(roles=["sales_rep"])
    api.force_authenticate(admin)
    other = create(api)
    api.force_authenticate(rep)
    mine = create(api, email="rep.contact@example.com")
    assert mine["ownerId"] == rep.pk
    response = api.patch(f"/v1/contacts/{other['id']}", {"lastName": "X"}, format="json")
    assert response.status_code == 403
    assert response.json()["errors"][0]["details"]["required_permissions"] == ["contacts:write"]
    assert api.get(f"/v1/contacts/{other['id']}").status_code == 200  # contacts:read is tenant-wide


def test_reassigning_needs_the_reassign_permission(api, make_user, admin):
    rep = make_user(roles=["sales_rep"])
    api.force_authenticate(rep)
    mine = create(api, email="rep.contact@example.com")
    response = api.patch(f"/v1/contacts/{mine['id']}", {"ownerId": admin.pk}, format="json")
    assert response.status_code == 403
    assert response.json()["errors"][0]["details"]["required_permissions"] == ["records:reassign"]
    api.force_authenticate(admin)
    response = api.patch(f"/v1/contacts/{mine['id']}", {"ownerId": admin.pk}, format="json")
    assert response.status_code == 200
    assert response.json()["data"]["ownerId"] == admin.pk


def test_list_page_costs_constant_queries_whatever_its_size(admin_api, django_assert_max_num_queries):
    from apps.accounts.models import Account

    account = Account.objects.create(name="Acme Corp")
    for index in range(3):
        create(admin_api, email=f"c{index}@example.com", accountId=account.pk)
    with django_assert_max_num_queries(8) as small:
        admin_api.get("/v1/contacts?limit=50")
    baseline = len(small)  # read now: each request clears the connection's query log
    for index in range(3, 60):
        create(admin_api, email=f"c{index}@example.com", accountId=account.pk)
    with django_assert_max_num_queries(baseline):
        body = admin_api.get("/v1/contacts?limit=50").json()
    assert len(body["data"]) == 50
    assert body["data"][0]["account"] == {"id": account.pk, "name": "Acme Corp"}
    assert body["data"][0]["owner"]["id"]


def test_other_tenants_contacts_are_invisible(admin_api):
    from tests.fixtures import in_tenant

    contact = create(admin_api)
    in_tenant("globex")
    assert not Contact.objects.filter(pk=contact["id"]).exists()
    in_tenant("acme")


def test_contact_of_another_tenant_answers_404(api, admin):
    from apps.users.models import User
    from tests.fixtures import in_tenant

    in_tenant("globex")
    theirs = Contact.objects.create(first_name="Globex", last_name="Person", owner=User.objects.first())
    in_tenant("acme")
    api.force_authenticate(admin)
    assert api.get(f"/v1/contacts/{theirs.pk}").status_code == 404
    assert api.patch(f"/v1/contacts/{theirs.pk}", {"lastName": "X"}, format="json").status_code == 404


def test_broad_search_answers_a_capped_ranked_window(admin_api, monkeypatch):
    from apps.contacts import selectors

    monkeypatch.setattr(selectors, "MAX_RANKED", 3)
    for index in range(5):
        create(admin_api, firstName="Robin", lastName=f"Hood{index}", email=f"robin{index}@example.com")
    body = admin_api.post("/v1/contacts/search", {"query": "robin", "pagination": {"limit": 2}}, format="json").json()
    assert len(body["data"]) == 2
    assert body["meta"]["pagination"]["total"] == 3
    assert body["meta"]["pagination"]["totalIsCapped"] is True
    second = admin_api.post(
        "/v1/contacts/search", {"query": "robin", "pagination": {"page": 2, "limit": 2}}, format="json"
    )
    assert len(second.json()["data"]) == 1


def test_list_total_is_exact_up_to_the_limit_then_estimated(admin_api, monkeypatch):
    from apps.contacts import selectors

    for index in range(4):
        create(admin_api, email=f"c{index}@example.com")
    assert admin_api.get("/v1/contacts").json()["meta"]["pagination"]["total"] == 4
    monkeypatch.setattr(selectors, "EXACT_COUNT_LIMIT", 2)
    pagination = admin_api.get("/v1/contacts").json()["meta"]["pagination"]
    assert pagination["totalIsEstimate"] is True
    assert pagination["total"] >= 3


def test_search_costs_constant_queries(admin_api, django_assert_max_num_queries):
    create(admin_api)
    with django_assert_max_num_queries(12) as small:
        admin_api.post("/v1/contacts/search", DESIGN_SEARCH, format="json")
    baseline = len(small)
    for index in range(30):
        create(admin_api, firstName="John", lastName=f"Doe{index}", email=f"j{index}@example.com")
    with django_assert_max_num_queries(baseline):
        body = admin_api.post("/v1/contacts/search", DESIGN_SEARCH, format="json").json()
    assert len(body["data"]) == 31


def test_bad_search_body_names_each_bad_field(admin_api):
    body = {"query": "x", "filters": {"createdAfter": "soon", "colour": "red"}, "sort": {"field": "shoe"}}
    response = admin_api.post("/v1/contacts/search", body, format="json")
    assert response.status_code == 400
    assert sorted(e["field"] for e in response.json()["errors"]) == ["filters.colour", "filters.createdAfter"]
    response = admin_api.post("/v1/contacts/search", {"sort": {"field": "shoe"}}, format="json")
    assert response.json()["errors"][0]["field"] == "sort.field"


@pytest.mark.parametrize("query", ["@@@", "___", "élan vital", "'; drop table x; --", "a" * 200])
def test_odd_search_queries_answer_200(admin_api, query):
    create(admin_api)
    response = admin_api.post("/v1/contacts/search", {"query": query}, format="json")
    assert response.status_code == 200, response.content
    assert admin_api.get("/v1/contacts", {"search": query}).status_code == 200


def test_sampled_one_word_search_never_loses_filtered_matches(admin_api, monkeypatch):
    from apps.contacts import selectors

    monkeypatch.setattr(selectors, "MAX_RANKED", 3)
    monkeypatch.setattr(selectors, "FUZZY_LIMIT", 2)
    for index in range(8):
        title = "Sales Manager" if index in (1, 6) else "Engineer"
        create(admin_api, firstName="Robin", lastName=f"Hood{index}", email=f"r{index}@example.com", jobTitle=title)
    body = {"query": "robin", "filters": {"jobTitle": "Manager"}}
    found = admin_api.post("/v1/contacts/search", body, format="json").json()
    assert sorted(c["lastName"] for c in found["data"]) == ["Hood1", "Hood6"]
    assert found["meta"]["pagination"]["total"] == 2


def test_sampled_one_word_search_counts_exactly_below_the_cap(admin_api, monkeypatch):
    from apps.contacts import selectors

    monkeypatch.setattr(selectors, "MAX_RANKED", 20)
    monkeypatch.setattr(selectors, "FUZZY_LIMIT", 2)
    for index in range(8):
        create(admin_api, firstName="Robin", lastName=f"Hood{index}", email=f"r{index}@example.com")
    found = admin_api.post("/v1/contacts/search", {"query": "robin"}, format="json").json()
    assert found["meta"]["pagination"]["total"] == 8
    assert "totalIsCapped" not in found["meta"]["pagination"]

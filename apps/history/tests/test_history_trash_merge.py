"""History, trash and merge, the same for contacts, accounts and leads."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.activities.models import Task
from apps.contacts.models import Contact
from apps.deals.models import Deal
from apps.history.models import TrashPolicy

CREATE = {
    "contacts": {"firstName": "John", "lastName": "Doe", "email": "john.doe@example.com", "company": "Acme Corp"},
    "accounts": {"name": "Enterprise Corp", "industry": "Technology"},
    "leads": {"firstName": "Jane", "lastName": "Smith", "email": "jane@prospect.com", "company": "Prospect Inc"},
}
CHANGE = {"contacts": {"lastName": "Smith"}, "accounts": {"name": "Enterprise Group"}, "leads": {"lastName": "Jones"}}
RESOURCES = list(CREATE)


def create(api, resource, **overrides):
    response = api.post(f"/v1/{resource}", {**CREATE[resource], **overrides}, format="json")
    assert response.status_code == 201, response.content
    return response.json()["data"]


def iso(moment) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@pytest.mark.parametrize("resource", RESOURCES)
def test_history_lists_who_changed_which_field_when(admin_api, admin, resource):
    record = create(admin_api, resource)
    admin_api.patch(f"/v1/{resource}/{record['id']}", CHANGE[resource], format="json")
    body = admin_api.get(f"/v1/{resource}/{record['id']}/history").json()
    entries = body["data"]
    ((field, new),) = CHANGE[resource].items()
    change = next(e for e in entries if e["field"] == field)
    assert change["old"] == CREATE[resource][field]
    assert change["new"] == new
    assert change["actorId"] == admin.pk
    assert change["at"].endswith("Z")
    assert entries[-1]["action"] == "created"
    assert body["meta"]["pagination"]["total"] == len(entries)


@pytest.mark.parametrize("resource", RESOURCES)
def test_history_as_of_answers_the_record_as_it_was(admin_api, resource):
    record = create(admin_api, resource)
    before_change = timezone.now()
    admin_api.patch(f"/v1/{resource}/{record['id']}", CHANGE[resource], format="json")
    ((field, new),) = CHANGE[resource].items()
    old = admin_api.get(f"/v1/{resource}/{record['id']}/history?asOf={iso(before_change)}").json()["data"]
    assert old[field] == CREATE[resource][field]
    now = admin_api.get(f"/v1/{resource}/{record['id']}/history?asOf={iso(timezone.now())}").json()["data"]
    assert now[field] == new
    too_early = iso(before_change - timedelta(days=1))
    assert admin_api.get(f"/v1/{resource}/{record['id']}/history?asOf={too_early}").status_code == 404
    assert admin_api.get(f"/v1/{resource}/{record['id']}/history?asOf=yesterday").status_code == 400


def test_as_of_restores_custom_fields_key_by_key(admin_api):
    record = create(admin_api, "contacts", customFields={"industry": "Tech"})
    moment = timezone.now()
    admin_api.patch(
        f"/v1/contacts/{record['id']}", {"customFields": {"industry": "Retail", "leadSource": "Ads"}}, format="json"
    )
    old = admin_api.get(f"/v1/contacts/{record['id']}/history?asOf={iso(moment)}").json()["data"]
    assert old["customFields"] == {"industry": "Tech"}


@pytest.mark.parametrize("resource", RESOURCES)
def test_deleted_record_404s_and_restore_brings_it_back(admin_api, resource):
    record = create(admin_api, resource)
    admin_api.delete(f"/v1/{resource}/{record['id']}")
    assert admin_api.get(f"/v1/{resource}/{record['id']}").status_code == 404
    assert record["id"] not in [r["id"] for r in admin_api.get(f"/v1/{resource}").json()["data"]]
    response = admin_api.post(f"/v1/{resource}/{record['id']}/restore")
    assert response.status_code == 200, response.content
    assert admin_api.get(f"/v1/{resource}/{record['id']}").status_code == 200
    assert admin_api.post(f"/v1/{resource}/{record['id']}/restore").status_code == 404  # not in the trash


def test_restore_keeps_links(admin_api):
    account = create(admin_api, "accounts")
    contact = create(admin_api, "contacts", accountId=account["id"])
    admin_api.delete(f"/v1/accounts/{account['id']}")
    admin_api.post(f"/v1/accounts/{account['id']}/restore")
    contacts = admin_api.get(f"/v1/accounts/{account['id']}/contacts").json()["data"]
    assert [c["id"] for c in contacts] == [contact["id"]]


def test_restore_after_the_retention_period_is_refused(admin_api):
    TrashPolicy.objects.create(retention_days=7)
    record = create(admin_api, "contacts")
    admin_api.delete(f"/v1/contacts/{record['id']}")
    Contact.all_objects.filter(pk=record["id"]).update(deleted_at=timezone.now() - timedelta(days=8))
    assert admin_api.post(f"/v1/contacts/{record['id']}/restore").status_code == 404


def test_sales_rep_cannot_restore_someone_elses_contact(api, admin, make_user):
    api.force_authenticate(admin)
    record = create(api, "contacts")
    api.delete(f"/v1/contacts/{record['id']}")
    api.force_authenticate(make_user(roles=["sales_rep"]))
    assert api.post(f"/v1/contacts/{record['id']}/restore").status_code == 403


@pytest.fixture
def duplicate_contacts(admin_api, admin):
    from apps.pipelines.models import Pipeline

    survivor = create(admin_api, "contacts", phone=None)
    twin = create(admin_api, "contacts", firstName="Jon", email="jdoe@acme.test", phone="+1 415 555 2671")
    other = create(admin_api, "contacts", firstName="Mary", lastName="Adams", email="mary@x.test", company="Zed")
    pipeline = Pipeline.objects.get(is_default=True)
    deal = Deal.objects.create(
        title="Twin's deal", pipeline=pipeline, stage=pipeline.stages.first(), contact_id=twin["id"], owner=admin
    )
    task = Task.objects.create(title="Call Jon", related_type="contact", related_id=twin["id"], owner=admin)
    return survivor, twin, other, deal, task


def test_duplicates_finds_similar_name_and_company(admin_api, duplicate_contacts):
    survivor, twin, other, _, _ = duplicate_contacts
    found = admin_api.get(f"/v1/contacts/{survivor['id']}/duplicates").json()["data"]
    assert [item["record"]["id"] for item in found] == [twin["id"]]
    assert found[0]["reasons"] == ["name_company"]


def test_lead_duplicates_find_the_same_email(admin_api):
    first = create(admin_api, "leads")
    second = create(admin_api, "leads", firstName="Janet", lastName="Other", company="Else")
    found = admin_api.get(f"/v1/leads/{first['id']}/duplicates").json()["data"]
    assert [(item["record"]["id"], item["reasons"][0]) for item in found] == [(second["id"], "email")]


def test_merge_moves_links_trashes_merged_and_can_be_undone(admin_api, duplicate_contacts):
    survivor, twin, _, deal, task = duplicate_contacts
    body = {"mergeIds": [twin["id"]], "keep": {"email": twin["id"]}}
    response = admin_api.post(f"/v1/contacts/{survivor['id']}/merge", body, format="json")
    assert response.status_code == 200, response.content
    merged = response.json()["data"]
    assert merged["contact"]["email"] == "jdoe@acme.test"  # kept from the twin
    assert merged["contact"]["phone"] == "+14155552671"  # survivor had none: filled from the twin
    assert merged["contact"]["firstName"] == "John"  # survivor's value by default
    assert Deal.objects.get(pk=deal.pk).contact_id == survivor["id"]
    assert Task.objects.get(pk=task.pk).related_id == survivor["id"]
    assert admin_api.get(f"/v1/contacts/{twin['id']}").status_code == 404

    undo = admin_api.post(f"/v1/contacts/{survivor['id']}/unmerge", {"mergeId": merged["mergeId"]}, format="json")
    assert undo.status_code == 200, undo.content
    assert undo.json()["data"]["contact"]["email"] == "john.doe@example.com"
    assert undo.json()["data"]["contact"]["phone"] is None
    assert admin_api.get(f"/v1/contacts/{twin['id']}").json()["data"]["email"] == "jdoe@acme.test"
    assert Deal.objects.get(pk=deal.pk).contact_id == twin["id"]
    assert Task.objects.get(pk=task.pk).related_id == twin["id"]
    assert (
        admin_api.post(
            f"/v1/contacts/{survivor['id']}/unmerge", {"mergeId": merged["mergeId"]}, format="json"
        ).status_code
        == 409
    )


def test_merge_refuses_bad_keep_rules_and_unknown_ids(admin_api, duplicate_contacts):
    survivor, twin, other, _, _ = duplicate_contacts
    url = f"/v1/contacts/{survivor['id']}/merge"
    bad = admin_api.post(
        url, {"mergeIds": [twin["id"]], "keep": {"shoe": twin["id"], "email": other["id"]}}, format="json"
    )
    assert sorted(e["field"] for e in bad.json()["errors"]) == ["keep.email", "keep.shoe"]
    assert admin_api.post(url, {"mergeIds": ["contact_nope"]}, format="json").status_code == 404
    assert admin_api.post(url, {"mergeIds": [survivor["id"]]}, format="json").status_code == 400
    assert admin_api.post(url, {"mergeIds": [twin["id"]], "strategy": "x"}, format="json").status_code == 400


def test_merging_accounts_moves_contacts_and_children(admin_api):
    survivor = create(admin_api, "accounts")
    twin = create(admin_api, "accounts", name="Enterprise Corp.")
    child = create(admin_api, "accounts", name="Child", parentAccountId=twin["id"])
    contact = create(admin_api, "contacts", accountId=twin["id"])
    response = admin_api.post(f"/v1/accounts/{survivor['id']}/merge", {"mergeIds": [twin["id"]]}, format="json")
    assert response.status_code == 200, response.content
    assert admin_api.get(f"/v1/contacts/{contact['id']}").json()["data"]["accountId"] == survivor["id"]
    assert admin_api.get(f"/v1/accounts/{child['id']}").json()["data"]["parentAccountId"] == survivor["id"]
    admin_api.post(f"/v1/accounts/{survivor['id']}/unmerge", {}, format="json")
    assert admin_api.get(f"/v1/contacts/{contact['id']}").json()["data"]["accountId"] == twin["id"]


def test_merging_leads_moves_scoring_history(admin_api):
    survivor = create(admin_api, "leads")
    twin = create(admin_api, "leads", firstName="Janet")
    admin_api.put(f"/v1/leads/{twin['id']}/score", {"score": 40, "scoringFactors": ["Webinar"]}, format="json")
    response = admin_api.post(f"/v1/leads/{survivor['id']}/merge", {"mergeIds": [twin["id"]]}, format="json")
    assert response.status_code == 200, response.content
    history = admin_api.get(f"/v1/leads/{survivor['id']}/score").json()["data"]["scoringHistory"]
    assert ["Webinar"] in [entry["scoringFactors"] for entry in history]


def test_trash_purge_deletes_only_what_is_past_retention(admin_api):
    from apps.history.tasks import trash_purge_task

    old = create(admin_api, "contacts")
    recent = create(admin_api, "contacts", email="recent@example.com")
    for record in (old, recent):
        admin_api.delete(f"/v1/contacts/{record['id']}")
    Contact.all_objects.filter(pk=old["id"]).update(deleted_at=timezone.now() - timedelta(days=31))
    assert trash_purge_task() == 1
    assert not Contact.all_objects.filter(pk=old["id"]).exists()
    assert Contact.all_objects.filter(pk=recent["id"]).exists()

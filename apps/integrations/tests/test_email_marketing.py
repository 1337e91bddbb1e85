"""`POST /v1/integrations/email-marketing/sync-contacts` against a local Mailchimp; the sync's task
body is run in-process here (the test transaction never commits), by a real worker in test_live."""

import hashlib

import pytest

from apps.contacts.models import Contact
from apps.core.custom_fields import custom_field_define
from apps.integrations import services
from apps.integrations.models import Sync
from apps.integrations.tests.conftest import mailchimp_body

pytestmark = pytest.mark.django_db

DESIGN_BODY = {
    "provider": "mailchimp",
    "list_id": "mailchimp_list_123",
    "contact_filter": {
        "tags": ["newsletter_subscriber"],
        "status": "active",
        "created_after": "2025-01-01T00:00:00Z",
    },
    "field_mapping": {
        "email": "email_address",
        "firstName": "FNAME",
        "lastName": "LNAME",
        "company": "COMPANY",
        "customFields.industry": "INDUSTRY",
    },
    "sync_options": {"update_existing": True, "create_segments": True, "bidirectional": False},
}
SYNC_URL = "/v1/integrations/email-marketing/sync-contacts"


def seed(admin, count: int = 3, tags: str = "newsletter_subscriber, vip") -> list[Contact]:
    custom_field_define(entity="contact", name="tags", label="Tags")
    return [
        Contact.objects.create(
            first_name=f"First{n}",
            last_name=f"Last{n}",
            email=f"person{n}@enterprise-corp.com",
            company="Enterprise Corp",
            custom_fields={"tags": tags, "industry": "Software"},
            owner=admin,
        )
        for n in range(count)
    ]


def run(sync_id: str) -> Sync:
    services.sync_contacts_run(sync_id=sync_id)
    return Sync.objects.get(pk=sync_id)


def test_design_body_queues_a_sync_that_upserts_the_filtered_contacts(admin_api, admin, connect, mailchimp):
    connect(mailchimp_body(mailchimp))
    contacts = seed(admin)
    Contact.objects.create(first_name="Not", last_name="Tagged", email="other@x.com", owner=admin)
    seed_untagged = Contact.objects.create(
        first_name="Old", last_name="Tag", email="old@x.com", custom_fields={"tags": "newsletter"}, owner=admin
    )
    response = admin_api.post(SYNC_URL, DESIGN_BODY, format="json")
    assert response.status_code == 202, response.json()
    data = response.json()["data"]
    assert data["sync_id"].startswith("sync_")
    assert data["status"] == "queued"
    assert data["contacts_queued"] == 3
    assert data["estimated_completion"].endswith("Z")
    assert data["webhook_url"].endswith(f"/v1/integrations/syncs/{data['sync_id']}")

    sync = run(data["sync_id"])
    assert (sync.status, sync.processed, sync.created, sync.failed) == ("completed", 3, 3, 0)
    members = mailchimp.lists["mailchimp_list_123"]["members"]
    first = members[hashlib.md5(contacts[0].email.encode()).hexdigest()]  # noqa: S324
    assert first["merge_fields"] == {
        "FNAME": "First0",
        "LNAME": "Last0",
        "COMPANY": "Enterprise Corp",
        "INDUSTRY": "Software",
    }
    assert first["tags"] == ["newsletter_subscriber"] and first["status"] == "subscribed"
    assert seed_untagged.email not in {m["email_address"] for m in members.values()}
    (batch,) = mailchimp.on("POST", "/lists/mailchimp_list_123$")
    assert batch.json["update_existing"] is True

    status = admin_api.get(f"/v1/integrations/syncs/{sync.pk}").json()["data"]
    assert status["status"] == "completed" and status["processed"] == 3 and status["finished_at"]


def test_unknown_contact_filters_and_merge_tags_are_refused_by_name(admin_api, admin, connect, mailchimp):
    connect(mailchimp_body(mailchimp))
    seed(admin, 1)
    body = {**DESIGN_BODY, "contact_filter": {"tags": ["x"], "region": "EU", "status": "archived"}}
    response = admin_api.post(SYNC_URL, body, format="json")
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"contact_filter.region", "contact_filter.status"}
    mapping = {
        **DESIGN_BODY,
        "field_mapping": {"email": "email_address", "nickname": "NICK", "firstName": "first name"},
    }
    response = admin_api.post(SYNC_URL, mapping, format="json")
    assert {e["field"] for e in response.json()["errors"]} == {"field_mapping.nickname", "field_mapping.firstName"}
    two_way = {**DESIGN_BODY, "sync_options": {"bidirectional": True}}
    assert admin_api.post(SYNC_URL, two_way, format="json").json()["errors"][0]["field"] == "sync_options.bidirectional"
    assert not Sync.objects.exists() and mailchimp.requests == []


def test_tags_filter_needs_the_tags_custom_field(admin_api, connect, mailchimp):
    connect(mailchimp_body(mailchimp))
    response = admin_api.post(SYNC_URL, DESIGN_BODY, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "contact_filter.tags"


def test_sync_without_a_connection_is_refused(admin_api, admin):
    seed(admin, 1)
    response = admin_api.post(SYNC_URL, DESIGN_BODY, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "provider"


def test_missing_mailchimp_list_is_an_integration_error_with_the_providers_reason(admin_api, admin, connect, mailchimp):
    connect(mailchimp_body(mailchimp))
    seed(admin, 1)
    response = admin_api.post(SYNC_URL, {**DESIGN_BODY, "list_id": "gone_list"}, format="json")
    assert response.status_code == 502
    error = response.json()["error"]
    assert error["code"] == "INTEGRATION_ERROR"
    assert error["details"] == {
        "integration_type": "email_marketing",
        "provider": "mailchimp",
        "provider_error": {
            "code": "RESOURCE_NOT_FOUND",
            "message": "The requested resource could not be found.",
            "http_status": 404,
        },
        "retry_possible": False,
        "retry_after": None,
    }
    assert not Sync.objects.exists()


def test_rate_limited_mailchimp_answers_retry_possible_with_its_retry_after(admin_api, admin, connect, mailchimp):
    connect(mailchimp_body(mailchimp))
    seed(admin, 1)
    mailchimp.fail_next(
        "/lists/",
        429,
        {
            "title": "Too Many Requests",
            "status": 429,
            "detail": "You have exceeded the limit of 10 simultaneous connections.",
        },
        {"Retry-After": "300"},
    )
    response = admin_api.post(SYNC_URL, DESIGN_BODY, format="json")
    assert response.status_code == 502
    details = response.json()["error"]["details"]
    assert details["retry_possible"] is True and details["retry_after"] == 300
    assert details["provider_error"]["code"] == "TOO_MANY_REQUESTS"


def test_members_mailchimp_refuses_are_recorded_per_contact(admin_api, admin, connect, mailchimp):
    connect(mailchimp_body(mailchimp))
    contacts = seed(admin, 2)
    key = hashlib.md5(contacts[1].email.encode()).hexdigest()  # noqa: S324
    mailchimp.lists["mailchimp_list_123"]["members"][key] = {"email_address": contacts[1].email, "status": "subscribed"}
    body = {**DESIGN_BODY, "sync_options": {"update_existing": False}}
    sync = run(admin_api.post(SYNC_URL, body, format="json").json()["data"]["sync_id"])
    assert (sync.status, sync.processed, sync.created, sync.failed) == ("completed", 2, 1, 1)
    (error,) = sync.errors
    assert error["contact_id"] == contacts[1].pk and error["code"] == "ERROR_CONTACT_EXISTS"


def test_provider_failure_during_the_run_fails_the_sync_with_the_integration_error(
    admin_api, admin, connect, mailchimp
):
    connect(mailchimp_body(mailchimp))
    seed(admin, 2)
    sync_id = admin_api.post(SYNC_URL, DESIGN_BODY, format="json").json()["data"]["sync_id"]
    mailchimp.fail_next("/lists/", 503, {"title": "Service Unavailable", "status": 503, "detail": "Try later."})
    sync = run(sync_id)
    assert sync.status == "failed" and sync.processed == 0
    assert sync.error["code"] == "INTEGRATION_ERROR"
    assert sync.error["details"]["provider_error"]["code"] == "SERVICE_UNAVAILABLE"
    assert sync.error["details"]["retry_possible"] is True
    answer = admin_api.get(f"/v1/integrations/syncs/{sync_id}").json()["data"]
    assert answer["status"] == "failed" and answer["error"]["details"]["provider"] == "mailchimp"

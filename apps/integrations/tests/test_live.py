"""The design's sync-contacts body end to end: uvicorn over real HTTP, a real Celery worker running
the sync in tenant `livetest`, a local Mailchimp, and the sync's status read where the 202 said."""

import hashlib
import time
import uuid
from urllib.parse import urlsplit

import pytest

from apps.integrations.tests.conftest import MAILCHIMP_KEY, mailchimp_body
from apps.integrations.tests.providers import FakeMailchimp
from apps.integrations.tests.test_email_marketing import DESIGN_BODY, SYNC_URL
from tests.fixtures import LIVE_TENANT, commit_in_tenant
from tests.test_live_server import login

pytestmark = pytest.mark.django_db(transaction=False)


def seed_contacts(count: int) -> list[str]:
    """Tagged contacts committed in `livetest` (emails unique to this run)."""
    from apps.contacts.models import Contact
    from apps.core.custom_fields import custom_field_define
    from apps.users.models import User

    run = uuid.uuid4().hex[:8]

    def work():
        custom_field_define(entity="contact", name="tags", label="Tags")
        owner = User.objects.get(email=f"admin@{LIVE_TENANT}.test")
        return [
            Contact.objects.create(
                first_name=f"Sub{n}",
                last_name=run,
                email=f"sub{n}.{run}@enterprise-corp.com",
                company="Enterprise Corp",
                custom_fields={"tags": "newsletter_subscriber", "industry": "Retail"},
                owner=owner,
            ).email
            for n in range(count)
        ]

    return commit_in_tenant(LIVE_TENANT, work)


def test_design_sync_runs_on_a_celery_worker_and_reports_its_status(live_server_url, celery_worker):
    mailchimp = FakeMailchimp(MAILCHIMP_KEY)
    client = login(live_server_url)
    connection_id = None
    try:
        emails = seed_contacts(3)
        connected = client.post("/v1/integrations/connections", json=mailchimp_body(mailchimp))
        assert connected.status_code == 201, connected.text
        connection_id = connected.json()["data"]["id"]

        accepted = client.post(SYNC_URL, json=DESIGN_BODY)
        assert accepted.status_code == 202, accepted.text
        sync = accepted.json()["data"]
        assert sync["contacts_queued"] >= 3
        status_path = urlsplit(sync["webhook_url"]).path
        assert status_path == f"/v1/integrations/syncs/{sync['sync_id']}"

        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            status = client.get(status_path).json()["data"]
            if status["status"] in ("completed", "failed"):
                break
            time.sleep(0.3)
        assert status["status"] == "completed", status
        assert status["processed"] == sync["contacts_queued"] and status["failed"] == 0
        members = mailchimp.lists["mailchimp_list_123"]["members"]
        for email in emails:
            member = members[hashlib.md5(email.encode()).hexdigest()]  # noqa: S324
            assert member["merge_fields"]["INDUSTRY"] == "Retail"
            assert member["tags"] == ["newsletter_subscriber"]
    finally:
        if connection_id:
            client.delete(f"/v1/integrations/connections/{connection_id}")
        client.close()
        mailchimp.close()

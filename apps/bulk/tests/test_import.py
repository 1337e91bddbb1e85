"""Bulk imports: the design's body, strict vs. lenient, update vs. skip, per-row errors, resume."""

import pytest

from apps.bulk.models import BulkJob
from apps.contacts.models import Contact
from apps.events.models import OutboxEvent

DESIGN_IMPORT = {
    "import_options": {"update_existing": True, "skip_duplicates": False, "validation_level": "strict"},
    "field_mapping": {
        "email": "email_address",
        "first_name": "firstName",
        "last_name": "lastName",
        "company_name": "company",
    },
    "contacts": [
        {"email_address": "contact1@company.com", "firstName": "John", "lastName": "Doe", "company": "Company A"},
        {"email_address": "contact2@company.com", "firstName": "Jane", "lastName": "Smith", "company": "Company B"},
    ],
}


def _import(api, body, resource="contacts"):
    response = api.post(f"/v1/bulk/{resource}/import", body, format="json")
    assert response.status_code == 202, response.json()
    return response.json()["data"]


def test_design_import_body_is_accepted_as_a_queued_job_and_creates_the_contacts(admin_api, admin, run_job):
    job = _import(admin_api, DESIGN_IMPORT)
    assert job["job_id"].startswith("job_")
    assert job["status"] == "queued"
    assert job["total"] == 2

    done = run_job(job["job_id"])
    assert (done.status, done.created, done.updated, done.failed, done.processed) == ("completed", 2, 0, 0, 2)
    john = Contact.objects.get(email="contact1@company.com")
    assert (john.first_name, john.last_name, john.company, john.owner_id) == ("John", "Doe", "Company A", admin.pk)
    created = OutboxEvent.objects.filter(event_type="contact.created", record_id=john.pk).get()
    assert created.data["contact"]["firstName"] == "John"
    assert OutboxEvent.objects.filter(event_type="job.completed", record_id=job["job_id"]).exists()

    status = admin_api.get(f"/v1/bulk/jobs/{job['job_id']}").json()["data"]
    assert {k: status[k] for k in ("status", "total", "processed", "created", "updated", "skipped", "failed")} == {
        "status": "completed",
        "total": 2,
        "processed": 2,
        "created": 2,
        "updated": 0,
        "skipped": 0,
        "failed": 0,
    }
    assert status["errors"] == []

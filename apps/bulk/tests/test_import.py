"""Bulk imports: the design's body, strict vs. lenient, update vs. skip, per-row errors, resume."""

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
    assert done.validated == 2  # strict: every row checked before any was written
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


def _rows(*emails):
    return [{"email": email, "firstName": f"F{i}", "lastName": f"L{i}"} for i, email in enumerate(emails, start=1)]


def _body(rows, **options):
    return {"import_options": options, "contacts": rows}


def test_strict_import_with_one_invalid_row_writes_nothing_and_reports_it(admin_api, run_job):
    rows = _rows("a@x.com", "not-an-email", "c@x.com")
    job = run_job(_import(admin_api, _body(rows, validation_level="strict"))["job_id"])
    assert job.status == "failed"
    assert (job.created, job.failed) == (0, 1)
    assert job.errors == [{"row": 2, "field": "email", "message": "Invalid email format."}]
    assert not Contact.objects.filter(email__endswith="@x.com").exists()
    assert OutboxEvent.objects.filter(event_type="job.failed", record_id=job.pk).exists()


def test_lenient_import_writes_the_good_rows_and_reports_the_bad_one(admin_api, run_job):
    rows = _rows("a@x.com", "b@x.com", "c@x.com", "d@x.com")
    rows[2]["lastName"] = ""
    rows[1]["phone"] = "not a phone"
    job = run_job(_import(admin_api, _body(rows, validation_level="lenient"))["job_id"])
    assert (job.status, job.created, job.failed, job.processed) == ("completed", 2, 2, 4)
    assert job.errors == [
        {"row": 2, "field": "phone", "message": "Invalid phone number."},
        {"row": 3, "field": "lastName", "message": "'lastName' is required."},
    ]
    assert sorted(Contact.objects.filter(email__endswith="@x.com").values_list("email", flat=True)) == [
        "a@x.com",
        "d@x.com",
    ]


def test_update_existing_updates_the_contact_matched_by_email_with_history_event(admin_api, admin, run_job):
    existing = Contact.objects.create(first_name="Old", last_name="Name", email="same@x.com", owner=admin)
    body = _body([{"email": "SAME@x.com", "firstName": "New", "lastName": "Name"}], update_existing=True)
    job = run_job(_import(admin_api, body)["job_id"])
    assert (job.created, job.updated, job.skipped) == (0, 1, 0)
    existing.refresh_from_db()
    assert existing.first_name == "New"
    event = OutboxEvent.objects.get(event_type="contact.updated", record_id=existing.pk)
    assert event.data["changes"] == {"firstName": {"old": "Old", "new": "New"}}


def test_skip_duplicates_leaves_the_matched_contact_alone(admin_api, admin, run_job):
    existing = Contact.objects.create(first_name="Old", last_name="Name", email="same@x.com", owner=admin)
    body = _body(_rows("same@x.com", "new@x.com"), update_existing=False, skip_duplicates=True)
    job = run_job(_import(admin_api, body)["job_id"])
    assert (job.created, job.updated, job.skipped, job.failed) == (1, 0, 1, 0)
    existing.refresh_from_db()
    assert existing.first_name == "Old"


def test_duplicate_without_update_or_skip_is_a_row_error(admin_api, admin, run_job):
    existing = Contact.objects.create(first_name="Old", last_name="Name", email="same@x.com", owner=admin)
    body = _body(_rows("new@x.com", "same@x.com"), validation_level="lenient")
    job = run_job(_import(admin_api, body)["job_id"])
    assert (job.created, job.failed) == (1, 1)
    assert job.errors[0]["row"] == 2 and job.errors[0]["field"] == "email"
    assert existing.pk in job.errors[0]["message"]


def test_the_same_email_twice_in_one_file_creates_one_contact(admin_api, run_job):
    rows = _rows("twice@x.com", "twice@x.com")
    job = run_job(_import(admin_api, _body(rows, update_existing=True))["job_id"])
    assert (job.created, job.updated) == (1, 1)
    assert Contact.objects.get(email="twice@x.com").first_name == "F2"


def test_external_id_matches_a_record_imported_before(admin_api, run_job):
    first = [{"externalId": "crm-1", "email": "one@x.com", "firstName": "A", "lastName": "B"}]
    run_job(_import(admin_api, _body(first))["job_id"])
    again = [{"externalId": "crm-1", "email": "renamed@x.com", "firstName": "A", "lastName": "B"}]
    job = run_job(_import(admin_api, _body(again, update_existing=True))["job_id"])
    assert (job.created, job.updated) == (0, 1)
    assert list(Contact.objects.filter(email__endswith="@x.com").values_list("email", flat=True)) == ["renamed@x.com"]


def test_dotted_mapping_fills_custom_fields_and_address(admin_api, run_job):
    body = {
        "import_options": {"validation_level": "strict"},
        "field_mapping": {"customFields.industry": "Industry", "address.city": "City", "Mail": "email"},
        "contacts": [{"Mail": "dot@x.com", "firstName": "D", "lastName": "T", "Industry": "Tech", "City": "Paris"}],
    }
    job = run_job(_import(admin_api, body)["job_id"])
    assert job.status == "completed", job.errors
    contact = Contact.objects.get(email="dot@x.com")
    assert contact.custom_fields == {"industry": "Tech"}
    assert contact.address == {"city": "Paris"}


def test_unknown_custom_field_is_reported_per_row(admin_api, run_job):
    body = _body([{"email": "u@x.com", "firstName": "U", "lastName": "V", "customFields.nope": "1"}])
    job = run_job(_import(admin_api, body)["job_id"])
    assert job.status == "failed"
    assert job.errors == [
        {"row": 1, "field": "customFields.nope", "message": "Unknown custom field 'nope' for contacts."}
    ]


def test_a_mapping_naming_no_field_is_refused_up_front(admin_api):
    body = {"field_mapping": {"foo": "bar"}, "contacts": []}
    response = admin_api.post("/v1/bulk/contacts/import", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "field_mapping.foo"


class WorkerKilled(BaseException):
    """What a SIGKILL looks like from inside the task: nothing after it runs."""


def test_interrupted_import_resumes_after_its_last_committed_batch_without_duplicates(admin_api, run_job, monkeypatch):
    from apps.bulk import services, writing

    monkeypatch.setattr(services, "BATCH_ROWS", 3)
    rows = _rows(*[f"r{i}@x.com" for i in range(1, 9)])
    job_id = _import(admin_api, _body(rows, validation_level="lenient"))["job_id"]

    real_apply, calls = writing.plan_apply, []

    def dying_apply(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise WorkerKilled
        return real_apply(**kwargs)

    monkeypatch.setattr(services, "plan_apply", dying_apply)
    try:
        services.import_job_run(job_id=job_id)
    except WorkerKilled:
        pass
    job = services.BulkJob.objects.get(pk=job_id)
    assert (job.status, job.cursor, job.processed, job.created) == ("running", 3, 3, 3)
    assert Contact.objects.filter(email__endswith="@x.com").count() == 3

    monkeypatch.setattr(services, "plan_apply", real_apply)  # the worker comes back
    job = run_job(job_id)
    assert (job.status, job.cursor, job.processed, job.created, job.failed) == ("completed", 8, 8, 8, 0)
    emails = list(Contact.objects.filter(email__endswith="@x.com").values_list("email", flat=True))
    assert sorted(emails) == sorted(f"r{i}@x.com" for i in range(1, 9))
    assert OutboxEvent.objects.filter(event_type="contact.created", data__bulkJobId=job_id).count() == 8

    services.import_job_run(job_id=job_id)  # a late redelivery of the same task changes nothing
    assert Contact.objects.filter(email__endswith="@x.com").count() == 8


def test_a_second_worker_on_the_same_job_does_not_write_a_batch_again(admin_api, run_job):
    from apps.bulk import services

    job_id = _import(admin_api, _body(_rows("p@x.com", "q@x.com"), validation_level="lenient"))["job_id"]
    job = services.BulkJob.objects.get(pk=job_id)
    run_job(job_id)
    job.status = "running"  # a stale copy of the job, as a second worker would hold it
    planner = services._planner(job)
    batch = next(services._batches(job, 0))
    assert services._batch_write(job, planner, batch, strict=False) is False
    assert Contact.objects.filter(email__in=["p@x.com", "q@x.com"]).count() == 2


def test_cancelled_job_stops_and_says_so(admin_api, run_job):
    job_id = _import(admin_api, _body(_rows("z@x.com")))["job_id"]
    response = admin_api.delete(f"/v1/bulk/jobs/{job_id}")
    assert response.status_code == 200 and response.json()["data"]["status"] == "cancelled"
    job = run_job(job_id)
    assert job.status == "cancelled"
    assert not Contact.objects.filter(email="z@x.com").exists()
    assert admin_api.delete(f"/v1/bulk/jobs/{job_id}").status_code == 409


def test_imported_and_updated_contacts_have_their_field_history(admin_api, admin, run_job):
    from apps.history.models import RecordHistory

    first = _body([{"email": "hist@x.com", "firstName": "Ann", "lastName": "Lee", "phone": "415 555 0100"}])
    run_job(_import(admin_api, first)["job_id"])
    contact = Contact.objects.get(email="hist@x.com")
    assert contact.phone == "+14155550100"
    created = RecordHistory.objects.get(record_id=contact.pk, action="created")
    assert created.new["firstName"] == "Ann" and created.actor_id == admin.pk
    again = _body([{"email": "hist@x.com", "firstName": "Anna", "lastName": "Lee"}], update_existing=True)
    run_job(_import(admin_api, again)["job_id"])
    changes = RecordHistory.objects.filter(record_id=contact.pk, action="updated")
    assert [(h.field, h.old, h.new) for h in changes] == [("firstName", "Ann", "Anna")]
    history = admin_api.get(f"/v1/contacts/{contact.pk}/history")
    assert history.status_code == 200, history.json()


def test_the_stored_rows_are_deleted_once_the_import_has_ended(admin_api, run_job, django_capture_on_commit_callbacks):
    from pathlib import Path

    from apps.bulk.models import BulkJob

    job_id = _import(admin_api, _body(_rows("gone@x.com")))["job_id"]
    source = Path(BulkJob.objects.get(pk=job_id).source_path)
    assert source.exists()
    with django_capture_on_commit_callbacks(execute=True):
        run_job(job_id)
    assert not source.exists()


def test_a_job_whose_failure_cannot_emit_its_event_still_ends_failed(admin_api, run_job, monkeypatch):
    from apps.bulk import services

    def broken(*args, **kwargs):
        raise RuntimeError("database trouble")

    monkeypatch.setattr(services, "plan_apply", broken)
    monkeypatch.setattr(services, "event_emit", broken)
    job = run_job(_import(admin_api, _body(_rows("f@x.com"), validation_level="lenient"))["job_id"])
    assert (job.status, job.message) == ("failed", "The import stopped on an internal error.")

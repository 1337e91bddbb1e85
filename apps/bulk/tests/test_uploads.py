"""CSV and XLSX uploads, their limits, and imports of accounts, leads and deals."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile

from apps.accounts.models import Account
from apps.contacts.models import Contact
from apps.deals.models import Deal, DealStageChange
from apps.events.models import OutboxEvent
from apps.history.models import RecordHistory
from apps.leads.models import Lead


def _upload(api, content: bytes, name="contacts.csv", resource="contacts", **fields):
    upload = SimpleUploadedFile(name, content, content_type="text/csv")
    return api.post(f"/v1/bulk/{resource}/import", {"file": upload, **fields}, format="multipart")


def test_csv_upload_with_options_as_form_fields_is_imported(admin_api, run_job):
    content = b"Email,First Name,Last Name,Phone\nann@csv.com,Ann,Lee,(415) 555-0100\nbob@csv.com,Bob,Ray,\n"
    response = _upload(
        admin_api,
        content,
        validation_level="lenient",
        update_existing="true",
        field_mapping='{"email": "Email", "firstName": "First Name", "lastName": "Last Name", "phone": "Phone"}',
    )
    assert response.status_code == 202, response.json()
    job = run_job(response.json()["data"]["job_id"])
    assert (job.status, job.created, job.total) == ("completed", 2, 2)
    assert Contact.objects.get(email="ann@csv.com").phone == "+14155550100"


def test_csv_upload_with_a_json_options_field_is_imported(admin_api, run_job):
    options = '{"import_options": {"skip_duplicates": true}, "field_mapping": {"Mail": "email"}}'
    response = _upload(admin_api, b"Mail;firstName;lastName\nsemi@csv.com;S;C\n", options=options)
    assert response.status_code == 202, response.json()
    assert response.json()["data"]["import_options"]["skip_duplicates"] is True
    assert run_job(response.json()["data"]["job_id"]).created == 1
    assert Contact.objects.filter(email="semi@csv.com").exists()


def test_xlsx_upload_is_imported(admin_api, run_job):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["email", "firstName", "lastName", "customFields.industry"])
    sheet.append(["xl@sheet.com", "Excel", "Sheet", "Retail"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    upload = SimpleUploadedFile("people.xlsx", buffer.getvalue(), content_type="application/octet-stream")
    response = admin_api.post("/v1/bulk/contacts/import", {"file": upload}, format="multipart")
    assert response.status_code == 202, response.json()
    assert run_job(response.json()["data"]["job_id"]).created == 1
    assert Contact.objects.get(email="xl@sheet.com").custom_fields == {"industry": "Retail"}


def test_a_file_that_is_not_utf8_is_answered_with_its_row(admin_api):
    content = "email,firstName,lastName\nok@csv.com,A,B\nbad@csv.com,Zo\xeb,C\n".encode("latin-1")
    response = _upload(admin_api, content)
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["field"] == "file" and "row 2" in error["message"] and "0xeb" in error["message"]
    assert _upload(admin_api, content, encoding="latin-1").status_code == 202


def test_malformed_csv_is_answered_with_its_row_and_reason(admin_api):
    response = _upload(admin_api, b'email,firstName,lastName\na@csv.com,A,B\nb@csv.com,"B"x,C\n')
    assert response.status_code == 400
    message = response.json()["errors"][0]["message"]
    assert message.startswith("row 2: malformed CSV")
    response = _upload(admin_api, b"email,firstName\na@csv.com,A,extra\n")
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"] == "row 1: 3 cells, but the header names 2 columns."


def test_a_broken_xlsx_and_an_empty_file_are_refused(admin_api):
    assert _upload(admin_api, b"PK\x03\x04 not really", name="x.xlsx").status_code == 400
    response = _upload(admin_api, b"")
    assert response.status_code == 400


def test_an_upload_over_the_size_limit_is_a_413_in_the_envelope(admin_api, monkeypatch):
    from apps.bulk.api import views

    monkeypatch.setattr(views, "MAX_UPLOAD_BYTES", 100)
    response = _upload(admin_api, b"email,firstName,lastName\n" + b"a@b.com,A,B\n" * 20)
    assert response.status_code == 413
    body = response.json()
    assert body["success"] is False and body["errors"][0]["code"] == "PAYLOAD_TOO_LARGE"


def test_unknown_resource_is_404_and_missing_rows_key_is_400(admin_api):
    assert admin_api.post("/v1/bulk/widgets/import", {}, format="json").status_code == 404
    response = admin_api.post("/v1/bulk/contacts/import", {"import_options": {}}, format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "contacts"


def test_import_needs_write_permission_on_the_resource(api, make_user):
    rep = make_user(roles=["sales_rep"])
    api.force_authenticate(rep)
    response = api.post("/v1/bulk/accounts/import", {"accounts": []}, format="json")
    assert response.status_code == 403
    assert response.json()["errors"][0]["details"]["required_permissions"] == ["accounts:write"]


def test_own_scope_writer_cannot_update_someone_elses_record_by_import(api, make_user, admin, run_job):
    rep = make_user(roles=["sales_rep"])
    Contact.objects.create(first_name="A", last_name="B", email="admins@x.com", owner=admin)
    api.force_authenticate(rep)
    body = {
        "import_options": {"update_existing": True, "validation_level": "lenient"},
        "contacts": [
            {"email": "admins@x.com", "firstName": "Hijack", "lastName": "B"},
            {"email": "mine@x.com", "firstName": "M", "lastName": "N", "ownerId": admin.pk},
            {"email": "ok@x.com", "firstName": "O", "lastName": "K"},
        ],
    }
    job = run_job(api.post("/v1/bulk/contacts/import", body, format="json").json()["data"]["job_id"])
    assert (job.created, job.failed) == (1, 2)
    assert [error["field"] for error in job.errors] == ["ownerId", "ownerId"]
    assert Contact.objects.get(email="ok@x.com").owner_id == rep.pk
    assert Contact.objects.get(email="admins@x.com").first_name == "A"


def test_accounts_match_by_name_or_website_domain(admin_api, admin, run_job):
    Account.objects.create(name="Acme Corporation", website="https://www.acme.com", owner=admin)
    body = {
        "import_options": {"skip_duplicates": True},
        "accounts": [
            {"name": "ACME corporation", "industry": "Tech"},
            {"name": "Acme Inc", "website": "acme.com/about"},
            {"name": "Globex", "website": "globex.com", "employees": "250", "annualRevenue": "1,500,000.50"},
        ],
    }
    job = run_job(admin_api.post("/v1/bulk/accounts/import", body, format="json").json()["data"]["job_id"])
    assert (job.created, job.skipped, job.failed) == (1, 2, 0), job.errors
    globex = Account.objects.get(name="Globex")
    assert (globex.employees, str(globex.annual_revenue)) == (250, "1500000.50")
    assert OutboxEvent.objects.filter(event_type="account.created", record_id=globex.pk).exists()


def test_leads_import_requires_an_email_and_reads_statuses(admin_api, run_job):
    body = {
        "import_options": {"validation_level": "lenient"},
        "leads": [
            {"firstName": "L", "lastName": "One", "email": "lead@x.com", "status": "Contacted", "score": "40"},
            {"firstName": "L", "lastName": "Two"},
            {"firstName": "L", "lastName": "Three", "email": "l3@x.com", "status": "converted"},
        ],
    }
    job = run_job(admin_api.post("/v1/bulk/leads/import", body, format="json").json()["data"]["job_id"])
    assert (job.created, job.failed) == (1, 2)
    assert [(e["row"], e["field"]) for e in job.errors] == [(2, "email"), (3, "status")]
    lead = Lead.objects.get(email="lead@x.com")
    assert (lead.status, lead.score) == ("contacted", 40)


def test_deals_import_places_deals_in_stages_with_their_history_and_events(admin_api, admin, run_job):
    contact = Contact.objects.create(first_name="C", last_name="D", email="c@d.com", owner=admin)
    body = {
        "import_options": {"validation_level": "lenient"},
        "deals": [
            {
                "title": "Big",
                "value": 25000,
                "stage": "Negotiation",
                "contactId": contact.pk,
                "expectedCloseDate": "2025-06-30",
            },
            {"title": "Won one", "value": "1200.5", "stage": "closed_won"},
            {"title": "Nowhere", "stage": "no-such-stage"},
            {"title": "Default stage"},
        ],
    }
    job = run_job(admin_api.post("/v1/bulk/deals/import", body, format="json").json()["data"]["job_id"])
    assert (job.created, job.failed) == (3, 1), job.errors
    assert job.errors[0]["row"] == 3 and job.errors[0]["field"] == "stage"
    big = Deal.objects.select_related("stage").get(title="Big")
    assert (big.stage.slug, big.probability, big.contact_id) == ("negotiation", big.stage.probability, contact.pk)
    assert big.expected_close_date.isoformat() == "2025-06-30T00:00:00+00:00"
    won = Deal.objects.select_related("stage").get(title="Won one")
    assert won.stage.stage_type == "won" and won.actual_close_date is not None
    assert Deal.objects.get(title="Default stage").stage.order == min(
        big.pipeline.stages.values_list("order", flat=True)
    )
    assert DealStageChange.objects.filter(deal=big, from_stage=None, to_stage=big.stage).exists()
    event = OutboxEvent.objects.get(event_type="deal.created", record_id=big.pk)
    assert event.data["deal"]["stage"] == "negotiation" and event.data["deal_id"] == big.pk
    created = RecordHistory.objects.get(record_id=big.pk, action="created")
    assert created.new["stageId"] == big.stage_id and created.new["value"] == 25000


def test_updating_a_deals_stage_by_import_moves_it_through_the_stage_service(admin_api, run_job):
    created = {"deals": [{"externalId": "d-1", "title": "Mover", "stage": "qualification"}]}
    first = run_job(admin_api.post("/v1/bulk/deals/import", created, format="json").json()["data"]["job_id"])
    assert first.created == 1, first.errors
    moved = {
        "import_options": {"update_existing": True},
        "deals": [{"externalId": "d-1", "title": "Mover", "stage": "proposal", "value": 10}],
    }
    job = run_job(admin_api.post("/v1/bulk/deals/import", moved, format="json").json()["data"]["job_id"])
    assert (job.updated, job.failed) == (1, 0), job.errors
    deal = Deal.objects.select_related("stage").get(title="Mover")
    assert deal.stage.slug == "proposal" and deal.value == 10
    assert OutboxEvent.objects.filter(event_type="deal.stage_changed", record_id=deal.pk).count() == 1
    updated = OutboxEvent.objects.get(event_type="deal.updated", record_id=deal.pk)
    assert updated.data["changed_fields"] == ["value"] and updated.data["changes"]["value"] == {"old": 0, "new": 10}
    fields = set(RecordHistory.objects.filter(record_id=deal.pk, action="updated").values_list("field", flat=True))
    assert {"value", "stageId"} <= fields

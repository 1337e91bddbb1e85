"""Bulk exports: the design's body, filters, formats, formula escaping, flat memory, download."""

import csv
import io
import json
import threading
import tracemalloc
from datetime import UTC, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from apps.accounts.models import Account
from apps.contacts.models import Contact
from apps.deals.models import Deal
from apps.pipelines.models import Pipeline
from apps.security.models import SecurityEvent

DESIGN_EXPORT = {
    "export_format": "csv",
    "filters": {
        "created_after": "2025-01-01T00:00:00Z",
        "stage": ["proposal", "negotiation", "closed_won"],
        "value_min": 10000,
    },
    "fields": [
        "id",
        "title",
        "value",
        "stage",
        "contact.name",
        "contact.email",
        "account.name",
        "created_at",
        "expected_close_date",
    ],
    "delivery": {"method": "webhook", "webhook_url": "https://external-system.com/export-complete"},
}


@pytest.fixture
def pipeline(tenant):
    return Pipeline.objects.get(is_default=True)


def _deal(pipeline, owner, title, value, slug, **fields):
    return Deal.objects.create(
        title=title,
        value=Decimal(value),
        pipeline=pipeline,
        stage=pipeline.stages.get(slug=slug),
        owner=owner,
        **fields,
    )


def _export(api, body, resource="deals"):
    response = api.post(f"/v1/bulk/{resource}/export", body, format="json")
    assert response.status_code == 202, response.json()
    return response.json()["data"]


def _download(api, job_id) -> bytes:
    response = api.get(f"/v1/bulk/jobs/{job_id}/download")
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def test_design_export_body_writes_the_filtered_deals_with_related_fields(admin_api, admin, pipeline, run_job):
    account = Account.objects.create(name="Acme Corp", owner=admin)
    contact = Contact.objects.create(first_name="John", last_name="Doe", email="john@acme.com", owner=admin)
    closing = datetime(2025, 3, 15, tzinfo=UTC)
    big = _deal(
        pipeline,
        admin,
        "Enterprise",
        "50000",
        "negotiation",
        contact=contact,
        account=account,
        expected_close_date=closing,
    )
    _deal(pipeline, admin, "Too small", "500", "proposal")
    _deal(pipeline, admin, "Wrong stage", "90000", "lead")
    won = _deal(pipeline, admin, "Won", "10000", "closed_won")

    job = _export(admin_api, DESIGN_EXPORT)
    assert job["status"] == "queued" and job["job_id"].startswith("job_")
    done = run_job(job["job_id"])
    assert (done.status, done.total, done.processed) == ("completed", 2, 2)

    rows = list(csv.reader(io.StringIO(_download(admin_api, job["job_id"]).decode())))
    assert rows[0] == DESIGN_EXPORT["fields"]
    by_id = {row[0]: row for row in rows[1:]}
    assert set(by_id) == {big.pk, won.pk}
    assert by_id[big.pk][1:] == [
        "Enterprise",
        "50000.00",
        "negotiation",
        "John Doe",
        "john@acme.com",
        "Acme Corp",
        big.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "2025-03-15T00:00:00Z",
    ]
    assert by_id[won.pk][4:7] == ["", "", ""]

    status = admin_api.get(f"/v1/bulk/jobs/{job['job_id']}").json()["data"]
    assert status["download_url"] == f"/v1/bulk/jobs/{job['job_id']}/download"
    assert status["expires_at"] is not None
    # the design's webhook host does not resolve here: the delivery says so, the file stays
    assert status["delivery"]["result"]["status"] == "refused"


def test_export_is_recorded_as_a_data_export_request_security_event(admin_api, admin):
    job = _export(admin_api, DESIGN_EXPORT)
    event = SecurityEvent.objects.get(event_type="data_export_request")
    assert event.actor_id == admin.pk
    assert event.details["job_id"] == job["job_id"] and event.details["resource"] == "deals"


def test_export_needs_the_export_permission(api, make_user):
    rep = make_user(roles=["sales_rep"])
    api.force_authenticate(rep)
    response = api.post("/v1/bulk/deals/export", {"export_format": "csv"}, format="json")
    assert response.status_code == 403
    assert response.json()["errors"][0]["details"]["required_permissions"] == ["deals:export"]


def test_only_the_jobs_owner_can_download_its_file(admin_api, api, make_user, pipeline, admin, run_job):
    _deal(pipeline, admin, "D", "1", "lead")
    job_id = _export(admin_api, {"export_format": "json"})["job_id"]
    run_job(job_id)
    other = make_user(roles=["tenant_admin"])
    api.force_authenticate(other)
    assert api.get(f"/v1/bulk/jobs/{job_id}/download").status_code == 404
    assert api.get(f"/v1/bulk/jobs/{job_id}").status_code == 404


def test_expired_export_is_no_longer_downloadable(admin_api, pipeline, admin, run_job):
    _deal(pipeline, admin, "D", "1", "lead")
    job = run_job(_export(admin_api, {})["job_id"])
    job.expires_at = datetime(2020, 1, 1, tzinfo=UTC)
    job.save()
    assert admin_api.get(f"/v1/bulk/jobs/{job.pk}/download").status_code == 404


def test_unknown_fields_and_filters_are_refused(admin_api):
    response = admin_api.post(
        "/v1/bulk/deals/export", {"fields": ["title", "nope"], "filters": {"x": 1}}, format="json"
    )
    assert response.status_code == 400
    assert {e["field"] for e in response.json()["errors"]} == {"fields[1]"}
    response = admin_api.post("/v1/bulk/deals/export", {"filters": {"x": 1}}, format="json")
    assert response.json()["errors"][0]["field"] == "filters.x"


@pytest.mark.parametrize("export_format", ["csv", "xlsx"])
def test_cells_that_a_spreadsheet_would_run_as_formulas_are_escaped(admin_api, admin, run_job, export_format):
    Contact.objects.create(first_name='=HYPERLINK("http://evil")', last_name="+1+2", company="@SUM(A1)", owner=admin)
    Contact.objects.create(first_name="-2+3", last_name="Plain", owner=admin)
    body = {"export_format": export_format, "fields": ["firstName", "lastName", "company"]}
    job_id = _export(admin_api, body, resource="contacts")["job_id"]
    run_job(job_id)
    content = _download(admin_api, job_id)
    if export_format == "csv":
        rows = list(csv.reader(io.StringIO(content.decode())))[1:]
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(content)).worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]
        assert all(cell.data_type == "s" for row in sheet.iter_rows(min_row=2) for cell in row if cell.value)
    assert sorted(rows) == sorted(
        [
            ['\'=HYPERLINK("http://evil")', "'+1+2", "'@SUM(A1)"],
            ["'-2+3", "Plain", None if export_format == "xlsx" else ""],
        ]
    )


def test_json_export_holds_typed_values(admin_api, admin, pipeline, run_job):
    _deal(pipeline, admin, "=not a formula in json", "12.50", "proposal")
    job_id = _export(admin_api, {"export_format": "json", "fields": ["title", "value", "stage", "owner.email"]})[
        "job_id"
    ]
    run_job(job_id)
    assert json.loads(_download(admin_api, job_id)) == [
        {"title": "=not a formula in json", "value": 12.5, "stage": "proposal", "owner.email": admin.email}
    ]


def test_sales_rep_exports_only_their_own_records(api, make_user, admin, run_job):
    from apps.users.models import Role

    role = Role.objects.create(name="exporter", permissions=["contacts:read:own", "contacts:export:own"])
    rep = make_user(roles=[role.name])
    Contact.objects.create(first_name="Mine", last_name="X", owner=rep)
    Contact.objects.create(first_name="Theirs", last_name="X", owner=admin)
    api.force_authenticate(rep)
    job_id = _export(api, {"fields": ["firstName"]}, resource="contacts")["job_id"]
    run_job(job_id)
    assert _download(api, job_id).decode().split() == ["firstName", "Mine"]


def test_a_10000_row_export_keeps_memory_flat(admin_api, admin, pipeline, run_job):
    stage = pipeline.stages.get(slug="proposal")
    Deal.objects.bulk_create(
        Deal(title=f"Deal {i} " + "x" * 60, value=i, pipeline=pipeline, stage=stage, owner=admin) for i in range(10_000)
    )
    job_id = _export(admin_api, {"export_format": "csv"})["job_id"]
    tracemalloc.start()
    try:
        job = run_job(job_id)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert job.total == 10_000
    assert job.result_size > 800_000  # the file is far larger than what was held at once
    assert peak < 4 * 1024 * 1024, f"peak {peak / 1e6:.1f} MB"


class _Receiver(BaseHTTPRequestHandler):
    received: list = []

    def do_POST(self):  # noqa: N802
        length = int(self.headers["Content-Length"])
        _Receiver.received.append(json.loads(self.rfile.read(length)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_webhook_delivery_posts_the_finished_job(admin_api, admin, pipeline, run_job):
    server = HTTPServer(("127.0.0.1", 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        _deal(pipeline, admin, "Hooked", "20000", "proposal")
        url = f"http://127.0.0.1:{server.server_port}/export-complete"
        body = {**DESIGN_EXPORT, "delivery": {"method": "webhook", "webhook_url": url}}
        job = run_job(_export(admin_api, body)["job_id"])
    finally:
        server.shutdown()
    assert job.delivery["result"]["status"] == "delivered"
    payload = _Receiver.received[-1]
    assert payload["job"]["job_id"] == job.pk and payload["job"]["status"] == "completed"
    assert payload["job"]["download_url"].endswith(f"/v1/bulk/jobs/{job.pk}/download")


def test_webhook_to_a_private_address_is_refused_unless_allowed(admin_api, settings):
    settings.CRM_WEBHOOKS_ALLOW_PRIVATE_NETWORKS = False
    body = {"delivery": {"method": "webhook", "webhook_url": "http://127.0.0.1:9/hook"}}
    response = admin_api.post("/v1/bulk/deals/export", body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "delivery.webhook_url"


def test_jobs_list_is_the_callers_newest_first_and_paginated(api, admin, make_user, django_assert_max_num_queries):
    other = make_user(roles=["tenant_admin"])
    api.force_authenticate(other)
    _export(api, {})
    api.force_authenticate(admin)
    ids = [_export(api, {})["job_id"] for _ in range(3)]
    with django_assert_max_num_queries(6):
        response = api.get("/v1/bulk/jobs?limit=2")
    body = response.json()
    assert [job["job_id"] for job in body["data"]] == ids[::-1][:2]
    assert body["meta"]["pagination"]["total"] == 3


def test_contacts_export_reaches_custom_fields_address_and_the_account(admin_api, admin, run_job):
    account = Account.objects.create(name="Initech", owner=admin)
    Contact.objects.create(
        first_name="Peter",
        last_name="Gibbons",
        email="peter@initech.com",
        account=account,
        address={"city": "Austin"},
        custom_fields={"industry": "Software"},
        owner=admin,
    )
    fields = ["name", "email", "account.name", "address.city", "customFields.industry", "owner.name"]
    job_id = _export(admin_api, {"export_format": "json", "fields": fields}, resource="contacts")["job_id"]
    run_job(job_id)
    assert json.loads(_download(admin_api, job_id)) == [
        {
            "name": "Peter Gibbons",
            "email": "peter@initech.com",
            "account.name": "Initech",
            "address.city": "Austin",
            "customFields.industry": "Software",
            "owner.name": admin.full_name,
        }
    ]


def test_leads_export_filters_by_status(admin_api, admin, run_job):
    from apps.leads.models import Lead

    Lead.objects.create(first_name="A", last_name="New", email="a@l.com", status="new", owner=admin)
    Lead.objects.create(first_name="B", last_name="Qual", email="b@l.com", status="qualified", owner=admin)
    body = {"export_format": "csv", "filters": {"status": ["qualified"]}, "fields": ["email", "status"]}
    job_id = _export(admin_api, body, resource="leads")["job_id"]
    run_job(job_id)
    assert _download(admin_api, job_id).decode().split() == ["email,status", "b@l.com,qualified"]


def test_external_ids_given_at_import_come_back_in_exports(admin_api, run_job):
    rows = [{"externalId": "ext-42", "name": "Round Trip Ltd"}]
    run_job(admin_api.post("/v1/bulk/accounts/import", {"accounts": rows}, format="json").json()["data"]["job_id"])
    job_id = _export(admin_api, {"fields": ["externalId", "name"]}, resource="accounts")["job_id"]
    run_job(job_id)
    assert "ext-42,Round Trip Ltd" in _download(admin_api, job_id).decode().splitlines()

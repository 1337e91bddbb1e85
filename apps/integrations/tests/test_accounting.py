"""`POST /v1/integrations/accounting/create-invoice` against a local QuickBooks Online API."""

import copy

import pytest

from apps.activities.models import Task
from apps.deals.models import Deal
from apps.deals.services import deal_create
from apps.integrations.models import ExternalLink
from apps.integrations.tests.conftest import quickbooks_body

pytestmark = pytest.mark.django_db

DESIGN_BODY = {
    "provider": "quickbooks",
    "deal_id": "deal_789",
    "invoice_data": {
        "customer": {
            "name": "Enterprise Corp",
            "email": "billing@enterprise-corp.com",
            "address": {"street": "456 Business Ave", "city": "San Francisco", "state": "CA", "zip": "94105"},
        },
        "line_items": [
            {"description": "CRM Software License - Annual", "quantity": 1, "rate": 75000.00, "amount": 75000.00}
        ],
        "terms": "Net 30",
        "due_date": "2025-02-25",
    },
    "sync_options": {"update_deal_status": True, "create_payment_tracking": True},
}
URL = "/v1/integrations/accounting/create-invoice"


def design_body(admin, **changes) -> tuple[dict, Deal]:
    deal = deal_create(title="Enterprise Corp - CRM", value=75000, pipeline=None, owner=admin, actor=admin)
    body = copy.deepcopy(DESIGN_BODY)
    body["deal_id"] = deal.pk
    body.update(changes)
    return body, deal


def test_design_body_creates_customer_and_invoice_and_marks_the_deal(admin_api, admin, connect, quickbooks):
    connect(quickbooks_body(quickbooks))
    body, deal = design_body(admin)
    response = admin_api.post(URL, body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()["data"]

    (lookup, term_lookup) = quickbooks.on("GET", "/query$")
    assert lookup.query["query"] == ["select * from Customer where DisplayName = 'Enterprise Corp'"]
    assert lookup.query["minorversion"] == ["75"]
    assert term_lookup.query["query"] == ["select * from Term where Name = 'Net 30'"]
    (customer,) = quickbooks.customers.values()
    assert customer["PrimaryEmailAddr"] == {"Address": "billing@enterprise-corp.com"}
    assert customer["BillAddr"] == {
        "Line1": "456 Business Ave",
        "City": "San Francisco",
        "CountrySubDivisionCode": "CA",
        "PostalCode": "94105",
    }
    (invoice,) = quickbooks.invoices.values()
    assert invoice["CustomerRef"]["value"] == customer["Id"]
    assert invoice["DueDate"] == "2025-02-25" and invoice["SalesTermRef"] == {"value": "3"}
    assert invoice["Line"] == [
        {
            "DetailType": "SalesItemLineDetail",
            "Amount": 75000.0,
            "Description": "CRM Software License - Annual",
            "SalesItemLineDetail": {"ItemRef": {"value": "1"}, "Qty": 1.0, "UnitPrice": 75000.0},
        }
    ]
    assert data["invoice"]["id"] == invoice["Id"] and data["invoice"]["doc_number"] == "1037"
    assert data["invoice"]["total_amount"] == 75000.0
    assert data["customer"] == {"id": customer["Id"], "display_name": "Enterprise Corp", "created": True}
    assert data["sales_term"] == {"id": "3", "name": "Net 30"}

    deal.refresh_from_db()
    assert deal.custom_fields["invoiceNumber"] == "1037"
    assert data["deal_updated"] == {"customFields": {"invoiceNumber": "1037"}}
    task = Task.objects.get(pk=data["payment_task_id"])
    assert (task.related_type, task.related_id) == ("deal", deal.pk)
    assert task.due_date.date().isoformat() == "2025-02-25"
    assert ExternalLink.objects.get(record_id=deal.pk, kind="invoice").external_id == invoice["Id"]


def test_an_existing_customer_is_reused_and_no_deal_change_without_the_option(admin_api, admin, connect, quickbooks):
    connect(quickbooks_body(quickbooks))
    quickbooks.customers["7"] = {"Id": "7", "DisplayName": "Enterprise Corp"}
    body, deal = design_body(admin, sync_options={})
    data = admin_api.post(URL, body, format="json").json()["data"]
    assert data["customer"] == {"id": "7", "display_name": "Enterprise Corp", "created": False}
    assert quickbooks.on("POST", "/customer$") == []
    deal.refresh_from_db()
    assert "invoiceNumber" not in deal.custom_fields and data["payment_task_id"] is None


def test_quickbooks_fault_is_an_integration_error_with_its_code(admin_api, admin, connect, quickbooks):
    body = quickbooks_body(quickbooks)
    body["settings"]["item_id"] = "999"
    connect(body)
    request, deal = design_body(admin)
    response = admin_api.post(URL, request, format="json")
    assert response.status_code == 502
    details = response.json()["error"]["details"]
    assert details["integration_type"] == "accounting" and details["provider"] == "quickbooks"
    assert details["provider_error"]["code"] == "2500"
    assert details["provider_error"]["message"].startswith("Invalid Reference Id")
    assert details["retry_possible"] is False
    deal.refresh_from_db()
    assert "invoiceNumber" not in deal.custom_fields and not Task.objects.exists()


def test_expired_quickbooks_token_without_refresh_is_an_authentication_fault(admin_api, admin, connect, quickbooks):
    connect(quickbooks_body(quickbooks))
    quickbooks.access_token = "rotated-elsewhere"
    request, _deal = design_body(admin)
    details = admin_api.post(URL, request, format="json").json()["error"]["details"]
    assert details["provider_error"]["code"] == "3200"
    assert details["provider_error"]["http_status"] == 401


def test_unreachable_provider_is_retryable(admin_api, admin, connect, quickbooks):
    connect(quickbooks_body(quickbooks))
    quickbooks.close()
    request, _deal = design_body(admin)
    response = admin_api.post(URL, request, format="json")
    assert response.status_code == 502
    details = response.json()["error"]["details"]
    assert details["provider_error"]["code"] == "CONNECTION_FAILED"
    assert details["retry_possible"] is True and details["retry_after"] == 60


def test_amount_must_be_quantity_times_rate_and_the_deal_must_exist(admin_api, admin, connect, quickbooks):
    connect(quickbooks_body(quickbooks))
    body, _deal = design_body(admin)
    body["invoice_data"]["line_items"][0]["amount"] = 1.0
    response = admin_api.post(URL, body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "invoice_data.line_items.0.amount"
    missing = copy.deepcopy(DESIGN_BODY)
    assert admin_api.post(URL, missing, format="json").status_code == 404
    assert quickbooks.requests == []


def test_marking_another_owners_deal_needs_write_scope_on_it(api, admin, make_user, connect, quickbooks):
    from apps.users.models import Role

    connect(quickbooks_body(quickbooks))
    Role.objects.create(name="billing", permissions=["integrations:*", "deals:read", "deals:write:own", "activities:*"])
    clerk = make_user(roles=["billing"])
    body, _deal = design_body(admin)
    api.force_authenticate(clerk)
    response = api.post(URL, body, format="json")
    assert response.status_code == 403
    assert response.json()["error"]["details"]["required_permissions"] == ["deals:write"]
    assert quickbooks.requests == []

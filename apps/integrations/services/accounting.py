"""An invoice at the provider (QuickBooks Online) for a deal.

The customer is found by its display name (QBO's query endpoint) or created; the terms
(`Net 30`) are looked up by name and set as SalesTermRef when the company has them; each line is
a SalesItemLineDetail naming the connection's `item_id` (default "1", the "Services" item of a
new QBO company). Then, in one transaction on our side: the deal ↔ invoice link; with
`update_deal_status` the deal's `invoiceNumber` custom field (defined on first use) through the
deals service (history, `deal.updated`); with `create_payment_tracking` a task on the deal, due
on the invoice's due date, to follow its payment, through the activities service. No pipeline
stage is invented or moved: closing a deal stays the sales team's decision.
"""

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.activities.services import task_create
from apps.core.custom_fields import custom_field_define
from apps.deals.models import Deal
from apps.deals.services import deal_update
from apps.integrations.choices import LinkKind
from apps.integrations.models import Connection, ExternalLink
from apps.integrations.providers import QuickBooks
from apps.integrations.services.connections import connection_adapter

INVOICE_FIELD = "invoiceNumber"


def _money(value: Decimal) -> float:
    return float(value.quantize(Decimal("0.01")))


def customer_body(customer: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {"DisplayName": customer["name"], "CompanyName": customer["name"]}
    if customer.get("email"):
        body["PrimaryEmailAddr"] = {"Address": customer["email"]}
    address = customer.get("address") or {}
    bill = {
        "Line1": address.get("street"),
        "City": address.get("city"),
        "CountrySubDivisionCode": address.get("state"),
        "PostalCode": address.get("zip"),
        "Country": address.get("country"),
    }
    bill = {k: v for k, v in bill.items() if v}
    if bill:
        body["BillAddr"] = bill
    return body


def invoice_body(
    *, invoice_data: dict[str, Any], customer_id: str, item_id: str, term: dict | None, deal: Deal
) -> dict[str, Any]:
    lines = [
        {
            "DetailType": "SalesItemLineDetail",
            "Amount": _money(line["amount"]),
            "Description": line.get("description") or "",
            "SalesItemLineDetail": {
                "ItemRef": {"value": item_id},
                "Qty": float(line["quantity"]),
                "UnitPrice": _money(line["rate"]),
            },
        }
        for line in invoice_data["line_items"]
    ]
    body: dict[str, Any] = {
        "CustomerRef": {"value": customer_id},
        "Line": lines,
        "PrivateNote": f"CRM deal {deal.pk}: {deal.title}"[:4000],
    }
    if invoice_data.get("due_date"):
        body["DueDate"] = invoice_data["due_date"].isoformat()
    if term:
        body["SalesTermRef"] = {"value": term["Id"], "name": term.get("Name")}
    email = invoice_data["customer"].get("email")
    if email:
        body["BillEmail"] = {"Address": email}
    return body


def invoice_create(
    *, actor, connection: Connection, deal: Deal, invoice_data: dict[str, Any], sync_options: dict[str, bool]
) -> dict[str, Any]:
    adapter: QuickBooks = connection_adapter(connection)
    name = invoice_data["customer"]["name"]
    customer = adapter.customer_by_name(name)
    customer_created = customer is None
    if customer is None:
        customer = adapter.customer_create(customer_body(invoice_data["customer"]))
    term = adapter.term_by_name(invoice_data["terms"]) if invoice_data.get("terms") else None
    invoice = adapter.invoice_create(
        invoice_body(
            invoice_data=invoice_data, customer_id=customer["Id"], item_id=adapter.item_id(), term=term, deal=deal
        )
    )
    number = invoice.get("DocNumber") or invoice["Id"]
    summary = {
        "id": invoice["Id"],
        "doc_number": invoice.get("DocNumber"),
        "total_amount": invoice.get("TotalAmt"),
        "balance": invoice.get("Balance"),
        "txn_date": invoice.get("TxnDate"),
        "due_date": invoice.get("DueDate"),
        "customer_id": customer["Id"],
    }
    deal_changed = None
    task_id = None
    with transaction.atomic():
        ExternalLink.objects.create(
            provider=connection.provider,
            kind=LinkKind.INVOICE,
            record_id=deal.pk,
            external_id=invoice["Id"],
            data=summary,
            created_by=actor,
        )
        if sync_options.get("update_deal_status"):
            custom_field_define(entity="deal", name=INVOICE_FIELD, label="Invoice number (QuickBooks)")
            deal_update(deal=deal, data={"custom_fields": {INVOICE_FIELD: str(number)}}, actor=actor)
            deal_changed = {"customFields": {INVOICE_FIELD: str(number)}}
        if sync_options.get("create_payment_tracking"):
            task = task_create(
                actor=actor,
                data={
                    "title": f"Follow the payment of invoice {number} ({name})",
                    "description": f"QuickBooks invoice {number}: {summary['total_amount']} due {summary['due_date']}.",
                    "due_date": _due(invoice_data.get("due_date")),
                    "related": {"type": "deal", "id": deal.pk},
                },
                can_reassign=False,
            )
            task_id = task.pk
    return {
        "provider": connection.provider,
        "deal_id": deal.pk,
        "invoice": summary,
        "customer": {
            "id": customer["Id"],
            "display_name": customer.get("DisplayName", name),
            "created": customer_created,
        },
        "sales_term": {"id": term["Id"], "name": term.get("Name")} if term else None,
        "deal_updated": deal_changed,
        "payment_task_id": task_id,
    }


def _due(value: date | None) -> datetime | None:
    if value is None:
        return None
    return timezone.make_aware(datetime.combine(value, time(17, 0)), timezone.get_current_timezone())

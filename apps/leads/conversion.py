"""Lead conversion: in ONE transaction, the contact, the account (found by company name or
created), the deal (in the pipeline's first stage) and the lead marked converted, all linked.

The deal is made by the deals module's `deal_create`, so its stage history, automation, history
and `deal.created` event are the same as for any other deal.
"""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import Account
from apps.accounts.services import account_find_or_create
from apps.contacts.models import Contact
from apps.contacts.services import contact_by_email, contact_create
from apps.core.errors import ValidationFailed
from apps.deals.services import deal_create
from apps.events.types import EventType
from apps.leads.choices import LeadStatus
from apps.leads.models import Lead
from apps.leads.services import lead_changes_apply, lead_refuse_if_converted


@dataclass
class Conversion:
    lead: Lead
    contact: Contact | None
    account: Account | None
    deal: Any | None


def _pipeline(pipeline_id: str | None):
    from apps.pipelines.models import Pipeline

    pipelines = Pipeline.objects.all()
    pipeline = pipelines.filter(pk=pipeline_id).first() if pipeline_id else pipelines.filter(is_default=True).first()
    if pipeline is None:
        raise ValidationFailed(
            {"pipelineId": f"No pipeline '{pipeline_id}'." if pipeline_id else "No default pipeline."}
        )
    return pipeline


@transaction.atomic
def lead_convert(
    *,
    lead: Lead,
    actor,
    create_contact: bool = True,
    create_deal: bool = False,
    deal_title: str = "",
    deal_value: Decimal | None = None,
    pipeline_id: str | None = None,
    account_id: str | None = None,
) -> Conversion:
    """Converting twice answers 409; anything failing rolls the whole conversion back."""
    lead = Lead.objects.select_for_update().get(pk=lead.pk)
    lead_refuse_if_converted(lead)
    owner = lead.owner or (actor if actor.pk else None)
    pipeline = _pipeline(pipeline_id) if create_deal else None

    account = None
    if account_id:
        account = Account.objects.filter(pk=account_id).first()
        if account is None:
            raise ValidationFailed({"accountId": f"No account '{account_id}'."})
    elif lead.company:
        account, _ = account_find_or_create(name=lead.company, actor=actor, owner=owner)

    contact = None
    if create_contact:
        contact = contact_by_email(lead.email)
        if contact is None:
            contact = contact_create(
                actor=actor,
                data={
                    "first_name": lead.first_name,
                    "last_name": lead.last_name,
                    "email": lead.email,
                    "phone": lead.phone,
                    "company": lead.company,
                    "job_title": lead.job_title,
                    "account_id": account.pk if account else None,
                    "owner_id": owner.pk if owner else None,
                },
                can_reassign=True,  # the contact goes to the lead's owner
            )

    deal = None
    if create_deal:
        deal = deal_create(
            title=deal_title or f"{lead.company or lead.full_name} deal",
            value=deal_value if deal_value is not None else Decimal(0),
            pipeline=pipeline,
            contact=contact,
            account=account,
            owner=owner,
            actor=actor,
        )

    lead_changes_apply(
        lead=lead,
        cleaned={
            "status": LeadStatus.CONVERTED,
            "converted_at": timezone.now(),
            "converted_contact": contact,
            "converted_account": account,
            "converted_deal": deal,
        },
        actor=actor,
        event_type=EventType.LEAD_CONVERTED,
    )
    return Conversion(lead=lead, contact=contact, account=account, deal=deal)

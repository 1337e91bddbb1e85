"""Payloads of the deal events. `deal.stage_changed` is the design's webhook example, field for field."""

from apps.deals.models import Deal, DealStageChange
from apps.pipelines.models import Stage


def person_data(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.full_name, "email": user.email}


def deal_snapshot(deal: Deal) -> dict:
    return {
        "id": deal.pk,
        "title": deal.title,
        "value": float(deal.value),
        "currency": deal.currency,
        "stage": deal.stage.slug,
        "stage_id": deal.stage_id,
        "status": deal.status,
        "probability": deal.probability,
        "pipeline_id": deal.pipeline_id,
        "owner_id": deal.owner_id,
        "contact_id": deal.contact_id,
        "account_id": deal.account_id,
        "expected_close_date": deal.expected_close_date.isoformat() if deal.expected_close_date else None,
        "actual_close_date": deal.actual_close_date.isoformat() if deal.actual_close_date else None,
    }


def deal_event_data(deal: Deal, **extra) -> dict:
    return {"deal_id": deal.pk, "deal": deal_snapshot(deal), **extra}


def deal_stage_changed_data(deal: Deal, *, previous_stage: Stage | None, change: DealStageChange, actor) -> dict:
    contact, account = deal.contact, deal.account
    seconds = change.seconds_in_previous_stage or 0
    return {
        "deal": {
            "id": deal.pk,
            "title": deal.title,
            "value": float(deal.value),
            "currency": deal.currency,
            "previous_stage": previous_stage.slug if previous_stage else None,
            "current_stage": deal.stage.slug,
            "pipeline_id": deal.pipeline_id,
            "contact": {"id": contact.pk, "name": contact.full_name, "email": contact.email} if contact else None,
            "account": {"id": account.pk, "name": account.name} if account else None,
        },
        "change_info": {
            "changed_by": person_data(actor if getattr(actor, "pk", None) else None),
            "reason": change.reason,
            "stage_duration_days": seconds // 86400,
        },
    }

"""Deals by pipeline as a kanban board; dropping a card on a stage calls the move-stage service,
so stage history, automation and events run exactly as over the API."""

import json

from django.db.models import Prefetch
from django.http import HttpRequest, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_POST

from apps.console.sites import grants_of, tenant_site
from apps.core.errors import DomainError
from apps.core.permissions import grant_scope
from apps.core.scoping import record_in_scope, scope_queryset
from apps.deals.models import Deal
from apps.pipelines.models import Pipeline, Stage

BOARD_CARDS_PER_STAGE = 50


def _deals_visible_to(request: HttpRequest):
    scope = grant_scope(grants_of(request), "deals:read")
    if scope is None:
        return None
    return scope_queryset(Deal.objects.all(), request.user, scope)


def board_view(request: HttpRequest) -> TemplateResponse:
    deals = _deals_visible_to(request)
    pipelines = list(Pipeline.objects.order_by("-is_default", "name"))
    pipeline = None
    if pipelines:
        wanted = request.GET.get("pipeline")
        pipeline = next((p for p in pipelines if p.pk == wanted), pipelines[0])
    columns = []
    write_scope = grant_scope(grants_of(request), "deals:write")
    if pipeline is not None and deals is not None:
        stages = Stage.objects.filter(pipeline=pipeline).order_by("order")
        stage_deals = deals.select_related("owner").order_by("-value")
        stages = stages.prefetch_related(Prefetch("deals", queryset=stage_deals, to_attr="board_deals"))
        for stage in stages:
            cards = [
                {
                    "deal": deal,
                    "movable": write_scope is not None and record_in_scope(deal, request.user, write_scope),
                }
                for deal in stage.board_deals[:BOARD_CARDS_PER_STAGE]
            ]
            columns.append({"stage": stage, "cards": cards, "count": len(stage.board_deals)})
    context = {
        **tenant_site.each_context(request),
        "title": "Deals board",
        "pipelines": pipelines,
        "pipeline": pipeline,
        "columns": columns,
        "can_read": deals is not None,
    }
    return TemplateResponse(request, "console/kanban.html", context)


@require_POST
def board_move_view(request: HttpRequest, deal_id: str) -> JsonResponse:
    from apps.deals.services import deal_move_stage

    deals = _deals_visible_to(request)
    if deals is None:
        return JsonResponse({"ok": False, "message": "Insufficient permissions"}, status=403)
    deal = get_object_or_404(deals, pk=deal_id)
    write_scope = grant_scope(grants_of(request), "deals:write")
    if write_scope is None or not record_in_scope(deal, request.user, write_scope):
        return JsonResponse({"ok": False, "message": "Insufficient permissions"}, status=403)
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"ok": False, "message": "Malformed body"}, status=400)
    stage = Stage.objects.filter(pipeline_id=deal.pipeline_id, pk=payload.get("stageId")).first()
    if stage is None:
        return JsonResponse({"ok": False, "message": "No such stage in this pipeline"}, status=400)
    try:
        deal = deal_move_stage(
            deal=deal, new_stage=stage, reason=payload.get("reason", "Moved on the board"), actor=request.user
        )
    except DomainError as exc:
        return JsonResponse({"ok": False, "message": exc.message}, status=exc.status)
    return JsonResponse({"ok": True, "dealId": deal.pk, "stageId": deal.stage_id})

"""Deal win probability (`POST /v1/ai/analytics/deal-probability`).

The deal's factors come from the CRM (value, stage reached, days in stage, stage moves, activity,
engagement of its contact, account size), overridden by the request's. With a trained model the
probability is the model's and the confidence interval the 5th-95th percentile of its bootstrap
replicates; a factor whose contribution moves the probability by 2 points or more becomes a risk
factor (down) or a success indicator (up), each with the evidence the CRM holds for it. With the
rules (apps.ai.rules) the interval is the 90% interval of a Beta distribution centred on the
probability and as wide as the similar closed deals allow.

`historical_context` is computed from the tenant's closed deals in the same pipeline whose value is
within half to twice this deal's ("similar"); values in the request replace the computed ones.
The forecast: expected close = created + average sales cycle (of won deals), or, when that date
has passed, today + the share of the cycle the remaining stages represent (at least 7 days);
without a cycle, the deal's own expected close date, else 30 days from today. Revenue impact =
value × win probability (as shown, two decimals). The forecast's confidence is 1 − the interval's width.
"""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Avg, Count, F, Q
from django.utils import timezone

from apps.ai import factors as f
from apps.ai import rules
from apps.ai.choices import ModelKind
from apps.ai.learning import sigmoid
from apps.ai.models import DealSignals
from apps.ai.runtime import model_in_use
from apps.ai.scoring import impact_of
from apps.ai.selectors import CLOSED, deal_rows, deal_values_normalize, stage_positions
from apps.deals.models import Deal
from apps.pipelines.choices import StageType
from apps.pipelines.selectors import stage_resolve

SIGNIFICANT = 0.02
DEFAULT_HORIZON_DAYS = 30

# factor -> (name when it lowers the chances, mitigation; name when it raises them)
WORDING = {
    "days_in_stage": (
        "long_time_in_stage",
        "Increase follow-up frequency and agree dated next steps",
        "moving_quickly",
    ),
    "sales_cycle_days": ("long_sales_cycle", "Increase follow-up frequency", "short_sales_cycle"),
    "contact_engagement": ("low_engagement", "Book a meeting with the decision maker", "high_engagement"),
    "competitors_identified": ("competition", "Prepare a competitive comparison", "no_competition"),
    "competitive_advantage": ("no_clear_advantage", "State the advantage over competitors", "competitive_advantage"),
    "value": ("deal_size", "Involve an executive sponsor", "deal_size"),
    "stage": ("early_stage", "Qualify budget and timeline to advance the deal", "advanced_stage"),
    "stage_probability": ("early_stage", "Qualify budget and timeline to advance the deal", "advanced_stage"),
    "stage_moves": ("slow_progress", "Agree a mutual plan with dated milestones", "steady_progress"),
    "deal_activities": ("little_activity", "Log next steps and schedule a call", "active_deal"),
    "meetings_logged": ("few_meetings", "Schedule a meeting with the buying team", "meetings_held"),
    "account_employees": ("account_size", "Check the account's buying process", "account_size"),
    "account_revenue": ("account_size", "Check the account's budget", "account_size"),
    "has_contact": ("no_contact", "Link a decision-maker contact to the deal", "contact_linked"),
    "pipeline": ("pipeline_win_rate", "Compare with deals won in this pipeline", "pipeline_win_rate"),
    "similar_deals_win_rate": (
        "low_win_rate_on_similar_deals",
        "Review why similar deals were lost",
        "high_win_rate_on_similar_deals",
    ),
}


def _evidence(name: str, values: dict, extra: dict, history: dict) -> str:
    value = values.get(name)
    match name:
        case "days_in_stage":
            return f"{round(value or 0)} days in stage {extra.get('stage_name') or ''}".strip()
        case "sales_cycle_days":
            return f"open for {round(value or 0)} days"
        case "contact_engagement":
            level = {0: "low", 1: "medium", 2: "high"}.get(int(value)) if value is not None else "unknown"
            if extra.get("engagement_reported"):
                return f"contact engagement reported as {level}"
            logged = extra.get("contact_communications", 0)
            return f"{logged} communications with the contact in the last {f.ENGAGEMENT_WINDOW_DAYS} days"
        case "competitors_identified":
            names = extra.get("competitor_names")
            return f"{int(value or 0)} competitors identified" + (f" ({', '.join(names)})" if names else "")
        case "competitive_advantage":
            return f"advantage: {value}" if value else "no advantage stated"
        case "value":
            return f"value {value:,.2f}"
        case "stage" | "stage_probability":
            return f"stage {extra.get('stage_name')}"
        case "stage_moves":
            return f"{int(value or 0)} stage moves"
        case "deal_activities":
            return f"{int(value or 0)} activities logged on the deal"
        case "meetings_logged":
            return f"{int(value or 0)} meetings logged"
        case "account_employees":
            return f"account of {int(value)} employees" if value is not None else "account size unknown"
        case "account_revenue":
            return f"account revenue {value:,.0f}" if value is not None else "account revenue unknown"
        case "has_contact":
            return "a contact is linked" if value else "no contact linked"
        case "similar_deals_win_rate":
            won, lost = history["similar_deals_won"], history["similar_deals_lost"]
            return f"{won} of {won + lost} similar deals won"
    return f"{name} = {value}"


def _strength(delta: float) -> str:
    return {"high": "strong", "medium": "moderate", "low": "weak"}[impact_of(100 * delta)]


def _signals(effects: dict[str, float], values: dict, extra: dict, history: dict) -> tuple[list, list]:
    risks, indicators = [], []
    for name, delta in sorted(effects.items(), key=lambda item: abs(item[1]), reverse=True):
        if abs(delta) < SIGNIFICANT:
            continue
        down, mitigation, up = WORDING.get(name, (name, f"Review {name}", name))
        if delta < 0:
            risks.append(
                {
                    "factor": down,
                    "impact": impact_of(100 * delta),
                    "mitigation": mitigation,
                    "evidence": _evidence(name, values, extra, history),
                    "effect": round(delta, 3),
                }
            )
        else:
            indicators.append(
                {
                    "factor": up,
                    "strength": _strength(delta),
                    "evidence": _evidence(name, values, extra, history),
                    "effect": round(delta, 3),
                }
            )
    return risks, indicators


def deal_history_context(deal: Deal, value: float) -> dict:
    """Similar closed deals (same pipeline, value ×0.5-×2) won and lost, and the average cycle in
    days of the pipeline's won deals. One query."""
    low, high = Decimal(str(value)) / 2, Decimal(str(value)) * 2
    similar = Q(value__gte=low, value__lte=high)
    won = Q(stage__stage_type=StageType.WON)
    figures = (
        Deal.objects.filter(pipeline_id=deal.pipeline_id, stage__stage_type__in=CLOSED, actual_close_date__isnull=False)
        .exclude(pk=deal.pk)
        .aggregate(
            won=Count("pk", filter=similar & won),
            lost=Count("pk", filter=similar & Q(stage__stage_type=StageType.LOST)),
            cycle=Avg(F("actual_close_date") - F("created_at"), filter=won),
        )
    )
    cycle = figures["cycle"].total_seconds() / 86400 if figures["cycle"] is not None else None
    return {
        "similar_deals_won": figures["won"],
        "similar_deals_lost": figures["lost"],
        "average_sales_cycle": round(cycle) if cycle is not None else None,
    }


def _by_model(in_use, values: dict) -> tuple[float, tuple[float, float], dict[str, float]]:
    explanation = in_use.fitted.explain(values)
    p = explanation.probability
    logit = explanation.intercept + sum(explanation.contributions.values())
    effects = {name: p - sigmoid(logit - c) for name, c in explanation.contributions.items()}
    return p, explanation.interval, effects


def _by_rules(values: dict, history: dict) -> tuple[float, tuple[float, float], dict[str, float]]:
    won, lost = history["similar_deals_won"], history["similar_deals_lost"]
    base, parts = rules.deal_base_rate(stage_probability=values.get("stage_probability"), won=won, lost=lost)
    adjustments = rules.deal_adjustments(values)
    p = min(max(base + sum(adjustments.values()), 0.01), 0.99)
    effects = dict(adjustments)
    if parts["stage"] is not None:
        effects["stage"] = (parts["stage"] - 0.5) / 2
    if parts["similar_deals_win_rate"] is not None:
        effects["similar_deals_win_rate"] = (parts["similar_deals_win_rate"] - 0.5) / 2
    from scipy.stats import beta  # imported on first use: web processes start without scipy

    n = won + lost
    low, high = beta.ppf([0.05, 0.95], p * n + 1, (1 - p) * n + 1)
    return p, (min(float(low), p), max(float(high), p)), effects


def _expected_close(deal: Deal, values: dict, cycle: float | None, today):
    if cycle:
        expected = deal.created_at.date() + timedelta(days=cycle)
        if expected >= today:
            return expected
        remaining = 1 - (values.get("stage") or 0)
        return today + timedelta(days=max(7, round(cycle * remaining)))
    if deal.expected_close_date and deal.expected_close_date.date() >= today:
        return deal.expected_close_date.date()
    return today + timedelta(days=DEFAULT_HORIZON_DAYS)


def _overrides(deal: Deal, characteristics: dict, competitive: dict, values: dict, extra: dict) -> None:
    if "value" in characteristics:
        values["value"] = float(characteristics["value"])
    if characteristics.get("stage"):
        stage = stage_resolve(
            pipeline=deal.pipeline, ref=characteristics["stage"], field="analysis_factors.deal_characteristics.stage"
        )
        position = stage_positions()[stage.pk]
        values["stage"], values["stage_probability"] = position["position"], position["probability"]
        extra["stage_name"], extra["stage_type"] = stage.name, stage.stage_type
    if "days_in_stage" in characteristics:
        values["days_in_stage"] = characteristics["days_in_stage"]
    if characteristics.get("contact_engagement"):
        values["contact_engagement"] = characteristics["contact_engagement"]
        extra["engagement_reported"] = True
    if "competitors_identified" in competitive:
        extra["competitor_names"] = competitive["competitors_identified"]
        values["competitors_identified"] = competitive["competitors_identified"]
    if competitive.get("competitive_advantage"):
        values["competitive_advantage"] = competitive["competitive_advantage"]
    deal_values_normalize(values)


def deal_win_probability(*, deal: Deal, analysis_factors: dict[str, dict]) -> dict:
    """The design's answer plus `historical_context` (as used) and `model`. Keeps the
    engagement and competition given, for later trainings."""
    characteristics = analysis_factors.get("deal_characteristics") or {}
    historical = analysis_factors.get("historical_context") or {}
    competitive = analysis_factors.get("competitive_intel") or {}
    row = deal_rows(Deal.objects.filter(pk=deal.pk))[0]
    values, extra = dict(row.values), dict(row.extra)
    extra["stage_type"] = deal.stage.stage_type
    _overrides(deal, characteristics, competitive, values, extra)
    history = {**deal_history_context(deal, values["value"]), **historical}
    in_use = model_in_use(ModelKind.DEAL_PROBABILITY)
    if extra["stage_type"] in CLOSED:  # decided: nothing to predict
        p = 1.0 if extra["stage_type"] == StageType.WON else 0.0
        interval, effects = (p, p), {}
    elif in_use.fitted:
        p, interval, effects = _by_model(in_use, values)
    else:
        p, interval, effects = _by_rules(values, history)
    risks, indicators = _signals(effects, values, extra, history)
    today = timezone.now().date()
    cycle = history.get("average_sales_cycle")
    value, shown = values["value"], round(p, 2)
    given = {
        k: v
        for k, v in (
            ("contact_engagement", characteristics.get("contact_engagement")),
            ("competitors_identified", competitive.get("competitors_identified")),
            ("competitive_advantage", competitive.get("competitive_advantage")),
        )
        if v is not None
    }
    if given:
        with transaction.atomic():
            signals, _ = DealSignals.objects.select_for_update().get_or_create(deal_id=deal.pk)
            signals.factors = {**signals.factors, **given}
            signals.save()
    return {
        "deal_id": deal.pk,
        "win_probability": shown,
        "confidence_interval": [round(interval[0], 2), round(interval[1], 2)],
        "risk_factors": risks,
        "success_indicators": indicators,
        "forecasting": {
            "expected_close_date": _expected_close(deal, values, cycle, today).isoformat(),
            "confidence": round(max(0.0, 1 - (interval[1] - interval[0])), 2),
            "revenue_impact": round(value * shown, 2),
        },
        "historical_context": history,
        "model": in_use.info,
    }

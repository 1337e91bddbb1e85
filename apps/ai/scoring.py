"""Lead scoring (`POST /v1/ai/lead-scoring/score`): the lead's factors from the CRM, overridden by
the ones in the request, scored by the tenant's model (or the rules), explained factor by factor,
then stored as the lead's score through the leads module (scoring history, `lead.scored`).

Points: with a trained model, a factor's points are how much lower (or higher) the score would
be had that factor been at the tenant's average: 100 × (p − σ(logit − contribution)). The
breakdown splits the score between the three groups by Shapley values over the groups (each
group also carries a third of the average lead's score), so the three always add up to the
score; a group that lowers the score is negative. With the rules, points are the rule table's.

Recommendations and the next best action follow from the factors by the rules in
`recommendations()` (documented there and in the README).
"""

from datetime import UTC, datetime, time, timedelta
from itertools import permutations
from typing import Any

from django.db import transaction
from django.utils import timezone

from apps.ai import factors as f
from apps.ai import rules
from apps.ai.choices import ModelKind
from apps.ai.learning import sigmoid
from apps.ai.models import LeadSignals
from apps.ai.runtime import model_in_use
from apps.ai.selectors import AI_SCORE_MARKER, lead_rows, lead_values_normalize
from apps.leads.models import Lead
from apps.leads.services import lead_score

KEY_FACTORS_SHOWN = 5


def impact_of(points: float) -> str:
    """high from 12 points, medium from 5 (the design: a demo request's 15 high, 10 medium)."""
    size = abs(points)
    return "high" if size >= 12 else "medium" if size >= 5 else "low"


def _largest_remainder(parts: dict[str, float], total: int) -> dict[str, int]:
    floors = {name: int(value // 1) for name, value in parts.items()}
    left = total - sum(floors.values())
    order = sorted(parts, key=lambda name: parts[name] - floors[name], reverse=True)
    step = 0
    while left:  # hand out (or take back) the units the floors missed, by remainder
        name = order[step % len(order)] if left > 0 else order[-1 - step % len(order)]
        floors[name] += 1 if left > 0 else -1
        left += -1 if left > 0 else 1
        step += 1
    return floors


def _shapley_groups(intercept: float, contributions: dict[str, float], catalog: dict) -> dict[str, float]:
    group_logit = {group: 0.0 for group in f.GROUPS}
    for name, value in contributions.items():
        group = getattr(catalog.get(name), "group", "") or f.DEMOGRAPHIC
        group_logit[group] += value
    baseline = 100 * sigmoid(intercept)
    shares = {group: baseline / 3 for group in f.GROUPS}
    orders = list(permutations(f.GROUPS))
    for order in orders:
        logit = intercept
        for group in order:
            before = 100 * sigmoid(logit)
            logit += group_logit[group]
            shares[group] += (100 * sigmoid(logit) - before) / len(orders)
    return shares


def _trained(in_use, values: dict[str, Any]) -> dict:
    explanation = in_use.fitted.explain(values)
    probability = explanation.probability
    logit = explanation.intercept + sum(explanation.contributions.values())
    points = {
        name: 100 * (probability - sigmoid(logit - contribution))
        for name, contribution in explanation.contributions.items()
    }
    low, high = explanation.interval
    return {
        "score": round(100 * probability),
        "confidence": round(max(0.0, min(1.0, 1 - (high - low))), 2),
        "groups": _shapley_groups(explanation.intercept, explanation.contributions, in_use.fitted.catalog),
        "points": points,
    }


def _by_rules(values: dict[str, Any]) -> dict:
    points = rules.lead_points(values)
    groups = {group: sum(v for k, v in points.items() if f.LEAD_FACTORS[k].group == group) for group in f.GROUPS}
    return {
        "score": min(100, round(sum(points.values()))),
        "confidence": rules.lead_confidence(values),
        "groups": groups,
        "points": points,
    }


def _business_day(start: datetime, days: int) -> datetime:
    day = start.date()
    while days > 0:
        day += timedelta(days=1)
        if day.weekday() < 5:
            days -= 1
    return datetime.combine(day, time(14, 0), tzinfo=UTC)


def recommendations(*, score: int, values: dict[str, Any], now: datetime) -> tuple[list[str], dict]:
    """Rules, in order:
    - a demo was requested and no meeting is logged: "Schedule demo within 24 hours" (schedule_demo);
    - score ≥ 70: "Assign to senior sales rep";
    - content was downloaded: "Send technical documentation";
    - no email, call or meeting logged yet: "Call the lead: no contact logged yet" (call_lead);
    - 3+ email opens but no inbound message: "Send a personalised follow-up email" (send_follow_up);
    - score < 40: "Add to a nurturing campaign" (nurture).
    The next best action is the first action above that applies, else qualify_lead; its priority
    is high from a score of 70, medium from 40, else low; it is suggested at 14:00 UTC one (high),
    two (medium) or five (low) business days from now.
    """
    number = lambda name: f.as_number(values.get(name)) or 0  # noqa: E731
    contacted = number("emails_logged") + number("calls_logged") + number("meetings_logged") > 0
    advice: list[tuple[str, str | None]] = []
    if number("demo_requested") and not number("meetings_logged"):
        advice.append(("Schedule demo within 24 hours", "schedule_demo"))
    if score >= 70:
        advice.append(("Assign to senior sales rep", None))
    if number("content_downloads"):
        advice.append(("Send technical documentation", None))
    if not contacted:
        advice.append(("Call the lead: no contact logged yet", "call_lead"))
    if number("email_opens") >= 3 and not number("inbound_messages"):
        advice.append(("Send a personalised follow-up email", "send_follow_up"))
    if score < 40:
        advice.append(("Add to a nurturing campaign", "nurture"))
    action = next((name for _text, name in advice if name), "qualify_lead")
    priority = "high" if score >= 70 else "medium" if score >= 40 else "low"
    when = _business_day(now, {"high": 1, "medium": 2, "low": 5}[priority])
    return [text for text, _name in advice], {
        "action": action,
        "priority": priority,
        "suggested_time": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def flatten_scoring_factors(scoring_factors: dict[str, dict]) -> dict[str, Any]:
    return {name: value for group in scoring_factors.values() for name, value in (group or {}).items()}


def _display(value: Any) -> Any:
    return value if isinstance(value, str | int | float | bool) or value is None else str(value)


def lead_ai_score(*, lead: Lead, actor, scoring_factors: dict[str, dict]) -> dict:
    """Scores the lead, stores the score (source "ai") and the factors given, answers the design's
    shape plus `model`."""
    given = flatten_scoring_factors(scoring_factors)
    row = lead_rows(Lead.objects.filter(pk=lead.pk))[0]
    shown = {**row.values, **given}  # as the caller and the CRM say them (job titles as text)
    values = lead_values_normalize({**row.values, **given})
    in_use = model_in_use(ModelKind.LEAD_SCORING)
    result = _trained(in_use, values) if in_use.fitted else _by_rules(values)
    score = max(0, min(100, result["score"]))
    groups = _largest_remainder(result["groups"], score)
    ranked = sorted(
        ((name, points) for name, points in result["points"].items() if abs(points) >= 0.5),
        key=lambda item: abs(item[1]),
        reverse=True,
    )[:KEY_FACTORS_SHOWN]
    key_factors = [
        {"factor": name, "impact": impact_of(points), "points": round(points), "value": _display(shown.get(name))}
        for name, points in ranked
    ]
    advice, next_action = recommendations(score=score, values=values, now=timezone.now())
    with transaction.atomic():
        if given:
            signals, _ = LeadSignals.objects.select_for_update().get_or_create(lead_id=lead.pk)
            signals.factors = {**signals.factors, **given}
            signals.save()
        lead_score(
            lead=lead,
            actor=actor,
            score=score,
            scoring_factors=[AI_SCORE_MARKER, f"model:{in_use.info['version']}"]
            + [f"{item['factor']} {item['points']:+d}" for item in key_factors],
        )
    return {
        "lead_id": lead.pk,
        "score": score,
        "confidence": result["confidence"],
        "scoring_breakdown": {f"{group}_score": groups[group] for group in f.GROUPS},
        "key_factors": key_factors,
        "recommendations": advice,
        "next_best_action": next_action,
        "model": in_use.info,
    }

"""The rule-based fallback, used while a tenant has fewer than MIN_PER_CLASS outcomes of either
kind (README "AI": the tables below, and why).

Leads: points per factor, in three groups capped at 30 (demographic), 40 (behavioral) and 30
(engagement), so that the score reads like the design's example (a demo request is worth 15, a
500-person company 10). A group over its cap is scaled down to it. Deals: the pipeline stage's
probability blended with the tenant's win rate on similar closed deals, then nudged by
engagement, time in stage, competition and activity. Both are common sales-qualification
heuristics, stated openly, and never presented as learned: answers carry `model.type = "rules"`.
"""

from typing import Any

from apps.ai import factors as f

RULES_VERSION = "rules-1"
GROUP_CAPS = {f.DEMOGRAPHIC: 30, f.BEHAVIORAL: 40, f.ENGAGEMENT: 30}
WARM_SOURCES = {"existing_customer": 8, "customer_referral": 8, "referral": 8, "partner": 8}
EVENT_SOURCES = {"event": 5, "trade_show": 5, "webinar": 5, "conference": 5}
INBOUND_SOURCES = {"website": 4, "inbound": 4, "organic": 4, "content": 4}


def _number(values: dict, name: str) -> float | None:
    return f.as_number(values.get(name))


def _company_size_points(size: float | None) -> float:
    if size is None:
        return 0
    return next((points for floor, points in ((1000, 12), (200, 10), (50, 6), (10, 3)) if size >= floor), 0)


def _response_points(hours: float | None) -> float:
    if hours is None:
        return 0
    return next((points for ceiling, points in ((4, 8), (24, 5), (72, 2)) if hours <= ceiling), 0)


def _source_points(source: str | None) -> float:
    if not source:
        return 0
    key = source.lower().replace(" ", "_").replace("-", "_")
    return WARM_SOURCES.get(key) or EVENT_SOURCES.get(key) or INBOUND_SOURCES.get(key) or 2


def lead_points(values: dict[str, Any]) -> dict[str, float]:
    """Points per factor (only factors that earn some), groups already capped."""
    seniority = _number(values, "job_title")
    raw = {
        "company_size": _company_size_points(_number(values, "company_size")),
        "job_title": {4: 10, 3: 9, 2: 7, 1: 4, 0: 1}.get(int(seniority), 0) if seniority is not None else 0,
        "industry": 3 if f.as_category(values.get("industry")) else 0,
        "location": 1 if f.as_category(values.get("location")) else 0,
        "business_email": 4 if values.get("business_email") else 0,
        "demo_requested": 15 if _number(values, "demo_requested") else 0,
        "content_downloads": min(3 * (_number(values, "content_downloads") or 0), 9),
        "website_visits": min(_number(values, "website_visits") or 0, 8),
        "email_opens": min(_number(values, "email_opens") or 0, 6),
        "events_logged": min(_number(values, "events_logged") or 0, 2),
        "response_time_hours": _response_points(_number(values, "response_time_hours")),
        "meeting_acceptance_rate": round(8 * min(max(_number(values, "meeting_acceptance_rate") or 0, 0), 1)),
        "referral_source": _source_points(f.as_category(values.get("referral_source"))),
        "meetings_logged": min(2 * (_number(values, "meetings_logged") or 0), 4),
        "inbound_messages": min(_number(values, "inbound_messages") or 0, 4),
        "was_qualified": 4 if values.get("was_qualified") else 0,
    }
    points: dict[str, float] = {}
    for group, cap in GROUP_CAPS.items():
        members = {name: value for name, value in raw.items() if f.LEAD_FACTORS[name].group == group and value}
        total = sum(members.values())
        scale = cap / total if total > cap else 1.0
        points.update({name: value * scale for name, value in members.items()})
    return points


def lead_confidence(values: dict[str, Any]) -> float:
    """0.3 + 0.4 × the share of the design's eleven factors known: never above 0.7, because no
    outcome of this tenant has checked these rules."""
    known = sum(1 for name in f.LEAD_SIGNAL_NAMES if values.get(name) not in (None, ""))
    return round(0.3 + 0.4 * known / len(f.LEAD_SIGNAL_NAMES), 2)


def deal_adjustments(values: dict[str, Any]) -> dict[str, float]:
    """Nudges (probability points, -1..1) added to the base rate, per factor."""
    adjustments: dict[str, float] = {}
    engagement = _number(values, "contact_engagement")
    if engagement is not None:
        adjustments["contact_engagement"] = {0: -0.05, 1: 0.0, 2: 0.05}.get(int(engagement), 0.0)
    days = _number(values, "days_in_stage")
    if days is not None and days > 30:
        adjustments["days_in_stage"] = -0.05
    competitors = _number(values, "competitors_identified") or 0
    if competitors:
        adjustments["competitors_identified"] = -min(0.03 * competitors, 0.09)
    if f.as_category(values.get("competitive_advantage")):
        adjustments["competitive_advantage"] = 0.03
    if values.get("has_contact") is False:
        adjustments["has_contact"] = -0.05
    activities = _number(values, "deal_activities")
    if activities is not None:
        adjustments["deal_activities"] = 0.03 if activities >= 5 else (-0.03 if activities == 0 else 0.0)
    return {name: value for name, value in adjustments.items() if value}


def deal_base_rate(*, stage_probability: float | None, won: int, lost: int) -> tuple[float, dict[str, float]]:
    """The stage's probability and the Laplace-smoothed win rate of similar closed deals, averaged
    (the stage's alone without history, the win rate alone without a stage probability)."""
    history = (won + 1) / (won + lost + 2) if won + lost else None
    parts = [p for p in (stage_probability, history) if p is not None]
    base = sum(parts) / len(parts) if parts else 0.5
    return base, {"stage": stage_probability, "similar_deals_win_rate": history}

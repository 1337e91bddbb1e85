"""The factors the models read: their names (the design's where it has one), their group in the
lead score breakdown, and how a raw value becomes a number or a category.

A factor's value comes, in this order of precedence, from the request body, from the factors last
given for the record (`LeadSignals` / `DealSignals`), from a custom field of the same name
(snake_case or camelCase), and from what the CRM records say (account size and industry, logged
activities, stage history). Unknown values stay None; the model imputes its training median.
"""

import math
import re
from dataclasses import dataclass

NUMBER, BOOLEAN, CATEGORY = "number", "boolean", "category"
DEMOGRAPHIC, BEHAVIORAL, ENGAGEMENT = "demographic", "behavioral", "engagement"
GROUPS = (DEMOGRAPHIC, BEHAVIORAL, ENGAGEMENT)


@dataclass(frozen=True)
class Factor:
    name: str
    kind: str
    group: str = ""
    log: bool = False  # counts and sizes: log(1 + x), so 500 vs 5,000 weighs like 5 vs 50


def _factors(*items: Factor) -> dict[str, Factor]:
    return {item.name: item for item in items}


# The design's scoring_factors, then what the CRM derives for every lead.
LEAD_FACTORS = _factors(
    Factor("company_size", NUMBER, DEMOGRAPHIC, log=True),
    Factor("industry", CATEGORY, DEMOGRAPHIC),
    Factor("job_title", NUMBER, DEMOGRAPHIC),  # seniority 0-4, see seniority()
    Factor("location", CATEGORY, DEMOGRAPHIC),
    Factor("business_email", BOOLEAN, DEMOGRAPHIC),
    Factor("email_opens", NUMBER, BEHAVIORAL, log=True),
    Factor("website_visits", NUMBER, BEHAVIORAL, log=True),
    Factor("content_downloads", NUMBER, BEHAVIORAL, log=True),
    Factor("demo_requested", BOOLEAN, BEHAVIORAL),
    Factor("tasks_logged", NUMBER, BEHAVIORAL, log=True),
    Factor("events_logged", NUMBER, BEHAVIORAL, log=True),
    Factor("manual_score", NUMBER, BEHAVIORAL),
    Factor("response_time_hours", NUMBER, ENGAGEMENT, log=True),
    Factor("meeting_acceptance_rate", NUMBER, ENGAGEMENT),
    Factor("referral_source", CATEGORY, ENGAGEMENT),
    Factor("emails_logged", NUMBER, ENGAGEMENT, log=True),
    Factor("calls_logged", NUMBER, ENGAGEMENT, log=True),
    Factor("meetings_logged", NUMBER, ENGAGEMENT, log=True),
    Factor("inbound_messages", NUMBER, ENGAGEMENT, log=True),
    Factor("was_qualified", BOOLEAN, ENGAGEMENT),
)
LEAD_BODY_GROUPS = {
    DEMOGRAPHIC: ("company_size", "industry", "job_title", "location"),
    BEHAVIORAL: ("email_opens", "website_visits", "content_downloads", "demo_requested"),
    ENGAGEMENT: ("response_time_hours", "meeting_acceptance_rate", "referral_source"),
}
LEAD_SIGNAL_NAMES = tuple(name for names in LEAD_BODY_GROUPS.values() for name in names)

DEAL_FACTORS = _factors(
    Factor("value", NUMBER, log=True),
    Factor("stage", NUMBER),  # position among the pipeline's open stages, 0 (first) to 1 (last)
    Factor("stage_probability", NUMBER),
    Factor("days_in_stage", NUMBER, log=True),
    Factor("sales_cycle_days", NUMBER, log=True),
    Factor("stage_moves", NUMBER, log=True),
    Factor("contact_engagement", NUMBER),  # 0 low, 1 medium, 2 high, see engagement_level()
    Factor("deal_activities", NUMBER, log=True),
    Factor("meetings_logged", NUMBER, log=True),
    Factor("account_employees", NUMBER, log=True),
    Factor("account_revenue", NUMBER, log=True),
    Factor("has_contact", BOOLEAN),
    Factor("competitors_identified", NUMBER),
    Factor("competitive_advantage", CATEGORY),
    Factor("pipeline", CATEGORY),
)
# What a caller may tell about a deal that the CRM does not record; kept in DealSignals. (Value,
# stage and days in stage given in a request are the record's own fields: they answer that request
# only.)
DEAL_SIGNAL_NAMES = ("contact_engagement", "competitors_identified", "competitive_advantage")

ENGAGEMENT_LEVELS = {"low": 0, "medium": 1, "high": 2}
# Communications with the deal's contact in the 90 days before now (or before the deal closed).
ENGAGEMENT_WINDOW_DAYS = 90
ENGAGEMENT_MEDIUM_AT, ENGAGEMENT_HIGH_AT = 2, 5

FREE_MAIL = {"gmail.com", "yahoo.com", "hotmail.com", "outlook.com", "icloud.com", "aol.com", "gmx.com", "proton.me"}
_SENIORITY = (
    (4, r"\b(chief|ceo|cto|cfo|coo|cmo|cio|founder|owner|president)\b|\bc[-\s]?level\b"),
    (3, r"\b(vp|vice president|svp|evp|head of)\b"),
    (2, r"\b(director)\b"),
    (1, r"\b(manager|lead|principal)\b"),
)


def seniority(job_title: str | None) -> int | None:
    """4 C-level or founder, 3 VP / head of, 2 director, 1 manager or lead, 0 anyone else."""
    if not job_title:
        return None
    title = job_title.lower()
    return next((level for level, pattern in _SENIORITY if re.search(pattern, title)), 0)


def engagement_level(communications: int) -> int:
    if communications >= ENGAGEMENT_HIGH_AT:
        return 2
    return 1 if communications >= ENGAGEMENT_MEDIUM_AT else 0


def business_email(email: str | None) -> bool | None:
    if not email or "@" not in email:
        return None
    return email.rsplit("@", 1)[1].lower() not in FREE_MAIL


def camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def from_custom_fields(custom_fields: dict | None, names: tuple[str, ...]) -> dict:
    """The design's factors a tenant keeps as custom fields (`demo_requested` or `demoRequested`)."""
    found = {}
    for name in names:
        for key in (name, camel(name)):
            if (custom_fields or {}).get(key) not in (None, ""):
                found[name] = custom_fields[key]
                break
    return found


def as_number(value) -> float | None:
    """A factor value as a float: numbers, booleans, numeric strings; anything else is unknown."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("true", "yes"):
            return 1.0
        if text in ("false", "no"):
            return 0.0
        try:
            number = float(text.replace(",", ""))
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def as_category(value) -> str | None:
    if value is None or value == "" or isinstance(value, dict | list):
        return None
    return str(value).strip().lower()[:80] or None


def numeric_value(factor: Factor, value) -> float | None:
    """What the model sees for a numeric or boolean factor (log-scaled where the factor says so)."""
    number = as_number(value)
    if number is None:
        return None
    if factor.log:
        return math.log1p(max(number, 0.0))
    return number

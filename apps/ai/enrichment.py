"""Contact enrichment (`POST /v1/ai/data-enrichment/contact`) from what the tenant's CRM holds.

Sources we can read: `crm_records` (the contact, the leads it came from or sharing its email, its
custom fields), `company_database` (the tenant's accounts: the contact's account, else the account
whose website has the email's domain, else the one named like the contact's company) and
`activity_history` (communications logged with the contact); the first and last are always
consulted, `company_database` when asked for. `linkedin`, `social_media` and
`public_records` are external services this platform has no connection to: they are reported as
unavailable, and nothing is presented as coming from them. The answer suggests values; it changes
nothing (apply them with `PUT /v1/contacts/{id}`).
"""

from collections import Counter
from typing import Any

from django.db.models import Q

from apps.accounts.models import Account
from apps.activities.choices import CommunicationDirection
from apps.activities.models import Communication
from apps.contacts.models import Contact
from apps.leads.models import Lead

ENRICHMENT_VERSION = "enrichment-1"
EXTERNAL = ("linkedin", "social_media", "public_records")
INTERNAL = ("crm_records", "company_database", "activity_history")
SOURCES = (*EXTERNAL, *INTERNAL)
ALWAYS = ("crm_records", "activity_history")  # the CRM's own records: consulted whatever is asked
FIELDS = ("job_title", "company_info", "social_profiles", "contact_preferences", "technology_stack")
SOCIAL_HOSTS = ("linkedin.com", "twitter.com", "x.com", "github.com", "facebook.com", "instagram.com")
TECH_KEYS = ("technology_stack", "technologyStack", "techStack", "technologies")
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
NOT_CONNECTED = "No connection to {source} is available to this platform; nothing is taken from it."


def _found(value: Any, source: str, confidence: float) -> dict:
    return {"value": value, "source": source, "confidence": confidence}


def _job_title(contact: Contact, sources: set[str]) -> tuple[dict | None, str | None]:
    if "crm_records" not in sources:
        return None, "Needs the crm_records source."
    if contact.job_title:
        return _found(contact.job_title, "crm_records", 1.0), None
    match = Q(converted_contact=contact)
    if contact.email:
        match |= Q(email__iexact=contact.email)
    title = (
        Lead.objects.filter(match)
        .exclude(job_title="")
        .order_by("-updated_at")
        .values_list("job_title", flat=True)
        .first()
    )
    if title:
        return _found(title, "crm_records", 0.8), None
    return None, "No job title in the contact or its leads; LinkedIn is not reachable from this platform."


def _account_for(contact: Contact) -> tuple[Account | None, float]:
    if contact.account is not None:
        return contact.account, 1.0
    domain = contact.email.rsplit("@", 1)[1].lower() if contact.email and "@" in contact.email else ""
    if domain:
        account = Account.objects.filter(website__icontains=domain).order_by("created_at").first()
        if account is not None:
            return account, 0.8
    if contact.company:
        account = Account.objects.filter(name__iexact=contact.company).order_by("created_at").first()
        if account is not None:
            return account, 0.7
    return None, 0.0


def _company_info(contact: Contact, sources: set[str]) -> tuple[dict | None, str | None, Account | None]:
    if "company_database" not in sources:
        return None, "Needs the company_database source.", None
    account, confidence = _account_for(contact)
    if account is None:
        return None, "No account of this tenant matches the contact's account, email domain or company.", None
    info = {
        "account_id": account.pk,
        "name": account.name,
        "website": account.website or None,
        "industry": account.industry or None,
        "employees": account.employees,
        "annual_revenue": float(account.annual_revenue) if account.annual_revenue is not None else None,
        "type": account.type,
        "address": account.address or None,
    }
    return _found(info, "company_database", confidence), None, account


def _social_profiles(contact: Contact, sources: set[str]) -> tuple[dict | None, str | None]:
    found = {}
    if "crm_records" in sources:
        for key, value in (contact.custom_fields or {}).items():
            if isinstance(value, str) and any(host in value.lower() for host in SOCIAL_HOSTS):
                found[key] = value
    if found:
        return _found(found, "crm_records", 1.0), None
    return None, "No profile links in the CRM; LinkedIn and social networks are not reachable from this platform."


def _preferences(contact: Contact, sources: set[str]) -> tuple[dict | None, str | None]:
    if "activity_history" not in sources:
        return None, "Needs the activity_history source."
    logged = list(
        Communication.objects.filter(Q(related_type="contact", related_id=contact.pk) | Q(participants=contact))
        .distinct()
        .values_list("type", "direction", "timestamp")
    )
    if not logged:
        return None, "No communication with this contact is logged yet."
    inbound = [row for row in logged if row[1] == CommunicationDirection.INBOUND]
    basis = inbound or logged
    channels = Counter(row[0] for row in basis)
    hours = Counter(row[2].hour for row in basis)
    days = Counter(row[2].weekday() for row in basis)
    value = {
        "preferred_channel": channels.most_common(1)[0][0],
        "best_hour_utc": hours.most_common(1)[0][0],
        "best_weekday": WEEKDAYS[days.most_common(1)[0][0]],
        "inbound_share": round(len(inbound) / len(logged), 2),
        "communications_logged": len(logged),
        "last_contacted_at": max(row[2] for row in logged).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    return _found(value, "activity_history", round(min(1.0, len(basis) / 10), 2)), None


def _technology(contact: Contact, account: Account | None, sources: set[str]) -> tuple[dict | None, str | None]:
    for record, source in ((contact, "crm_records"), (account, "company_database")):
        if record is None or source not in sources:
            continue
        for key in TECH_KEYS:
            if (record.custom_fields or {}).get(key):
                return _found(record.custom_fields[key], source, 1.0), None
    return None, "No technology data in the CRM; public records and company databases outside it are not reachable."


def contact_enrich(*, contact: Contact, sources: list[str], fields: list[str]) -> dict:
    """The enriched fields asked for, where each came from, and why the others could not be."""
    usable = set(ALWAYS) | ({"company_database"} & set(sources))
    company, company_reason, account = _company_info(contact, usable)
    answers = {
        "job_title": _job_title(contact, usable),
        "company_info": (company, company_reason),
        "social_profiles": _social_profiles(contact, usable),
        "contact_preferences": _preferences(contact, usable),
        "technology_stack": _technology(contact, account, usable),
    }
    enriched, unavailable = {}, []
    for name in fields:
        value, reason = answers[name]
        enriched[name] = value
        if value is None:
            unavailable.append({"field": name, "reason": reason})
    used = {item["source"] for item in enriched.values() if item}
    report = []
    for source in [*sources, *(source for source in ALWAYS if source not in sources)]:
        if source in EXTERNAL:
            report.append({"source": source, "status": "unavailable", "reason": NOT_CONNECTED.format(source=source)})
        else:
            report.append({"source": source, "status": "used" if source in used else "no_match"})
    return {
        "contact_id": contact.pk,
        "enriched_fields": enriched,
        "sources": report,
        "unavailable_fields": unavailable,
        "model": {"type": "rules", "version": ENRICHMENT_VERSION, "trained_at": None},
    }

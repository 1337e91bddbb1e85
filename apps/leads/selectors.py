"""Reads on leads: duplicates (same email, or similar name and company by trigram)."""

from django.db.models import FloatField
from django.db.models.expressions import RawSQL

from apps.leads.models import Lead


def lead_duplicates(lead: Lead, *, limit: int = 20) -> list[tuple[Lead, float, list[str]]]:
    text = f"{lead.first_name} {lead.last_name} {lead.company}".lower()
    similarity = RawSQL(
        "similarity(lower(leads_lead.first_name || ' ' || leads_lead.last_name || ' ' || leads_lead.company), %s)",
        (text,),
        FloatField(),
    )
    others = Lead.objects.select_related("owner").exclude(pk=lead.pk)
    found: dict[str, tuple[Lead, float, list[str]]] = {}
    for other in others.filter(email=lead.email)[:limit]:
        found[other.pk] = (other, 1.0, ["email"])
    for other in others.annotate(name_similarity=similarity).filter(name_similarity__gte=0.5)[:limit]:
        if other.pk in found:
            found[other.pk][2].append("name_company")
        else:
            found[other.pk] = (other, float(other.name_similarity), ["name_company"])
    return sorted(found.values(), key=lambda item: -item[1])[:limit]

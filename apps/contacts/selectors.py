"""Reads on contacts: the list queryset, full-text + trigram search, duplicates."""

import re
from datetime import datetime

from django.db.models import BooleanField, F, FloatField, Q, QuerySet
from django.db.models.expressions import RawSQL

from apps.contacts.models import Contact

MAX_QUERY_TERMS = 8
# Trigram word similarity a typo must reach to match (pg_trgm's default is 0.6; names are short).
TYPO_SIMILARITY = 0.5


def contact_queryset() -> QuerySet[Contact]:
    """Live contacts with what a list page shows: the account and the owner, in the same query."""
    return Contact.objects.select_related("account", "owner").only(
        *[f.attname for f in Contact._meta.concrete_fields],
        "account__id",
        "account__name",
        "owner__id",
        "owner__email",
        "owner__first_name",
        "owner__last_name",
    )


def search_terms(query: str) -> list[str]:
    return re.findall(r"\w+", query.lower())[:MAX_QUERY_TERMS]


def contact_search_filter(queryset: QuerySet[Contact], query: str) -> QuerySet[Contact]:
    """Keeps the contacts matching `query`, annotated with `search_rank` (higher is better).

    Full-text (weighted: names > email > company > job title) with every term a prefix, so
    `jo smi` finds John Smith; or, for typos, trigram word similarity of the query with names
    and company (`jhonson` finds Johnson). Both use GIN indexes on columns PostgreSQL generates.
    """
    terms = search_terms(query)
    if not terms:
        return queryset
    tsquery = " & ".join(f"{term}:*" for term in terms)
    text = " ".join(terms)
    matches = RawSQL(
        "(contacts_contact.search_vector @@ to_tsquery('simple', %s)"
        " OR (%s <%% contacts_contact.search_name AND word_similarity(%s, contacts_contact.search_name) >= %s))",
        (tsquery, text, text, TYPO_SIMILARITY),
        output_field=BooleanField(),
    )
    rank = RawSQL(
        "ts_rank(contacts_contact.search_vector, to_tsquery('simple', %s), 1)"
        " + word_similarity(%s, contacts_contact.search_name)",
        (tsquery, text),
        output_field=FloatField(),
    )
    return queryset.filter(matches).annotate(search_rank=rank)


def contact_filter(
    queryset: QuerySet[Contact],
    *,
    company: str | None = None,
    job_title: str | None = None,
    created_after: datetime | None = None,
    created_before: datetime | None = None,
    account_id: str | None = None,
    owner_id: str | None = None,
    email: str | None = None,
) -> QuerySet[Contact]:
    """The design's search filters: `company` and `jobTitle` match words, case-insensitively."""
    if company:
        queryset = queryset.filter(company__icontains=company)
    if job_title:
        queryset = queryset.filter(job_title__icontains=job_title)
    if created_after:
        queryset = queryset.filter(created_at__gte=created_after)
    if created_before:
        queryset = queryset.filter(created_at__lt=created_before)
    if account_id:
        queryset = queryset.filter(account_id=account_id)
    if owner_id:
        queryset = queryset.filter(owner_id=owner_id)
    if email:
        queryset = queryset.filter(email=email.strip().lower())
    return queryset


def ranked(queryset: QuerySet[Contact]) -> QuerySet[Contact]:
    return queryset.order_by(F("search_rank").desc(), "last_name", "first_name", "id")


def contact_duplicates(contact: Contact, *, limit: int = 20) -> list[tuple[Contact, float, list[str]]]:
    """Live contacts that look like the same person: same email, or similar name and company."""
    similarity = RawSQL(
        "similarity(contacts_contact.search_name, %s)", (_search_name(contact),), output_field=FloatField()
    )
    candidates = (
        contact_queryset()
        .exclude(pk=contact.pk)
        .annotate(name_similarity=similarity)
        .filter(
            Q(email=contact.email) if contact.email else Q(pk__in=[]),
        )
    )
    similar = (
        contact_queryset()
        .exclude(pk=contact.pk)
        .filter(RawSQL("contacts_contact.search_name %% %s", (_search_name(contact),), output_field=BooleanField()))
        .annotate(name_similarity=similarity)
        .order_by("-name_similarity")[:limit]
    )
    found: dict[str, tuple[Contact, float, list[str]]] = {}
    for other in candidates[:limit]:
        found[other.pk] = (other, 1.0, ["email"])
    for other in similar:
        if other.pk in found:
            found[other.pk][2].append("name_company")
        elif other.name_similarity >= 0.5:
            found[other.pk] = (other, float(other.name_similarity), ["name_company"])
    return sorted(found.values(), key=lambda item: -item[1])[:limit]


def _search_name(contact: Contact) -> str:
    return f"{contact.first_name} {contact.last_name} {contact.company}".lower()

"""Persisted queries, Apollo-style: `extensions.persistedQuery.sha256Hash` may stand for the text.

A client sends the hash alone; if the server knows it, the registered text runs. If not, the
answer is the error `PERSISTED_QUERY_NOT_FOUND` and the client sends hash and text together,
which registers the text (after checking the hash matches it). Registered queries live in the
shared cache (Redis), per tenant, for 30 days since their last use; deployments may also ship a
fixed set in the setting `CRM_GRAPHQL_PERSISTED_QUERIES` (`{sha256: text}`).
"""

import hashlib

from django.conf import settings
from django.core.cache import cache

from apps.core.graphql.errors import graphql_error

TTL_SECONDS = 30 * 24 * 3600


def _cache_key(digest: str) -> str:
    return f"graphql:pq:{digest}"


def persisted_query_register(text: str) -> str:
    """Registers a query's text and returns its sha256 hash."""
    digest = hashlib.sha256(text.encode()).hexdigest()
    cache.set(_cache_key(digest), text, TTL_SECONDS)
    return digest


def resolve_query_text(query: str | None, extensions: dict | None):
    """The text to run for a request's `query` and `extensions`: (text, error)."""
    persisted = (extensions or {}).get("persistedQuery") if isinstance(extensions, dict) else None
    if not isinstance(persisted, dict):
        return query, None
    digest = str(persisted.get("sha256Hash") or "").lower()
    if persisted.get("version", 1) != 1 or len(digest) != 64:
        return None, graphql_error("PERSISTED_QUERY_NOT_SUPPORTED", "Only version 1 with a sha256Hash is supported.")
    if query:
        if hashlib.sha256(query.encode()).hexdigest() != digest:
            return None, graphql_error("PERSISTED_QUERY_HASH_MISMATCH", "provided sha does not match query")
        persisted_query_register(query)
        return query, None
    fixed = getattr(settings, "CRM_GRAPHQL_PERSISTED_QUERIES", {}) or {}
    text = fixed.get(digest) or cache.get(_cache_key(digest))
    if text is None:
        return None, graphql_error("PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound")
    cache.touch(_cache_key(digest), TTL_SECONDS)
    return text, None

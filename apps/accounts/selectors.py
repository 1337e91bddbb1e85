"""Reads on accounts: the hierarchy (one recursive query), contacts and deals, duplicates."""

from django.db import connection
from django.db.models import FloatField, QuerySet
from django.db.models.expressions import RawSQL

from apps.accounts.models import Account
from apps.pipelines.choices import StageType

MAX_DEPTH = 50
DEAL_STATUSES = {"active": StageType.OPEN, "open": StageType.OPEN, "won": StageType.WON, "lost": StageType.LOST}

_HIERARCHY_SQL = """
WITH RECURSIVE up(id, parent_id, depth) AS (
    SELECT id, parent_id, 0 FROM accounts_account WHERE id = %(id)s
    UNION ALL
    SELECT a.id, a.parent_id, up.depth - 1 FROM accounts_account a JOIN up ON a.id = up.parent_id
    WHERE up.depth > -%(max)s
), down(id, parent_id, depth) AS (
    SELECT id, parent_id, 0 FROM accounts_account WHERE id = %(id)s
    UNION ALL
    SELECT a.id, a.parent_id, down.depth + 1 FROM accounts_account a JOIN down ON a.parent_id = down.id
    WHERE down.depth < %(max)s AND a.deleted_at IS NULL
)
SELECT a.id, a.name, a.type, a.industry, a.website, a.parent_id, a.owner_id, tree.depth
FROM (SELECT id, depth FROM up WHERE depth < 0 UNION ALL SELECT id, depth FROM down) tree
JOIN accounts_account a ON a.id = tree.id
WHERE a.deleted_at IS NULL
ORDER BY tree.depth, a.name
"""


def account_hierarchy(account: Account) -> dict:
    """Ancestors (root first) and the whole subtree under the account, from one recursive query."""
    with connection.cursor() as cursor:
        cursor.execute(_HIERARCHY_SQL, {"id": account.pk, "max": MAX_DEPTH})
        columns = [column.name for column in cursor.description]
        rows = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    nodes = {
        row["id"]: {
            "id": row["id"],
            "name": row["name"],
            "type": row["type"],
            "industry": row["industry"] or None,
            "website": row["website"] or None,
            "parentAccountId": row["parent_id"],
            "ownerId": row["owner_id"],
            "depth": row["depth"],
        }
        for row in rows
    }
    ancestors = [node for node in nodes.values() if node["depth"] < 0]
    for node in nodes.values():
        if node["depth"] >= 0:
            node["children"] = []
    for node in nodes.values():
        parent = nodes.get(node["parentAccountId"])
        if node["depth"] > 0 and parent is not None and "children" in parent:
            parent["children"].append(node)
    root = nodes[account.pk]
    return {
        "account": root,
        "parent": ancestors[-1] if ancestors else None,
        "ancestors": ancestors,
        "children": root["children"],
        "descendantCount": sum(1 for node in nodes.values() if node["depth"] > 0),
    }


def account_ancestor_ids(account_id: str, *, include_self: bool = False) -> set[str]:
    """The ids above an account (one recursive query), to refuse a parent that would make a loop."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            WITH RECURSIVE up(id, parent_id, depth) AS (
                SELECT id, parent_id, 0 FROM accounts_account WHERE id = %s
                UNION ALL
                SELECT a.id, a.parent_id, up.depth + 1 FROM accounts_account a JOIN up ON a.id = up.parent_id
                WHERE up.depth < %s
            ) SELECT id FROM up WHERE depth > 0 OR %s
            """,
            [account_id, MAX_DEPTH * 2, include_self],
        )
        return {row[0] for row in cursor.fetchall()}


def account_queryset() -> QuerySet[Account]:
    return Account.objects.select_related("owner", "parent").only(
        *[f.attname for f in Account._meta.concrete_fields],
        "owner__id",
        "owner__email",
        "owner__first_name",
        "owner__last_name",
        "parent__id",
        "parent__name",
    )


def account_deals(account: Account, *, status: str | None = None):
    from apps.deals.models import Deal

    deals = Deal.objects.filter(account=account).select_related("stage", "pipeline").order_by("-created_at", "-id")
    if status:
        deals = deals.filter(stage__stage_type=DEAL_STATUSES[status])
    return deals


def account_duplicates(account: Account, *, limit: int = 20) -> list[tuple[Account, float, list[str]]]:
    """Live accounts with a similar name (trigram), or the same website."""
    name = account.name.lower()
    similar = (
        account_queryset()
        .exclude(pk=account.pk)
        .annotate(name_similarity=RawSQL("similarity(lower(accounts_account.name), %s)", (name,), FloatField()))
        .filter(name_similarity__gte=0.45)
        .order_by("-name_similarity")[:limit]
    )
    found = {other.pk: (other, float(other.name_similarity), ["name"]) for other in similar}
    if account.website:
        for other in account_queryset().exclude(pk=account.pk).filter(website__iexact=account.website)[:limit]:
            if other.pk in found:
                found[other.pk][2].append("website")
            else:
                found[other.pk] = (other, 1.0, ["website"])
    return sorted(found.values(), key=lambda item: -item[1])[:limit]

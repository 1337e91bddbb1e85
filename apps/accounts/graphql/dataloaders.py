"""Batched reads of accounts: children, ancestors and contact pages."""

from apps.accounts.models import Account
from apps.core.graphql.dataloaders import DataLoader, group_by
from apps.core.graphql.permissions import quietly_scoped

MAX_ANCESTORS = 50


def readable_accounts(info):
    return quietly_scoped(info, Account.objects.all(), "accounts")


class ChildAccountsLoader(DataLoader):
    def batch_load(self, keys: list) -> list:
        children = readable_accounts(self.info).filter(parent_id__in=keys).order_by("name", "pk")
        grouped = group_by(children, lambda account: account.parent_id)
        return [grouped.get(key, []) for key in keys]


class AncestorsLoader(DataLoader):
    """Each account's parents, nearest first, up to the root: one query per level for all keys."""

    def batch_load(self, keys: list) -> list:
        readable = readable_accounts(self.info)
        parent_of = dict(Account.objects.filter(pk__in=keys).values_list("pk", "parent_id"))
        known: dict = {}
        frontier = {parent for parent in parent_of.values() if parent}
        for _ in range(MAX_ANCESTORS):
            frontier -= set(known)
            if not frontier:
                break
            level = {account.pk: account for account in Account.objects.filter(pk__in=frontier)}
            known.update(level)
            frontier = {account.parent_id for account in level.values() if account.parent_id}
        visible = set(readable.filter(pk__in=known).values_list("pk", flat=True)) if known else set()
        result = []
        for key in keys:
            chain, seen, current = [], set(), parent_of.get(key)
            while current and current in known and current not in seen:
                seen.add(current)
                if current in visible:
                    chain.append(known[current])
                current = known[current].parent_id
            result.append(chain)
        return result

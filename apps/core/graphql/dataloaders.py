"""Per-request DataLoaders: every relation a resolver follows goes through one, so a page of 100
deals asks for its contacts in one query, not 100.

Resolvers run synchronously (Django's ORM); batching relies on `graphql-sync-dataloaders`: a
loader's `load(key)` answers a future, and the execution context (`DeferredExecutionContext`,
used by the view and the subscription consumer) dispatches all queued keys at once.

    class ContactByIdLoader(DataLoader):
        def batch_load(self, keys):
            found = Contact.objects.in_bulk(keys)
            return [found.get(key) for key in keys]

    def resolve_contact(deal, info):
        return ContactByIdLoader.for_request(info).load(deal.contact_id)

A loader may take parameters (`for_request(info, first=5, filter=...)`): one instance per
request and parameter set. Loaders reading records apply the caller's read scope themselves.
"""

from abc import ABCMeta, abstractmethod
from collections.abc import Hashable, Iterable
from typing import Any

from graphql_sync_dataloaders import SyncDataLoader, SyncFuture

_NONE = object()


def _freeze(value: Any) -> Hashable:
    """A hashable stand-in for arguments (filters arrive as dicts and lists)."""
    if isinstance(value, dict):
        return tuple(sorted((key, _freeze(item)) for key, item in value.items()))
    if isinstance(value, (list, tuple)):
        return tuple(_freeze(item) for item in value)
    if isinstance(value, set):
        return tuple(sorted(_freeze(item) for item in value))
    return value


class DataLoader(SyncDataLoader, metaclass=ABCMeta):
    """Base loader: subclasses implement `batch_load(keys) -> values in the same order`."""

    def __init__(self, info, **params):
        super().__init__(self._batch)
        self.info = info
        self.context = info.context
        self.params = params

    @classmethod
    def for_request(cls, info, **params) -> "DataLoader":
        loaders = getattr(info.context, "_graphql_loaders", None)
        if loaders is None:
            loaders = {}
            info.context._graphql_loaders = loaders
        key = (cls, _freeze(params))
        loader = loaders.get(key)
        if loader is None:
            loader = loaders[key] = cls(info, **params)
        return loader

    def load(self, key):
        if key is None:
            return None
        return super().load(key)

    def load_many(self, keys: Iterable) -> list:
        return [self.load(key) for key in keys]

    def _batch(self, keys: list) -> list:
        return list(self.batch_load(keys))

    @abstractmethod
    def batch_load(self, keys: list) -> list:
        """The values of `keys`, in their order (None where there is none)."""


class RecordByIdLoader(DataLoader):
    """Records of one model by primary key, through a queryset hook the subclass defines
    (where the caller's read scope is applied)."""

    @abstractmethod
    def queryset(self):
        """The records to look keys up in (the caller's read scope applied)."""

    def batch_load(self, keys: list) -> list:
        found = self.queryset().in_bulk(set(keys))
        return [found.get(key) for key in keys]


def group_by(rows: Iterable, key) -> dict[Any, list]:
    grouped: dict[Any, list] = {}
    for row in rows:
        grouped.setdefault(key(row), []).append(row)
    return grouped


class ScopedByIdLoader(DataLoader):
    """Records of `model` by id, as the caller may read them (`<resource>:read` and its scope);
    an unreadable record loads as None. Params: model, resource, owner_field, select."""

    def batch_load(self, keys: list) -> list:
        from apps.core.graphql.permissions import quietly_scoped

        params = self.params
        queryset = quietly_scoped(
            self.info, params["model"].objects.all(), params["resource"], owner_field=params.get("owner_field", "owner")
        )
        if params.get("select"):
            queryset = queryset.select_related(*params["select"])
        found = queryset.in_bulk(set(keys))
        return [found.get(key) for key in keys]


def load_record(info, model, record_id, *, resource: str, owner_field: str | None = "owner", select: tuple = ()):
    """The record `record_id` of `model` if the caller may read it, batched per request."""
    if not record_id:
        return None
    loader = ScopedByIdLoader.for_request(info, model=model, resource=resource, owner_field=owner_field, select=select)
    return loader.load(record_id)


class ChildPageLoader(DataLoader):
    """A page of one model's records for each parent (a contact's deals, an account's contacts),
    filtered, sorted and scoped, for many parents in one query. Subclasses set the class
    attributes; params: parent (the partition column, e.g. "contact_id"), page, filter, sort."""

    model: Any = None
    resource = ""
    filter_spec: Any = None
    sort_fields: dict[str, str] = {}  # noqa: RUF012
    default_order: list[str] = []  # noqa: RUF012
    select: tuple = ()
    connection_type_path = ""

    def batch_load(self, keys: list) -> list:
        from django.utils.module_loading import import_string

        from apps.core.graphql.connections import connections_by_parent
        from apps.core.graphql.filters import filter_q
        from apps.core.graphql.permissions import quietly_scoped
        from apps.core.graphql.sorting import order_by_for_sort

        params = self.params
        queryset = quietly_scoped(self.info, self.model.objects.all(), self.resource)
        if self.select:
            queryset = queryset.select_related(*self.select)
        queryset = queryset.filter(filter_q(params.get("filter"), self.filter_spec))
        order = order_by_for_sort(params.get("sort"), self.sort_fields, self.default_order)
        connection_type = import_string(self.connection_type_path)
        return connections_by_parent(connection_type, queryset, params["parent"], order, params["page"], keys)


def load_page(info, loader_class, parent: str, key, arguments: dict):
    """The connection of `loader_class` records under the parent `key` (paging from `arguments`)."""
    from apps.core.graphql.connections import PageRequest

    page = PageRequest.from_args(arguments)
    loader = loader_class.for_request(
        info, parent=parent, page=page, filter=arguments.get("filter"), sort=arguments.get("sort")
    )
    return loader.load(key)


def then(value, transform):
    """`transform` applied to a loaded value: now if it is there, else once its batch has run."""
    if not isinstance(value, SyncFuture):
        return transform(value)
    if value.done():
        return transform(value.result())
    derived = SyncFuture()
    derived.deferred_callback = value.deferred_callback

    def finish() -> None:
        try:
            derived.set_result(transform(value.result()))
        except Exception as error:  # handed to GraphQL as this field's error
            derived.set_exception(error)

    value.add_done_callback(finish)
    return derived

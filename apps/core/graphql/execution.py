"""The execution context: graphql-sync-dataloaders' deferred execution, adapted to graphql-core
3.2.14, whose `handle_field_error` also takes the field's path (the library predates it)."""

from graphql.pyutils import Path
from graphql_sync_dataloaders import DeferredExecutionContext


def _path(keys) -> Path | None:
    path = None
    for key in keys or ():
        path = Path(path, key, None)
    return path


class CrmExecutionContext(DeferredExecutionContext):
    def handle_field_error(self, error, return_type, path: Path | None = None) -> None:
        if path is None:
            path = _path(error.path)
        return super().handle_field_error(error, return_type, path)

"""GraphQL plumbing every module's `graphql/` package builds on (no business rule lives here).

- `view`: the `/graphql` endpoint (REST's authentication and rate limits, persisted queries,
  size, depth and cost limits, GraphiQL)
- `limits`: depth and cost of an operation, measured before it runs
- `persisted`: Apollo-style persisted queries (sha256 of a registered text)
- `connections`, `filters`, `sorting`, `queries`: Relay connections, filter inputs -> Django Q,
  sort inputs, root-query helpers
- `dataloaders`, `execution`: per-request batching of relations (no N+1)
- `mutations`, `rest_bridge`: the base mutation returning `{record, errors}` payloads, running the
  REST action it mirrors
- `permissions`: the same permission strings and ownership scopes as REST
- `errors`, `scalars`: error codes without traces; `JSON` and `DateTime`
- `subscriptions`: the `graphql-transport-ws` consumer fed by the platform's event stream
"""

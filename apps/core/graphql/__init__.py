"""GraphQL plumbing every module's `graphql/` package builds on (no business rule lives here).

- `view`: the `/graphql` endpoint (DRF authentication, persisted queries, limits, GraphiQL)
- `limits`: depth and cost of an operation, measured before it runs
- `connections`, `filters`, `sorting`: Relay connections, filter inputs -> Django Q, sort inputs
- `dataloaders`: per-request batching of relations (no N+1)
- `mutations`: the base mutation returning `{record, errors}` payloads
- `permissions`: the same permission strings and ownership scopes as REST
- `subscriptions`: the `graphql-transport-ws` consumer fed by the platform's event stream
"""

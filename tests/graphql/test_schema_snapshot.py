"""The committed SDL (schema.graphql) is the schema: change one, regenerate the other with
`python manage.py graphql_schema`."""

from pathlib import Path

from django.conf import settings
from graphql import print_schema

from crm.schema import schema


def test_committed_sdl_matches_the_schema():
    committed = Path(settings.GRAPHENE["SCHEMA_OUTPUT"]).read_text(encoding="utf-8")
    assert print_schema(schema.graphql_schema) == committed, (
        "The GraphQL schema changed: run `python manage.py graphql_schema` and commit schema.graphql."
    )

"""PostgreSQL as Django ships it, minus the implicit `varchar_pattern_ops` ("_like") index that
Django adds beside every indexed text column.

Our indexed text columns are opaque ids, foreign keys, emails and event types, which nobody
queries by `LIKE 'prefix%'`; each such index doubled the cost of writing its column (a bulk
import maintained four on contacts and four on the outbox for nothing). A column that does need
prefix matching declares it: `models.Index(fields=[...], opclasses=["varchar_pattern_ops"], ...)`.
django-tenants loads this module through `ORIGINAL_BACKEND`.
"""

from django.db.backends.postgresql import base, schema


class DatabaseSchemaEditor(schema.DatabaseSchemaEditor):
    def _create_like_index_sql(self, model, field):
        return None


class DatabaseWrapper(base.DatabaseWrapper):
    SchemaEditorClass = DatabaseSchemaEditor

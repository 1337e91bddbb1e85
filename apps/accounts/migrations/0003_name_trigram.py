from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_initial"),
        ("core", "0002_extensions"),
    ]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX account_name_trgm ON accounts_account USING gin (lower(name) gin_trgm_ops);",
            reverse_sql="DROP INDEX IF EXISTS account_name_trgm;",
        ),
    ]

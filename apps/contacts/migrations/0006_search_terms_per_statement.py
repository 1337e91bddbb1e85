"""The search-terms trigger runs once per statement over its transition table instead of once per
row: a bulk import's `COPY` of thousands of contacts adds their words with one `INSERT`."""

import importlib

from django.db import migrations

# The per-row trigger this replaces, put back when migrating backwards.
ROW_TRIGGER = importlib.import_module("apps.contacts.migrations.0004_search_terms").ROW_TRIGGER

STATEMENT_TRIGGERS = r"""
DROP TRIGGER IF EXISTS contact_search_terms ON contacts_contact;
DROP FUNCTION IF EXISTS contact_search_terms_add();
CREATE FUNCTION contact_search_terms_add() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO contacts_contactsearchterm (term)
        SELECT DISTINCT word FROM new_rows, regexp_split_to_table(
            lower(coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' || coalesce(company, '')),
            '[^[:alnum:]]+'
        ) AS word
        WHERE length(word) BETWEEN 3 AND 150
        ORDER BY word  -- one order for every writer: concurrent imports cannot deadlock on terms
        ON CONFLICT DO NOTHING;
    ELSE
        INSERT INTO contacts_contactsearchterm (term)
        SELECT DISTINCT word FROM new_rows JOIN old_rows USING (id), regexp_split_to_table(
            lower(coalesce(new_rows.first_name, '') || ' ' || coalesce(new_rows.last_name, '') || ' '
                  || coalesce(new_rows.company, '')),
            '[^[:alnum:]]+'
        ) AS word
        WHERE length(word) BETWEEN 3 AND 150
          AND (new_rows.first_name, new_rows.last_name, new_rows.company)
              IS DISTINCT FROM (old_rows.first_name, old_rows.last_name, old_rows.company)
        ORDER BY word
        ON CONFLICT DO NOTHING;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER contact_search_terms_inserted AFTER INSERT ON contacts_contact
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contact_search_terms_add();
CREATE TRIGGER contact_search_terms_updated AFTER UPDATE ON contacts_contact
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION contact_search_terms_add();
"""
DROP_STATEMENT_TRIGGERS = """
DROP TRIGGER IF EXISTS contact_search_terms_inserted ON contacts_contact;
DROP TRIGGER IF EXISTS contact_search_terms_updated ON contacts_contact;
DROP FUNCTION IF EXISTS contact_search_terms_add();
"""
class Migration(migrations.Migration):
    dependencies = [("contacts", "0005_search_vector_field")]

    operations = [
        migrations.RunSQL(
            STATEMENT_TRIGGERS,
            reverse_sql=DROP_STATEMENT_TRIGGERS + ROW_TRIGGER,
        ),
    ]

"""Shared by the contact benchmarks: a tenant holding N contacts, built by SQL (generate_series),
not the ORM, so that a million rows take minutes, not hours. Rebuilt only when N changes."""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

import django

django.setup()

from django.conf import settings
from django.db import connection, transaction
from django_tenants.utils import tenant_context

from apps.tenants.models import Tenant
from apps.tenants.services import platform_setup, tenant_provision

TENANT = "bench_contacts"
ADMIN_EMAIL = "admin@bench-contacts.test"
ADMIN_PASSWORD = "Bench-Pass-2025!"
DATA_VERSION = "bench contacts v3"  # bump when the generated data changes

FIRST = (
    "james mary john patricia robert jennifer michael linda william elizabeth david barbara richard susan joseph "
    "jessica thomas sarah charles karen christopher nancy daniel lisa matthew betty anthony margaret mark sandra "
    "donald ashley steven kimberly paul emily andrew donna joshua michelle kenneth dorothy kevin carol brian amanda "
    "george melissa timothy deborah ronald stephanie edward rebecca jason sharon jeffrey laura ryan cynthia jacob "
    "kathleen gary amy nicholas angela eric shirley jonathan anna stephen brenda larry pamela justin emma scott "
    "nicole brandon helen benjamin samantha samuel katherine gregory christine alexander debra frank rachel patrick "
    "carolyn raymond janet jack catherine dennis maria jerry heather tyler diane aaron ruth jose julie adam olivia "
    "nathan joyce henry virginia douglas victoria zachary kelly peter lauren kyle christina ethan joan walter evelyn"
).split()
LAST = (
    "smith johnson williams brown jones garcia miller davis rodriguez martinez hernandez lopez gonzalez wilson "
    "anderson thomas taylor moore jackson martin lee perez thompson white harris sanchez clark ramirez lewis robinson "
    "walker young allen king wright scott torres nguyen hill flores green adams nelson baker hall rivera campbell "
    "mitchell carter roberts gomez phillips evans turner diaz parker cruz edwards collins reyes stewart morris "
    "morales murphy cook rogers gutierrez ortiz morgan cooper peterson bailey reed kelly howard ramos kim cox ward "
    "richardson watson brooks chavez wood james bennett gray mendoza ruiz hughes price alvarez castillo sanders "
    "patel myers long ross foster jimenez powell jenkins perry russell sullivan bell coleman butler henderson barnes "
    "gonzales fisher vasquez simmons romero jordan patterson alexander hamilton graham reynolds griffin wallace "
    "moreno west cole hayes bryant herrera gibson ellis tran medina aguilar stevens murray ford castro marshall owens"
).split()
WORDS = (
    "acme globex initech umbrella stark wayne wonka hooli vandelay soylent cyberdyne tyrell massive aperture "
    "blue north summit pioneer atlas apex vertex quantum nova orbit cedar harbor granite silver golden"
).split()
SUFFIXES = ["Corp", "Inc", "LLC", "Group", "Labs", "Systems", "Partners", "Holdings"]
TITLES = [
    "Sales Manager",
    "Account Executive",
    "VP Sales",
    "CEO",
    "CTO",
    "CFO",
    "Software Engineer",
    "Product Manager",
    "Marketing Director",
    "Operations Manager",
    "HR Manager",
    "Procurement Lead",
    "Consultant",
    "Analyst",
    "Customer Success Manager",
    "Head of IT",
    "Office Manager",
    "Founder",
    "Director of Engineering",
    "Buyer",
]


def _sql_array(values: list[str]) -> str:
    return "ARRAY[" + ",".join("'" + v.replace("'", "''") + "'" for v in values) + "]"


def bench_tenant() -> Tenant:
    platform_setup()
    result = tenant_provision(
        slug=TENANT, name="Bench contacts", admin_email=ADMIN_EMAIL, admin_password=ADMIN_PASSWORD
    )
    return result.tenant


def contacts_ensure(count: int) -> Tenant:
    """The bench tenant with exactly `count` generated contacts (and count/100 accounts)."""
    tenant = bench_tenant()
    with tenant_context(tenant):
        from apps.contacts.models import Contact
        from apps.users.models import User

        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_indexes WHERE tablename = 'contacts_contact' AND schemaname IN (%s, %s) "
                "GROUP BY schemaname ORDER BY schemaname",
                [TENANT, settings.TENANT_BASE_SCHEMA],
            )
            index_counts = [row[0] for row in cursor.fetchall()]
            cursor.execute("SELECT count(*) FROM contacts_contact WHERE id LIKE %s", ["contact_B%"])
            rows = cursor.fetchone()[0]
            cursor.execute("SELECT obj_description('contacts_contact'::regclass, 'pg_class')")
            version = cursor.fetchone()[0]
            if rows == count and len(set(index_counts)) == 1 and version == DATA_VERSION:
                return tenant
        owners = list(User.objects.values_list("id", flat=True))
        started = time.perf_counter()
        print(f"building {count:,} contacts in tenant {TENANT} (SQL generate_series)...", flush=True)
        accounts = max(count // 100, 1)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("TRUNCATE contacts_contact, accounts_account, contacts_contactsearchterm CASCADE")
            cursor.execute("ALTER TABLE contacts_contact DISABLE TRIGGER contact_search_terms")
            # Bulk-load without indexes, then build them as the migrations define them (read from
            # the template schema, so a failed earlier run cannot lose one).
            cursor.execute(
                "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema() "
                "AND tablename = 'contacts_contact' AND indexname NOT LIKE %s",
                ["%pkey"],
            )
            for (name,) in cursor.fetchall():
                cursor.execute(f'DROP INDEX "{name}"')
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE schemaname = %s "
                "AND tablename = 'contacts_contact' AND indexname NOT LIKE %s",
                [settings.TENANT_BASE_SCHEMA, "%pkey"],
            )
            template = f"{settings.TENANT_BASE_SCHEMA}."
            indexes = [row[0].replace(template, f"{TENANT}.") for row in cursor.fetchall()]
            words, suffixes, nw = _sql_array(WORDS), _sql_array(SUFFIXES), len(WORDS)
            cursor.execute(
                f"""
                INSERT INTO accounts_account (id, name, website, industry, type, address, custom_fields,
                                              created_at, updated_at, owner_id)
                SELECT 'account_B' || lpad(g::text, 12, '0'),
                       initcap(({words})[1 + g %% {nw}]) || ' ' || initcap(({words})[1 + (g / {nw}) %% {nw}]) || ' '
                         || ({suffixes})[1 + (g / {nw * nw}) %% 8]
                         || CASE WHEN g >= {nw * nw * 8} THEN ' ' || g ELSE '' END,
                       '', 'Technology', 'Customer', '{{}}', '{{}}', now(), now(), %s
                FROM generate_series(0, %s - 1) g
                """,
                [owners[0], accounts],
            )
            first, last, titles = _sql_array(FIRST), _sql_array(LAST), _sql_array(TITLES)
            owner_array = _sql_array(owners)
            cursor.execute(
                f"""
                INSERT INTO contacts_contact (id, first_name, last_name, email, phone, company, job_title, address,
                                              custom_fields, account_id, owner_id, created_at, updated_at)
                SELECT 'contact_B' || lpad(g::text, 12, '0'),
                       initcap(f), initcap(l),
                       f || '.' || l || '.' || g || '@example' || (g %% 97) || '.test',
                       '+1415' || lpad((g %% 10000000)::text, 7, '0'),
                       a.name, ({titles})[1 + abs(hashtext('t' || g)) %% {len(TITLES)}],
                       '{{"city": "Springfield", "country": "US"}}', '{{}}',
                       CASE WHEN g %% 2 = 0 THEN a.id END,
                       ({owner_array})[1 + g %% {len(owners)}],
                       now() - (g %% 730) * interval '1 day' - (g %% 86400) * interval '1 second',
                       now()
                FROM generate_series(0, %s - 1) g
                CROSS JOIN LATERAL (SELECT ({first})[1 + abs(hashtext('f' || g)) %% {len(FIRST)}] AS f,
                                           ({last})[1 + abs(hashtext('l' || g)) %% {len(LAST)}] AS l) names
                JOIN accounts_account a ON a.id = 'account_B' || lpad((g %% %s)::text, 12, '0')
                """,
                [count, accounts],
            )
            for definition in indexes:
                cursor.execute(definition)
            # What the (disabled) row trigger would have written, in one statement.
            cursor.execute(
                "INSERT INTO contacts_contactsearchterm (term) SELECT DISTINCT word FROM contacts_contact, "
                "regexp_split_to_table(lower(first_name || ' ' || last_name || ' ' || company), '[^[:alnum:]]+') word "
                "WHERE length(word) BETWEEN 3 AND 150 ON CONFLICT DO NOTHING"
            )
            cursor.execute("ALTER TABLE contacts_contact ENABLE TRIGGER contact_search_terms")
            cursor.execute(f"COMMENT ON TABLE contacts_contact IS '{DATA_VERSION}'")
            cursor.execute("ANALYZE accounts_account")
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE contacts_contact")  # the visibility map, as autovacuum would
        print(f"built in {time.perf_counter() - started:.0f} s", flush=True)
        assert Contact.objects.count() == count
    return tenant


if __name__ == "__main__":
    contacts_ensure(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)

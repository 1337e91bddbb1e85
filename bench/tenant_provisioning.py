"""Seconds per tenant: cloning the template schema vs. replaying every migration.

    .venv/bin/python bench/tenant_provisioning.py [N]

Goal (issue 2): cloning under 0.5 s per tenant and at least 5x faster than replaying.
Both ways run in the same process against the same database; the tenants are dropped after.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import override_settings  # noqa: E402

from apps.tenants.models import Tenant  # noqa: E402
from apps.tenants.services import platform_setup, tenant_provision  # noqa: E402


def provision_many(prefix: str, count: int) -> float:
    start = time.perf_counter()
    for index in range(count):
        tenant_provision(
            slug=f"{prefix}_{index}",
            name=f"Bench {index}",
            admin_email=f"admin{index}@bench.test",
            admin_password="Bench-Pass-2025!",
        )
    return (time.perf_counter() - start) / count


def drop(prefix: str) -> None:
    connection.set_schema_to_public()
    for tenant in Tenant.objects.filter(schema_name__startswith=f"{prefix}_"):
        tenant.delete(force_drop=True)


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    platform_setup()
    drop("bench_clone")
    drop("bench_replay")
    try:
        cloned = provision_many("bench_clone", count)
        with override_settings(TENANT_CREATION_FAKES_MIGRATIONS=False):
            replayed = provision_many("bench_replay", count)
    finally:
        drop("bench_clone")
        drop("bench_replay")
    print(f"tenant provisioning ({count} tenants each way)")
    print(f"  clone template schema : {cloned:.3f} s/tenant   (goal < 0.5)")
    print(f"  replay migrations     : {replayed:.3f} s/tenant")
    print(f"  speed-up              : {replayed / cloned:.1f}x        (goal >= 5x)")


if __name__ == "__main__":
    main()

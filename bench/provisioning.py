"""Provisioning a district: the template copy against running every tenant migration, side by side.

Builds a fresh scratch database (BENCH_DB_NAME, default sedp_provision; never the development or
test databases) with Bắc Ninh's units and the template schema, then provisions synthetic districts
(fixtures/synthetic.py), alternating the two paths so that the machine's drift hits both alike, and
prints each path's median and maximum per district and the ratio. Each provisioned schema is
dropped again, so only the provisioning itself is measured.

    .venv/bin/python bench/provisioning.py [--districts 10]
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
BENCH_DB = os.environ.get("BENCH_DB_NAME", "sedp_provision")
assert BENCH_DB != "sedp" and not BENCH_DB.startswith("test"), "a scratch database only"
os.environ["DB_NAME"] = BENCH_DB
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def fresh_database():
    import psycopg

    params = dict(host=os.environ.get("DB_HOST", "127.0.0.1"), port=os.environ.get("DB_PORT", "5432"),
                  user=os.environ.get("DB_USER", "sedp"), password=os.environ.get("DB_PASSWORD", "sedp"))
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    with psycopg.connect(dbname=BENCH_DB, autocommit=True, **params) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--districts", type=int, default=10, help="districts provisioned by each path")
    args = parser.parse_args()
    fresh_database()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import override_settings

    from fixtures.synthetic import synthetic_district_units
    from tenants import template
    from tenants.models import District
    from tenants.services import district_provision

    call_command("migrate_schemas", "--shared", verbosity=0)
    call_command("load_admin_units", verbosity=0)
    started = time.perf_counter()
    template.template_ensure()
    print(f"template schema migrated once in {time.perf_counter() - started:.2f} s")

    timings = {True: [], False: []}
    for index in range(1, 2 * args.districts + 1):
        from_template = index % 2 == 1
        unit = synthetic_district_units(index, communes=1, villages=0)
        with override_settings(DISTRICT_SCHEMA_FROM_TEMPLATE=from_template):
            started = time.perf_counter()
            district, _ = district_provision(code=unit.code)
            timings[from_template].append(time.perf_counter() - started)
        District.objects.filter(pk=district.pk).delete()  # auto_drop_schema is off: drop it by hand
        with connection.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA "{district.schema_name}" CASCADE')

    copy, migrate = statistics.median(timings[True]), statistics.median(timings[False])
    print(f"template copy:  median {copy * 1000:.0f} ms, max {max(timings[True]) * 1000:.0f} ms per district "
          f"(the first includes pg_dump once: {timings[True][0] * 1000:.0f} ms)")
    print(f"migrations:     median {migrate * 1000:.0f} ms, max {max(timings[False]) * 1000:.0f} ms per district")
    print(f"ratio migrations / copy: x{migrate / copy:.1f} ({args.districts} districts each, alternated)")


if __name__ == "__main__":
    main()

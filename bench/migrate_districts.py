"""One real migration over N districts: Django's own path (schema by schema) against the replay, side by side.

Builds districts in a scratch database of its own (BENCH_DB_NAME, default sedp_migrate; never the
development or test databases), copied from the template schema (fixtures/synthetic.py units, one
commune each), up to each step of --steps. At each step the same migration is pending in every
district and in the template: tests/tenants/migration_probe's `proposals.9999_probe`, one AddField
(with a default) plus one AddIndex on `proposals_proposal`, never committed to the app. It is
applied by `migrate_schemas --tenant` twice: once with DISTRICT_MIGRATION_REPLAY off (Django's
`migrate` in every schema, as django-tenants does) and once with it on (tenants/migration.py);
between the two, the column, its index and its migration row are dropped again by SQL (not timed).
Prints a table: districts, before s, after s, ratio. Django's path is skipped above --django-max
districts (it is linear: the table then extrapolates it from the largest step measured, and says so).

    .venv/bin/python bench/migrate_districts.py [--steps 8,100,705] [--django-max 705] [--keep]
"""
import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
BENCH_DB = os.environ.get("BENCH_DB_NAME", "sedp_migrate")
assert BENCH_DB != "sedp" and not BENCH_DB.startswith("test"), "a scratch database only"
os.environ["DB_NAME"] = BENCH_DB
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
PARAMS = dict(host=os.environ.get("DB_HOST", "127.0.0.1"), port=os.environ.get("DB_PORT", "5432"),
              user=os.environ.get("DB_USER", "sedp"), password=os.environ.get("DB_PASSWORD", "sedp"))


def fresh_database():
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **PARAMS) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    with psycopg.connect(dbname=BENCH_DB, autocommit=True, **PARAMS) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")


def drop_database():
    import psycopg

    with psycopg.connect(dbname="postgres", autocommit=True, **PARAMS) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", default="8,100,705", help="numbers of districts, ascending")
    parser.add_argument("--django-max", type=int, default=705, help="time Django's path only up to this many districts")
    parser.add_argument("--keep", action="store_true", help="keep the scratch database (it is dropped by default)")
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
    template.template_ensure()
    probe = override_settings(MIGRATION_MODULES={"proposals": "tests.tenants.migration_probe"})

    def unapply_probe():
        schemas = [template.TEMPLATE_SCHEMA, *District.objects.exclude(schema_name="public").values_list("schema_name", flat=True)]
        with connection.cursor() as cursor:
            for schema in schemas:
                cursor.execute(f'ALTER TABLE "{schema}".proposals_proposal DROP COLUMN IF EXISTS probe_note')
                cursor.execute(f"""DELETE FROM "{schema}".django_migrations WHERE app = 'proposals' AND name = '9999_probe'""")

    def timed_run(replay):
        with probe, override_settings(DISTRICT_MIGRATION_REPLAY=replay):
            template._cache.clear()
            started = time.perf_counter()
            call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0)
            elapsed = time.perf_counter() - started
        template._cache.clear()
        return elapsed

    rows, index = [], 1
    for target in [int(step) for step in args.steps.split(",")]:
        started = time.perf_counter()
        while District.objects.exclude(schema_name="public").count() < target:
            district_provision(code=synthetic_district_units(index, communes=1, villages=0).code)
            index += 1
        print(f"{target} districts provisioned from the template ({time.perf_counter() - started:.0f} s)", flush=True)
        # The replay first, so that its figure is printed even if Django's path at 705 is cut short.
        unapply_probe()
        after = timed_run(replay=True)
        print(f"  replay {after:.1f} s", flush=True)
        before = None
        if target <= args.django_max:
            unapply_probe()
            before = timed_run(replay=False)
            print(f"  Django's path {before:.1f} s", flush=True)
        rows.append((target, before, after))

    measured = [(n, before) for n, before, _ in rows if before is not None]
    per_district = measured[-1][1] / measured[-1][0] if measured else None
    print("\none AddField + AddIndex on proposals_proposal, every district plus the template, `migrate_schemas --tenant`")
    print(f"{'districts':>9} | {'before s':>22} | {'after s':>7} | {'ratio':>6}")
    for n, before, after in rows:
        if before is None and per_district is not None:
            label, value = f"~{per_district * n:.0f} (extrapolated)", per_district * n
        elif before is None:
            label, value = "not measured", None
        else:
            label, value = f"{before:.1f}", before
        ratio = f"x{value / after:.1f}" if value else "-"
        print(f"{n:>9} | {label:>22} | {after:>7.1f} | {ratio:>6}")
    connection.close()
    if not args.keep:
        drop_database()


if __name__ == "__main__":
    main()

"""Province scale benchmark: the investment rollup and the province endpoints as the number of districts grows.

Builds (or reuses) a scratch database (BENCH_DB_NAME, default sedp_scale; never the development or
test databases) with Bắc Ninh's 8 districts, then adds synthetic districts (fixtures/synthetic.py:
15 communes each, 3 villages per commune, 6 proposals and 4 projects per commune) up to each step
of --steps, and at each step prints:

- provisioning time per district (the schema copied from the template, tenants/template.py);
- the time of a project write (project_update changing total and sources) with the rollup hook, and
  the same write with the hook switched off, and the ratio;
- the median of GET /api/province/investment-distribution/ (every district; one province's communes;
  every commune; as a superuser through every middleware) against the bare SQL of the same statement;
- the median of GET /api/province/plan-compliance/;
- `migrate_schemas` over every district with nothing to apply, django-tenants' own way (Django's
  migrate run in every schema) and ours (tenants/migration.py: the schemas with nothing to apply are
  found in one statement and skipped);
- `migrate_schemas` applying one real migration (the investment app's newest, unapplied first) to every district.

    .venv/bin/python bench/province_scale.py [--steps 8,100,705] [--runs 15] [--fresh] [--no-migrate] [--no-real-migration]
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
BENCH_DB = os.environ.get("BENCH_DB_NAME", "sedp_scale")
assert BENCH_DB not in ("sedp",) and not BENCH_DB.startswith("test"), "a scratch database only"
os.environ["DB_NAME"] = BENCH_DB
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_PASSWORD_HASHER", "django.contrib.auth.hashers.MD5PasswordHasher")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ["TILE_URL"] = ""


def create_database(fresh):
    import psycopg

    params = dict(host=os.environ.get("DB_HOST", "127.0.0.1"), port=os.environ.get("DB_PORT", "5432"),
                  user=os.environ.get("DB_USER", "sedp"), password=os.environ.get("DB_PASSWORD", "sedp"))
    with psycopg.connect(dbname="postgres", autocommit=True, **params) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [BENCH_DB]).fetchone()
        if exists and not fresh:
            return False
        if exists:
            conn.execute(f'DROP DATABASE "{BENCH_DB}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{BENCH_DB}"')
    with psycopg.connect(dbname=BENCH_DB, autocommit=True, **params) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    return True


def median_ms(fn, runs):
    fn()
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", default="8,100")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--no-migrate", dest="migrate", action="store_false", help="skip timing migrate_schemas")
    parser.add_argument("--no-real-migration", dest="real_migration", action="store_false",
                        help="skip timing one real migration over every district (unapply and apply investment's newest)")
    args = parser.parse_args()
    created = create_database(args.fresh)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from fixtures.synthetic import seed_investment, synthetic_district_units
    from investment import services as investment_services
    from investment.models import InvestmentProject
    from investment.services import projects as project_services
    from province import selectors
    from province.services import rollup_rebuild
    from tenants.models import District
    from tenants.services import district_provision

    # On a database kept from an earlier run, bring the public schema and every district up to the
    # code first (timed: with new migrations this is "one real migration" at this scale).
    started = time.perf_counter()
    call_command("migrate_schemas", "--shared", verbosity=0)
    if created:
        call_command("setup_province", verbosity=0)
    else:
        call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0)
        print(f"kept database brought up to the code: {time.perf_counter() - started:.1f} s")
    actor, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_superuser": True, "is_staff": True})
    client = Client()
    client.force_login(actor)
    for d in District.objects.exclude(schema_name="public").select_related("unit"):
        if seed_investment(d, actor=actor):
            rollup_rebuild(districts=[d])

    index = 1
    for target in [int(s) for s in args.steps.split(",")]:
        provision = []
        while District.objects.exclude(schema_name="public").count() < target:
            unit = synthetic_district_units(index)
            index += 1
            if District.objects.filter(unit=unit).exists():
                continue
            started = time.perf_counter()
            district, _ = district_provision(code=unit.code, slug=unit.slug)
            provision.append(time.perf_counter() - started)
            seed_investment(district, actor=actor)
            rollup_rebuild(districts=[district])
        n = District.objects.exclude(schema_name="public").count()
        from province.models import InvestmentRollup

        print(f"\n== {n} districts, {InvestmentRollup.objects.count()} rollup rows ==")
        if provision:
            print(f"provisioning: {len(provision)} districts, median {statistics.median(provision):.2f} s, max {max(provision):.2f} s per district")

        # A write with and without the rollup hook.
        district = District.objects.select_related("unit").get(slug="yen-phong")
        connection.set_tenant(district)
        project = InvestmentProject.objects.order_by("pk").first()
        state = {"total": project.total_investment, "sources": [{"source": s.source, "amount": s.amount} for s in project.sources.all()]}

        def write():
            state["total"] += 1_000_000
            state["sources"][0]["amount"] += 1_000_000
            investment_services.project_update(
                district=district, project=project, actor=actor, total_investment=state["total"], sources=state["sources"], reason="bench",
            )

        # Interleaved, so that drift on a shared machine hits both alike. The hook is switched off in
        # the module whose project_update calls it (investment.services.projects), where the name is looked up.
        original = project_services._province_rollup
        write()
        with_hook, without = [], []
        try:
            for _ in range(args.runs):
                for hooked, samples in ((True, with_hook), (False, without)):
                    project_services._province_rollup = original if hooked else (lambda **kw: None)
                    started = time.perf_counter()
                    write()
                    samples.append((time.perf_counter() - started) * 1000)
        finally:
            project_services._province_rollup = original
        with_hook, without = statistics.median(with_hook), statistics.median(without)
        rollup_rebuild(districts=[district])
        connection.set_schema_to_public()
        print(f"project write: {without:.1f} ms alone, {with_hook:.1f} ms with the rollup (+{(with_hook / without - 1) * 100:.0f} %)")

        # The whole layer in one page, so that the API and the bare SQL return the same features.
        for label, level, province in (("districts, every province", "district", ""), ("communes, one province (Bắc Ninh)", "commune", "27"),
                                       ("communes, every province", "commune", "")):
            url = f"/api/province/investment-distribution/?level={level}&province={province}&page_size=5000"
            assert client.get(url).status_code == 200
            api = median_ms(lambda: client.get(url), args.runs)

            def bare():
                with connection.cursor() as cursor:
                    filters = {"level": level, "year": None, "sector": "", "source": "", "measure": "total_investment", "province": province}
                    cursor.execute(selectors._DISTRIBUTION_SQL, {**filters, "classification": "quantiles",
                                                                 "breaks": selectors.distribution_breaks(**filters)})
                    cursor.fetchone()

            sql_ms = median_ms(bare, args.runs)
            print(f"distribution, {label}: API {api:.1f} ms, bare SQL {sql_ms:.1f} ms (x{api / sql_ms:.2f})")
        for label, province in (("one province (Bắc Ninh)", "27"), ("every province", "")):
            url = f"/api/province/plan-compliance/?year=2027&province={province}"
            assert client.get(url).status_code == 200
            print(f"plan compliance, {label} (each commune's step, from the rollup copy): API {median_ms(lambda: client.get(url), args.runs):.1f} ms")
        if not args.migrate:
            continue

        from tenants.migration import DistrictsExecutor

        timings = {}
        for skipping in (False, True):
            DistrictsExecutor.skip_up_to_date = skipping
            started = time.perf_counter()
            call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0)
            timings[skipping] = time.perf_counter() - started
        print(f"migrate_schemas with nothing to apply: {timings[False]:.1f} s django-tenants' way, "
              f"{timings[True]:.2f} s skipping the up-to-date schemas (x{timings[False] / timings[True]:.0f})")
        if args.real_migration:
            # The investment app's newest migration, unapplied in every district and applied again.
            from django.db.migrations.loader import MigrationLoader

            leaf = max(name for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations if app == "investment")
            before = max(name for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations
                         if app == "investment" and name < leaf)
            started = time.perf_counter()
            call_command("migrate_schemas", "investment", before, tenant=True, interactive=False, verbosity=0)
            undone = time.perf_counter() - started
            started = time.perf_counter()
            call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0)
            print(f"migrate_schemas applying one real migration (investment {leaf}) to {n} districts: "
                  f"{time.perf_counter() - started:.1f} s ({undone:.1f} s to unapply it first)")

if __name__ == "__main__":
    main()

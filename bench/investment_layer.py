"""Benchmark of the investment review layer: 5,000 projects and 50,000 proposals in one district.

Builds (or reuses) a scratch database, seeds Yên Phong (d258) with 50,000 proposals and 5,000
investment projects (points, lines and polygons inside its communes, 1–3 capital sources,
allocations in a 2026–2030 plan, links to proposals, some review decisions), then prints:

- the layer API's median time (`GET /d/yen-phong/api/investment-projects/?page_size=5000`, the whole
  layer, through every middleware, as district staff) and the number of SQL queries per request;
- the median time of the bare SQL that builds the same FeatureCollection, in the same run, and the ratio;
- the same for a one-commune bbox and for the reviews layer;
- with --browser: the time to the first drawn review map in Chromium (login excluded: from navigation
  to the page's `data-ready`, when the communes, the 5,000 projects and the reviews are drawn).

Run from the repository root (PostgreSQL must be running, e.g. after ./deploy/test):
    .venv/bin/python bench/investment_layer.py [--fresh] [--runs 15] [--browser]
It never touches the development or test databases: it works in BENCH_DB_NAME (default bench_invest).
"""
import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
BENCH_DB = os.environ.get("BENCH_DB_NAME", "bench_invest")
os.environ["DB_NAME"] = BENCH_DB
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_PASSWORD_HASHER", "django.contrib.auth.hashers.MD5PasswordHasher")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
os.environ["TILE_URL"] = ""
PROJECTS, PROPOSALS, REVIEWS = 5000, 50000, 500
SLUG = "yen-phong"
PASSWORD = "bench-2026"


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


def prepare_schema():
    from django.core.management import call_command

    call_command("migrate_schemas", "--shared", verbosity=0)
    call_command("setup_province", verbosity=0)
    call_command("migrate_schemas", "--tenant", verbosity=0)
    call_command("load_demo", verbosity=0)


def seed():
    """Seed d258 unless it already holds the projects."""
    from django.contrib.gis.geos import GEOSGeometry, LineString, Polygon
    from django.db import connection, transaction

    from accounts.models import User
    from core.models import CapitalSource, Sector
    from geo.models import AdministrativeUnit
    from investment.models import Allocation, InvestmentProject, ProjectSource, PublicInvestmentPlan, Review
    from proposals.models import Proposal
    from tenants.models import District

    district = District.objects.select_related("unit").get(slug=SLUG)
    connection.set_tenant(district)
    if InvestmentProject.objects.count() >= PROJECTS:
        return district
    rng = random.Random(5)
    user = User.objects.get(username=f"huyen.{SLUG}")
    user.set_password(PASSWORD)
    user.save()
    communes = list(AdministrativeUnit.objects.filter(parent=district.unit, level="commune", is_current=True))
    per_commune = PROPOSALS // len(communes) + 1

    def random_points(commune, n):
        with connection.cursor() as cursor:
            cursor.execute("SELECT ST_AsEWKB((ST_Dump(ST_GeneratePoints(geom, %s, 7))).geom) FROM geo_administrativeunit WHERE id = %s", [n, commune.pk])
            return [GEOSGeometry(memoryview(bytes(row[0]))) for row in cursor.fetchall()]

    started = time.perf_counter()
    with transaction.atomic():
        proposals = []
        for commune in communes:
            for i, geom in enumerate(random_points(commune, per_commune)):
                if len(proposals) >= PROPOSALS:
                    break
                cost = rng.randrange(100, 5000) * 1_000_000
                proposals.append(Proposal(
                    commune=commune, source_kind="village", plan_year=2026, title=f"Đề xuất {commune.code}-{i}",
                    sector=rng.choice(Sector.values), estimated_cost=cost, commune_budget=cost // 2, geom=geom,
                    status=rng.choice(["submitted", "accepted", "accepted", "deferred"]), created_by=user, search_text=f"de xuat {i}",
                ))
        Proposal.objects.bulk_create(proposals, batch_size=5000)
        proposal_ids = list(Proposal.objects.values_list("id", flat=True))
        plan = PublicInvestmentPlan.objects.create(kind="medium_term", name="Kế hoạch ĐTC trung hạn 2026–2030", start_year=2026, end_year=2030, created_by=user)
        projects, project_communes = [], []
        per_project_points = {c.pk: iter(random_points(c, PROJECTS // len(communes) * 2 + 10)) for c in communes}
        for i in range(PROJECTS):
            commune = communes[i % len(communes)]
            a = next(per_project_points[commune.pk])
            shape = i % 10
            if shape < 6:
                geom = a
            elif shape < 9:
                b = next(per_project_points[commune.pk])
                geom = LineString(a.coords, ((a.x + b.x) / 2 + 0.001, (a.y + b.y) / 2), b.coords, srid=4326)
            else:
                d = 0.0015
                geom = Polygon(((a.x, a.y), (a.x + d, a.y), (a.x + d, a.y + d), (a.x, a.y + d), (a.x, a.y)), srid=4326)
            geom.srid = 4326
            total = rng.randrange(500, 50000) * 1_000_000
            projects.append(InvestmentProject(
                code=f"DA-{i:05d}", name=f"Công trình {i}", investor="Ban QLDA huyện", sector=rng.choice(Sector.values), geom=geom,
                total_investment=total, start_year=2026, end_year=2027 + i % 3, status=rng.choice(["proposed", "preparation", "approved", "under_construction", "completed"]),
                created_by=user,
            ))
            project_communes.append(commune)
        InvestmentProject.objects.bulk_create(projects, batch_size=2000)
        through = InvestmentProject.communes.through
        through.objects.bulk_create([through(investmentproject_id=p.pk, administrativeunit_id=c.pk) for p, c in zip(projects, project_communes)], batch_size=5000)
        links = InvestmentProject.proposals.through
        links.objects.bulk_create(
            [links(investmentproject_id=p.pk, proposal_id=pid) for p in projects for pid in rng.sample(proposal_ids, rng.randint(1, 3))], batch_size=5000
        )
        sources, allocations = [], []
        for p in projects:
            chosen = rng.sample(CapitalSource.values, rng.randint(1, 3))
            share = p.total_investment // len(chosen)
            amounts = [share] * (len(chosen) - 1) + [p.total_investment - share * (len(chosen) - 1)]
            for source, amount in zip(chosen, amounts):
                sources.append(ProjectSource(project=p, source=source, amount=amount))
                allocations.append(Allocation(project=p, plan=plan, year=2026 + rng.randrange(5), source=source, amount=amount // 2))
        ProjectSource.objects.bulk_create(sources, batch_size=5000)
        Allocation.objects.bulk_create(allocations, batch_size=5000)
        reviews = [Review(project=p, decision=rng.choice(["include", "request_change", "defer", "reject"]), comment="Ý kiến thẩm định", author=user)
                   for p in rng.sample(projects, REVIEWS)]
        Review.objects.bulk_create(reviews)
        rc = Review.communes.through
        rc.objects.bulk_create([rc(review_id=r.pk, administrativeunit_id=project_communes[projects.index(r.project)].pk) for r in reviews])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seeded {PROPOSALS} proposals and {PROJECTS} projects in {time.perf_counter() - started:.1f} s")
    return district


BARE_PROJECT_SQL = """
SELECT (SELECT count(*) FROM investment_investmentproject {where}),
       coalesce(json_agg(json_build_object(
           'type', 'Feature', 'id', p.id, 'geometry', ST_AsGeoJSON(p.geom, 6)::json,
           'properties', json_build_object(
               'id', p.id, 'code', p.code, 'name', p.name, 'investor', p.investor, 'manager', p.manager,
               'sector', p.sector, 'group', p."group", 'status', p.status,
               'total_investment', p.total_investment, 'start_year', p.start_year, 'end_year', p.end_year,
               'decision_number', p.decision_number, 'decision_date', to_char(p.decision_date, 'DD/MM/YYYY'),
               'physical_progress', p.physical_progress,
               'communes', (SELECT coalesce(json_agg(u.code ORDER BY u.code), '[]'::json)
                            FROM investment_investmentproject_communes pc JOIN geo_administrativeunit u ON u.id = pc.administrativeunit_id
                            WHERE pc.investmentproject_id = p.id),
               'sources', (SELECT coalesce(json_agg(s.source ORDER BY s.amount DESC), '[]'::json) FROM investment_projectsource s WHERE s.project_id = p.id),
               'review', (SELECT r.decision FROM investment_review r WHERE r.project_id = p.id AND r.decision <> ''
                          ORDER BY r.created_at DESC, r.id DESC LIMIT 1))
       ) ORDER BY p.code), '[]'::json)::text
FROM (SELECT * FROM investment_investmentproject {where} ORDER BY code LIMIT 5000) p
"""


def median_ms(fn, runs):
    fn()  # warm
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def measure(district, runs):
    import json

    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from geo.models import AdministrativeUnit

    client = Client()
    client.force_login(User.objects.get(username=f"huyen.{SLUG}"))
    cho = AdministrativeUnit.objects.get(code="09193")
    bbox = ",".join(f"{v:.5f}" for v in cho.geom.extent)
    cases = [
        ("whole layer (5,000 projects)", f"/d/{SLUG}/api/investment-projects/?page_size=5000", ""),
        ("one commune's bbox", f"/d/{SLUG}/api/investment-projects/?page_size=5000&bbox={bbox}",
         f"WHERE geom && ST_MakeEnvelope({bbox}, 4326) AND ST_Intersects(geom, ST_MakeEnvelope({bbox}, 4326))"),
    ]
    print(f"\n{'layer':32} {'features':>8} {'API ms':>9} {'bare SQL ms':>12} {'ratio':>6} {'queries':>8} {'bytes':>10}")
    for label, url, where in cases:
        response = client.get(url)
        assert response.status_code == 200, response.content[:300]
        body = json.loads(response.content)
        queries = []
        # An execute wrapper sees every statement (the request_started signal empties connection.queries).
        with connection.execute_wrapper(lambda execute, sql, params, many, context: queries.append(sql) or execute(sql, params, many, context)):
            client.get(url)
        api = median_ms(lambda: client.get(url), runs)

        def bare():
            connection.set_tenant(district)
            with connection.cursor() as cursor:
                cursor.execute(BARE_PROJECT_SQL.format(where=where))
                cursor.fetchone()

        sql = median_ms(bare, runs)
        print(f"{label:32} {len(body['features']):>8} {api:>9.1f} {sql:>12.1f} {api / sql:>6.2f} {len(queries):>8} {len(response.content):>10,}")
    reviews_url = f"/d/{SLUG}/api/reviews/?page_size=5000"
    api = median_ms(lambda: client.get(reviews_url), runs)
    count = json.loads(client.get(reviews_url).content)["count"]
    print(f"{'reviews layer':32} {count:>8} {api:>9.1f}")


def browser_first_map(runs):
    """Time from navigation to the drawn review map (communes, 5,000 projects, reviews) in Debian's Chromium."""
    import socket
    import subprocess
    import urllib.request

    from playwright.sync_api import sync_playwright

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = dict(os.environ)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True)
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--pythonpath", str(ROOT / 'platform'),
         "--bind", f"127.0.0.1:{port}", "--workers", "2"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", headless=True,
                                                 args=["--no-sandbox", "--disable-gpu", "--no-first-run"])
            context = browser.new_context(base_url=url, viewport={"width": 1280, "height": 800})
            page = context.new_page()
            page.set_default_timeout(120000)
            page.goto("/accounts/login/")
            page.fill("input[name=username]", f"huyen.{SLUG}")
            page.fill("input[name=password]", PASSWORD)
            page.click("form[action='/accounts/login/'] button[type=submit]")
            page.wait_for_load_state("networkidle")
            times = []
            for _ in range(runs):
                started = time.perf_counter()
                page.goto(f"/d/{SLUG}/investment/review/")
                page.wait_for_selector("#review-map[data-ready='1']")
                times.append((time.perf_counter() - started) * 1000)
            drawn = page.locator("#review-map").get_attribute("data-projects")
            browser.close()
        print(f"\nChromium, navigation to drawn review map ({drawn} projects drawn): median {statistics.median(times):.0f} ms over {runs} loads"
              f" (min {min(times):.0f}, max {max(times):.0f})")
    finally:
        server.terminate()
        server.wait(timeout=20)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--fresh", action="store_true", help="drop and rebuild the scratch database")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--browser", action="store_true", help="also time the first drawn map in Chromium")
    args = parser.parse_args()
    created = create_database(args.fresh)
    import django

    django.setup()
    if created:
        started = time.perf_counter()
        prepare_schema()
        print(f"scratch database {BENCH_DB} prepared in {time.perf_counter() - started:.1f} s")
    district = seed()
    print(f"database {BENCH_DB}, district {district.name} (schema {district.schema_name}), {os.cpu_count()} CPUs, {args.runs} runs per figure")
    measure(district, args.runs)
    if args.browser:
        browser_first_map(max(3, args.runs // 3))


if __name__ == "__main__":
    main()

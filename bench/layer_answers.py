"""Layer answers at scale (issue 13): vector tiles, the OGC API, the home page's commune layer, compression, wrk.

Builds (or reuses) a scratch database (BENCH_DB_NAME, default sedp_layers; never the development or test
databases) with Bắc Ninh's 8 districts and their demo data, then adds synthetic districts
(fixtures/synthetic.py, as bench/province_scale.py does) up to each step of --steps, and at each step prints:

- a tile of the national commune distribution (/tiles/investment-distribution-communes/z/x/y.pbf) at zoom 6
  and 10 through every middleware, against the same ST_AsMVT statement run bare (goal: within 1.3×, < 50 ms);
- the OGC API items page against the existing layer route, same layer and page size (goal: within 1.2×);
- the home page's commune layer (/api/admin-units/?level=commune, every commune) against bare SQL writing the
  same features (goal: within 1.5×);
- bytes of the village, proposals, commune-distribution layers and a tile, plain and gzipped, and the cost of
  the ETag (MD5 of the body);
- requests per second under `wrk` (8 connections, 2 threads, --seconds each) for the three busiest layers, on a
  gunicorn started for the run (2 workers) and stopped after it.

    .venv/bin/python bench/layer_answers.py [--steps 8,100] [--runs 15] [--seconds 5] [--fresh] [--no-wrk]
"""
import argparse
import gzip
import hashlib
import math
import os
import re
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
BENCH_DB = os.environ.get("BENCH_DB_NAME", "sedp_layers")
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


def tile_of(lon, lat, z):
    n = 2 ** z
    return z, int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def side_by_side(label, api, bare, runs, goal):
    a, b = median_ms(api, runs), median_ms(bare, runs)
    print(f"{label}: API {a:.1f} ms, bare {b:.1f} ms (x{a / b:.2f}; goal x{goal})")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wrk_rates(urls, token, seconds):
    """{label: requests/s} under wrk -t2 -c8 against a gunicorn started here (2 workers) and stopped after."""
    port = free_port()
    env = dict(os.environ, DJANGO_ALLOW_ASYNC_UNSAFE="")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "config.wsgi:application", "--pythonpath", str(ROOT / "platform"),
                               "--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "60"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("gunicorn did not start")
                time.sleep(0.3)
        rates = {}
        for label, path in urls:
            for encoding in ("identity", "gzip"):
                done = subprocess.run(["wrk", "-t2", "-c8", f"-d{seconds}s", "-H", f"Authorization: Token {token}",
                                       "-H", f"Accept-Encoding: {encoding}", f"http://127.0.0.1:{port}{path}"],
                                      capture_output=True, text=True)
                rate = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
                latency = re.search(r"Latency\s+([\d.]+\w+)", done.stdout)
                non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
                rates[(label, encoding)] = (float(rate.group(1)) if rate else None, latency.group(1) if latency else "?",
                                            int(non2xx.group(1)) if non2xx else 0)
        return rates
    finally:
        server.terminate()
        server.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", default="8,100")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--seconds", type=int, default=5)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--no-wrk", dest="wrk", action="store_false")
    args = parser.parse_args()
    created = create_database(args.fresh)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from knox.models import AuthToken

    from accounts.models import User
    from fixtures.synthetic import seed_investment, synthetic_district_units
    from geo.layers import registry
    from geo.tiles import mvt_sql
    from province import selectors
    from province.services import rollup_rebuild
    from province.tiles import _DISTRIBUTION_ROWS, DISTRIBUTION_COLUMNS
    from tenants.models import District
    from tenants.services import district_provision

    call_command("migrate_schemas", "--shared", verbosity=0)
    if created:
        call_command("setup_province", verbosity=0)
        call_command("load_demo", verbosity=0)
    else:
        call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0)
    actor, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_superuser": True, "is_staff": True})
    client = Client()
    client.force_login(actor)
    if created:
        for d in District.objects.exclude(schema_name="public").select_related("unit"):
            if seed_investment(d, actor=actor):
                rollup_rebuild(districts=[d])
    _instance, token = AuthToken.objects.create(actor)

    tile_sql = mvt_sql(f"SELECT * FROM ({_DISTRIBUTION_ROWS}) units", name="investment-distribution-communes",
                       columns=DISTRIBUTION_COLUMNS, tile=("%(z)s", "%(x)s", "%(y)s"))
    communes = registry.get("communes")
    bare_units = f"SELECT coalesce(string_agg(({communes.feature_sql()})::text, ',' ORDER BY t.code), '') FROM {communes.table} " \
                 "WHERE t.level = 'commune' AND t.is_current"

    index = 1
    for target in [int(s) for s in args.steps.split(",")]:
        while District.objects.exclude(schema_name="public").count() < target:
            unit = synthetic_district_units(index)
            index += 1
            if District.objects.filter(unit=unit).exists():
                continue
            district, _ = district_provision(code=unit.code, slug=unit.slug)
            seed_investment(district, actor=actor)
            rollup_rebuild(districts=[district])
        connection.set_schema_to_public()
        n = District.objects.exclude(schema_name="public").count()
        from geo.models import AdministrativeUnit

        units = AdministrativeUnit.objects.filter(level="commune", is_current=True).count()
        print(f"\n== {n} districts, {units} communes ==")

        # 1. Tiles of the national commune distribution, API against the bare statement.
        for z, (lon, lat) in ((6, (106.0, 21.1)), (10, (105.95, 21.2))):
            z, x, y = tile_of(lon, lat, z)
            url = f"/tiles/investment-distribution-communes/{z}/{x}/{y}.pbf"
            body = client.get(url).content

            def bare(z=z, x=x, y=y):
                with connection.cursor() as cursor:
                    cursor.execute(tile_sql, {"level": "commune", "year": None, "sector": "", "source": "", "measure": "total_investment",
                                              "province": "", "z": z, "x": x, "y": y, "breaks": selectors.distribution_breaks(level="commune")})
                    cursor.fetchone()

            side_by_side(f"tile z{z} {x}/{y} ({len(body):,} bytes)", lambda url=url: client.get(url), bare, args.runs, 1.3)

        # 2. OGC items page against the existing layer route (same layer, same page size).
        for label, ogc, legacy in (
            ("commune distribution, 500", "/ogc/collections/investment-distribution-communes/items?limit=500",
             "/api/province/investment-distribution/?level=commune&page_size=500"),
            ("communes (admin units), 500", "/ogc/collections/communes/items?limit=500", "/api/admin-units/?level=commune&page_size=500"),
            ("proposals of Yên Phong, 500", "/d/yen-phong/ogc/collections/proposals/items?limit=500", "/d/yen-phong/api/proposals/?page_size=500"),
        ):
            assert client.get(ogc).status_code == 200 and client.get(legacy).status_code == 200, (ogc, legacy)
            a, b = median_ms(lambda ogc=ogc: client.get(ogc), args.runs), median_ms(lambda legacy=legacy: client.get(legacy), args.runs)
            print(f"OGC items, {label}: OGC {a:.1f} ms, layer route {b:.1f} ms (x{a / b:.2f}; goal x1.2)")

        # 3. The home page's commune layer against bare SQL writing the same features.
        url = f"/api/admin-units/?level=commune&page_size={min(5000, units)}"
        assert client.get(url).status_code == 200

        def bare_layer():
            with connection.cursor() as cursor:
                cursor.execute(bare_units)
                cursor.fetchone()

        side_by_side(f"home page's commune layer ({units} polygons)", lambda: client.get(url), bare_layer, args.runs, 1.5)

        # 4. Bytes, plain and gzipped, and the ETag's cost.
        z, x, y = tile_of(106.0, 21.1, 6)
        for label, path in (("villages", "/api/admin-units/?level=village&page_size=5000"),
                            ("communes", f"/api/admin-units/?level=commune&page_size={min(5000, units)}"),
                            ("proposals of Yên Phong", "/d/yen-phong/api/proposals/?page_size=5000"),
                            ("commune distribution", "/api/province/investment-distribution/?level=commune&page_size=5000"),
                            (f"tile z6 {x}/{y}", f"/tiles/investment-distribution-communes/{z}/{x}/{y}.pbf")):
            plain = client.get(path)
            packed = client.get(path, HTTP_ACCEPT_ENCODING="gzip")
            assert packed.get("Content-Encoding") == "gzip" and gzip.decompress(packed.content) == plain.content, path
            md5 = median_ms(lambda body=plain.content: hashlib.md5(body, usedforsecurity=False).hexdigest(), args.runs)
            print(f"bytes, {label}: {len(plain.content):,} plain, {len(packed.content):,} gzipped "
                  f"({len(packed.content) / len(plain.content):.0%}); ETag (MD5) {md5:.2f} ms; "
                  f"304 on If-None-Match: {client.get(path, HTTP_IF_NONE_MATCH=plain['ETag']).status_code == 304}")

        # 5. Requests per second under wrk.
        if args.wrk:
            busiest = [("communes (home page)", f"/api/admin-units/?level=commune&page_size={min(5000, units)}"),
                       ("proposals of Yên Phong", "/d/yen-phong/api/proposals/?page_size=5000"),
                       ("commune distribution", "/api/province/investment-distribution/?level=commune&page_size=500"),
                       (f"tile z6 {x}/{y}", f"/tiles/investment-distribution-communes/{z}/{x}/{y}.pbf")]
            for (label, encoding), (rate, latency, bad) in wrk_rates(busiest, token, args.seconds).items():
                print(f"wrk -c8, {label}, {encoding}: {rate} requests/s, mean latency {latency}" + (f", {bad} non-2xx" if bad else ""))


if __name__ == "__main__":
    main()

"""Layer answers at scale (issue 13): vector tiles, the OGC API, the home page's commune layer, compression, wrk.

Builds (or reuses) a scratch database (BENCH_DB_NAME, default sedp_layers; never the development, test or demo
databases) with Bắc Ninh's 8 districts and their demo data and investment, then brings it to each step of --steps
districts with bench/_national.py (synthetic districts copied from Bắc Ninh's: their communes' real boundaries and
rollup rows, written by a few INSERT … SELECT; schemas from the template; 705 districts / 10,670 communes in
minutes), and at each step prints, medians of --runs requests, the platform and its bare SQL sampled alternately:

- a tile of the national commune distribution (/tiles/investment-distribution-communes/z/x/y.pbf) at zoom 6
  and 10 through every middleware, against the bare SQL on one cursor (the class breaks, then the tile statement
  over every unit of the level, and narrowed to the tile's units as the platform runs it); the three tiles'
  bytes are asserted equal (goal: within 1.3×, < 50 ms);
- the OGC API items page against the existing layer route, same layer and page size, same features (goal: within 1.2×);
- the home page's commune layer (/api/admin-units/?level=commune, up to 5,000 communes) against bare SQL writing
  the same features, asserted equal (goal: within 1.5×);
- bytes of the village, proposals, commune-distribution layers and a tile, plain and gzipped, and the cost of
  the ETag (MD5 of the body);
- requests per second under `wrk -t2 -c8 -d15s` (Debian's wrk; --seconds, default 15; token) for the three
  busiest layers and a tile, on a gunicorn started for the run as deploy/up starts it (deploy/gunicorn.conf.py: 3
  gthread workers of 4 threads) and stopped after it; `--worker-classes gthread,sync` starts one server per class
  and runs each URL against them one after the other;
- a summary table (markdown) of every comparison.

Figures before and after the fixed-cost work and the cached breaks and tiles:
docs/GIS.md, "GIS downloads, vector tiles and lighter answers".

    BENCH_DB_NAME=sedp_p13_bench .venv/bin/python bench/layer_answers.py [--steps 8,705] [--runs 15] [--seconds 15] [--fresh] [--no-wrk] [--worker-classes gthread,sync]
"""
import argparse
import gzip
import hashlib
import json
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
sys.path[:0] = [str(ROOT), str(ROOT / "platform"), str(ROOT / "bench")]
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


def side_by_side(label, api, bare, runs, goal, rows):
    """Medians of `api` and `bare` sampled alternately (one after the other, `runs` times), so that the machine's
    drift hits both alike; prints them and their ratio, and adds a row to the summary table."""
    api(), bare()
    a_samples, b_samples = [], []
    for _ in range(runs):
        for fn, samples in ((api, a_samples), (bare, b_samples)):
            started = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - started) * 1000)
    a, b = statistics.median(a_samples), statistics.median(b_samples)
    print(f"{label}: API {a:.1f} ms, bare {b:.1f} ms (x{a / b:.2f}; goal x{goal})", flush=True)
    rows.append((label, a, b, a / b, goal))
    return a, b


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(worker_class):
    """(process, port) of a gunicorn started as deploy/up starts it (deploy/gunicorn.conf.py: WEB_WORKERS processes,
    default 3, of WEB_THREADS threads, default 4), with `worker_class` ("gthread", deploy/up's, or "sync"); given 180 s
    to answer /healthz (a loaded machine starts it slowly)."""
    port = free_port()
    env = dict(os.environ, DJANGO_ALLOW_ASYNC_UNSAFE="")
    server = subprocess.Popen([sys.executable, "-m", "gunicorn", "config.wsgi:application", "--config",
                               str(ROOT / "deploy" / "gunicorn.conf.py"), "--worker-class", worker_class,
                               "--pythonpath", str(ROOT / "platform"), "--bind", f"127.0.0.1:{port}"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 180
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=20)
            return server, port
        except OSError:
            if time.monotonic() > deadline:
                server.terminate()
                raise RuntimeError("gunicorn did not start")
            time.sleep(0.3)


def wrk_rates(urls, token, seconds, worker_classes):
    """{(label, encoding, worker class): (requests/s, mean latency, non-2xx answers)} under wrk -t2 -c8, one gunicorn
    per worker class (start_server) started before and stopped after; each URL and encoding is run against every
    class one after the other, so the machine's drift hits them alike (the idle servers wait meanwhile)."""
    servers = {}
    try:
        for worker_class in worker_classes:
            servers[worker_class] = start_server(worker_class)
        rates = {}
        for label, path in urls:
            for encoding in ("identity", "gzip"):
                for worker_class, (_server, port) in servers.items():
                    done = subprocess.run(["wrk", "-t2", "-c8", f"-d{seconds}s", "-H", f"Authorization: Token {token}",
                                           "-H", f"Accept-Encoding: {encoding}", f"http://127.0.0.1:{port}{path}"],
                                          capture_output=True, text=True)
                    rate = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
                    latency = re.search(r"Latency\s+([\d.]+\w+)", done.stdout)
                    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", done.stdout)
                    rates[(label, encoding, worker_class)] = (float(rate.group(1)) if rate else None,
                                                              latency.group(1) if latency else "?",
                                                              int(non2xx.group(1)) if non2xx else 0)
        return rates
    finally:
        for server, _port in servers.values():
            server.terminate()
            server.wait(timeout=30)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--steps", default="8,100")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--seconds", type=int, default=15)
    parser.add_argument("--fresh", action="store_true")
    parser.add_argument("--no-wrk", dest="wrk", action="store_false")
    parser.add_argument("--worker-classes", default="gthread",
                        help="gunicorn worker classes compared under wrk, comma-separated (gthread: deploy/up's; sync)")
    args = parser.parse_args()
    created = create_database(args.fresh)

    import django

    django.setup()
    from _national import national_districts
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from knox.models import AuthToken

    from accounts.models import User
    from fixtures.synthetic import seed_investment
    from geo import layers as layer_kit
    from geo.layers import registry
    from province import selectors
    from province.services import rollup_rebuild
    from province.tiles import distribution_sql
    from tenants.models import District

    call_command("migrate_schemas", "--shared", verbosity=0)
    call_command("createcachetable", verbosity=0)  # the class breaks and the tiles are cached there, as deploy/up makes it
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

    communes = registry.get("communes")

    def bare_units(limit):
        """The commune layer's page (`limit` communes in code order) written by one bare statement: the same features."""
        return (f"SELECT coalesce(string_agg(({communes.feature_sql()})::text, ',' ORDER BY t.code), '') FROM "
                f"(SELECT * FROM geo_administrativeunit WHERE level = 'commune' AND is_current ORDER BY code LIMIT {int(limit)}) t "
                "LEFT JOIN geo_administrativeunit parent ON parent.id = t.parent_id")

    for target in [int(s) for s in args.steps.split(",")]:
        for step, seconds in national_districts(target).items():
            print(f"built to {target} districts: {step} {seconds:.0f} s", flush=True)
        client.force_login(actor)  # building may outlast the session's idle timeout
        connection.set_schema_to_public()
        n = District.objects.exclude(schema_name="public").count()
        from geo.models import AdministrativeUnit

        units = AdministrativeUnit.objects.filter(level="commune", is_current=True).count()
        print(f"\n== {n} districts, {units} communes ==")
        rows = []

        # 1. Tiles of the national commune distribution through every middleware, against bare SQL on one cursor: the
        # class breaks (the level's values, classed in Python as the platform does) and the tile statement, over every
        # unit of the level (as written before) and narrowed to the tile's units (the platform's statement now).
        name = "investment-distribution-communes"
        for z, (lon, lat) in ((6, (106.0, 21.1)), (10, (105.95, 21.2))):
            z, x, y = tile_of(lon, lat, z)
            url = f"/tiles/{name}/{z}/{x}/{y}.pbf"
            body = client.get(url).content
            filters = {"level": "commune", "year": None, "sector": "", "source": "", "measure": "total_investment", "province": ""}

            def computed_breaks():
                """The breaks by their statement, never from the cache (what every tile paid before they were cached)."""
                with connection.cursor() as cursor:
                    cursor.execute(selectors.VALUES_SQL_BY_MEASURE[filters["measure"]], filters)  # the statement the platform runs
                    return selectors.class_breaks(cursor.fetchone()[0] or [])

            breaks = computed_breaks()

            def bare(z=z, x=x, y=y, whole=True):
                # the tile statement alone, the breaks given: the strictest bare figure
                with connection.cursor() as cursor:
                    cursor.execute(distribution_sql(name=name, whole=whole), {**filters, "z": z, "x": x, "y": y, "breaks": breaks})
                    return bytes(cursor.fetchone()[0])

            assert bare() == body == bare(whole=False), "the API's tile and the bare statements' differ"
            print(f"  (the class breaks computed: {median_ms(computed_breaks, args.runs):.1f} ms; "
                  f"cached, with the data version: {median_ms(lambda: selectors.distribution_breaks(**filters), args.runs):.1f} ms)")
            side_by_side(f"tile z{z} {x}/{y} ({len(body):,} bytes) vs bare, every unit", lambda url=url: client.get(url), bare, args.runs, 1.3, rows)
            side_by_side(f"tile z{z} {x}/{y} vs bare, the tile's units", lambda url=url: client.get(url),
                         lambda z=z, x=x, y=y: bare(z, x, y, whole=False), args.runs, 1.3, rows)

        # 2. OGC items page against the existing layer route (same layer, same page size).
        for label, ogc, legacy in (
            ("commune distribution, 500", "/ogc/collections/investment-distribution-communes/items?limit=500",
             "/api/province/investment-distribution/?level=commune&page_size=500"),
            ("communes (admin units), 500", "/ogc/collections/communes/items?limit=500", "/api/admin-units/?level=commune&page_size=500"),
            ("proposals of Yên Phong, 500", "/d/yen-phong/ogc/collections/proposals/items?limit=500", "/d/yen-phong/api/proposals/?page_size=500"),
        ):
            assert client.get(ogc).status_code == 200 and client.get(legacy).status_code == 200, (ogc, legacy)
            assert [f["id"] for f in client.get(ogc).json()["features"]] == [f["id"] for f in client.get(legacy).json()["features"]], label
            side_by_side(f"OGC items vs layer route, {label}", lambda ogc=ogc: client.get(ogc), lambda legacy=legacy: client.get(legacy),
                         args.runs, 1.2, rows)
            if "admin units" in label:
                # The unit collections keep whole answers on both sides (geo.kept.kept_answer): also compare the first
                # request after a write (the kept answers forgotten before each request, both sides alike).
                def forgetting(path):
                    def run():
                        layer_kit.forget_answers()
                        return client.get(path)
                    return run

                side_by_side(f"OGC items vs layer route, {label}, first request", forgetting(ogc), forgetting(legacy),
                             args.runs, 1.2, rows)

        # 3. The home page's commune layer against bare SQL writing the same features (asserted equal).
        size = min(5000, units)
        url = f"/api/admin-units/?level=commune&page_size={size}"
        answer = client.get(url)
        assert answer.status_code == 200

        def bare_layer():
            with connection.cursor() as cursor:
                cursor.execute(bare_units(size))
                return cursor.fetchone()[0]

        assert json.loads(answer.content)["features"] == json.loads("[" + bare_layer() + "]"), "the API's features and the bare SQL's differ"
        # Kept: the whole answer under the units' data version (geo.layers.page_response): the version read and the
        # middleware. First request: the kept answers forgotten before each request (what every request cost before).
        anonymous = Client()
        assert anonymous.get(url).content == answer.content

        def first_request(who):
            def run():
                layer_kit.forget_answers()
                return who.get(url)
            return run

        for who, label in ((client, "signed in"), (anonymous, "anonymous")):
            side_by_side(f"home page's commune layer ({size} polygons, {len(answer.content):,} bytes), {label}, kept",
                         lambda who=who: who.get(url), bare_layer, args.runs, 1.5, rows)
            side_by_side(f"home page's commune layer ({size} polygons), {label}, first request",
                         first_request(who), bare_layer, args.runs, 1.5, rows)

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

        print("\n| districts | communes | comparison | platform ms | bare ms | ratio | goal |\n|---|---|---|---|---|---|---|")
        for label, a, b, ratio, goal in rows:
            print(f"| {n} | {units:,} | {label} | {a:.1f} | {b:.1f} | x{ratio:.2f} | x{goal} |")
        print(flush=True)

        # 5. Requests per second under wrk.
        if args.wrk:
            busiest = [("communes (home page)", f"/api/admin-units/?level=commune&page_size={min(5000, units)}"),
                       ("proposals of Yên Phong", "/d/yen-phong/api/proposals/?page_size=5000"),
                       ("commune distribution", "/api/province/investment-distribution/?level=commune&page_size=500"),
                       (f"tile z6 {x}/{y}", f"/tiles/investment-distribution-communes/{z}/{x}/{y}.pbf")]
            classes = args.worker_classes.split(",")
            for (label, encoding, worker_class), (rate, latency, bad) in wrk_rates(busiest, token, args.seconds, classes).items():
                print(f"wrk -c8, {label}, {encoding}, {worker_class}: {rate} requests/s, mean latency {latency}"
                      + (f", {bad} non-2xx" if bad else ""), flush=True)



if __name__ == "__main__":
    main()

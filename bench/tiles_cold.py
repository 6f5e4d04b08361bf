"""The first tile and the first distribution page after a write (issue 13, §4 at national scale), uncached.

On an existing bench database (BENCH_DB_NAME: one bench/layer_answers.py built, e.g. 8 districts or 705), migrated here
(`migrate_schemas --shared`), prints medians of --runs samples taken alternately, every sample uncached: the `answers` cache
and the process's breaks emptied before it, as a write's new data version leaves them (province.selectors.data_version):

- a tile of the national commune distribution at zoom 6 and 10 through every middleware (the class breaks computed,
  then the tile statement on the units' generalised shapes of the zoom band, geo.UnitShape);
- the same work as bare SQL on one cursor: the breaks' statement and the platform's tile statement (`shaped`); the
  statement on the full-resolution boundaries, transformed and simplified per tile (the statement before the shapes);
  and that one again with PostgreSQL's JIT on (what the platform's connections ran before `jit=off`); then the tile
  statement alone (the breaks given), on the shapes and on the full-resolution boundaries;
- the OGC items page of 500 communes (/ogc/collections/investment-distribution-communes/items?limit=500) through every
  middleware, against its bare SQL (breaks and page statement), with JIT off and on.

Tiles' bytes of the platform and of the bare shaped statement are asserted equal, and the full-resolution tile is
asserted to hold the same units with the same properties (docs/GIS.md, "Generalised boundaries and cold answers").

    BENCH_DB_NAME=sedp_p13_bench .venv/bin/python bench/tiles_cold.py [--runs 9]

Needs `mapbox_vector_tile` (the project's `[test]` extra, which `deploy/test` installs) to compare the full-resolution
tile with the platform's: `pip install -e '.[test]'` on a server installed without it.
"""
import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform"), str(ROOT / "bench")]
BENCH_DB = os.environ.get("BENCH_DB_NAME", "sedp_layers")
assert BENCH_DB not in ("sedp",) and not BENCH_DB.startswith("test"), "a scratch database only"
os.environ["DB_NAME"] = BENCH_DB
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")


def alternate(label, fns, runs):
    """Medians (ms) of each of `fns` ({name: fn}) sampled one after the other `runs` times (after one warm-up each); a
    fn's `before` attribute, if any, runs untimed before each of its samples (emptying the caches is not the answer's
    cost: a write leaves them stale by a new data version, it does not delete them)."""
    samples = {name: [] for name in fns}
    for fn in fns.values():
        getattr(fn, "before", lambda: None)()
        fn()
    for _ in range(runs):
        for name, fn in fns.items():
            getattr(fn, "before", lambda: None)()
            started = time.perf_counter()
            fn()
            samples[name].append((time.perf_counter() - started) * 1000)
    medians = {name: statistics.median(s) for name, s in samples.items()}
    first = next(iter(medians.values()))
    print(f"{label}: " + "; ".join(f"{name} {ms:.0f} ms (x{ms / first:.2f})" for name, ms in medians.items()), flush=True)
    return medians


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()

    import django

    django.setup()
    import mapbox_vector_tile
    from django.core.cache import caches
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from layer_answers import tile_of

    from accounts.models import User
    from geo.models import AdministrativeUnit
    from province import selectors
    from province.tiles import distribution_sql
    from tenants.models import District

    call_command("migrate_schemas", "--shared", verbosity=0)
    call_command("createcachetable", verbosity=0)
    actor, _ = User.objects.get_or_create(username="bench-admin", defaults={"is_superuser": True, "is_staff": True})
    client = Client()
    client.force_login(actor)
    connection.set_schema_to_public()
    districts = District.objects.exclude(schema_name="public").count()
    communes = AdministrativeUnit.objects.filter(level="commune", is_current=True).count()
    print(f"== {districts} districts, {communes} communes; uncached (as after a write), medians of {args.runs} ==", flush=True)
    filters = {"level": "commune", "year": None, "sector": "", "source": "", "measure": "total_investment", "province": ""}

    def cold():
        caches["answers"].clear()
        selectors._breaks_here.clear()

    def breaks():
        with connection.cursor() as cursor:
            cursor.execute(selectors.VALUES_SQL_BY_MEASURE[filters["measure"]], filters)  # the statement the platform runs
            return selectors.class_breaks(cursor.fetchone()[0] or [])

    def bare(sql, params, jit=False, given=None):
        """The breaks' statement then `sql` (with `given` breaks: `sql` alone)."""
        def run():
            values = breaks() if given is None else given
            with connection.cursor() as cursor:
                cursor.execute(f"SET jit = {'on' if jit else 'off'}")
                try:
                    cursor.execute(sql, {**params, "breaks": values})
                    return cursor.fetchone()
                finally:
                    cursor.execute("SET jit = off")
        return run

    def platform(url):
        def run():
            response = client.get(url)
            assert response.status_code == 200, response.content[:300]
            return response.content
        run.before = cold
        return run

    name = "investment-distribution-communes"
    for z, (lon, lat) in ((6, (106.0, 21.1)), (10, (105.95, 21.2))):
        z, x, y = tile_of(lon, lat, z)
        params = {**filters, "z": z, "x": x, "y": y}
        url = f"/tiles/{name}/{z}/{x}/{y}.pbf"
        shaped, full = distribution_sql(name=name), distribution_sql(name=name, shaped=False)
        cold()
        body = platform(url)()
        assert body == bytes(bare(shaped, params)()[0]), "the platform's tile and the bare statement's differ"
        decoded = [{f["properties"]["code"]: f["properties"] for f in mapbox_vector_tile.decode(tile).get(name, {"features": []})["features"]}
                   for tile in (body, bytes(bare(full, params)()[0]))]
        assert decoded[0] == decoded[1], "the generalised tile holds other units or figures than the full-resolution one"
        alternate(f"tile z{z} {x}/{y} ({len(body):,} bytes, {len(decoded[0])} communes)", {
            "platform": platform(url), "bare, shapes": bare(shaped, params), "bare, full resolution": bare(full, params),
            "bare, full resolution, JIT on": bare(full, params, jit=True)}, args.runs)
        values = breaks()
        alternate(f"  the tile statement alone (breaks given), z{z}", {
            "shapes": bare(shaped, params, given=values), "full resolution": bare(full, params, given=values)}, args.runs)

    page = selectors._DISTRIBUTION_VARIANTS[(False, True)]
    params = {**filters, "limit": 500, "offset": 0, "classification": "quantiles"}
    url = "/ogc/collections/investment-distribution-communes/items?limit=500"
    alternate("OGC items, 500 communes", {"platform": platform(url), "bare": bare(page, params),
                                          "bare, JIT on": bare(page, params, jit=True)}, args.runs)
    cold()


if __name__ == "__main__":
    main()

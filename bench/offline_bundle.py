"""Size of what a phone downloads to work offline for one commune (issue 16): GET /d/<slug>/api/me/offline/.

On a scratch database (BENCH_DB_NAME, default sedp_offline; never the development or test databases) with Bắc Ninh and
the demo data (`load_demo`), through every middleware (Django's test client), for a village head and the commune team
of Thị trấn Chờ (09193) and the team of the commune whose boundary has the most vertices, it prints side by side:
bytes of the answer raw and gzipped (level 6, as the layer middleware), the vertices of the boundaries sent, and the
median time of the request; with the boundaries simplified (OFFLINE_SIMPLIFY_DEGREES, default 0.0001) and unsimplified
(tolerance 0).

    .venv/bin/python bench/offline_bundle.py [--runs 9]
"""
import argparse
import gzip
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_on_scratch_database, median_ms  # noqa: E402


def vertices(geometry):
    if geometry is None:
        return 0
    def walk(c):
        return 1 if isinstance(c[0], (int, float)) else sum(walk(x) for x in c)
    return walk(geometry["coordinates"])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    django_on_scratch_database("sedp_offline")
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from accounts.models import User
    from geo.models import AdministrativeUnit

    if not User.objects.filter(username="thon.09193-01").exists():
        call_command("load_demo", verbosity=0)
    settings.ALLOWED_HOSTS = ["*"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT u.code FROM geo_administrativeunit u JOIN geo_administrativeunit d ON d.id = u.parent_id "
                       "JOIN tenants_district t ON t.unit_id = d.id WHERE u.level = 'commune' AND u.is_current "
                       "ORDER BY ST_NPoints(u.geom) DESC LIMIT 1")
        biggest = cursor.fetchone()[0]
    slug_of = {}
    for code in ("09193", biggest):
        commune = AdministrativeUnit.objects.select_related("parent").get(code=code)
        slug_of[code] = commune.parent.tenant.slug
    people = [("thon.09193-01", "09193"), ("xa.09193", "09193"), (f"xa.{biggest}", biggest)]
    default = settings.OFFLINE_SIMPLIFY_DEGREES
    print(f"{'user':<16} {'commune':<8} {'tolerance':>9} {'bytes':>9} {'gzipped':>8} {'vertices':>8} {'median ms':>9}")
    for username, code in people:
        user = User.objects.filter(username=username).first()
        if user is None:
            print(f"{username:<16} (no such demo account)")
            continue
        client = Client()
        client.force_login(user)
        url = f"/d/{slug_of[code]}/api/me/offline/"
        for tolerance in (default, 0.0):
            settings.OFFLINE_SIMPLIFY_DEGREES = tolerance
            response = client.get(url)
            assert response.status_code == 200, response.content[:300]
            body = response.content
            data = json.loads(body)
            points = vertices(data["commune"]["geometry"]) + sum(vertices(f["geometry"]) for f in data["villages"]["features"])
            ms = median_ms(lambda: client.get(url), runs=args.runs)
            print(f"{username:<16} {code:<8} {tolerance:>9g} {len(body):>9,} {len(gzip.compress(body, 6)):>8,} {points:>8,} {ms:>9.1f}")
        settings.OFFLINE_SIMPLIFY_DEGREES = default


if __name__ == "__main__":
    main()

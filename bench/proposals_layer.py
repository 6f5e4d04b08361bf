"""Proposals layer with 50,000 proposals in one district: the API against the same query as bare SQL.

    .venv/bin/python bench/proposals_layer.py [--proposals 50000]

Prints, for a commune bbox and for the whole district at low zoom (server-side clusters), the
median time of the API request (through the whole middleware stack, in process) and of the bare
SQL that builds the same GeoJSON, their ratio, and the SQL queries per request.
Uses a scratch database (sedp_bench); never the demo or test database.
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import django_on_scratch_database, median_ms  # noqa: E402

SLUG = "yen-phong"


def seed(total):
    from django.db import connection

    from accounts.models import Role, User
    from geo.models import AdministrativeUnit
    from proposals.models import Proposal
    from tenants.models import District

    district = District.objects.get(slug=SLUG)
    user, _ = User.objects.get_or_create(username="bench.huyen", defaults={"role": Role.DISTRICT, "unit": district.unit})
    connection.set_tenant(district)
    have = Proposal.objects.count()
    if have < total:
        communes = list(AdministrativeUnit.objects.filter(parent=district.unit, level="commune"))
        per = (total - have) // len(communes) + 1
        with connection.cursor() as cursor:
            for i, commune in enumerate(communes):
                cursor.execute(
                    """
                    INSERT INTO proposals_proposal (commune_id, source_kind, source_name, plan_year, title, sector, problem, cause,
                        solution, beneficiaries, estimated_cost, central_budget, provincial_budget, district_budget, commune_budget,
                        residents_cash, residents_labour_days, residents_labour_value, enterprises, other_sources, geom, status,
                        decision_reason, is_late, is_published, search_text, created_by_id, created_at, updated_at)
                    SELECT %s, 'village', 'Thôn', 2027, 'Đề xuất ' || n, (ARRAY['transport','irrigation','education','health'])[1 + n %% 4],
                        '', '', '', '', 100000000 + n, 0, 0, 0, 0, 0, 0, 0, 0, 0, pt, 'submitted', '', false, false, 'de xuat ' || n, %s, now(), now()
                    FROM (SELECT row_number() OVER () AS n, (ST_Dump(ST_GeneratePoints(geom, %s, %s))).geom AS pt
                          FROM public.geo_administrativeunit WHERE id = %s) g
                    """,
                    [commune.pk, user.pk, per, i + 1, commune.pk],
                )
            cursor.execute("ANALYZE proposals_proposal")
    connection.set_schema_to_public()
    return user, district


# The hand-written SQL the layer kit (geo.layers) is measured against: the proposals layer as it was before the kit.
FEATURE_SQL = """
SELECT max(f.total), coalesce(string_agg(f.feature, ',' ORDER BY f.n), '') FROM (
SELECT page.total, row_number() OVER () AS n, json_build_object(
    'type', 'Feature', 'id', p.id,
    'geometry', ST_AsGeoJSON(p.geom, 6)::json,
    'properties', json_build_object(
        'id', p.id, 'commune', c.code, 'commune_name', c.name, 'village', v.code, 'village_name', v.name,
        'title', p.title, 'sector', p.sector, 'estimated_cost', p.estimated_cost,
        'internal_resources', p.residents_cash + p.residents_labour_value,
        'status', p.status, 'source_kind', p.source_kind, 'source_name', p.source_name,
        'priority', p.priority, 'commune_rank', p.commune_rank, 'is_late', p.is_late,
        'is_published', p.is_published, 'merged_into', p.merged_into_id, 'plan_year', p.plan_year,
        'decision_reason', p.decision_reason
    )
)::text AS feature
FROM (
    SELECT q.id, count(*) OVER () AS total, q.commune_rank, q.created_at
    FROM ({ids}) q
    ORDER BY q.commune_rank NULLS LAST, q.created_at DESC, q.id DESC
    LIMIT %s OFFSET %s
) page
JOIN proposals_proposal p ON p.id = page.id
JOIN public.geo_administrativeunit c ON c.id = p.commune_id
LEFT JOIN public.geo_administrativeunit v ON v.id = p.village_id
ORDER BY page.commune_rank NULLS LAST, page.created_at DESC, page.id DESC
) f
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--proposals", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    django_on_scratch_database()

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from geo.models import AdministrativeUnit
    from proposals.models import Proposal

    user, district = seed(args.proposals)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    commune = AdministrativeUnit.objects.get(code="09193")
    xmin, ymin, xmax, ymax = commune.geom.extent
    bbox = f"{xmin},{ymin},{xmax},{ymax}"
    base = f"/d/{SLUG}/api/proposals/"

    connection.set_tenant(district)
    total = Proposal.objects.count()
    in_bbox = Proposal.objects.filter(geom__intersects=commune.geom.envelope).count()
    connection.set_schema_to_public()

    def api(url):
        def call():
            response = client.get(url)
            assert response.status_code == 200, response.content[:300]
            return response
        return call

    def bare(sql, params):
        def call():
            connection.set_tenant(district)
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                cursor.fetchall()
            connection.set_schema_to_public()
        return call

    rows = "SELECT id, commune_rank, created_at FROM proposals_proposal"
    bbox_sql = FEATURE_SQL.format(ids=rows + " WHERE geom && ST_MakeEnvelope(%s,%s,%s,%s,4326)")
    cell = 360 / 2 ** 10 / 4
    cluster_sql = """
        SELECT json_build_object('type','Feature','geometry',ST_AsGeoJSON(ST_Centroid(ST_Collect(pt)),6)::json,
               'properties',json_build_object('count',count(*),'estimated_cost',sum(cost)))::text
        FROM (SELECT ST_PointOnSurface(geom) pt, estimated_cost cost, ST_SnapToGrid(ST_PointOnSurface(geom), %s) cell FROM proposals_proposal) q
        GROUP BY cell"""
    cases = [
        (f"commune bbox ({in_bbox} features)", api(f"{base}?bbox={bbox}&page_size=5000"), bare(bbox_sql, [xmin, ymin, xmax, ymax, 5000, 0])),
        (f"whole district, low zoom clusters ({total} proposals)", api(f"{base}clusters/?zoom=10"), bare(cluster_sql, [cell])),
        ("whole district, first page of 5000 features", api(f"{base}?page_size=5000"),
         bare(FEATURE_SQL.format(ids=rows), [5000, 0])),
    ]
    print(f"proposals in {SLUG}: {total}")
    print(f"{'case':55} {'API ms':>9} {'SQL ms':>9} {'ratio':>6} {'queries':>8}")
    for name, api_call, sql_call in cases:
        with CaptureQueriesContext(connection) as queries:
            api_call()
        queries = [q for q in queries.captured_queries if not q["sql"].startswith("SET search_path")]
        api_ms = median_ms(api_call, runs=args.runs)
        sql_ms = median_ms(sql_call, runs=args.runs)
        print(f"{name:55} {api_ms:9.1f} {sql_ms:9.1f} {api_ms / sql_ms:6.2f} {len(queries):8d}")


if __name__ == "__main__":
    main()

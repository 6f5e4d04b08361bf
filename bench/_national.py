"""The national case for layer benchmarks in minutes: ~705 districts and ~10,600 communes synthesised from Bắc Ninh's.

Bench-only (never the development, test or demo databases). Each synthetic district 9000+i copies one of
Bắc Ninh's 8 districts (i-1 mod 8): its boundary and its communes' real boundaries (so the vertex counts a tile
clips are real ones), translated to cell i of a 27 × 27 grid over Vietnam's extent (fixtures/synthetic.py's
LON0/LAT0/CELL), and the province rollup rows of that Bắc Ninh district (every year, sector and source) with the
commune codes mapped and the money scaled by a per-district factor (0.5–1.5, deterministic). Units, rollup rows and
refresh times are written by three INSERT … SELECT statements; the district tenants are provisioned from the
template schema (tenants/template.py, as bench/migrate_districts.py does). Idempotent: districts whose code
exists are skipped; a district provisioned before (fixtures.synthetic, 15 blob communes) is kept as it is.
"""
import time

from django.db import connection

from fixtures.synthetic import COLUMNS, DISTRICTS_PER_PROVINCE, LAT0, LON0
from geo.models import AdministrativeUnit
from tenants.models import District
from tenants.services import district_provision

CELL_X, CELL_Y = 0.24, 0.46  # fixtures/synthetic.py's grid: 27 × 27 cells cover 729 districts
_COLUMNS = ("code, name, name_short, slug, unit_type, level, parent_id, population, population_source, area_km2, geom, "
            "is_current, is_demo, geom_source, notes, updated_at")


def national_districts(target: int) -> dict:
    """Bring the database to `target` districts (Bắc Ninh's 8 plus synthetic ones); returns {step: seconds}."""
    timings = {}
    started = time.perf_counter()
    sources = [unit for unit in District.objects.exclude(schema_name="public").order_by("unit__code").values_list("unit_id", "unit__code")
               if not unit[1].startswith("9")]  # Bắc Ninh's own districts (synthetic codes are 9001…)
    sources = [unit_id for unit_id, _code in sources]
    have = District.objects.exclude(schema_name="public").count()
    missing = target - have
    if missing <= 0:
        return timings
    taken = set(AdministrativeUnit.objects.filter(code__gte="9001", code__lte="9999", level="district").values_list("code", flat=True))
    indexes, i = [], 1
    while len(indexes) < missing:
        if str(9000 + i) not in taken:
            indexes.append(i)
        i += 1
    provinces = {}
    for number in sorted({(i - 1) // DISTRICTS_PER_PROVINCE + 1 for i in indexes}):
        provinces[number], _ = AdministrativeUnit.objects.get_or_create(
            code=str(900 + number), defaults={"name": f"Tỉnh Tổng Hợp {number}", "level": "province", "unit_type": "Tỉnh", "is_demo": True})
    spec = ([i for i in indexes], [sources[(i - 1) % len(sources)] for i in indexes],
            [LON0 + ((i - 1) % COLUMNS) * CELL_X for i in indexes], [LAT0 + ((i - 1) // COLUMNS) * CELL_Y for i in indexes],
            [provinces[(i - 1) // DISTRICTS_PER_PROVINCE + 1].pk for i in indexes])
    spec_sql = ("spec AS (SELECT i, src, x0 - ST_XMin(s.geom) AS dx, y0 - ST_YMin(s.geom) AS dy, province, s.code AS src_code, "
                "0.5 + ((i * 7919) %% 101) / 100.0 AS factor "
                "FROM unnest(%s::int[], %s::int[], %s::float8[], %s::float8[], %s::int[]) AS u(i, src, x0, y0, province) "
                "JOIN geo_administrativeunit s ON s.id = u.src)")
    communes_sql = ("communes AS (SELECT c.*, row_number() OVER (PARTITION BY c.parent_id ORDER BY c.code) AS k "
                    "FROM geo_administrativeunit c WHERE c.level = 'commune' AND c.is_current)")
    with connection.cursor() as cursor:
        cursor.execute(f"""WITH {spec_sql}
            INSERT INTO geo_administrativeunit ({_COLUMNS})
            SELECT (9000 + i)::text, 'Huyện Tổng Hợp ' || i, 'Tổng Hợp ' || i, 'syn-' || i, 'Huyện', 'district', province,
                   s.population, '', s.area_km2, ST_Translate(s.geom, dx, dy), true, true, 'bench: ' || s.code, '', now()
            FROM spec JOIN geo_administrativeunit s ON s.id = spec.src""", spec)
        cursor.execute(f"""WITH {spec_sql}, {communes_sql}
            INSERT INTO geo_administrativeunit ({_COLUMNS})
            SELECT (9000 + i)::text || lpad(c.k::text, 2, '0'), 'Xã Tổng Hợp ' || i || '-' || c.k, '', '', c.unit_type, 'commune', d.id,
                   c.population, '', c.area_km2, ST_Translate(c.geom, dx, dy), true, true, 'bench: ' || c.code, '', now()
            FROM spec JOIN communes c ON c.parent_id = spec.src JOIN geo_administrativeunit d ON d.code = (9000 + i)::text""", spec)
        cursor.execute("""UPDATE geo_administrativeunit p SET geom = (SELECT ST_Multi(ST_Union(ST_Envelope(d.geom)))
                          FROM geo_administrativeunit d WHERE d.parent_id = p.id) WHERE p.id = ANY(%s)""",
                       [[p.pk for p in provinces.values()]])
        timings["units (SQL)"] = time.perf_counter() - started
        started = time.perf_counter()
        cursor.execute(f"""WITH {spec_sql}, {communes_sql}
            INSERT INTO province_investmentrollup (district_code, commune_code, year, sector, source, total_investment, planned,
                   allocated, disbursed, project_count, project_share, progress_weight, village_proposals, village_proposals_funded)
            SELECT (9000 + i)::text, CASE WHEN r.commune_code = '' THEN '' ELSE (9000 + i)::text || lpad(c.k::text, 2, '0') END,
                   r.year, r.sector, r.source, round(r.total_investment * factor), round(r.planned * factor), round(r.allocated * factor),
                   round(r.disbursed * factor), r.project_count, r.project_share, round(r.progress_weight * factor),
                   r.village_proposals, r.village_proposals_funded
            FROM spec JOIN province_investmentrollup r ON r.district_code = spec.src_code
            LEFT JOIN communes c ON c.code = r.commune_code
            WHERE r.commune_code = '' OR c.code IS NOT NULL
            ON CONFLICT DO NOTHING""", spec)
        cursor.execute("""INSERT INTO province_rolluprefresh (district_code, refreshed_at)
                          SELECT (9000 + i)::text, now() FROM unnest(%s::int[]) AS i ON CONFLICT DO NOTHING""", [spec[0]])
        timings["rollup rows (SQL)"] = time.perf_counter() - started
    started = time.perf_counter()
    for i in indexes:
        district_provision(code=str(9000 + i), slug=f"syn-{i}")
    timings["district schemas from the template"] = time.perf_counter() - started
    return timings

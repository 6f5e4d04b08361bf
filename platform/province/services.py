"""Writes of province-level data: the calendars of step and reporting deadlines, and the investment rollup the province compares."""
import re

from django.db import connection, transaction
from psycopg import sql

from province.models import BAC_NINH_DEADLINES, DEFAULT_REPORTING_DEADLINES, ReportingDeadline, StepDeadline


def calendar_defaults_ensure():
    """Load Bắc Ninh's step and M&E reporting deadlines where none is set yet. Idempotent; never overwrites."""
    for step, (month, day) in BAC_NINH_DEADLINES.items():
        StepDeadline.objects.get_or_create(
            step=step, from_plan_year=2016, defaults={"month": month, "day": day, "note": "Quyết định 07/2015/QĐ-UBND tỉnh Bắc Ninh"}
        )
    for kind, (village_days, commune_days) in DEFAULT_REPORTING_DEADLINES.items():
        ReportingDeadline.objects.get_or_create(
            kind=kind, defaults={"village_days": village_days, "commune_days": commune_days, "note": "Đ10–11 Quyết định 07/2015/QĐ-UBND"}
        )


# ---- investment rollup (issue 7) ---------------------------------------------------------------
#
# One statement reads a district schema and writes that district's rows of
# public.province_investmentrollup (district row commune_code = '', and a row per commune served),
# for every year (NULL: all years) × sector × source ('': all sources). See InvestmentRollup.

_ROLLUP_INSERT = """
WITH proj AS (
    SELECT p.id AS pid, p.sector, p.total_investment AS total, p.physical_progress AS progress, p.start_year, p.end_year
    FROM {s}.investment_investmentproject p
    WHERE %(communes)s::varchar[] IS NULL OR p.id IN (
        SELECT pc.investmentproject_id FROM {s}.investment_investmentproject_communes pc
        JOIN public.geo_administrativeunit u ON u.id = pc.administrativeunit_id WHERE u.code = ANY(%(communes)s::varchar[]))
),
src AS (SELECT project_id AS pid, source, amount FROM {s}.investment_projectsource WHERE project_id IN (SELECT pid FROM proj)),
alloc AS (
    SELECT a.project_id AS pid, a.year::int AS year, a.source, sum(a.amount) AS planned,
           sum(a.amount) FILTER (WHERE pl.state = 'approved') AS allocated
    FROM {s}.investment_allocation a JOIN {s}.investment_publicinvestmentplan pl ON pl.id = a.plan_id
    WHERE a.project_id IN (SELECT pid FROM proj)
    GROUP BY GROUPING SETS ((a.project_id), (a.project_id, a.source), (a.project_id, a.year), (a.project_id, a.year, a.source))
),
disb AS (
    SELECT project_id AS pid, extract(year FROM paid_on)::int AS year, sum(amount) AS disbursed
    FROM {s}.investment_disbursement WHERE project_id IN (SELECT pid FROM proj) GROUP BY GROUPING SETS ((project_id), (project_id, extract(year FROM paid_on)::int))
),
years AS (
    SELECT pid, generate_series(start_year::int, end_year::int) AS year FROM proj
    UNION SELECT pid, year FROM alloc WHERE year IS NOT NULL
    UNION SELECT pid, year FROM disb WHERE year IS NOT NULL
),
keys AS (
    SELECT pid, NULL::int AS year, ''::varchar AS source FROM proj
    UNION ALL SELECT pid, NULL::int, source FROM src
    UNION ALL SELECT pid, year, '' FROM years
    UNION ALL SELECT y.pid, y.year, s.source FROM years y JOIN src s ON s.pid = y.pid
),
facts AS (
    SELECT k.pid, k.year, k.source, p.sector,
        CASE WHEN k.year IS NULL OR k.year BETWEEN p.start_year AND p.end_year
             THEN CASE WHEN k.source = '' THEN p.total ELSE coalesce(s.amount, 0) END ELSE 0 END AS total,
        coalesce(a.planned, 0) AS planned,
        coalesce(a.allocated, 0) AS allocated,
        CASE WHEN k.source = '' THEN coalesce(d.disbursed, 0)
             WHEN p.total > 0 THEN round(coalesce(d.disbursed, 0)::numeric * coalesce(s.amount, 0) / p.total)::bigint
             ELSE 0 END AS disbursed,
        p.progress
    FROM keys k
    JOIN proj p ON p.pid = k.pid
    LEFT JOIN src s ON s.pid = k.pid AND s.source = k.source
    LEFT JOIN alloc a ON a.pid = k.pid AND a.year IS NOT DISTINCT FROM k.year
        AND coalesce(a.source, '') = k.source
        AND (a.source IS NOT NULL OR k.source = '')
    LEFT JOIN disb d ON d.pid = k.pid AND d.year IS NOT DISTINCT FROM k.year
),
served AS (
    SELECT pc.investmentproject_id AS pid, u.code AS commune,
           row_number() OVER (PARTITION BY pc.investmentproject_id ORDER BY u.code) AS k,
           count(*) OVER (PARTITION BY pc.investmentproject_id) AS n
    FROM {s}.investment_investmentproject_communes pc JOIN public.geo_administrativeunit u ON u.id = pc.administrativeunit_id
    WHERE pc.investmentproject_id IN (SELECT pid FROM proj)
),
money AS (
    -- A project's money is split evenly between the communes it serves; the remainder đồng go to the lowest codes.
    SELECT u.commune, f.year, f.sector, f.source,
        f.total / u.n + (u.k <= f.total %% u.n)::int AS total,
        f.planned / u.n + (u.k <= f.planned %% u.n)::int AS planned,
        f.allocated / u.n + (u.k <= f.allocated %% u.n)::int AS allocated,
        f.disbursed / u.n + (u.k <= f.disbursed %% u.n)::int AS disbursed,
        1 AS projects, 1::numeric(40, 30) / u.n AS project_share,
        round(f.total::numeric * f.progress / u.n) AS progress_weight,
        0 AS village_proposals, 0 AS village_proposals_funded
    FROM facts f JOIN served u ON u.pid = f.pid
    WHERE %(communes)s::varchar[] IS NULL OR u.commune = ANY(%(communes)s::varchar[])
),
village AS (
    SELECT u.code AS commune, pr.plan_year, pr.sector,
           EXISTS (SELECT 1 FROM {s}.investment_investmentproject_proposals pp WHERE pp.proposal_id = pr.id) AS funded
    FROM {s}.proposals_proposal pr JOIN public.geo_administrativeunit u ON u.id = pr.commune_id
    WHERE pr.source_kind = 'village' AND pr.status <> 'merged' AND (%(communes)s::varchar[] IS NULL OR u.code = ANY(%(communes)s::varchar[]))
),
proposals AS (
    SELECT v.commune, y.year, v.sector, ''::varchar AS source, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0, 0::numeric(40, 30),
           0::numeric, 1, v.funded::int
    FROM village v
    CROSS JOIN LATERAL (VALUES (v.plan_year), (NULL::int)) AS y(year)
)
INSERT INTO public.province_investmentrollup
    (district_code, commune_code, year, sector, source, total_investment, planned, allocated, disbursed, project_count,
     project_share, progress_weight, village_proposals, village_proposals_funded)
SELECT %(district)s, commune, year, sector, source, sum(total), sum(planned), sum(allocated), sum(disbursed), sum(projects),
       sum(project_share), sum(progress_weight), sum(village_proposals), sum(village_proposals_funded)
FROM (SELECT * FROM money UNION ALL SELECT * FROM proposals) rows
GROUP BY commune, year, sector, source
"""

# The district rows are the sums of its commune rows (money splits exactly; project shares add up to whole projects).
_ROLLUP_DISTRICT_ROWS = """
INSERT INTO public.province_investmentrollup
    (district_code, commune_code, year, sector, source, total_investment, planned, allocated, disbursed, project_count,
     project_share, progress_weight, village_proposals, village_proposals_funded)
SELECT district_code, '', year, sector, source, sum(total_investment), sum(planned), sum(allocated), sum(disbursed),
       round(sum(project_share)), round(sum(project_share)), sum(progress_weight), sum(village_proposals), sum(village_proposals_funded)
FROM public.province_investmentrollup
WHERE district_code = %(district)s AND commune_code <> ''
GROUP BY district_code, year, sector, source
"""

_ROLLUP_DELETE = """
DELETE FROM public.province_investmentrollup
WHERE district_code = %(district)s AND (%(communes)s::varchar[] IS NULL OR commune_code = '' OR commune_code = ANY(%(communes)s::varchar[]))
"""

_ROLLUP_STAMP = """
INSERT INTO public.province_rolluprefresh (district_code, refreshed_at) VALUES (%(district)s, now())
ON CONFLICT (district_code) DO UPDATE SET refreshed_at = excluded.refreshed_at
"""


def _schema_identifier(schema_name):
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", schema_name or ""):
        raise ValueError(f"not a district schema: {schema_name!r}")
    return sql.Identifier(schema_name)


@transaction.atomic
def rollup_refresh(*, district, commune_codes=None):
    """Bring the province's investment rollup of one district up to date from its schema, in the caller's transaction.

    With `commune_codes`, only those communes' rows are recomputed from the projects serving them
    (a write to one project touches only the communes it serves, before and after), then the
    district's rows are summed again from its commune rows in the public schema; without, the whole
    district. The investment services call this inside their own transaction, so the province
    figures change exactly when the district's data does, and a refused write leaves both as they were.
    """
    if district is None or district.schema_name == "public":
        return
    params = {"district": district.unit.code, "communes": None if commune_codes is None else sorted(set(commune_codes))}
    with connection.cursor() as cursor:
        insert = sql.SQL(_ROLLUP_INSERT).format(s=_schema_identifier(district.schema_name)).as_string(cursor.connection)
        cursor.execute(_ROLLUP_DELETE, params)
        cursor.execute(insert, params)
        cursor.execute(_ROLLUP_DISTRICT_ROWS, params)
        cursor.execute(_ROLLUP_STAMP, params)


def rollup_rebuild(*, districts=None):
    """Recompute the rollup of these districts (default: all), each in its own transaction; returns how many."""
    from tenants.models import District

    districts = districts if districts is not None else District.objects.exclude(schema_name="public").select_related("unit")
    count = 0
    for district in districts:
        rollup_refresh(district=district)
        count += 1
    return count

"""Writes of province-level data: the investment rollup and the plan-cycle rollup the province compares."""
import re

import psycopg
from django.db import connection, transaction
from psycopg import sql

from tenants.models import District

# ---- investment rollup (issue 7) ---------------------------------------------------------------
#
# ONE statement reads a district schema and brings up to date, in the caller's transaction:
# - that district's rows of public.province_investmentrollup (district row commune_code = '', and a
#   row per commune served) for every year (NULL: all years) × sector × source ('': all sources);
# - its rows of public.province_projectpoint (one point per project, for the all-projects map);
# - its refresh stamp in public.province_rolluprefresh.
# The rows are upserted on their key and rewritten only where a figure changed (most rows of a
# commune do not change when one project does), keys that vanished are deleted. One round trip, one
# plan: the four statements it replaces cost more in planning and round trips than in work.
#
# Parameters: district (its code), communes (codes to
# recompute) and projects (ids whose communes, and the communes of the proposals they answer, both
# read here, are recomputed too). {whole} (the whole district, or only the communes) is part of the text.

_ROLLUP_REFRESH = """
WITH scope AS (
    SELECT ARRAY(
        SELECT unnest(%(communes)s::varchar[])
        UNION
        SELECT u.code FROM {s}.investment_investmentproject_communes pc
        JOIN public.geo_administrativeunit u ON u.id = pc.administrativeunit_id
        WHERE pc.investmentproject_id = ANY(%(projects)s::int[])
        UNION  -- the communes of the proposals they answer: their "funded" count may change
        SELECT u.code FROM {s}.investment_investmentproject_proposals pp
        JOIN {s}.proposals_proposal pr ON pr.id = pp.proposal_id
        JOIN public.geo_administrativeunit u ON u.id = pr.commune_id
        WHERE pp.investmentproject_id = ANY(%(projects)s::int[])
    ) AS codes
),
units AS (SELECT id FROM public.geo_administrativeunit WHERE code = ANY((SELECT codes FROM scope)::varchar[])),
proj AS (
    SELECT p.id AS pid, p.code, p.name, p.status, p.geom, p.sector, p.total_investment AS total, p.physical_progress AS progress,
           p.start_year, p.end_year
    FROM {s}.investment_investmentproject p
    WHERE {whole} OR p.id IN (
        SELECT pc.investmentproject_id FROM {s}.investment_investmentproject_communes pc WHERE pc.administrativeunit_id IN (SELECT id FROM units))
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
        -- Whole đồng (sum() gives numeric): the split between communes below divides integers.
        coalesce(a.planned, 0)::bigint AS planned,
        coalesce(a.allocated, 0)::bigint AS allocated,
        CASE WHEN k.source = '' THEN coalesce(d.disbursed, 0)::bigint
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
    WHERE {whole} OR u.commune = ANY((SELECT codes FROM scope)::varchar[])
),
village AS (
    SELECT u.code AS commune, pr.plan_year, pr.sector,
           EXISTS (SELECT 1 FROM {s}.investment_investmentproject_proposals pp WHERE pp.proposal_id = pr.id) AS funded
    FROM {s}.proposals_proposal pr JOIN public.geo_administrativeunit u ON u.id = pr.commune_id
    WHERE pr.source_kind = 'village' AND pr.status <> 'merged' AND ({whole} OR pr.commune_id IN (SELECT id FROM units))
),
proposals AS (
    SELECT v.commune, y.year, v.sector, ''::varchar AS source, 0::bigint, 0::bigint, 0::bigint, 0::bigint, 0, 0::numeric(40, 30),
           0::numeric, 1, v.funded::int
    FROM village v
    CROSS JOIN LATERAL (VALUES (v.plan_year), (NULL::int)) AS y(year)
),
commune_rows AS (
    SELECT commune, year, sector, source, sum(total) AS total_investment, sum(planned) AS planned, sum(allocated) AS allocated,
           sum(disbursed) AS disbursed, sum(projects) AS project_count, sum(project_share) AS project_share,
           sum(progress_weight) AS progress_weight, sum(village_proposals) AS village_proposals,
           sum(village_proposals_funded) AS village_proposals_funded
    FROM (SELECT * FROM money UNION ALL SELECT * FROM proposals) rows
    GROUP BY commune, year, sector, source
),
-- The stored rows the refresh may change: the district's rows ('') and the touched communes'.
existing AS (
    SELECT r.id, r.commune_code AS commune, r.year, r.sector, r.source, r.total_investment, r.planned, r.allocated, r.disbursed,
           r.project_count, r.project_share, r.progress_weight, r.village_proposals, r.village_proposals_funded
    FROM public.province_investmentrollup r
    WHERE r.district_code = %(district)s AND ({whole} OR r.commune_code = ANY(array_append((SELECT codes FROM scope)::varchar[], '')))
),
-- The district rows are the sums of its commune rows: the stored district rows, less the touched communes' stored
-- rows, plus their rows just computed (or, for the whole district, the sums of the rows just computed). Money and
-- counts are whole numbers, so this is exact; project shares add up to whole projects. A key left with neither a
-- project nor a village proposal is gone, as it would be from a full rebuild.
district_rows AS (
    SELECT ''::varchar AS commune, year, sector, source, sum(total_investment) AS total_investment, sum(planned) AS planned,
           sum(allocated) AS allocated, sum(disbursed) AS disbursed, round(sum(project_share)) AS project_count,
           round(sum(project_share)) AS project_share, sum(progress_weight) AS progress_weight,
           sum(village_proposals) AS village_proposals, sum(village_proposals_funded) AS village_proposals_funded
    FROM (
        SELECT year, sector, source, total_investment, planned, allocated, disbursed, project_share, progress_weight,
               village_proposals, village_proposals_funded
        FROM existing WHERE NOT {whole} AND commune = ''
        UNION ALL
        SELECT year, sector, source, -total_investment, -planned, -allocated, -disbursed, -project_share, -progress_weight,
               -village_proposals, -village_proposals_funded
        FROM existing WHERE NOT {whole} AND commune <> ''
        UNION ALL
        SELECT year, sector, source, total_investment, planned, allocated, disbursed, project_share, progress_weight,
               village_proposals, village_proposals_funded
        FROM commune_rows
    ) parts
    GROUP BY year, sector, source
    HAVING round(sum(project_share)) > 0 OR sum(village_proposals) > 0
),
fresh AS (SELECT * FROM commune_rows UNION ALL SELECT * FROM district_rows),
-- Only the rows that are new or whose figures changed are written (most of a commune's rows do not change when one
-- project does): an upsert of every row would lock and rewrite them all.
upserted AS (
    INSERT INTO public.province_investmentrollup AS r
        (district_code, commune_code, year, sector, source, total_investment, planned, allocated, disbursed, project_count,
         project_share, progress_weight, village_proposals, village_proposals_funded)
    SELECT %(district)s, f.commune, f.year, f.sector, f.source, f.total_investment, f.planned, f.allocated, f.disbursed,
           f.project_count, f.project_share, f.progress_weight, f.village_proposals, f.village_proposals_funded
    FROM fresh f
    WHERE NOT EXISTS (
        SELECT 1 FROM existing e
        WHERE e.commune = f.commune AND coalesce(e.year, 0) = coalesce(f.year, 0) AND e.sector = f.sector AND e.source = f.source
          AND e.total_investment = f.total_investment AND e.planned = f.planned AND e.allocated = f.allocated
          AND e.disbursed = f.disbursed AND e.project_count = f.project_count AND e.project_share = f.project_share
          AND e.progress_weight = f.progress_weight AND e.village_proposals = f.village_proposals
          AND e.village_proposals_funded = f.village_proposals_funded)
    ON CONFLICT (district_code, commune_code, year, sector, source) DO UPDATE SET
        total_investment = excluded.total_investment, planned = excluded.planned, allocated = excluded.allocated,
        disbursed = excluded.disbursed, project_count = excluded.project_count, project_share = excluded.project_share,
        progress_weight = excluded.progress_weight, village_proposals = excluded.village_proposals,
        village_proposals_funded = excluded.village_proposals_funded
    RETURNING 1
),
vanished AS (
    DELETE FROM public.province_investmentrollup
    WHERE id IN (
        SELECT e.id FROM existing e
        WHERE NOT EXISTS (SELECT 1 FROM fresh f WHERE f.commune = e.commune AND coalesce(f.year, 0) = coalesce(e.year, 0)
                                                 AND f.sector = e.sector AND f.source = e.source))
    RETURNING 1
),
points AS (
    SELECT p.pid, p.code, p.name, p.sector, p.status, p.start_year, p.end_year, p.total, p.progress,
           (array_agg(u.commune ORDER BY u.commune))[1] AS commune, array_agg(u.commune ORDER BY u.commune) AS communes,
           ARRAY(SELECT s.source FROM src s WHERE s.pid = p.pid ORDER BY s.source) AS sources,
           CASE WHEN GeometryType(p.geom) = 'POINT' THEN p.geom ELSE ST_PointOnSurface(p.geom) END AS geom
    FROM proj p JOIN served u ON u.pid = p.pid
    GROUP BY p.pid, p.code, p.name, p.sector, p.status, p.start_year, p.end_year, p.total, p.progress, p.geom
),
points_upserted AS (
    INSERT INTO public.province_projectpoint AS pp
        (district_code, project_id, commune_code, communes, code, name, sector, sources, status, start_year, end_year,
         total_investment, planned, allocated, disbursed, physical_progress, geom)
    SELECT %(district)s, pt.pid, pt.commune, pt.communes, pt.code, pt.name, pt.sector, pt.sources, pt.status, pt.start_year,
           pt.end_year, pt.total, f.planned, f.allocated, f.disbursed, pt.progress, pt.geom
    FROM points pt JOIN facts f ON f.pid = pt.pid AND f.year IS NULL AND f.source = ''
    ON CONFLICT (district_code, project_id) DO UPDATE SET
        commune_code = excluded.commune_code, communes = excluded.communes, code = excluded.code, name = excluded.name,
        sector = excluded.sector, sources = excluded.sources, status = excluded.status, start_year = excluded.start_year,
        end_year = excluded.end_year, total_investment = excluded.total_investment, planned = excluded.planned,
        allocated = excluded.allocated, disbursed = excluded.disbursed, physical_progress = excluded.physical_progress,
        geom = excluded.geom
    WHERE (pp.commune_code, pp.communes, pp.code, pp.name, pp.sector, pp.sources, pp.status, pp.start_year, pp.end_year,
           pp.total_investment, pp.planned, pp.allocated, pp.disbursed, pp.physical_progress)
          IS DISTINCT FROM
          (excluded.commune_code, excluded.communes, excluded.code, excluded.name, excluded.sector, excluded.sources,
           excluded.status, excluded.start_year, excluded.end_year, excluded.total_investment, excluded.planned,
           excluded.allocated, excluded.disbursed, excluded.physical_progress)
       OR NOT ST_Equals(pp.geom, excluded.geom)
    RETURNING 1
),
points_vanished AS (
    DELETE FROM public.province_projectpoint pp
    WHERE pp.district_code = %(district)s
      AND ({whole} OR pp.communes && (SELECT codes FROM scope) OR pp.project_id = ANY(%(projects)s::int[]))
      AND pp.project_id NOT IN (SELECT pid FROM points)
    RETURNING 1
)
INSERT INTO public.province_rolluprefresh (district_code, refreshed_at) VALUES (%(district)s, now())
ON CONFLICT (district_code) DO UPDATE SET refreshed_at = excluded.refreshed_at
"""


_ROLLUP_LOCK = "SELECT pg_advisory_xact_lock(hashtext('province_rollup:' || %(district)s))"


def _schema_identifier(schema_name):
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", schema_name or ""):
        raise ValueError(f"not a district schema: {schema_name!r}")
    return sql.Identifier(schema_name)


# The statement's text per schema, composed once per process (composing it costs more than a millisecond).
_refresh_sql_cache = {}


def _refresh_sql(schema_name, cursor, *, whole=False):
    # `whole` is written into the text, not bound: two statements, each with a generic plan that folds the
    # conditions it does not need (an incremental refresh reads the touched communes' rows by index).
    text = _refresh_sql_cache.get((schema_name, whole))
    if text is None:
        text = sql.SQL(_ROLLUP_REFRESH).format(
            s=_schema_identifier(schema_name), whole=sql.SQL("true" if whole else "false")
        ).as_string(cursor.connection)
        _refresh_sql_cache[(schema_name, whole)] = text
    return text


def rollup_refresh(*, district, commune_codes=None, project_ids=()):
    """Bring the province's investment rollup and project points of one district up to date from its schema, in the caller's transaction.

    With `commune_codes` and/or `project_ids`, only those communes (and the communes those projects
    serve now) are recomputed from the projects serving them: a write to one project touches only the
    communes it serves, before and after; the district's rows follow by difference (exact: whole đồng).
    With neither (`commune_codes=None`), the whole district. One SQL statement (see _ROLLUP_REFRESH).
    The district services call this inside their own transaction, so the province figures change
    exactly when the district's data does, and a refused write leaves both as they were. (Inside the
    caller's transaction it opens no savepoint, which would cost two more round trips.) Refreshes of one
    district are serialised by a transaction-level advisory lock.
    """
    if district is None or district.schema_name == "public":
        return
    if not hasattr(district, "unit"):  # a schema set by name (django-tenants' FakeTenant): find its district
        district = District.objects.select_related("unit").get(schema_name=district.schema_name)
    whole = commune_codes is None and not project_ids
    params = {
        "district": district.unit.code, "communes": sorted(set(commune_codes or ())),
        "projects": sorted({int(pk) for pk in project_ids}),
    }
    if not connection.in_atomic_block:  # the lock below lasts until the transaction ends: give it one
        with transaction.atomic():
            return rollup_refresh(district=district, commune_codes=commune_codes, project_ids=project_ids)
    with connection.cursor() as cursor:
        # One refresh of a district at a time, until the writer commits: a second writer's refresh then starts (and
        # takes its snapshot) after the first's data is visible, so neither computes from a state missing the other's
        # write (READ COMMITTED). Without it, two writes in one district could leave its rows or its district sums stale.
        cursor.execute(_ROLLUP_LOCK, params)
        _execute_prepared(cursor, _refresh_sql(district.schema_name, cursor, whole=whole), params)


def _execute_prepared(cursor, query, params):
    """Run the refresh as a server-side prepared statement of this connection (psycopg 3).

    Planning this statement costs more than running it for one commune (EXPLAIN ANALYZE: about 5 ms
    against 2–5 ms on this machine), and a write pays it every time. Django turns psycopg's prepared
    statements off for the whole connection (for transaction-mode poolers; we use PgBouncer in session
    mode only, see docs/SCALE-OUT.md, "3. PgBouncer"); this opts in for this one statement: the threshold stays out of reach for
    every other query, and the refresh is prepared on its first run on each connection. psycopg
    forgets its prepared statements on any ROLLBACK and prepares again on the next run. The session
    asks for generic plans (plan_cache_mode; it concerns prepared statements only, so only this one):
    PostgreSQL's default plans a custom plan for the first five runs before it settles on the generic
    one. (Set here rather than in the connection options, which PgBouncer refuses; if a rollback undoes
    the SET, the default still reaches the generic plan after five runs.)
    """
    raw = cursor.cursor.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = 2**31 - 1  # never reached: only `prepare=True` prepares
        cursor.execute("SET plan_cache_mode = force_generic_plan")
    with connection.wrap_database_errors:  # psycopg's errors as Django's, as from any cursor
        psycopg.Cursor(raw).execute(query, params, prepare=True)


# ---- plan-cycle rollup (Đ15) --------------------------------------------------------------------
# The province's copy of every commune's cycle step (province_cyclerollup), refreshed from the district
# schema for the communes the plan services announce (core.signals.cycle_changed), in their transaction.

# Two statements, not a data-modifying CTE: a CTE's DELETE and the INSERT's ON CONFLICT would touch the same
# row in one statement, in an order PostgreSQL does not promise.
_CYCLE_DELETE = """
DELETE FROM public.province_cyclerollup WHERE schema_name = %(schema)s AND (%(whole)s OR commune_id = ANY(%(communes)s))
"""
_CYCLE_INSERT = """
INSERT INTO public.province_cyclerollup (schema_name, commune_id, plan_year, step, late_steps, days_late, updated_at)
SELECT %(schema)s, c.commune_id, c.plan_year, c.step, coalesce(late.n, 0), coalesce(late.days, 0), now()
FROM {cycles} c
LEFT JOIN LATERAL (
    -- core.deadlines.lateness: done late when the decision is dated after the due date kept with the step
    SELECT count(*) AS n, max(t.decided_on - t.due_on) AS days FROM {transitions} t WHERE t.cycle_id = c.id AND t.decided_on > t.due_on
) late ON true
WHERE %(whole)s OR c.commune_id = ANY(%(communes)s)
ON CONFLICT (commune_id, plan_year) DO UPDATE
    SET schema_name = excluded.schema_name, step = excluded.step, late_steps = excluded.late_steps, days_late = excluded.days_late,
        updated_at = excluded.updated_at
"""


def cycle_rollup_refresh(*, district, commune_ids=None) -> None:
    """Bring the province's copy of a district's plan cycles (CycleRollup) up to date from its schema, in the caller's transaction.

    `commune_ids`: AdministrativeUnit ids of the communes whose cycles changed (None: the whole district).
    The district's rows of those communes are replaced by what its `plans_plancycle` holds now (created,
    moved on or deleted cycles alike), with the steps done late and the most days late from `plans_cycletransition`. A cycle moved between districts keeps one row (the
    key is commune × plan year).
    """
    if district is None or district.schema_name == "public":
        return
    params = {"schema": district.schema_name, "whole": commune_ids is None, "communes": list(commune_ids or ())}
    insert = sql.SQL(_CYCLE_INSERT).format(cycles=sql.Identifier(district.schema_name, "plans_plancycle"),
                                           transitions=sql.Identifier(district.schema_name, "plans_cycletransition"))
    with connection.cursor() as cursor:
        cursor.execute(_CYCLE_DELETE, params)
        cursor.execute(insert.as_string(cursor.connection), params)


def on_investment_changed(sender, *, district, commune_codes=None, project_ids=(), **kwargs):
    """Receiver of core.signals.investment_changed: refresh the investment rollup of what changed."""
    rollup_refresh(district=district, commune_codes=commune_codes, project_ids=project_ids)


def on_project_deleted(sender, *, instance, **kwargs):
    """Receiver of InvestmentProject's post_delete: the whole district's rollup, in the deleting transaction.

    A project deleted without a service (a queryset's delete, a cascade, an operator's shell) announced nothing, and its
    rollup rows stayed: the province kept counting it (a committed 3 bn project of Yên Phong, removed that way by a test's
    cleanup, was still in the province's figures of every later test). Its communes are gone with it, so the whole
    district is recomputed (one statement; deletes are rare)."""
    rollup_refresh(district=getattr(connection, "tenant", None))


def on_cycle_changed(sender, *, district, commune_ids=None, **kwargs):
    """Receiver of core.signals.cycle_changed: refresh the plan-cycle rollup of those communes."""
    cycle_rollup_refresh(district=district, commune_ids=commune_ids)


def rollup_rebuild(*, districts=None):
    """Recompute both rollups (investment, plan cycles) of these districts (default: all), each in its own transaction; returns how many.

    For what the services did not announce: a restore, a bulk import, a fix in SQL.
    """
    districts = districts if districts is not None else District.objects.exclude(schema_name="public").select_related("unit")
    count = 0
    for district in districts:
        with transaction.atomic():
            rollup_refresh(district=district)
            cycle_rollup_refresh(district=district)
        count += 1
    return count

"""Reads of province-level data: the calendar, and the investment rollup the province compares.

The investment reads never touch a district schema: they read `province.InvestmentRollup`, which the
districts' own writes keep current (see `province.services.rollup_refresh`). Plan-cycle compliance
reads the province's copy of the districts' cycles (`CycleRollup`), kept by the same kind of refresh.
"""
import hashlib
import json
import warnings
from statistics import median

import numpy
from django.core.cache import caches
from django.db import connection
from django.db.models import Count, Q
from django.utils import timezone

from core.deadlines import Lateness, lateness
from core.models import PlanStep
from core.selectors import deadlines_for
from geo import versions
from geo.layers import moment_sql
from geo.models import AdministrativeUnit
from geo.replica import read_connection
from plans.models import PUBLISHED
from province.models import CycleRollup
from tenants.models import District

MEASURES = ("total_investment", "per_resident", "per_km2", "planned", "allocated", "disbursed")
LEVELS = ("district", "commune")
CLASSIFICATIONS = ("quantiles", "fisher_jenks")
FISHER_JENKS_MAX = 2000  # values; measured with numba: 1,500 values 71 ms, 10,000 values 5.5 s (O(n²))


# The colour classes of the map, the ONE place they are decided: the comparison page (Leaflet), its vector
# tiles and the PNG draw each unit with CLASS_COLOURS[feature.class] and the legend the GeoJSON carries.
# `class_breaks` computes the breaks (zero alone, then quantiles or Fisher-Jenks natural breaks over the units
# above zero); a unit goes in the lowest class whose upper break it does not exceed; a unit without a value
# (per resident with no population) is NO_DATA_COLOUR.
CLASS_COLOURS = ("#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704")
NO_DATA_COLOUR = "#d9d9d9"

# One statement: the units of the level (districts that are tenants, or their current communes), their
# figures summed over sectors from the rollup, per resident and per km², the class breaks over ALL units
# (so a bbox or a page never changes a unit's colour), and the GeoJSON, built by PostgreSQL.
# `{shown}` chooses the features (a bbox) and `{window}` the page; `_DISTRIBUTION_SQL` is the whole layer.
_DISTRIBUTION_TEMPLATE = """
WITH districts AS (
    SELECT u.id, u.code FROM tenants_district t JOIN geo_administrativeunit u ON u.id = t.unit_id
    WHERE t.schema_name <> 'public'
      AND (%(province)s = '' OR u.parent_id = (SELECT p.id FROM geo_administrativeunit p WHERE p.code = %(province)s AND p.level = 'province'))
),
units AS (
    SELECT u.id, u.code, u.name, d.code AS district, u.population,
           coalesce(u.area_km2, ST_Area(u.geom::geography) / 1e6) AS area_km2
    FROM geo_administrativeunit u
    JOIN districts d ON (%(level)s = 'district' AND u.id = d.id)
                     OR (%(level)s = 'commune' AND u.parent_id = d.id AND u.level = 'commune' AND u.is_current)
),
-- Computed once: the planner cannot count one province's districts ahead, and would otherwise
-- aggregate the rollup again for every unit (measured at 705 districts: 90 ms instead of 5).
figures AS MATERIALIZED (
    SELECT CASE WHEN %(level)s = 'district' THEN district_code ELSE commune_code END AS code,
           sum(total_investment) AS total_investment, sum(planned) AS planned, sum(allocated) AS allocated,
           sum(disbursed) AS disbursed, sum(project_count) AS project_count,
           sum(progress_weight) AS progress_weight
    FROM province_investmentrollup
    WHERE (commune_code = '') = (%(level)s = 'district')
      AND year IS NOT DISTINCT FROM %(year)s AND source = %(source)s AND (%(sector)s = '' OR sector = %(sector)s)
      AND district_code IN (SELECT code FROM districts)  -- one province's rows only, not the country's
    GROUP BY 1
),
rows AS (
    SELECT u.*, coalesce(f.total_investment, 0) AS total_investment, coalesce(f.planned, 0) AS planned,
           coalesce(f.allocated, 0) AS allocated, coalesce(f.disbursed, 0) AS disbursed,
           coalesce(f.project_count, 0) AS project_count,
           CASE WHEN coalesce(f.total_investment, 0) > 0 THEN round(f.progress_weight / f.total_investment, 1) END AS progress,
           r.refreshed_at
    FROM units u
    LEFT JOIN figures f ON f.code = u.code
    LEFT JOIN province_rolluprefresh r ON r.district_code = u.district
),
per_unit AS (
    SELECT rows.*,
           CASE WHEN population > 0 THEN round(total_investment::numeric / population)::bigint END AS per_resident,
           CASE WHEN area_km2 > 0 THEN round(total_investment::numeric / area_km2::numeric)::bigint END AS per_km2
    FROM rows
),
measured AS (
    SELECT per_unit.*,
           CASE %(measure)s WHEN 'per_resident' THEN per_resident WHEN 'per_km2' THEN per_km2
                WHEN 'planned' THEN planned WHEN 'allocated' THEN allocated WHEN 'disbursed' THEN disbursed
                ELSE total_investment END::numeric AS value
    FROM per_unit
),
-- The breaks come from `class_breaks` (Python: mapclassify), over the values of `_VALUES_SQL`.
-- (one pass over the units, which also gives the layer's freshness)
ranked AS (
    SELECT min(value) AS lowest, max(refreshed_at) AS refreshed_at, min(refreshed_at) AS oldest_refresh
    FROM measured
),
breaks AS (
    SELECT lowest, refreshed_at, oldest_refresh, %(breaks)s::numeric[] AS b FROM ranked
),
classed AS (
    SELECT m.*, CASE WHEN m.value IS NOT NULL THEN {class_sum} END AS class
    FROM measured m CROSS JOIN breaks
),
-- Each class's bounds are the lowest and highest value of its units, so the legend's ranges never overlap.
class_counts AS (SELECT class, count(*) AS n, min(value) AS lo, max(value) AS hi FROM classed GROUP BY class),
-- The geometry joins in only here, so the CTEs above (materialised, being read more than once) stay small.
shown AS (SELECT c.*, g.geom FROM classed c JOIN geo_administrativeunit g ON g.id = c.id {shown})
-- The features are joined as text: casting each geometry's GeoJSON to json would make PostgreSQL parse
-- every coordinate again only to print it back.
SELECT {count}, left(json_build_object(
    'type', 'FeatureCollection',
    'level', %(level)s, 'year', %(year)s::int, 'sector', nullif(%(sector)s, ''), 'source', nullif(%(source)s, ''), 'measure', %(measure)s,
    'classification', %(classification)s,
    'refreshed_at', (SELECT {moment_refreshed} FROM breaks), 'oldest_refresh', (SELECT {moment_oldest} FROM breaks),
    'legend', (
        SELECT json_build_object(
            'breaks', b,
            'classes', coalesce((
                SELECT json_agg(json_build_object(
                    'class', c, 'colour', (ARRAY[{colours}])[c + 1],
                    'min', (SELECT lo FROM class_counts WHERE class = c),
                    'max', (SELECT hi FROM class_counts WHERE class = c),
                    'count', coalesce((SELECT n FROM class_counts WHERE class = c), 0)
                ) ORDER BY c)
                FROM generate_series(0, cardinality(b)) c WHERE lowest IS NOT NULL
            ), '[]'::json),
            'no_data', json_build_object('colour', {no_data}, 'count', coalesce((SELECT n FROM class_counts WHERE class IS NULL), 0))
        ) FROM breaks
    )
)::text, -1) || ', "features" : [' || coalesce((SELECT string_agg(
    '{{"type": "Feature", "id": ' || to_json(code)::text || ', "geometry": ' || ST_AsGeoJSON(geom, 6) || ', "properties": ' || json_build_object(
        'code', code, 'name', name, 'district', district,
        'total_investment', total_investment, 'planned', planned, 'allocated', allocated, 'disbursed', disbursed,
        'project_count', project_count, 'progress', progress,
        'population', population, 'area_km2', round(area_km2::numeric, 2),
        'per_resident', per_resident, 'per_km2', per_km2,
        'value', value, 'class', class,
        'refreshed_at', {moment_refreshed}
    )::text || '}}', ', ' ORDER BY code) FROM (SELECT * FROM shown ORDER BY code {window}) page), '') || ']}}'
"""


# the number of breaks the value exceeds (an expression, cheaper than a subquery per unit)
CLASS_SUM = " + ".join(f"coalesce((m.value > b[{i}])::int, 0)" for i in range(1, len(CLASS_COLOURS)))

# The measure of every unit of the level (the statement's CTEs up to `measured`), for `class_breaks`.
_VALUES_SQL = _DISTRIBUTION_TEMPLATE.split("\n-- The breaks come from")[0].rstrip().rstrip(",") + \
    "\nSELECT array_agg(value::float8) FROM measured WHERE value IS NOT NULL"
_FIGURE_SUMS = """sum(total_investment) AS total_investment, sum(planned) AS planned, sum(allocated) AS allocated,
           sum(disbursed) AS disbursed, sum(project_count) AS project_count,
           sum(progress_weight) AS progress_weight"""
assert _FIGURE_SUMS in _VALUES_SQL


def _values_sql_of(column):
    """`_VALUES_SQL` summing only the rollup column the measure reads (the others NULL, which `measured` never reads):
    the breaks' statement aggregates every commune's per-sector rows (70,774 rows at 705 districts), and its six numeric
    sums were most of its time (491 → 393 ms measured side by side; docs/GIS.md, "The first answer after a write")."""
    sums = ", ".join(f"sum({name}) AS {name}" if name == column else f"NULL::numeric AS {name}"
                     for name in ("total_investment", "planned", "allocated", "disbursed", "project_count", "progress_weight"))
    return _VALUES_SQL.replace(_FIGURE_SUMS, sums)


# {measure: the breaks' statement}: per resident and per km² are the total investment divided
VALUES_SQL_BY_MEASURE = {measure: _values_sql_of(measure if measure in ("planned", "allocated", "disbursed") else "total_investment")
                         for measure in MEASURES}


def class_breaks(values, classification="quantiles", classes=None) -> list[float]:
    """The upper bounds of every colour class but the last (a value goes in the first class whose bound it does not exceed).

    `values` are the units' measures (VND, VND per resident or per km², never None). Zero, when a unit
    has it, is a class of its own (the bound 0), so that many units at 0 never collapse the other
    classes (`classes`, default one per colour); the units above zero are split into the remaining ones by `classification`:
    "quantiles" (mapclassify.Quantiles' rule, computed with numpy: about as many units in each) or "fisher_jenks"
    (mapclassify.FisherJenks: natural breaks, least variance within the classes; over FISHER_JENKS_MAX
    values, of an evenly spaced sample of them). Fewer distinct values
    than classes give fewer classes. The bounds are strictly increasing. Serves Decision 07/2015 Đ9
    (the province's comparison of where investment goes).
    """
    classes = classes or len(CLASS_COLOURS)
    values = [float(v) for v in values]
    positive = sorted(v for v in values if v > 0)
    bounds = [0.0] if any(v <= 0 for v in values) else []
    k = min(classes - len(bounds), len(set(positive)))
    if k >= 2:
        if classification == "fisher_jenks":
            # Fisher-Jenks is O(n²): above FISHER_JENKS_MAX values it runs on an evenly spaced sample of the sorted
            # values (the lowest and highest kept), the same every time, so the tiles and the layer always agree.
            step = -(-len(positive) // FISHER_JENKS_MAX)
            sample = positive[::step] + ([positive[-1]] if (len(positive) - 1) % step else [])
            # mapclassify loads numba, scipy and pandas with it (seconds): only when natural breaks are asked for.
            import mapclassify

            with warnings.catch_warnings():  # without numba mapclassify warns and runs in pure Python (slow, same breaks)
                warnings.simplefilter("ignore", UserWarning)
                bounds += [float(b) for b in mapclassify.FisherJenks(sample, k=min(k, len(set(sample)))).bins[:-1]]
        else:
            # mapclassify.Quantiles' own rule (scipy's scoreatpercentile at 100/k, 200/k … 100: linear interpolation),
            # through numpy alone, so that the default map does not load mapclassify's stack (21 s measured under load).
            bins = numpy.unique(numpy.percentile(positive, numpy.linspace(100 / k, 100, k)))
            bounds += [float(b) for b in bins[:-1]]
    return sorted(set(bounds))


def data_version(*, replica=False, scopes=None, request=None) -> str:
    """The version (`geo.versions.version`: 16 hex digits, never the same for two committed states) of what the
    distribution reads: the rollup rows and refresh times of every district, the units and the districts (`scopes`
    None: every scope; `geo.versions.UNITS`: the units and districts only). Statement triggers store a fresh sequence
    value in a scope's row in the writer's transaction (migrations 0010–0012), so the version changes at every commit
    that changes those tables and a rolled-back write never leaves a number that comes again. Read on the primary, where
    the breaks are computed; `replica`: on the connection the request reads (`geo.replica.read_connection`), for what is
    built there (a tile, a page), so that a lagging replica's answer is never kept under a newer version than its data.
    `request`: the versions the tenant middleware read on the primary are reused when this reads the primary."""
    return versions.version(scopes, using=read_connection() if replica else connection, request=request)


# In this process first (no round trip), then Django's cache (shared by the workers): both keyed by the data version.
_breaks_here = {}
BREAKS_CACHE_SECONDS = 24 * 3600  # an entry of an old version is never read again; this only bounds the table


def distribution_breaks(*, level="district", year=None, sector="", source="", measure="total_investment", province="",
                        classification="quantiles", version=None) -> list[float]:
    """`class_breaks` over every unit of the level with a value (whatever bbox or page is shown).

    Cached (in the process, and in Django's cache shared by the workers) under the arguments and the data version (`data_version`, read here
    unless given): the statement reads every unit of the level (0.36–0.45 s at 10,670 communes) and the breaks change
    only when a write bumps the version, so a tile or a page after a write never uses the breaks of before it.
    Computed on the connection the request reads (`geo.replica.read_connection`) and keyed by that connection's version:
    a page or tile read on a lagging replica is classed by the replica's own figures, one state per request."""
    params = {"level": level, "year": year, "sector": sector or "", "source": source or "", "measure": measure, "province": province or ""}
    version = data_version(replica=True) if version is None else version
    arguments = json.dumps([params[k] for k in ("level", "year", "sector", "source", "measure", "province")] + [classification])
    key = f"province:breaks:{version}:{hashlib.md5(arguments.encode(), usedforsecurity=False).hexdigest()}"
    breaks = _breaks_here.get(key)
    if breaks is None:
        breaks = caches["answers"].get(key)
    if breaks is None:
        with read_connection().cursor() as cursor:
            cursor.execute(VALUES_SQL_BY_MEASURE.get(measure, _VALUES_SQL), params)
            breaks = class_breaks(cursor.fetchone()[0] or [], classification)
        caches["answers"].set(key, breaks, BREAKS_CACHE_SECONDS)
    # Even inside a transaction: its own bump's version is a sequence value no other state will ever have, so an entry
    # of a transaction rolled back is only never read again.
    if len(_breaks_here) >= 256:  # old versions' entries are never read again
        _breaks_here.clear()
    _breaks_here[key] = breaks
    return list(breaks)


def _distribution_sql(*, bbox=False, paged=False):
    meets = "AND ST_Intersects(g.geom, ST_MakeEnvelope(%(west)s, %(south)s, %(east)s, %(north)s, 4326))" if bbox else ""
    return _DISTRIBUTION_TEMPLATE.format(
        class_sum=CLASS_SUM,
        colours=", ".join(f"'{c}'" for c in CLASS_COLOURS),  # constants above, not input
        no_data=f"'{NO_DATA_COLOUR}'",
        shown=meets,
        # Date-times as every answer gives them (geo.layers.moment_sql: ISO 8601, +07:00).
        moment_refreshed=moment_sql("refreshed_at"), moment_oldest=moment_sql("oldest_refresh"),
        window="LIMIT %(limit)s OFFSET %(offset)s" if paged else "",
        # `shown` is read once (so never materialised with its geometries); the count comes apart.
        count=f"(SELECT count(*) FROM classed c JOIN geo_administrativeunit g ON g.id = c.id {meets})" if bbox
              else "(SELECT coalesce(sum(n), 0) FROM class_counts)",
    )


# The whole layer (the GeoJSON file, the PNG, and the bare SQL that bench/province_scale.py times).
_DISTRIBUTION_SQL = _distribution_sql()
_DISTRIBUTION_VARIANTS = {(bbox, paged): _distribution_sql(bbox=bbox, paged=paged) for bbox in (False, True) for paged in (False, True)}


def investment_distribution_page(*, level="district", year=None, sector="", source="", measure="total_investment",
                                 province="", bbox=None, limit=None, offset=0, classification="quantiles",
                                 request=None) -> tuple[int, str]:
    """(count, GeoJSON text): the province's investment by district or commune, one feature per unit, built by PostgreSQL in one statement.

    Each feature carries `code`, `name`, `total_investment` (VND; without a year, the sum over all
    projects of the unit; with one, over the projects whose years include it), planned (allocations in
    any plan), allocated (in approved plans), disbursed, project count, weighted physical progress,
    `per_resident` (null where the population is unknown: never a division by zero), `per_km2`,
    `value`, the chosen measure, and `class`, its colour class (null: no value). The collection says
    when the figures were last refreshed, its `classification` ("quantiles" or "fisher_jenks", see
    `class_breaks`: zero is a class of its own) and the `legend`: the breaks, and per class its colour,
    bounds (the lowest and highest value of its units) and number of units, computed over every unit of the level whatever the `bbox`
    ((west, south, east, north): only the units meeting it) or the page (`limit`, `offset`) shown.
    With `province` (a province's code), only that province's districts and their communes count.
    `count` is the number of units shown over all pages. Cached (Django's cache) under the data version of the connection
    that reads it and every argument: the statement classes every unit of the level (seconds at 10,670 communes), and
    any write to the rollup, its refresh times, the units or the districts moves the version. `request`: the HTTP request
    whose versions the tenant middleware already read (`geo.versions.version`: not read again when the page reads the
    primary).
    """
    params = {"level": level, "year": year, "sector": sector or "", "source": source or "", "measure": measure,
              "province": province or "", "limit": limit, "offset": offset, "classification": classification}
    if bbox:
        params.update(zip(("west", "south", "east", "north"), bbox, strict=True))
    arguments = json.dumps([params[k] for k in sorted(params)], default=str)
    version = data_version(replica=True, request=request)
    key = f"province:distribution:{version}:{hashlib.md5(arguments.encode(), usedforsecurity=False).hexdigest()}"
    cached = caches["answers"].get(key)
    if cached is not None:
        return tuple(cached)
    params["breaks"] = distribution_breaks(**{k: params[k] for k in ("level", "year", "sector", "source", "measure", "province")},
                                           classification=classification, version=version)
    with read_connection().cursor() as cursor:
        cursor.execute(_DISTRIBUTION_VARIANTS[(bool(bbox), limit is not None)], params)
        answer = cursor.fetchone()
    caches["answers"].set(key, tuple(answer), BREAKS_CACHE_SECONDS)
    return answer


def investment_distribution_text(**kwargs) -> str:
    """The whole layer (every page) as GeoJSON text; see `investment_distribution_page`."""
    return investment_distribution_page(**kwargs)[1]


def investment_distribution(**kwargs) -> dict:
    """`investment_distribution_text` parsed, for the readers that compute on it (equity)."""
    return json.loads(investment_distribution_text(**kwargs))


def lorenz_and_gini(units):
    """Lorenz curve and Gini coefficient of investment across units weighted by `weight` (residents or km²).

    `units` are dicts with `amount` and `weight`; units without weight are left out. The curve runs
    from (0, 0) to (1, 1): x the cumulative share of the weight (poorest-served first), y the
    cumulative share of the investment. Gini = 1 − Σ (x_k − x_{k−1})(y_k + y_{k−1}); 0 is perfectly even.
    """
    rows = sorted((u for u in units if u["weight"]), key=lambda u: u["amount"] / u["weight"])
    total_weight = sum(u["weight"] for u in rows)
    total_amount = sum(u["amount"] for u in rows)
    if not rows or total_weight <= 0 or total_amount <= 0:
        return [[0.0, 0.0], [1.0, 1.0]], None
    points, x, y, gini_area = [[0.0, 0.0]], 0.0, 0.0, 0.0
    for u in rows:
        nx, ny = x + u["weight"] / total_weight, y + u["amount"] / total_amount
        gini_area += (nx - x) * (ny + y)
        points.append([round(nx, 4), round(ny, 4)])
        x, y = nx, ny
    return points, round(1 - gini_area, 4)


FAR_BELOW = 0.5  # "far below the median": under half of the province median per resident (or per km²)


def investment_equity(*, year=None, sector="", source=""):
    """How evenly investment is spread across the province's communes: Lorenz curve, Gini, and communes far below the median.

    Per resident when every commune's population is known (the 2019 census is loaded with the units; `population_years`
    and `population_sources` say which figures were used); otherwise per km², and the answer says which in `basis`.
    """
    collection = investment_distribution(level="commune", year=year, sector=sector, source=source)
    props = [f["properties"] for f in collection["features"]]
    by_population = bool(props) and all(p["population"] for p in props)
    basis = "per_resident" if by_population else "per_km2"
    units = [
        {"code": p["code"], "name": p["name"], "district": p["district"], "amount": p["total_investment"],
         "weight": (p["population"] if by_population else float(p["area_km2"] or 0)), "value": p[basis]}
        for p in props
    ]
    points, gini = lorenz_and_gini(units)
    values = [u["value"] for u in units if u["value"] is not None]
    mid = median(values) if values else None
    far_below = sorted(
        ({"code": u["code"], "name": u["name"], "district": u["district"], "value": u["value"]}
         for u in units if mid is not None and u["value"] is not None and u["value"] < FAR_BELOW * mid),
        key=lambda u: (u["value"], u["code"]),
    )
    origin = AdministrativeUnit.objects.filter(code__in=[u["code"] for u in units], population__isnull=False)
    return {
        "basis": basis, "year": year, "sector": sector or None, "source": source or None, "communes": len(units),
        "population_years": sorted(set(origin.exclude(population_year=None).values_list("population_year", flat=True))),
        "population_sources": sorted(set(origin.exclude(population_source="").values_list("population_source", flat=True))),
        "gini": gini, "lorenz": points, "median": mid, "far_below_threshold": FAR_BELOW,
        "far_below": far_below, "refreshed_at": collection["refreshed_at"],
    }


_COMPARE_SQL = """
SELECT CASE WHEN %(level)s = 'district' THEN district_code ELSE commune_code END AS code, sector, source,
       sum(total_investment)::bigint, sum(planned)::bigint, sum(allocated)::bigint, sum(disbursed)::bigint,
       sum(project_count)::int, sum(progress_weight)::float8, sum(village_proposals)::int, sum(village_proposals_funded)::int
FROM province_investmentrollup
WHERE (commune_code = '') = (%(level)s = 'district') AND year IS NOT DISTINCT FROM %(year)s
  AND (CASE WHEN %(level)s = 'district' THEN district_code ELSE commune_code END) = ANY(%(codes)s::varchar[])
GROUP BY 1, 2, 3
"""


def investment_compare(*, units, year=None):
    """Side by side: for each unit (all districts or all communes), totals by sector and by source, per resident,
    per km², project count, the share of village-originated proposals that a project answers, weighted
    physical progress and the disbursement rate. `units` are AdministrativeUnits of one level, in order.
    """

    level = units[0].level
    codes = [u.code for u in units]
    with read_connection().cursor() as cursor:
        cursor.execute(_COMPARE_SQL, {"level": level, "year": year, "codes": codes})
        rows = cursor.fetchall()
        cursor.execute("SELECT code, coalesce(area_km2, ST_Area(geom::geography) / 1e6) FROM geo_administrativeunit WHERE code = ANY(%s)", [codes])
        areas = dict(cursor.fetchall())
    district_of = {d.unit_id: d.unit.code for d in District.objects.select_related("unit").exclude(schema_name="public")}
    out = []
    for unit in units:
        mine = [r for r in rows if r[0] == unit.code]
        totals = [r for r in mine if r[2] == ""]
        total = sum(r[3] for r in totals)
        disbursed = sum(r[6] for r in totals)
        village, funded = sum(r[9] for r in totals), sum(r[10] for r in totals)
        area = areas.get(unit.code)
        out.append({
            "code": unit.code, "name": unit.name, "level": unit.level,
            "district": unit.code if level == "district" else district_of.get(unit.parent_id),
            "total_investment": total,
            "planned": sum(r[4] for r in totals), "allocated": sum(r[5] for r in totals), "disbursed": disbursed,
            "project_count": sum(r[7] for r in totals),
            "by_sector": {r[1]: r[3] for r in sorted(totals, key=lambda r: r[1]) if r[3]},
            "by_source": _sum_by(mine, key=lambda r: r[2], only=lambda r: r[2] != ""),
            "population": unit.population,
            "area_km2": round(area, 2) if area else None,
            "per_resident": round(total / unit.population) if unit.population else None,
            "per_km2": round(total / area) if area else None,
            "village_proposals": village, "village_proposals_funded": funded,
            "village_funded_share": round(funded / village, 4) if village else None,
            "progress": round(float(sum(r[8] for r in totals)) / total, 1) if total else None,
            "disbursement_rate": round(disbursed / total, 4) if total else None,
        })
    return out


def _sum_by(rows, *, key, only):
    sums = {}
    for r in rows:
        if only(r):
            sums[key(r)] = sums.get(key(r), 0) + r[3]
    return {k: v for k, v in sorted(sums.items()) if v}


def _current_lateness(step, due, on):
    """The open step's lateness by the one rule (`core.deadlines.lateness`); a published cycle has no open step."""
    return lateness(due_on=None if step == PUBLISHED else due.get(step), done_on=None, on=on)


def province_cycle_rows(*, plan_year, on=None, districts=None):
    """Per district: communes, cycles opened, cycles per current step, published, overdue and done late.

    Read from the province's copy of the cycles (`province.CycleRollup`, kept by `cycle_rollup_refresh`,
    announced by the plan services): one small query whatever the number of districts.

    A cycle is overdue when its current step's due date has passed (due dates grow with the steps,
    and the steps before the current one are done: `core.deadlines.lateness`); `late` counts the cycles with a step
    done after its due date, published ones included, and `overdue_or_late` the cycles that are either.
    """
    on = on or timezone.localdate()
    if districts is None:
        districts = list(District.objects.exclude(schema_name="public").select_related("unit").order_by("unit__code"))
    counts = {}
    cycles = CycleRollup.objects.filter(plan_year=plan_year, schema_name__in=[d.schema_name for d in districts])
    late = {}
    for row in cycles.values("schema_name", "step").annotate(n=Count("id"), late=Count("id", filter=Q(late_steps__gt=0))).order_by():
        counts.setdefault(row["schema_name"], {})[row["step"]] = row["n"]
        late.setdefault(row["schema_name"], {})[row["step"]] = row["late"]
    due = deadlines_for(plan_year=plan_year)
    communes = dict(
        AdministrativeUnit.objects.filter(parent_id__in=[d.unit_id for d in districts], level="commune", is_current=True)
        .values_list("parent_id").annotate(n=Count("id"))
    )
    rows = []
    for d in districts:
        by_step = counts.get(d.schema_name, {})
        rows.append({
            "code": d.unit.code, "name": d.unit.name, "slug": d.slug,
            "communes": communes.get(d.unit_id, 0),
            "cycles": sum(by_step.values()),
            "by_step": by_step,
            "published": by_step.get(PUBLISHED, 0),
            "overdue": sum(n for step, n in by_step.items() if _current_lateness(step, due, on).overdue),
            "late": sum(late.get(d.schema_name, {}).values()),
            "overdue_or_late": sum(n if _current_lateness(step, due, on).overdue else late.get(d.schema_name, {}).get(step, 0)
                                   for step, n in by_step.items()),
        })
    return rows


def plan_compliance(*, plan_year, on=None, province=""):
    """Across the province for a plan year: each commune's cycle step and whether it is overdue, and the totals by district.

    Read from the province's copy of the cycles (`CycleRollup`, kept by `province.services.cycle_rollup_refresh`), not from the schemas; a commune with no cycle is `not_opened`, overdue once the team
    step's due date has passed.
    """
    on = on or timezone.localdate()
    districts = District.objects.exclude(schema_name="public").select_related("unit").order_by("unit__code")
    if province:
        districts = districts.filter(unit__parent__code=province, unit__parent__level="province")
    districts = list(districts)
    steps = {commune: (step, late_steps, days_late) for commune, step, late_steps, days_late in CycleRollup.objects.filter(
        plan_year=plan_year, schema_name__in=[d.schema_name for d in districts]).values_list("commune_id", "step", "late_steps", "days_late")}
    due = deadlines_for(plan_year=plan_year)
    code_of = {d.unit_id: d.unit.code for d in districts}
    # Only the columns the rows need: loading ten thousand boundaries would cost more than everything else.
    communes = (
        AdministrativeUnit.objects.filter(parent_id__in=code_of, level="commune", is_current=True)
        .order_by("code").values_list("pk", "code", "name", "parent_id")
    )
    rows = []
    for pk, code, name, parent_id in communes:
        step, late_steps, days_late = steps.get(pk, (None, 0, 0))
        current = _current_lateness(step or PlanStep.TEAM, due, on)
        shown = current if current.overdue else Lateness(None, None, False, late_steps > 0, days_late if late_steps else 0)
        rows.append({
            "code": code, "name": name, "district": code_of[parent_id],
            "step": step or "not_opened", "due": current.due_on.isoformat() if current.due_on else None,
            "overdue": current.overdue, "late_steps": late_steps, "done_late": late_steps > 0,
            "days_late": shown.days_late, "lateness": shown.label,
        })
    return {"plan_year": plan_year, "on": on.isoformat(), "province": province or None,
            "districts": province_cycle_rows(plan_year=plan_year, on=on, districts=districts), "communes": rows}

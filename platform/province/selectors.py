"""Reads of province-level data: the calendar, and the investment rollup the province compares.

The investment reads never touch a district schema: they read `province.InvestmentRollup`, which the
districts' own writes keep current (see `province.services.rollup_refresh`). Plan-cycle compliance
reads the districts' cycles in one SQL statement over all schemas, like `plans.selectors.province_cycle_rows`.
"""
import json
from statistics import median

from django.db import connection

from province.models import CycleRollup, PlanStep, StepDeadline

MEASURES = ("total_investment", "per_resident", "per_km2", "planned", "allocated", "disbursed")
LEVELS = ("district", "commune")


def step_due_date(*, step: PlanStep, plan_year: int):
    """The due date of a step for a plan year (made during the year before), or None if not set."""
    deadline = StepDeadline.objects.filter(step=step, from_plan_year__lte=plan_year).order_by("-from_plan_year").first()
    return deadline.due_for(plan_year) if deadline else None


# One statement: the units of the level (districts that are tenants, or their current communes), their
# figures summed over sectors from the rollup, per resident and per km², and the GeoJSON, built by PostgreSQL.
_DISTRIBUTION_SQL = """
WITH districts AS (
    SELECT u.id, u.code FROM tenants_district t JOIN geo_administrativeunit u ON u.id = t.unit_id WHERE t.schema_name <> 'public'
),
units AS (
    SELECT u.id, u.code, u.name, d.code AS district, u.population, u.geom,
           coalesce(u.area_km2, ST_Area(u.geom::geography) / 1e6) AS area_km2
    FROM geo_administrativeunit u
    JOIN districts d ON (%(level)s = 'district' AND u.id = d.id)
                     OR (%(level)s = 'commune' AND u.parent_id = d.id AND u.level = 'commune' AND u.is_current)
),
figures AS (
    SELECT CASE WHEN %(level)s = 'district' THEN district_code ELSE commune_code END AS code,
           sum(total_investment) AS total_investment, sum(planned) AS planned, sum(allocated) AS allocated,
           sum(disbursed) AS disbursed, sum(project_count) AS project_count,
           sum(progress_weight) AS progress_weight
    FROM province_investmentrollup
    WHERE (commune_code = '') = (%(level)s = 'district')
      AND year IS NOT DISTINCT FROM %(year)s AND source = %(source)s AND (%(sector)s = '' OR sector = %(sector)s)
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
)
SELECT json_build_object(
    'type', 'FeatureCollection',
    'level', %(level)s, 'year', %(year)s::int, 'sector', nullif(%(sector)s, ''), 'source', nullif(%(source)s, ''), 'measure', %(measure)s,
    'refreshed_at', (SELECT max(refreshed_at) FROM rows), 'oldest_refresh', (SELECT min(refreshed_at) FROM rows),
    'features', coalesce(json_agg(json_build_object(
        'type', 'Feature',
        'geometry', ST_AsGeoJSON(geom, 6)::json,
        'properties', json_build_object(
            'code', code, 'name', name, 'district', district,
            'total_investment', total_investment, 'planned', planned, 'allocated', allocated, 'disbursed', disbursed,
            'project_count', project_count, 'progress', progress,
            'population', population, 'area_km2', round(area_km2::numeric, 2),
            'per_resident', per_resident, 'per_km2', per_km2,
            'value', CASE %(measure)s WHEN 'per_resident' THEN per_resident WHEN 'per_km2' THEN per_km2
                     WHEN 'planned' THEN planned WHEN 'allocated' THEN allocated WHEN 'disbursed' THEN disbursed
                     ELSE total_investment END,
            'refreshed_at', refreshed_at
        )
    ) ORDER BY code), '[]'::json)
)::text
FROM (
    SELECT rows.*,
           CASE WHEN population > 0 THEN round(total_investment::numeric / population)::bigint END AS per_resident,
           CASE WHEN area_km2 > 0 THEN round(total_investment::numeric / area_km2::numeric)::bigint END AS per_km2
    FROM rows
) measured
"""


def investment_distribution_text(*, level="district", year=None, sector="", source="", measure="total_investment") -> str:
    """The province's investment by district or commune as GeoJSON text, one feature per unit, built by PostgreSQL in one statement.

    Each feature carries `code`, `name`, `total_investment` (VND; without a year, the sum over all
    projects of the unit; with one, over the projects whose years include it), planned (allocations in
    any plan), allocated (in approved plans), disbursed, project count, weighted physical progress,
    `per_resident` (null where the population is unknown: never a division by zero), `per_km2`, and
    `value`, the chosen measure. The collection says when the figures were last refreshed.
    """
    params = {"level": level, "year": year, "sector": sector or "", "source": source or "", "measure": measure}
    with connection.cursor() as cursor:
        cursor.execute(_DISTRIBUTION_SQL, params)
        return cursor.fetchone()[0]


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

    Per resident when every commune's population is known; otherwise per km² (our boundary data has
    no population), and the answer says which in `basis`.
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
    return {
        "basis": basis, "year": year, "sector": sector or None, "source": source or None, "communes": len(units),
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
    from tenants.models import District

    level = units[0].level
    codes = [u.code for u in units]
    with connection.cursor() as cursor:
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


def plan_compliance(*, plan_year, on=None):
    """Across the province for a plan year: each commune's cycle step and whether it is overdue, and the totals by district.

    Read from the province's copy of the cycles (`CycleRollup`, kept by a trigger in every district
    schema), not from the schemas; a commune with no cycle is `not_opened`, overdue once the team
    step's due date has passed.
    """
    from geo.models import AdministrativeUnit
    from plans.models import PUBLISHED
    from plans.selectors import deadlines_for, province_cycle_rows, today
    from tenants.models import District

    on = on or today()
    districts = list(District.objects.exclude(schema_name="public").select_related("unit").order_by("unit__code"))
    steps = dict(CycleRollup.objects.filter(plan_year=plan_year).values_list("commune_id", "step"))
    due = deadlines_for(plan_year=plan_year)
    code_of = {d.unit_id: d.unit.code for d in districts}
    # Only the columns the rows need: loading ten thousand boundaries would cost more than everything else.
    communes = (
        AdministrativeUnit.objects.filter(parent_id__in=code_of, level="commune", is_current=True)
        .order_by("code").values_list("pk", "code", "name", "parent_id")
    )
    rows = []
    for pk, code, name, parent_id in communes:
        step = steps.get(pk)
        current = step or PlanStep.TEAM
        due_date = due.get(current) if step != PUBLISHED else None
        rows.append({
            "code": code, "name": name, "district": code_of[parent_id],
            "step": step or "not_opened", "due": due_date.isoformat() if due_date else None,
            "overdue": bool(due_date and on > due_date),
        })
    return {"plan_year": plan_year, "on": on.isoformat(), "districts": province_cycle_rows(plan_year=plan_year, on=on), "communes": rows}

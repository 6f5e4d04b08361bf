"""The province's vector-tile layers: the investment distribution of every commune (or district) of the country, and all projects.

Both read the public schema only (the rollup and `province.ProjectPoint`), like their GeoJSON layers,
and take the same filters (year, sector, source, measure, province; status for projects), validated
by the same input serializers, so a tile and the layer never disagree. Province staff only
(`accounts.access.can_compare_province`). Registered in `geo.tiles` by ProvinceConfig.ready().
"""
from django.db import connection
from django.utils.translation import gettext_lazy

from accounts.access import can_compare_province
from geo.tiles import TileLayer, column_names, mvt_sql, register
from province import projects_selectors, selectors
from province.apis import DistributionInput, _params
from province.projects_apis import ProjectMapInput

DISTRIBUTION_COLUMNS = ["code", "name", "district", "total_investment::bigint", "planned::bigint", "allocated::bigint", "disbursed::bigint",
                        "project_count::int", "progress::float8", "population::bigint", "per_resident::bigint", "per_km2::bigint",
                        "value::float8", "class::int"]

# The distribution statement's units, figures and classes (computed over every unit of the level, as in
# the GeoJSON layer), up to its `shown` rows; the tile is cut from these instead of the FeatureCollection.
_DISTRIBUTION_ROWS = selectors._DISTRIBUTION_TEMPLATE.split("\n-- The features are joined as text")[0].format(
    classes=len(selectors.CLASS_COLOURS),
    class_sum=" + ".join(f"coalesce((m.value > b[{i}])::int, 0)" for i in range(1, len(selectors.CLASS_COLOURS))),
    shown="",
) + "\nSELECT * FROM shown"

_DISTRIBUTION_TILE = mvt_sql(
    # the CTEs must lead the statement: wrap them as the rows of a sub-select
    f"SELECT * FROM ({_DISTRIBUTION_ROWS}) units", name="communes", columns=DISTRIBUTION_COLUMNS, tile=("%(z)s", "%(x)s", "%(y)s"),
)

PROJECT_COLUMNS = ["project_id", "code", "name", "district_code", "commune_code", "sector", "status", "start_year", "end_year",
                   "total_investment::bigint", "planned::bigint", "allocated::bigint", "disbursed::bigint", "physical_progress::float8"]
_PROJECTS_TILE = mvt_sql(projects_selectors._POINTS_SQL, name="projects", columns=PROJECT_COLUMNS, tile=("%(z)s", "%(x)s", "%(y)s"))


def distribution_tile(*, z, x, y, level="commune", year=None, sector="", source="", measure="total_investment", province="") -> bytes:
    """The Mapbox vector tile z/x/y (EPSG:3857 grid, layer "communes") of the investment distribution by `level`.

    Each feature carries the GeoJSON layer's `code`, `name`, `district`, amounts (VND), `project_count`,
    `progress`, `population`, `per_resident`, `per_km2`, `value` (the `measure`) and colour `class`
    (0–4, null: no value), classes computed over every unit of the level, not the tile's.
    """
    params = {"level": level, "year": year, "sector": sector or "", "source": source or "", "measure": measure,
              "province": province or "", "z": z, "x": x, "y": y}
    with connection.cursor() as cursor:
        cursor.execute(_DISTRIBUTION_TILE, params)
        return bytes(cursor.fetchone()[0])


def projects_tile(*, z, x, y, year=None, sector="", source="", status="") -> bytes:
    """The Mapbox vector tile z/x/y (layer "projects") of every district's investment projects, one point each, filtered like the map."""
    params = {**projects_selectors._params(year=year, sector=sector, source=source, status=status), "z": z, "x": x, "y": y}
    with connection.cursor() as cursor:
        cursor.execute(_PROJECTS_TILE, params)
        return bytes(cursor.fetchone()[0])


def distribution_from_request(request, z, x, y) -> bytes:
    """The distribution tile for the request's `year`, `sector`, `source`, `measure`, `province` and `level` (default: commune)."""
    data = {k: v for k, v in request.query_params.items() if v != "" or k in ("sector", "source")}
    data.setdefault("level", "commune")
    query = DistributionInput(data=data)
    query.is_valid(raise_exception=True)
    params = query.validated_data
    return distribution_tile(z=z, x=x, y=y, level=params["level"], year=params.get("year"), sector=params.get("sector", ""),
                             source=params.get("source", ""), measure=params["measure"], province=params.get("province", ""))


def projects_from_request(request, z, x, y) -> bytes:
    """The all-projects tile for the request's `year`, `sector`, `source` and `status`."""
    params = _params(ProjectMapInput, request)
    return projects_tile(z=z, x=x, y=y, year=params.get("year"), sector=params.get("sector", ""),
                         source=params.get("source", ""), status=params.get("status", ""))


def _province_staff(user, district):
    return can_compare_province(user)


def register_tile_layers():
    """Put the two province layers in `geo.tiles.REGISTRY` (called from ProvinceConfig.ready())."""
    register(TileLayer(
        name="communes", title=gettext_lazy("Public investment by commune"),
        description=gettext_lazy("Investment distribution of every commune (level=district: every district), with its colour class"),
        fields={column: "String" if column in ("code", "name", "district") else "Number" for column in column_names(DISTRIBUTION_COLUMNS)},
        visible=_province_staff, tile=distribution_from_request, maxzoom=14,
        filters=("year", "sector", "source", "measure", "level", "province"),
    ))
    register(TileLayer(
        name="projects", title=gettext_lazy("Investment projects"),
        description=gettext_lazy("Every district's public-investment projects, one point each"),
        fields={column: "String" if column in ("code", "name", "district_code", "commune_code", "sector", "status") else "Number"
                for column in column_names(PROJECT_COLUMNS)},
        visible=_province_staff, tile=projects_from_request, maxzoom=16,
        filters=("year", "sector", "source", "status"),
    ))

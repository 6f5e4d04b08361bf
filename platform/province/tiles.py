"""The province's vector-tile layers: the investment distribution of every commune (or district) of the country, and all projects.

"all-projects" is the kit layer as tiles (`geo.tiles.from_layer`). The distribution layers
("investment-distribution-communes", "-districts") cut their tiles from the distribution statement itself
(`province.selectors`), so each unit keeps the colour class computed over every unit of the level, never
over the tile's; their filters (year, sector, source, measure, province) are validated by the kit layer
(`province.layers.DistributionLayer.arguments`: a 400 naming the field). Both read the public schema
only, for province staff only (`accounts.access.can_compare_province`, the layers' `rows`).
"""
import hashlib
import json

from django.core.cache import caches
from django.utils.text import compress_string

from geo.middleware import accepts_gzip
from geo.replica import read_connection
from geo.tiles import BUFFER, EXTENT, TileLayer, band_sql, check_tile_parameters, column_names, from_layer, mvt_sql, register
from province import layers, selectors

DISTRIBUTION_COLUMNS = ["code", "name", "district", "total_investment::bigint", "planned::bigint", "allocated::bigint", "disbursed::bigint",
                        "project_count::int", "progress::float8", "population::bigint", "per_resident::bigint", "per_km2::bigint",
                        "value::float8", "class::int"]

# The distribution statement's units, figures and classes (computed over every unit of the level, as in
# the GeoJSON layer), up to its `shown` rows; the tile is cut from these instead of the FeatureCollection.
# `breaks` is read once here (by `classed`), so PostgreSQL would inline it and compute the quantile array again
# for every unit (240 ms of a 360 ms tile at 1,501 communes); MATERIALIZED computes it once, as the full statement does.
_DISTRIBUTION_ROWS = selectors._DISTRIBUTION_TEMPLATE.split("\n-- The features are joined as text")[0].format(
    class_sum=selectors.CLASS_SUM,
    shown="",
).replace("\nbreaks AS (", "\nbreaks AS MATERIALIZED (", 1) + "\nSELECT * FROM shown"



def _tile_rows(rows):
    """The distribution's rows narrowed to the units meeting the tile (its search box: the tile and the MVT buffer, as
    `geo.tiles.mvt_sql` draws them), and the rollup figures to those units. A unit's colour class depends only on its
    own value and the breaks (passed in, computed over the whole level), so the tile's features are those of the whole
    statement, with its bytes (tests/geo/test_tiles.py); the aggregation of every unit of the country is not repeated
    for each tile (bench/layer_answers.py)."""
    # An expression of the parameters, not a subquery: PostgreSQL folds it to a constant box before planning and estimates
    # the units meeting it from the statistics (a subquery is an InitPlan, estimated at one row: the rollup was then joined
    # to the units by a nested loop, 3291 × 3291 rows, 3.6 s of a 4 s tile at zoom 6 and 705 districts).
    search = (f"ST_Transform(ST_Expand(ST_TileEnvelope(%(z)s, %(x)s, %(y)s), "
              f"(ST_XMax(ST_TileEnvelope(%(z)s, %(x)s, %(y)s)) - ST_XMin(ST_TileEnvelope(%(z)s, %(x)s, %(y)s))) * {BUFFER / EXTENT}), 4326)")
    edits = (
        ("AND u.level = 'commune' AND u.is_current)\n),", f"AND u.level = 'commune' AND u.is_current)\n    WHERE u.geom && {search}\n),"),
        ("AND district_code IN (SELECT code FROM districts)",
         "AND district_code IN (SELECT code FROM districts)\n      AND CASE WHEN %(level)s = 'district' THEN district_code ELSE commune_code END"
         " IN (SELECT code FROM units)"),
    )
    for before, after in edits:
        assert rows.count(before) == 1, before  # the distribution statement changed: write these edits again
        rows = rows.replace(before, after)
    return rows


def _shaped(rows):
    """The rows with each unit's generalised shape of the tile's zoom band (`geo.UnitShape`, EPSG:3857) instead of its boundary."""
    before = "JOIN geo_administrativeunit g ON g.id = c.id"
    assert rows.count(before) == 1, before  # the distribution statement changed: write this edit again
    return rows.replace(before, f"JOIN geo_unitshape g ON g.unit_id = c.id AND g.band = {band_sql('%(z)s')}")


_TILE_ROWS = {False: _tile_rows(_DISTRIBUTION_ROWS), True: _tile_rows(_shaped(_DISTRIBUTION_ROWS))}
_WHOLE_ROWS = {False: _DISTRIBUTION_ROWS, True: _shaped(_DISTRIBUTION_ROWS)}


def distribution_sql(*, name, whole=False, shaped=True):
    """The tile statement of the distribution (parameters: the filters, `breaks`, z, x, y); `whole`: over every unit
    of the level instead of the tile's (the statement before the narrowing, which bench/layer_answers.py times as the bare SQL).
    `shaped` (the platform's): the units' generalised shapes of the zoom band (`geo.UnitShape`); False: their full-resolution
    boundaries, transformed and simplified per tile (the statement before them, which bench/tiles_cold.py times beside it)."""
    rows = (_WHOLE_ROWS if whole else _TILE_ROWS)[shaped]
    return mvt_sql(f"SELECT * FROM ({rows}) units", name=name, columns=DISTRIBUTION_COLUMNS, tile=("%(z)s", "%(x)s", "%(y)s"),
                   order="code", shaped=shaped)


def distribution_tile(*, z, x, y, level="commune", year=None, sector="", source="", measure="total_investment", province="",
                      name="investment-distribution-communes", classification="quantiles", version=None,
                      compressed=False):
    """The Mapbox vector tile z/x/y (EPSG:3857 XYZ grid; MVT layer `name`) of the investment distribution by `level`.

    Each feature carries the GeoJSON layer's `code`, `name`, `district`, amounts (VND), `project_count`,
    `progress`, `population`, `per_resident`, `per_km2`, `value` (the `measure`) and colour `class`
    (0–4; absent: no value), classes computed over every unit of the level, not the tile's, by `classification`
    (`province.selectors.class_breaks`). Cached whole under the data version of the connection that builds it (`version`,
    read here unless given: `data_version(replica=True)`).

    Returns the tile's bytes; with `compressed` (the client accepts gzip), (bytes, gzip body), the gzip body kept beside
    the tile and made once per tile and version (a tile is about half its size gzipped at national scale: compressing it
    per request halved the requests a server answers).
    """
    params = {"level": level, "year": year, "sector": sector or "", "source": source or "", "measure": measure,
              "province": province or "", "z": z, "x": x, "y": y}
    version = selectors.data_version(replica=True) if version is None else version
    key = _tile_key(version, name, classification, params)
    cached = caches["answers"].get(key)
    if cached is not None:
        tile, packed = cached
        if compressed and packed is None:
            packed = compress_string(tile)
            caches["answers"].set(key, (tile, packed), TILE_CACHE_SECONDS)
        return (tile, packed) if compressed else tile
    # the breaks of the same state, on the same connection (selectors.distribution_breaks)
    params["breaks"] = selectors.distribution_breaks(**{k: params[k] for k in ("level", "year", "sector", "source", "measure", "province")},
                                                     classification=classification, version=version)
    sql = distribution_sql(name=name)
    with read_connection().cursor() as cursor:
        cursor.execute(sql, params)
        tile = bytes(cursor.fetchone()[0])
    packed = compress_string(tile) if compressed else None
    caches["answers"].set(key, (tile, packed), TILE_CACHE_SECONDS)
    return (tile, packed) if compressed else tile


# A distribution tile is the same for every reader who may read the layer (province staff; the access check comes before),
# so whole tiles are cached, under the data version (`province.selectors.data_version`) and every argument: a write to
# the rollup, the units or the districts makes the next request compute its tile again. Bounded by the cache's culling.
TILE_CACHE_SECONDS = 24 * 3600


def _arguments_hash(name, classification, params):
    arguments = json.dumps([name, classification, *(params[k] for k in sorted(params))], default=str)
    return hashlib.md5(arguments.encode(), usedforsecurity=False).hexdigest()


def _tile_key(version, name, classification, params):
    return f"province:tile:{version}:{_arguments_hash(name, classification, params)}"


def distribution_etag(*, z, x, y, level="commune", year=None, sector="", source="", measure="total_investment", province="",
                      name="investment-distribution-communes", classification="quantiles", version=None) -> str:
    """The ETag of `distribution_tile` with these arguments, "<data version>-<hash of the arguments>": one statement (the
    version), no tile built, so that a client holding the tile gets its 304 without the tile's SQL."""
    params = {"level": level, "year": year, "sector": sector or "", "source": source or "", "measure": measure,
              "province": province or "", "z": z, "x": x, "y": y}
    version = selectors.data_version(replica=True) if version is None else version
    return f"{version}-{_arguments_hash(name, classification, params)}"


def _arguments(layer, request):
    check_tile_parameters(layer.filters, request.GET)
    arguments = layer.arguments(filters={name: request.GET[name] for name in layer.filters if request.GET.get(name)})
    arguments.pop("bbox")
    return arguments


def _version(request):
    """The data version, read once per request (its ETag and its tile are of the same version)."""
    if not hasattr(request, "province_data_version"):
        request.province_data_version = selectors.data_version(replica=True, request=request)  # where the tile is built
    return request.province_data_version


def _distribution_from_request(layer):
    def tile(request, z, x, y):
        return distribution_tile(z=z, x=x, y=y, name=layer.id, version=_version(request), **_arguments(layer, request),
                                 compressed=accepts_gzip(request))
    return tile


def _distribution_etag(layer):
    def etag(request, z, x, y):
        return distribution_etag(z=z, x=x, y=y, name=layer.id, version=_version(request), **_arguments(layer, request))
    return etag


def register_tile_layers():
    """Put the province's tile layers in `geo.tiles.REGISTRY` (called from ProvinceConfig.ready())."""
    for layer in (layers.commune_distribution, layers.district_distribution):
        register(TileLayer(
            name=layer.id, title=layer.label or layer.title, description=layer.description,
            fields={column: "String" if column in ("code", "name", "district") else "Number" for column in column_names(DISTRIBUTION_COLUMNS)},
            visible=layer.readable, tile=_distribution_from_request(layer), etag=_distribution_etag(layer), maxzoom=14,
            filters=dict(layer.filters),
        ))
    register(from_layer(layers.all_projects, maxzoom=16))

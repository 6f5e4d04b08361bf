"""Mapbox Vector Tiles written by PostGIS, and the TileJSON documents that list them.

A tile layer is any SQL selecting a `geom` column (EPSG:4326) and property columns; `mvt_sql` wraps
it so that PostGIS keeps the rows meeting the tile (web-mercator z/x/y, `ST_TileEnvelope`, with the
buffer as margin), clips and quantises their geometry to the tile's 4096 × 4096 grid
(`ST_AsMVTGeom`) and encodes the tile (`ST_AsMVT`) in the same statement. `from_layer` makes a tile
layer of any layer of the kit (`geo.layers`): its rows (the same access rule), its filters (the same
400s) and its declared properties; a layer whose features are computed differently (the province's
distribution, with its colour classes) gives its own `tile` function. Tile layers register
themselves (`register`) from their app's `ready()`, so `GET /tiles/` lists them without this module
knowing the apps above it.
"""
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from geo.layers import moment_sql
from geo.models import ZOOM_BANDS
from geo.params import LANGUAGE_PARAM
from geo.replica import read_connection
from geo.statements import sql_with_params

EXTENT = 4096   # tile grid units (the MVT default)
BUFFER = 64     # grid units drawn beyond the tile's edge, so that lines and fills join across tiles
MAX_ZOOM = 22
# Web-mercator metres per degree of longitude: a tile's width in degrees is its width in metres / this.
METRES_PER_DEGREE = 20037508.342789244 / 180
MVT_CONTENT_TYPE = "application/vnd.mapbox-vector-tile"


def parse_tile(z, x, y) -> tuple[int, int, int]:
    """(z, x, y) of a tile address (XYZ scheme, y down from the north): z 0–22, x and y 0…2^z−1; else a 400 naming `tile`."""
    try:
        z, x, y = int(z), int(x), int(y)
    except (TypeError, ValueError):
        z = -1
    if not 0 <= z <= MAX_ZOOM or not 0 <= x < 2 ** z or not 0 <= y < 2 ** z:
        raise ValidationError({"tile": [_("No such tile: z must be 0 to 22 and x, y between 0 and 2^z − 1.")]})
    return z, x, y


def band_sql(z: str) -> str:
    """SQL of the zoom band (`geo.models.ZOOM_BANDS`: its highest zoom, `geo_unitshape.band`) of the zoom at placeholder `z`:
    a CASE of constants, which PostgreSQL folds before planning."""
    cases = " ".join(f"WHEN {z} <= {band} THEN {band}" for band, _tolerance in ZOOM_BANDS[:-1])
    return f"(CASE {cases} ELSE {ZOOM_BANDS[-1][0]} END)"


def mvt_sql(rows_sql: str, *, name: str, columns: list[str], tile: tuple[str, str, str] = ("%s", "%s", "%s"), order: str = "",
            shaped: bool = False, feature_id: str = "") -> str:
    """SQL returning one bytea, the Mapbox vector tile of the rows of `rows_sql` meeting tile z/x/y.

    `rows_sql` selects `geom` (EPSG:4326) and the `columns` (the tile's properties, names from code,
    never input; "name::type" casts, e.g. numeric sums to bigint, which MVT would otherwise carry as text); the statement takes z, x, y at the placeholders `tile` (positional by default:
    then the parameters are z, x, y followed by those of `rows_sql`). The layer inside the tile is
    `name`. Geometries are transformed to EPSG:3857, clipped with a BUFFER margin and simplified
    to the grid by `ST_AsMVTGeom`; before that, `ST_Simplify` (keeping small shapes) drops the vertices closer
    than half a grid cell (in degrees, from the tile's width), which the grid would merge anyway: at zoom 6 the
    full-resolution commune boundaries cost most of the tile's time. `order` (a column name from code) writes the
    features in that column's order, so that two statements reading the same rows by different plans give the same
    bytes. An empty tile is an empty bytea.

    `OFFSET 0` keeps the clipped geometries a subquery of their own: pulled up, the test `t.geom IS NOT NULL` went down
    into the scan and every row's `ST_AsMVTGeom` ran twice (EXPLAIN ANALYZE: 112 + 105 ms of a zoom-6 tile at 705 districts).

    `feature_id` (a column of `rows_sql` from code, integer): written as each MVT feature's id (GDAL's FID), not as a property.

    `shaped`: the rows' `geom` is already in EPSG:3857 and generalised for the tile's zoom (an administrative unit's
    `geo.UnitShape` of the band `band_sql(z)`): it is neither transformed nor simplified, only clipped and quantised,
    and the rows meet the tile by a box test in EPSG:3857 (docs/GIS.md, "Generalised boundaries and cold answers").
    """
    z, x, y = tile
    props = ", ".join(_column(column) for column in [*columns, *([f"{feature_id}::bigint"] if feature_id else [])])
    fid = f", '{feature_id}'" if feature_id else ""
    if shaped:
        search = f"ST_Expand(box, (ST_XMax(box) - ST_XMin(box)) * {BUFFER / EXTENT})"
        geometry = "r.geom"
    else:
        search = f"ST_Transform(ST_Expand(box, (ST_XMax(box) - ST_XMin(box)) * {BUFFER / EXTENT}), 4326)"
        geometry = "ST_Transform(ST_Simplify(r.geom, bounds.tolerance, true), 3857)"
    return f"""
        WITH tile AS (SELECT ST_TileEnvelope({z}, {x}, {y}) AS box),
        bounds AS (SELECT box, {search} AS search,
                          (ST_XMax(box) - ST_XMin(box)) / {METRES_PER_DEGREE} / {EXTENT} / 2 AS tolerance FROM tile)
        SELECT coalesce((SELECT ST_AsMVT(t, '{name}', {EXTENT}, 'geom'{fid}) FROM (
            SELECT {props}, ST_AsMVTGeom({geometry}, bounds.box, {EXTENT}, {BUFFER}, true) AS geom
            FROM ({rows_sql}) r, bounds
            WHERE r.geom && bounds.search{f' ORDER BY r."{order}"' if order else ""} OFFSET 0
        ) t WHERE t.geom IS NOT NULL), ''::bytea)
    """


def _column(column):
    name, _, cast = column.partition("::")
    return f'r."{name}"::{cast} AS "{name}"' if cast else f'r."{name}"'


def column_names(columns):
    """The property names of `mvt_sql` columns (without their casts)."""
    return [column.partition("::")[0] for column in columns]


@dataclass(frozen=True)
class TileLayer:
    """A tile layer: `name` (URL segment and MVT layer name), `title`, `description`, its `fields`
    ({property: "String"|"Number"|"Boolean"}, as TileJSON's vector_layers say), zoom range, `bounds`
    (west, south, east, north degrees), whether it lives under a district (`/d/<slug>/tiles/…`) or the
    province (`/tiles/…`), `visible(user, district)`: may this user read it (the layer's own rule), and
    `tile(request, z, x, y)`: the tile's bytes, or (bytes, their gzip body) for a layer that keeps its tiles compressed
    (geo.middleware sends that body to a client accepting gzip instead of compressing again), the request's filters
    validated (400 naming the field), and optionally
    `etag(request, z, x, y)`: its ETag computed without the tile, so that If-None-Match is answered 304 with no tile SQL."""

    name: str
    title: str
    description: str
    fields: dict
    visible: object
    tile: object
    district_level: bool = False
    minzoom: int = 0
    maxzoom: int = 16
    bounds: tuple = (102.1, 8.4, 109.5, 23.4)  # Vietnam
    filters: dict = field(default_factory=dict)  # {name: geo.layers.Filter}: the query parameters the tiles take
    # etag(request, z, x, y) -> str: the tile's ETag without building it (a layer whose data carries a version), or None:
    # then the ETag is the hash of the body (geo.middleware)
    etag: object = None


REGISTRY: dict[str, TileLayer] = {}

# What a tile takes besides its layer's filters: the language, as every read (geo.params.LANGUAGE_PARAM), so that the
# URLs a TileJSON lists (which carry the request's `lang`) answer.
TILE_PARAMS = frozenset({LANGUAGE_PARAM})


def check_tile_parameters(filters, params, *, known=None) -> None:
    """A 400 naming the first query parameter of a tile (or TileJSON) request that is neither a known filter (`known`, by
    default the names of `filters`: {name: geo.layers.Filter}, the layer's) nor in TILE_PARAMS, or whose value the layer's
    filter refuses (`Filter.values`: its type, choices, pattern, one value): the one rule of every tile layer, the kit's
    (`layer_tile`) and the province's distribution, so that a TileJSON never lists tile URLs that would each be a 400."""
    listed = known is not None  # the list of the caller's layers, not one layer: its refusal says so
    known = set(filters) if known is None else known
    unknown = [name for name in params if name not in known and name not in TILE_PARAMS]
    if unknown:
        message = (_("%(name)s is not a filter of any tile layer you may read here.") if listed
                   else _("%(name)s is not a filter of this layer."))
        raise ValidationError({unknown[0]: [message % {"name": unknown[0]}]})
    for name in params:
        spec = filters.get(name)
        if spec is not None and not spec.free_text():
            spec.values(name, params[name])


def tile_query(layer, params) -> str:
    """The query string the tile URL of `layer` carries in a TileJSON: the request's parameters this layer takes (its
    filters and TILE_PARAMS), so that every listed URL answers (the list's filters apply to the layers that have them)."""
    kept = params.copy()
    for name in list(kept):
        if name not in layer.filters and name not in TILE_PARAMS:
            del kept[name]
    return kept.urlencode()


def register(layer: TileLayer) -> TileLayer:
    """Add a tile layer (from an app's ready()); a second registration under one name replaces the first."""
    REGISTRY[layer.name] = layer
    return layer


def tilejson(layer: TileLayer, *, tiles_url: str, query: str = "") -> dict:
    """The TileJSON 3.0.0 document of `layer`, its tiles at `tiles_url` (absolute, ending in `{z}/{x}/{y}.pbf`)."""
    return {
        "tilejson": "3.0.0", "name": str(layer.title), "description": str(layer.description), "scheme": "xyz",
        "tiles": [tiles_url + (f"?{query}" if query else "")], "minzoom": layer.minzoom, "maxzoom": layer.maxzoom,
        "bounds": list(layer.bounds), "filters": list(layer.filters),
        "vector_layers": [{"id": layer.name, "description": str(layer.description), "minzoom": layer.minzoom,
                           "maxzoom": layer.maxzoom, "fields": layer.fields}],
    }


# MVT values are strings, numbers and booleans: other kit property types travel as text.
_MVT_TYPES = {"string": "String", "integer": "Number", "number": "Number", "boolean": "Boolean"}


FEATURE_ID = "mvt_feature_id"  # the column carrying a kit layer's integer id into the tile's feature ids


def _tile_value(kind, sql):
    """A kit property's SQL as the tile carries it: the value the layer's GeoJSON writes (`geo.layers.moment_sql` for
    date-times: "2026-04-30T09:00:00+07:00", never PostgreSQL's UTC text), as text when MVT has no such type (dates
    "2026-04-30"; arrays and objects as their JSON)."""
    if kind in _MVT_TYPES:
        return f"({sql})"
    if kind == "datetime":
        return moment_sql(sql)
    if kind in ("array", "object"):
        return f"to_json({sql})::text"
    return f"({sql})::text"


def layer_tile(layer, request, z, x, y) -> bytes:
    """The tile z/x/y of a kit layer for this request: the rows `layer.rows(user, district)` gives, narrowed by
    the layer's filters from the query string (a parameter the layer does not have is a 400 naming it), with
    the layer's properties (`_tile_value`: date-times as the layer writes them; dates, arrays and objects as text) and,
    for a layer with integer ids, each feature's MVT id set to the layer's id. The MVT layer inside is named after `layer.id`."""
    params = request.GET
    check_tile_parameters(layer.filters, params)
    tenant = getattr(request, "tenant", None)
    district = None if tenant is None or tenant.schema_name == "public" else tenant
    rows = layer.filter_rows(layer._base(request.user, district), filters={name: params[name] for name in layer.filters if name in params})
    ids, id_params = sql_with_params(rows.values("pk"))
    selected = ", ".join(f'{_tile_value(kind, sql)} AS "{name}"' for name, (kind, sql) in layer.properties.items())
    fid = FEATURE_ID if layer.id_type == "integer" else ""
    rows_sql = (f"SELECT {selected}, {layer.geometry_sql} AS geom{f', {layer.id_sql} AS {FEATURE_ID}' if fid else ''} "
                f"FROM {layer.table} WHERE t.id IN ({ids})")
    with read_connection().cursor() as cursor:
        cursor.execute(mvt_sql(rows_sql, name=layer.id, columns=list(layer.properties), feature_id=fid), [z, x, y, *id_params])
        return bytes(cursor.fetchone()[0])


def from_layer(layer, **options) -> TileLayer:
    """A tile layer of the kit layer `layer` (same id, title, rows, filters, properties); `options` set the zooms."""
    return TileLayer(
        name=layer.id, title=layer.label or layer.title or layer.id, description=layer.description or "",
        fields={name: _MVT_TYPES.get(kind, "String") for name, (kind, _sql) in layer.properties.items()},
        visible=layer.readable, tile=lambda request, z, x, y: layer_tile(layer, request, z, x, y),
        district_level=layer.scope == "district", filters=dict(layer.filters), **options,
    )

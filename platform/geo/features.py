"""GeoJSON that PostgreSQL writes: grid clusters for low zoom (pages of features: the layer kit, geo.layers).

Shared by the layers that may hold thousands of points (proposals of a district, every investment
project of the province): below a zoom threshold the map gets one point per grid cell with the count
and summed amounts, never thousands of loose markers; above it, the points of the bbox, a page at a time.
"""

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

MAX_ZOOM = 22


def parse_zoom(value, *, default):
    """The `zoom` query parameter (a whole number 0–22), or `default` when absent; anything else is a 400 naming `zoom`."""
    if value in (None, ""):
        return default
    try:
        zoom = int(value)
    except (TypeError, ValueError):
        zoom = -1
    if not 0 <= zoom <= MAX_ZOOM:
        raise ValidationError({"zoom": [_("zoom must be a whole number from 0 to 22.")]})
    return zoom


def cluster_cell_degrees(zoom):
    """The side of a cluster's grid cell in degrees at a zoom: about a quarter of a 256-pixel tile."""
    return 360 / (2 ** zoom) / 4


def grid_clusters_sql(points_sql, *, sums=(), cell_placeholder="%s"):
    """SQL giving one GeoJSON Feature (as JSON text) and its count per grid cell of the points of `points_sql`.

    `points_sql` selects a point column `geom` (EPSG:4326) and the numeric columns named in `sums`;
    the statement takes the cell size (degrees) at `cell_placeholder` (the first positional parameter
    by default, or a named one), then `points_sql`'s own. Each feature sits at the mean position of
    its points, with `cluster: true`, `count` and each sum. Biggest clusters first.
    """
    sum_pairs = "".join(f", '{name}', sum({name})" for name in sums)
    return f"""
        SELECT json_build_object('type', 'Feature',
               'geometry', ST_AsGeoJSON(ST_Centroid(ST_Collect(geom)), 6)::json,
               'properties', json_build_object('cluster', true, 'count', count(*){sum_pairs}))::text,
               count(*)
        FROM (SELECT q.*, ST_SnapToGrid(q.geom, {cell_placeholder}) AS cell FROM ({points_sql}) q) gridded
        GROUP BY cell
        ORDER BY count(*) DESC, min(ST_X(geom)), min(ST_Y(geom))
    """

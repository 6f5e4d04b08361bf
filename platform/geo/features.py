"""GeoJSON that PostgreSQL writes: grid clusters for low zoom, and paginated FeatureCollections assembled from its text.

Shared by the layers that may hold thousands of points (proposals of a district, every investment
project of the province): below a zoom threshold the map gets one point per grid cell with the count
and summed amounts, never thousands of loose markers; above it, the points of the bbox, a page at a time.
"""
import json

from django.http import HttpResponse
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


def page_numbers(request, *, default=500, ceiling=5000):
    """`page` and `page_size` of a spatial list, or a 400 naming `page`."""
    try:
        page = int(request.query_params.get("page", 1))
        size = int(request.query_params.get("page_size", default))
    except ValueError:
        raise ValidationError({"page": [_("page and page_size must be whole numbers.")]})
    if page < 1 or not 1 <= size <= ceiling:
        raise ValidationError({"page": [_("page must be 1 or more and page_size between 1 and %(max)s.") % {"max": ceiling}]})
    return page, size


def feature_collection_response(request, *, count, features, page, size, extra=None):
    """A paginated GeoJSON FeatureCollection assembled from features PostgreSQL already wrote (JSON text or a list of texts)."""
    def link(number):
        params = request.GET.copy()
        params["page"] = number
        return request.build_absolute_uri(f"{request.path}?{params.urlencode()}")

    head = {
        "type": "FeatureCollection",
        **(extra or {}),
        "count": count,
        "next": link(page + 1) if page * size < count else None,
        "previous": link(page - 1) if page > 1 else None,
    }
    body = json.dumps(head)[:-1] + ', "features": [' + (features if isinstance(features, str) else ",".join(features)) + "]}"
    return HttpResponse(body, content_type="application/geo+json")

"""The `bbox=minLon,minLat,maxLon,maxLat` query parameter of every spatial list."""
import math

from django.contrib.gis.geos import Polygon
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError


def parse_bbox(text):
    """Return (min_lon, min_lat, max_lon, max_lat) (EPSG:4326 degrees) from the parameter, or raise a 400 naming `bbox`.

    Four numbers, minLon,minLat,maxLon,maxLat, or six with heights, minLon,minLat,minZ,maxLon,maxLat,maxZ (OGC API
    Features Part 1, /req/core/fc-bbox-definition): the heights are checked to be numbers and then dropped, since every
    layer is 2D; the 2D corners filter (docs/GIS.md, "OGC API – Features (Part 1: Core, GeoJSON; CRS84)")."""
    parts = text.split(",")
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        numbers = []
    if len(numbers) not in (4, 6) or not all(math.isfinite(n) for n in numbers):
        raise ValidationError({"bbox": [_("bbox must be four numbers, minLon,minLat,maxLon,maxLat, or six with heights, "
                                          "minLon,minLat,minZ,maxLon,maxLat,maxZ.")]})
    if len(numbers) == 6:
        numbers = numbers[0:2] + numbers[3:5]
    min_lon, min_lat, max_lon, max_lat = numbers
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180 and -90 <= min_lat <= 90 and -90 <= max_lat <= 90):
        raise ValidationError({"bbox": [_("bbox is outside longitude −180…180 or latitude −90…90.")]})
    if min_lon > max_lon or min_lat > max_lat:
        raise ValidationError({"bbox": [_("bbox minimums must not exceed its maximums.")]})
    return min_lon, min_lat, max_lon, max_lat


def bbox_polygon(text):
    polygon = Polygon.from_bbox(parse_bbox(text))
    polygon.srid = 4326
    return polygon

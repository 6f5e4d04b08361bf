"""The only way geometry enters the database: check GeoJSON input and say exactly what is wrong.

Every check refuses; nothing is silently repaired. The reasons are translated into the request's
language and name the field, so a village head can fix the pin and try again.
"""
import json
import math

from django.conf import settings
from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.db import connection
from django.utils.translation import gettext as _

from geo import crs as crs_module
from geo.numbers import message_number

SRID = 4326  # RFC 7946: GeoJSON is always WGS84 longitude, latitude.

GEOMETRY_TYPES = ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection")
POINT, LINE, AREA = ("Point",), ("LineString", "MultiLineString"), ("Polygon", "MultiPolygon")
ANY_FEATURE = POINT + ("MultiPoint",) + LINE + AREA

# Array depth of "coordinates" below which positions sit, per type.
_POSITION_DEPTH = {"Point": 0, "MultiPoint": 1, "LineString": 1, "MultiLineString": 2, "Polygon": 2, "MultiPolygon": 3}


class GeometryRejected(ValueError):
    """Input geometry refused, with a reason fit to show the person who sent it."""

    status_code = 400

    def __init__(self, message, code="invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


def parse_geometry(value, *, allowed_types=ANY_FEATURE, max_vertices=None, max_nesting=None, crs=None):
    """Check a GeoJSON geometry (dict or JSON text) and return it as a 2D GEOS geometry in EPSG:4326.

    Positions may carry altitude (`[lon, lat, z]`, RFC 7946 §3.1.1, what phones and Google Earth
    write) and a measure: both are dropped, since every column is 2D. A `crs` member (on the
    geometry, or `crs` passed down from its Feature or FeatureCollection) is honoured through
    `geo.crs` (WGS 84, VN-2000 geographic, TM-3 and UTM zones) or refused; never ignored.

    Refuses: a non-object, an unknown `crs`, a type not allowed for the field, malformed or
    non-numeric coordinates, NaN/infinite numbers, longitude or latitude out of range (with a hint
    when the pair looks swapped, or looks like VN-2000/UTM metres), lines with fewer than 2
    positions, unclosed or short rings, more vertices than the limit, GeometryCollections nested
    deeper than the limit, empty geometry, and anything GEOS finds invalid (bow-ties,
    self-intersections), with GEOS's reason. Raises GeometryRejected (HTTP 400).
    """
    max_vertices = settings.GEOMETRY_MAX_VERTICES if max_vertices is None else max_vertices
    max_nesting = settings.GEOMETRY_MAX_NESTING if max_nesting is None else max_nesting
    if isinstance(value, (str, bytes)):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            raise GeometryRejected(_("Geometry is not valid JSON."), "parse")
    if not isinstance(value, dict):
        raise GeometryRejected(_("Geometry must be a GeoJSON geometry object."), "type")
    if value.get("type") == "Feature":
        raise GeometryRejected(_("Send the Feature's geometry here, not the whole Feature."), "type")
    srs = _declared_srs(value.get("crs", crs))
    counter = _VertexCounter(max_vertices)
    _check(value, allowed_types, counter, depth=0, max_nesting=max_nesting, degrees=srs is None)
    try:
        geom = GEOSGeometry(json.dumps(_flat(value)), srid=SRID)
    except (GEOSException, ValueError, TypeError) as exc:
        raise GeometryRejected(_("Geometry could not be read: %(reason)s") % {"reason": exc}, "parse")
    if srs is not None:
        geom = _to_wgs84(geom, srs)
    geom.srid = SRID
    if geom.empty:
        raise GeometryRejected(_("Geometry is empty."), "empty")
    if not geom.valid:
        raise GeometryRejected(_("Geometry is not valid: %(reason)s.") % {"reason": geom.valid_reason}, "invalid")
    return geom


def _declared_srs(member):
    if member is None:
        return None
    try:
        return crs_module.srs_from_geojson(member)
    except crs_module.UnknownCRS as exc:
        raise _unknown_crs(exc.name)


def _unknown_crs(name):
    return GeometryRejected(
        _("The coordinate system %(crs)s is not supported: send WGS 84 longitude, latitude (RFC 7946), "
          "or declare VN-2000 (EPSG:4756, EPSG:9209 for TM-3 105°30′, EPSG:3405 for UTM 48N).") % {"crs": name},
        "crs",
    )


def _to_wgs84(geom, srs):
    try:
        geom = geom.transform(crs_module.to_wgs84(srs), clone=True)
    except crs_module.UnknownCRS as exc:
        raise _unknown_crs(exc.name)
    except (GDALException, GEOSException) as exc:
        raise GeometryRejected(_("Geometry could not be read: %(reason)s") % {"reason": exc}, "parse")
    for lon, lat in _positions(geom):
        if not (math.isfinite(lon) and math.isfinite(lat) and -180 <= lon <= 180 and -90 <= lat <= 90):
            raise GeometryRejected(_("The coordinates do not fall on the earth in the declared coordinate system."), "out_of_range")
    return geom


def _positions(geom):
    if geom.geom_type == "Point":
        yield geom.coords[:2]
    elif hasattr(geom, "__iter__") and geom.geom_type not in ("LineString", "LinearRing"):
        for part in geom:
            yield from _positions(part)
    else:
        for position in geom.coords:
            yield position[:2]


def _flat(value):
    """The geometry with every position cut to [lon, lat] and no `crs` member."""
    kind = value["type"]
    if kind == "GeometryCollection":
        return {"type": kind, "geometries": [_flat(member) for member in value["geometries"]]}

    def cut(item, depth):
        return item[:2] if depth == 0 else [cut(inner, depth - 1) for inner in item]

    return {"type": kind, "coordinates": cut(value["coordinates"], _POSITION_DEPTH[kind])}


class _VertexCounter:
    def __init__(self, limit):
        self.limit = limit
        self.count = 0

    def add(self, n):
        self.count += n
        if self.count > self.limit:
            raise GeometryRejected(
                _("Geometry has too many vertices: more than %(limit)s allowed.") % {"limit": self.limit}, "too_many_vertices"
            )


def _check(value, allowed_types, counter, depth, max_nesting, degrees):
    if not isinstance(value, dict):
        raise GeometryRejected(_("Geometry must be a GeoJSON geometry object."), "type")
    if depth and "crs" in value:
        raise GeometryRejected(_("Declare the coordinate system once, on the outermost object, not on a member of a collection."), "crs")
    kind = value.get("type")
    if kind not in GEOMETRY_TYPES:
        raise GeometryRejected(_("Unknown geometry type %(type)r.") % {"type": kind}, "type")
    if kind not in allowed_types:
        raise GeometryRejected(
            _("Geometry type %(type)s is not allowed here; allowed: %(allowed)s.") % {"type": kind, "allowed": ", ".join(allowed_types)},
            "type",
        )
    if kind == "GeometryCollection":
        if depth >= max_nesting:
            raise GeometryRejected(_("GeometryCollections are nested too deeply (at most %(limit)s levels).") % {"limit": max_nesting}, "nesting")
        members = value.get("geometries")
        if not isinstance(members, list) or not members:
            raise GeometryRejected(_("A GeometryCollection needs a non-empty 'geometries' list."), "type")
        for member in members:
            _check(member, GEOMETRY_TYPES, counter, depth + 1, max_nesting, degrees)
        return
    coordinates = value.get("coordinates")
    if not isinstance(coordinates, list):
        raise GeometryRejected(_("Geometry has no 'coordinates' list."), "coordinates")
    _check_coordinates(kind, coordinates, counter, degrees)


def _check_coordinates(kind, coordinates, counter, degrees):
    depth = _POSITION_DEPTH[kind]
    if depth == 0:
        _check_position(coordinates, degrees)
        counter.add(1)
        return
    if kind in ("LineString", "MultiPoint"):
        _check_sequence(coordinates, counter, degrees, minimum=2 if kind == "LineString" else 1)
    elif kind == "MultiLineString":
        _each_list(coordinates, lambda line: _check_sequence(line, counter, degrees, minimum=2))
    elif kind == "Polygon":
        _check_polygon(coordinates, counter, degrees)
    elif kind == "MultiPolygon":
        _each_list(coordinates, lambda polygon: _check_polygon(polygon, counter, degrees))


def _each_list(items, check):
    if not items:
        raise GeometryRejected(_("Geometry is empty."), "empty")
    for item in items:
        if not isinstance(item, list):
            raise GeometryRejected(_("Coordinates are not nested as the geometry type requires."), "coordinates")
        check(item)


def _check_polygon(rings, counter, degrees):
    def ring_check(ring):
        _check_sequence(ring, counter, degrees, minimum=4)
        if ring[0][:2] != ring[-1][:2]:
            raise GeometryRejected(_("A polygon ring is not closed: its first and last positions differ."), "unclosed_ring")

    _each_list(rings, ring_check)


def _check_sequence(positions, counter, degrees, minimum):
    if not isinstance(positions, list):
        raise GeometryRejected(_("Coordinates are not nested as the geometry type requires."), "coordinates")
    counter.add(len(positions))
    if len(positions) < minimum:
        if minimum == 4:
            raise GeometryRejected(_("A polygon ring needs at least 4 positions (3 corners and the closing one)."), "short_ring")
        raise GeometryRejected(_("A line needs at least 2 positions."), "short_line")
    for position in positions:
        _check_position(position, degrees)


def _check_position(position, degrees=True):
    # [lon, lat], [lon, lat, altitude] or [lon, lat, altitude, measure]: only the first two are kept.
    if not isinstance(position, list) or not 2 <= len(position) <= 4:
        raise GeometryRejected(_("Each position must be [longitude, latitude] or [longitude, latitude, altitude]."), "coordinates")
    for number in position:
        if isinstance(number, bool) or not isinstance(number, (int, float)):
            raise GeometryRejected(_("Coordinates must be numbers, got %(value)r.") % {"value": number}, "coordinates")
        if not math.isfinite(number):
            raise GeometryRejected(_("Coordinates must be finite numbers (no NaN or infinity)."), "not_finite")
    if not degrees:
        return
    lon, lat = position[0], position[1]
    if (not -90 <= lat <= 90 or not -180 <= lon <= 180) and crs_module.looks_projected(lon, lat):
        raise GeometryRejected(
            _("The coordinates %(x)s, %(y)s look like VN-2000/UTM metres (easting, northing), not longitude/latitude degrees: "
              "convert them to WGS 84, or declare the system, e.g. \"crs\": {\"type\": \"name\", \"properties\": {\"name\": \"EPSG:9209\"}} "
              "for VN-2000 / TM-3 105°30′.") % {"x": lon, "y": lat},
            "projected",
        )
    if not -90 <= lat <= 90:
        if -90 <= lon <= 90 and -180 <= lat <= 180:
            raise GeometryRejected(
                _("Latitude %(lat)s is out of range: the position looks like [latitude, longitude]; GeoJSON uses [longitude, latitude].")
                % {"lat": lat},
                "swapped",
            )
        raise GeometryRejected(_("Latitude %(lat)s is outside −90…90.") % {"lat": lat}, "out_of_range")
    if not -180 <= lon <= 180:
        raise GeometryRejected(_("Longitude %(lon)s is outside −180…180.") % {"lon": lon}, "out_of_range")


def check_inside(geom, unit, *, tolerance_m=None):
    """Refuse a geometry that leaves `unit` by more than the tolerance (metres, a setting).

    The shipped boundaries are simplified to about 150 m, hence a tolerance; an official boundary
    import can lower it through GEOMETRY_TOLERANCE_M.
    """
    tolerance_m = settings.GEOMETRY_TOLERANCE_M if tolerance_m is None else tolerance_m
    if unit.geom is None:
        raise GeometryRejected(_("%(unit)s has no boundary on record, so no location can be checked against it.") % {"unit": unit.name}, "no_boundary")
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ST_Covers(u.geom, g.geom)
                   OR ST_Covers(ST_Buffer(u.geom::geography, %s)::geometry, g.geom),
                   ST_Distance(u.geom::geography, g.geom::geography)
            FROM public.geo_administrativeunit u,
                 (SELECT ST_GeomFromEWKB(%s) AS geom) g
            WHERE u.id = %s
            """,
            [tolerance_m, bytes(geom.ewkb), unit.pk],
        )
        inside, distance = cursor.fetchone()
    if inside:
        return
    if distance and distance > 0:
        raise GeometryRejected(
            _("The location is outside %(unit)s, about %(distance)s m from its boundary (tolerance %(tolerance)s m).")
            % {"unit": unit.name, "distance": message_number(round(distance)), "tolerance": message_number(tolerance_m)},
            "outside",
        )
    raise GeometryRejected(
        _("The geometry reaches outside %(unit)s by more than the tolerance of %(tolerance)s m.") % {"unit": unit.name, "tolerance": message_number(tolerance_m)},
        "outside",
    )

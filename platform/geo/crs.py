"""Coordinate systems that files and GeoJSON may declare, and how they reach WGS 84 (EPSG:4326).

One module owns coordinate systems (as pygeoapi's `crs.py` does). Everything the database stores is
EPSG:4326 longitude, latitude (traditional GIS axis order, as GeoJSON). A declared system is either
honoured (transformed through PROJ) or refused, never ignored.

VN-2000 (EPSG:4756) reaches WGS 84 through the seven parameters of the Vietnamese Department of
Survey and Mapping, EPSG:6960 "VN-2000 to WGS 84 (2)" (Vietnam onshore): dX −191.90441429 m,
dY −39.30318279 m, dZ −111.45032835 m, rotations −0.00928836″, 0.01975479″, −0.00427372″ in
the coordinate-frame convention, scale 0.252906278 ppm. PROJ's `+towgs84` takes rotations in the
position-vector convention, so their signs are flipped below; the result then agrees with PROJ's
own EPSG:9209 → EPSG:4326 pipeline (tested). The 3° TM zones of cadastral and planning maps
(Bắc Ninh: central meridian 105°30′, EPSG:9209) have scale 0.9999; the 6° UTM zones 0.9996.

No translated messages here: this module also runs inside the parsing child, which has no
settings. Callers turn `UnknownCRS` into a message.
"""
import re

from django.contrib.gis.gdal import CoordTransform, GDALException, SpatialReference
from django.contrib.gis.gdal.error import SRSException

WGS84 = 4326
VN2000_TOWGS84 = "-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278"
VN2000_GEOGRAPHIC = f"+proj=longlat +ellps=WGS84 +towgs84={VN2000_TOWGS84} +no_defs +type=crs"

# EPSG code -> (central meridian in degrees, scale factor) of the VN-2000 transverse Mercator systems.
VN2000_TM = {
    9205: (103.0, 0.9999), 9206: (104.0, 0.9999), 9207: (104.5, 0.9999), 9208: (104.75, 0.9999),
    9209: (105.5, 0.9999), 9210: (105.75, 0.9999), 9211: (106.0, 0.9999), 9212: (106.25, 0.9999),
    9213: (106.5, 0.9999), 9214: (107.0, 0.9999), 9215: (107.25, 0.9999), 9216: (107.5, 0.9999),
    9217: (108.25, 0.9999), 9218: (108.5, 0.9999),
    5896: (102.0, 0.9999), 5897: (105.0, 0.9999), 5898: (108.0, 0.9999), 5899: (107.75, 0.9999),
    6956: (102.0, 0.9999), 6957: (105.0, 0.9999), 6958: (108.0, 0.9999),
    3405: (105.0, 0.9996), 3406: (111.0, 0.9996),
}
BAC_NINH_TM3 = 9209  # VN-2000 / TM-3 105-30

_EPSG = re.compile(r"^(?:urn:ogc:def:crs:EPSG:[\d.]*:|EPSG:{1,2}|http://www\.opengis\.net/def/crs/EPSG/0/)(\d+)$", re.IGNORECASE)
_CRS84 = {"urn:ogc:def:crs:ogc:1.3:crs84", "urn:ogc:def:crs:ogc::crs84", "http://www.opengis.net/def/crs/ogc/1.3/crs84", "crs84", "ogc:crs84"}


class UnknownCRS(ValueError):
    """A declared coordinate system this platform cannot honour; `name` is what was declared."""

    def __init__(self, name):
        super().__init__(name)
        self.name = name


def vn2000_tm(central_meridian: float, scale: float = 0.9999, false_easting: float = 500000.0, false_northing: float = 0.0) -> str:
    """PROJ string of a VN-2000 transverse Mercator system (metres, easting/northing)."""
    return (f"+proj=tmerc +lat_0=0 +lon_0={central_meridian} +k={scale} +x_0={false_easting} +y_0={false_northing} "
            f"+ellps=WGS84 +towgs84={VN2000_TOWGS84} +units=m +no_defs +type=crs")


def srs_for_epsg(code: int) -> SpatialReference:
    """SpatialReference for an EPSG code; VN-2000 codes get the explicit parameters above."""
    if code == WGS84:
        return SpatialReference(WGS84)
    if code == 4756:
        return SpatialReference(VN2000_GEOGRAPHIC)
    if code in VN2000_TM:
        return SpatialReference(vn2000_tm(*VN2000_TM[code]))
    try:
        srs = SpatialReference(code)
    except Exception:
        raise UnknownCRS(f"EPSG:{code}")
    to_wgs84(srs, name=f"EPSG:{code}")
    return srs


def to_wgs84(srs: SpatialReference, *, name: str | None = None) -> CoordTransform:
    """The transformation from `srs` to EPSG:4326; UnknownCRS when PROJ has none (a vertical
    system such as EPSG:5773, an engineering system)."""
    try:
        return CoordTransform(srs, SpatialReference(WGS84))
    except (SRSException, GDALException):
        raise UnknownCRS(name or srs.name or "?")


def srs_from_geojson(member) -> SpatialReference | None:
    """The system a GeoJSON `crs` member declares (the 2008 `{"type": "name", "properties": {"name": …}}` form).

    None means WGS 84 longitude/latitude (CRS84 or EPSG:4326). Raises UnknownCRS for anything else
    that is not an EPSG code (linked CRS, URLs, WKT): a declared system is never ignored.
    """
    name = member.get("properties", {}).get("name") if isinstance(member, dict) and isinstance(member.get("properties"), dict) else None
    if not isinstance(member, dict) or member.get("type") != "name" or not isinstance(name, str):
        raise UnknownCRS(str(member)[:100])
    text = name.strip()
    if text.lower() in _CRS84:
        return None
    match = _EPSG.match(text)
    if not match:
        raise UnknownCRS(text[:100])
    code = int(match.group(1))
    return None if code == WGS84 else srs_for_epsg(code)


def is_vn2000(srs: SpatialReference) -> bool:
    """Whether a system read from a file (.prj, GeoPackage) is on the VN-2000 datum."""
    wkt = srs.wkt.upper()
    return "VN-2000" in wkt or "VN_2000" in wkt or "VIETNAM_2000" in wkt or "VIETNAM 2000" in wkt


def honest_srs(srs: SpatialReference | None) -> SpatialReference | None:
    """Replace a VN-2000 system from a file by the same projection with the official datum shift.

    A `.prj` written by MapInfo, ArcGIS or a Vietnamese surveying package often names VN-2000
    without any datum shift, which PROJ would take as WGS 84 (about 200–300 m off in Bắc Ninh).
    """
    if srs is None or not is_vn2000(srs):
        return srs
    if srs.geographic:
        return SpatialReference(VN2000_GEOGRAPHIC)
    projection = (srs["PROJECTION"] or "").lower()
    if "transverse_mercator" not in projection.replace(" ", "_"):
        raise UnknownCRS(srs.name)
    return SpatialReference(vn2000_tm(
        _parameter(srs, "central_meridian"), _parameter(srs, "scale_factor", 0.9999),
        _parameter(srs, "false_easting", 500000.0), _parameter(srs, "false_northing", 0.0),
    ))


def _parameter(srs, name, default=None):
    match = re.search(r'PARAMETER\["' + name + r'",\s*([-\d.eE+]+)', srs.wkt, re.IGNORECASE)
    if match:
        return float(match.group(1))
    if default is None:
        raise UnknownCRS(srs.name)
    return default


def transform_to_wgs84(ogr_geometry, srs: SpatialReference | None):
    """Transform an OGR geometry in place from `srs` to EPSG:4326 (no-op for None or WGS 84);
    UnknownCRS when there is no transformation."""
    if srs is None:
        return ogr_geometry
    transform = to_wgs84(srs)
    ogr_geometry.srs = srs
    ogr_geometry.transform(transform)
    return ogr_geometry


def looks_projected(x: float, y: float) -> bool:
    """Whether a pair that is out of range as degrees looks like easting/northing metres.

    VN-2000 TM-3 and UTM zones give eastings of about 100 000–900 000 m and northings of
    about 900 000–2 600 000 m for Vietnam.
    """
    return 50_000 <= abs(x) <= 1_000_000 and 500_000 <= abs(y) <= 3_000_000 or (abs(x) > 180 and abs(y) > 1000)

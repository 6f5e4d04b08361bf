"""A whole GeoJSON layer as a file for GIS and office programs: GeoJSON, GeoPackage, zipped Shapefile, KML, CSV, Excel.

`layer_file(collection, fmt=…, layer=…, district=…, properties=…)` takes a FeatureCollection (dict, EPSG:4326
lon/lat as RFC 7946 says) and the layer's declared properties ({name: kit type}, `geo.layers.PROPERTY_TYPES`) and
answers `LayerFile(content, content_type, filename)`. GeoPackage, Shapefile and KML are written by GDAL's `ogr2ogr`
(Debian gdal-bin) in a child process, in a private temporary folder, with a time limit (EXPORT_TIMEOUT_SECONDS) and
the jail's GDAL configuration that refuses the network (`geo.jail.GDAL_JAIL_CONFIG`); the declared types reach the
file through an OGR SQL `CAST` per column (GDAL would otherwise guess from the values, and an all-null integer
column would come out as text). CSV is written by Python's csv module, Excel by openpyxl through
`geo.spreadsheets.workbook_bytes` (formulas neutralised); their columns are the declared properties (one `id`
column), so an empty layer's file still has its header. Excel cells are formatted by what the value means
(`_xlsx`): amounts (money in đồng, counts: the layer's `amounts`) with thousands separators, other integers (ids,
codes, years, ranks) plain, lon/lat with 7 decimals, other decimals as they are, dates and date-times as real Excel
dates shown dd/mm/yyyy (hh:mm in Vietnam time). KML names each placemark by the layer's `name_property`. The layer
inside the file is named after the layer (`proposals`, never ""); the file is `<district>-<layer>-<dd-mm-yyyy>.<ext>`, ASCII.

A Shapefile holds one geometry type, so a layer mixing points, lines and polygons (plan works)
becomes one `<layer>_points.shp`, `<layer>_lines.shp`, `<layer>_polygons.shp` per type present,
each with its `.dbf`, `.shx`, `.prj` (WGS 84) and `.cpg` (UTF-8) in one zip. Features without a
geometry go to GeoPackage, GeoJSON, CSV and Excel (empty geometry cells), not to Shapefile or KML. An empty layer
(or one without any geometry, for Shapefile and KML) still gives a file with the declared columns and no rows: the
GeoPackage and KML with the layer's `geometry_type`, the zip one empty Shapefile per geometry family of that type (all
three for a mixed "Geometry" layer).
"""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
import zipfile
import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry

from geo.jail import GDAL_JAIL_CONFIG
from geo.spreadsheets import inert_text, workbook_bytes

# name: (extension, content type)
FORMATS = {
    "geojson": ("geojson", "application/geo+json"),
    "gpkg": ("gpkg", "application/geopackage+sqlite3"),
    "shp": ("zip", "application/zip"),
    "kml": ("kml", "application/vnd.google-earth.kml+xml"),
    "csv": ("csv", "text/csv; charset=utf-8"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}

# The Shapefile of each geometry family, and the GeoJSON types that go into it.
SHAPE_FAMILIES = {
    "points": ("Point", "MultiPoint"),
    "lines": ("LineString", "MultiLineString"),
    "polygons": ("Polygon", "MultiPolygon"),
}


# The Shapefile geometry families of a declared GeoJSON geometry type (a mixed layer: every family).
DECLARED_FAMILIES = {"Point": ("points",), "MultiPoint": ("points",), "LineString": ("lines",), "MultiLineString": ("lines",),
                     "Polygon": ("polygons",), "MultiPolygon": ("polygons",), "Geometry": tuple(SHAPE_FAMILIES)}
# The ogr2ogr -nlt of a declared geometry type, for a file without features (GDAL cannot see it in an empty source).
OGR_GEOMETRY = {"Point": "POINT", "MultiPoint": "MULTIPOINT", "LineString": "LINESTRING", "MultiLineString": "MULTILINESTRING",
                "Polygon": "POLYGON", "MultiPolygon": "MULTIPOLYGON", "Geometry": "GEOMETRY"}


# The OGR SQL type a declared kit type is cast to (others are copied as GDAL reads them).
OGR_CASTS = {"integer": "bigint", "number": "float", "date": "date", "datetime": "timestamp"}


class ExportFailed(Exception):
    """ogr2ogr failed or ran past the time limit: a server fault (500 with the log line), never the user's input."""


@dataclass(frozen=True)
class LayerFile:
    content: bytes
    content_type: str
    filename: str


def slug(text: str) -> str:
    """ASCII file-name slug of a Vietnamese name: "Yên Phong" → "yen-phong" (đ → d, no diacritics)."""
    text = unicodedata.normalize("NFKD", str(text).replace("đ", "d").replace("Đ", "D"))
    text = text.encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "layer"


def layer_name(layer: str) -> str:
    """The table/layer name inside a file: the layer's slug with underscores ("plan_works"), never empty."""
    return slug(layer).replace("-", "_")


def export_filename(*, district: str, layer: str, fmt: str, on: date | None = None) -> str:
    """`<district>-<layer>-<dd-mm-yyyy>.<ext>`, ASCII (e.g. "yen-phong-proposals-29-11-2026.gpkg")."""
    on = on or date.today()
    return f"{slug(district)}-{slug(layer)}-{on:%d-%m-%Y}.{FORMATS[fmt][0]}"


def layer_file(collection: dict, *, fmt: str, layer: str, district: str, lonlat: bool = False, on: date | None = None,
               properties: dict | None = None, name_property: str | None = None, amounts=(), geometry_type: str = "Geometry") -> LayerFile:
    """The FeatureCollection `collection` as a file of format `fmt` (a FORMATS key).

    `layer` names the layer inside the file and in the file name, `district` (slug or name) the
    file name's first part ("tinh" for the province). For CSV and Excel, `lonlat` gives `lon` and
    `lat` columns (a point on the surface of lines and polygons, EPSG:4326 degrees) instead of a
    `wkt` column. `properties` ({name: kit type}, in order; None: those of the features present, untyped) gives
    the columns and their types; `name_property` the one naming a KML placemark; `amounts` the integer properties shown
    with thousands separators in Excel (money, counts); `geometry_type` (GeoJSON, "Geometry" when mixed) the geometry of
    an empty GeoPackage, KML or Shapefile. Raises KeyError for an unknown format, ExportFailed when GDAL fails.
    """
    if properties is None:
        properties = dict.fromkeys(_columns(collection.get("features") or []), "string")
    extension, content_type = FORMATS[fmt]
    name = layer_name(layer)
    if fmt == "geojson":
        content = json.dumps({**collection, "name": name}, ensure_ascii=False).encode()
    elif fmt == "xlsx":
        content = _xlsx(collection, name=name, lonlat=lonlat, properties=properties, amounts=amounts)
    elif fmt == "csv":
        content = _csv(collection, lonlat=lonlat, columns=list(properties))
    elif fmt == "shp":
        content = _shapefiles(collection, name=name, properties=properties, geometry_type=geometry_type)
    else:
        content = _ogr2ogr(collection, driver={"gpkg": "GPKG", "kml": "KML"}[fmt], name=name, extension=extension,
                           properties=properties, name_property=name_property, geometry_type=geometry_type)
    return LayerFile(content, content_type, export_filename(district=district, layer=layer, fmt=fmt, on=on))


def _columns(features) -> list[str]:
    """Every property name, in order of first appearance."""
    seen = {}
    for feature in features:
        for key in feature.get("properties") or {}:
            seen.setdefault(key, None)
    return list(seen)


def _geometry_cells(geometry, *, lonlat):
    if not geometry:
        return [None, None] if lonlat else [None]
    geom = GEOSGeometry(json.dumps(geometry), srid=4326)
    if lonlat:
        point = geom if geom.geom_type == "Point" else geom.point_on_surface
        return [round(point.x, 7), round(point.y, 7)]
    return [geom.wkt]


def _cell(value):
    """A property value as one spreadsheet cell: lists and objects as JSON text."""
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return value


def _rows(collection, *, lonlat, columns):
    """(header, rows): the feature id (unless a property is itself called `id`), the `columns`, then wkt or lon/lat."""
    features = collection.get("features") or []
    with_id = "id" not in columns
    head = [*(["id"] if with_id else []), *columns, *(["lon", "lat"] if lonlat else ["wkt"])]
    rows = [[*([f.get("id")] if with_id else []), *(_cell((f.get("properties") or {}).get(c)) for c in columns),
             *_geometry_cells(f.get("geometry"), lonlat=lonlat)]
            for f in features]
    return head, rows


def _csv_value(value):
    """A cell of the CSV: booleans as `true`/`false`, as GeoJSON writes them and OGR's CSV driver reads them back
    (docs/GIS.md, "GIS downloads, vector tiles and lighter answers"), never Python's `True`/`False`; text that starts
    like a formula stays text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return inert_text(value)


def _csv(collection, *, lonlat, columns) -> bytes:
    # With a BOM, so that Excel opens Vietnamese text as UTF-8.
    head, rows = _rows(collection, lonlat=lonlat, columns=columns)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(head)
    for row in rows:
        writer.writerow([_csv_value(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode()


PLAIN = "0"  # ids, codes, years, ranks, orders: 2027, never "2.027"
AMOUNT = "#,##0"  # money in đồng and counts: Excel shows the reader's separators (1.500.000 in Vietnamese)
DEGREES = "0.0000000"  # lon/lat, as written (7 decimals, about 1 cm)
DAY = "dd/mm/yyyy"
MOMENT = "dd/mm/yyyy hh:mm"


def _excel_value(value, kind):
    """A cell value of a declared `kind`: dates as `date`, date-times as naive `datetime` in the platform's zone (Excel has
    no zones); text that is not a valid date stays text."""
    if isinstance(value, str) and kind in ("date", "datetime"):
        try:
            if kind == "date":
                return date.fromisoformat(value)
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
        if moment.tzinfo is not None:
            moment = moment.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE)).replace(tzinfo=None)
        return moment
    return value


def _xlsx(collection, *, name, lonlat, properties, amounts=()) -> bytes:
    """The Excel sheet: each column formatted by what it means (see the module docstring), then print-ready."""
    from openpyxl import Workbook

    from geo.spreadsheets import print_ready

    columns = list(properties)
    head, rows = _rows(collection, lonlat=lonlat, columns=columns)
    kinds = {"id": "integer", **properties, "lon": "degrees", "lat": "degrees"}
    formats = [AMOUNT if column in amounts else {"integer": PLAIN, "degrees": DEGREES, "date": DAY, "datetime": MOMENT}.get(kinds.get(column))
               for column in head]
    book = Workbook()
    sheet = book.active
    sheet.title = name[:31]
    sheet.append(head)
    for row in rows:
        sheet.append([_excel_value(value, kinds.get(column)) for column, value in zip(head, row)])
    for index, number_format in enumerate(formats, start=1):
        if number_format:
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                if cell.value is not None and not isinstance(cell.value, str | bool):
                    cell.number_format = number_format
    print_ready(sheet, header_rows=(1, 1), numbers=False)
    return workbook_bytes(book)


def _run(arguments, folder):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "HOME": folder, "TMPDIR": folder, **GDAL_JAIL_CONFIG}
    for var in ("GDAL_DATA", "PROJ_DATA", "PROJ_LIB"):
        if os.environ.get(var):
            env[var] = os.environ[var]
    try:
        done = subprocess.run(["ogr2ogr", *arguments], cwd=folder, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                              timeout=settings.EXPORT_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        raise ExportFailed(f"ogr2ogr ran past {settings.EXPORT_TIMEOUT_SECONDS} s")
    if done.returncode != 0:
        raise ExportFailed(done.stderr.decode(errors="replace")[-500:])


SOURCE_LAYER = "source"


def _write_source(folder, collection, filename="layer.geojson"):
    """The collection as a GeoJSON file whose layer is SOURCE_LAYER, each feature carrying every column (null when absent)."""
    path = os.path.join(folder, filename)
    with open(path, "w", encoding="utf-8") as fh:
        json.dump({**collection, "name": SOURCE_LAYER}, fh, ensure_ascii=False)
    return path


def _quoted(name):
    return '"' + name.replace('"', '""') + '"'


def _typed_sql(collection, properties, *, empty=False):
    """ogr2ogr arguments casting each declared column to its OGR type (OGR SQL); `empty`: the source holds only the
    placeholder of `_placeholder` and no row is copied (the columns are)."""
    if not properties:
        return []
    columns = [f"CAST({_quoted(name)} AS {OGR_CASTS[kind]}) AS {_quoted(name)}" if kind in OGR_CASTS else _quoted(name)
               for name, kind in properties.items()]
    return ["-sql", f"SELECT {', '.join(columns)} FROM {_quoted(SOURCE_LAYER)}" + (" WHERE 1 = 0" if empty else "")]


PLACEHOLDERS = {"integer": 0, "number": 0.5, "boolean": False, "array": [], "object": {}}  # others: "" (cast by OGR SQL)


def _placeholder(properties):
    """A collection of one feature with every declared column (a value of its kind, so GDAL sees each; `_typed_sql`
    casts dates) and no geometry: the source of a file without rows, which GDAL would otherwise write without columns."""
    return {"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": None, "properties": {
        name: PLACEHOLDERS.get(kind, "") for name, kind in properties.items()}}]}


def _complete(collection, properties):
    """The collection with every declared property present in every feature (null when absent), so GDAL sees each column."""
    features = [{**f, "properties": {name: (f.get("properties") or {}).get(name) for name in properties}}
                for f in collection.get("features") or []]
    return {**collection, "features": features}


def _ogr2ogr(collection, *, driver, name, extension, properties, name_property=None, geometry_type="Geometry") -> bytes:
    folder = tempfile.mkdtemp(prefix="sedp-export-")
    try:
        collection = _complete(collection, properties)
        if driver == "KML":  # KML cannot hold a feature without geometry
            collection = {**collection, "features": [f for f in collection.get("features") or [] if f.get("geometry")]}
        empty = not collection["features"]
        source = _write_source(folder, _placeholder(properties) if empty else collection)
        target = os.path.join(folder, f"{name}.{extension}")
        options = ["-dsco", f"NameField={name_property}"] if driver == "KML" and name_property else []
        if empty:
            options += ["-nlt", OGR_GEOMETRY.get(geometry_type, "GEOMETRY")]
        _run(["-f", driver, target, source, "-nln", name, "-a_srs", "EPSG:4326", *options,
              *_typed_sql(collection, properties, empty=empty)], folder)
        with open(target, "rb") as fh:
            return fh.read()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _shapefiles(collection, *, name, properties, geometry_type="Geometry") -> bytes:
    features = _complete(collection, properties).get("features") or []
    located = any(f.get("geometry") for f in features)
    folder = tempfile.mkdtemp(prefix="sedp-export-")
    try:
        out = os.path.join(folder, "out")
        os.mkdir(out)
        for family, types in SHAPE_FAMILIES.items():
            chosen = [f for f in features if f.get("geometry") and f["geometry"].get("type") in types]
            if not chosen and (located or family not in DECLARED_FAMILIES.get(geometry_type, tuple(SHAPE_FAMILIES))):
                continue
            part = {"type": "FeatureCollection", "features": chosen} if chosen else _placeholder(properties)
            source = _write_source(folder, part, f"{family}.geojson")
            target = os.path.join(out, f"{name}_{family}.shp")
            geometry = {"points": "PROMOTE_TO_MULTI" if any(f["geometry"]["type"] == "MultiPoint" for f in chosen) else "POINT",
                        "lines": "MULTILINESTRING", "polygons": "MULTIPOLYGON"}[family]
            if not chosen and geometry_type == "MultiPoint":
                geometry = "MULTIPOINT"
            _run(["-f", "ESRI Shapefile", target, source, "-nln", f"{name}_{family}", "-nlt", geometry,
                  "-a_srs", "EPSG:4326", "-lco", "ENCODING=UTF-8", *_typed_sql(part, properties, empty=not chosen)], folder)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for filename in sorted(os.listdir(out)):
                archive.write(os.path.join(out, filename), filename)
        return buffer.getvalue()
    finally:
        shutil.rmtree(folder, ignore_errors=True)

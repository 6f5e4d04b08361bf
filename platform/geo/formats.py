"""Reading each upload format, run only inside the parsing child (`geo.jail`), never in a web worker.

Each format is opened by its own reader and nothing else: CSV and XLSX by Python (csv,
openpyxl), GeoJSON by `json`, KML/KMZ by defusedxml's ElementTree (GDAL's KML drivers drop or
launder ExtendedData names such as "Lĩnh vực"), GPX, Shapefile and GeoPackage by GDAL with
that one driver allowed (`GDALOpenEx` allowed_drivers), so a VRT or any other driver is never
tried. Archives are checked (entries, expanded size, ratio, names) before anything is extracted.
No settings and no translations here: refusals are `Refused(code, **params)`, turned into
messages by `geo.readers` in the request's language.

A record is a dict: row (spreadsheet row number or the feature's 1-based position), fields (names
exactly as in the file), formats (Excel number formats), geometry (GeoJSON dict, EPSG:4326 unless
`crs` says otherwise; altitude is dropped later by the guard), crs (the GeoJSON `crs` member in
force, or None) and layer.
"""
import csv
import io
import json
import os
import unicodedata
import zipfile
from ctypes import c_char_p
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

KINDS = ("csv", "xlsx", "geojson", "kml", "kmz", "gpx", "shp", "gpkg")
SHAPEFILE_PARTS = {".shp", ".shx", ".dbf", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".xml", ".qpj"}
GDAL_DRIVERS = {"gpx": "GPX", "shp": "ESRI Shapefile", "gpkg": "GPKG"}
GPX_LAYERS = ("waypoints", "routes", "tracks")


class Refused(Exception):
    """The file is refused as a whole; `code` names the reason, `params` fill its message."""

    def __init__(self, code, **params):
        super().__init__(code)
        self.code = code
        self.params = params


def parse(path: str, kind: str, *, geometry: bool, limits: dict) -> dict:
    """Read the file at `path` as `kind`; return {"format", "records", "errors"} (see module doc)."""
    if kind not in KINDS:
        raise Refused("kind")
    with open(path, "rb") as fh:
        head = fh.read(8)
    records = READERS[kind](path, head, limits)
    if len(records) > limits["max_records"]:
        raise Refused("too_many_records", limit=limits["max_records"])
    for record in records:
        check_fields(record["fields"], limits)
        if not geometry:
            record["geometry"] = None
        elif record.get("geometry") is not None:
            vertices = count_vertices(record["geometry"])
            if vertices > limits.get("max_vertices", DEFAULT_LIMITS["max_vertices"]):
                record["geometry"] = None
                record["geometry_error"] = {"code": "too_many_vertices", "limit": limits.get("max_vertices", DEFAULT_LIMITS["max_vertices"])}
    return {"format": kind, "records": records, "errors": []}


# Limits a caller may leave out (the settings give the real ones, see geo.jail.limits_from_settings).
DEFAULT_LIMITS = {"max_columns": 200, "max_name_chars": 200, "max_cell_chars": 10000, "max_vertices": 20000}


def check_fields(fields: dict, limits: dict) -> None:
    """Refuse a record with more than `max_columns` fields, a field name longer than
    `max_name_chars` characters or a text value longer than `max_cell_chars`."""
    columns = limits.get("max_columns", DEFAULT_LIMITS["max_columns"])
    if not isinstance(fields, dict):
        return
    if len(fields) > columns:
        raise Refused("too_many_columns", limit=columns)
    check_names(fields, limits)
    cell = limits.get("max_cell_chars", DEFAULT_LIMITS["max_cell_chars"])
    for name, value in fields.items():
        if isinstance(value, (str, bytes)) and len(value) > cell:
            raise Refused("cell_too_long", name=str(name)[:40], limit=cell)
        if isinstance(value, (dict, list)) and len(json.dumps(value, default=str)) > cell:
            raise Refused("cell_too_long", name=str(name)[:40], limit=cell)


def check_names(names, limits: dict) -> None:
    longest = limits.get("max_name_chars", DEFAULT_LIMITS["max_name_chars"])
    for name in names:
        if len(str(name)) > longest:
            raise Refused("name_too_long", name=str(name)[:40], limit=longest)


def count_vertices(geometry, depth: int = 0) -> int:
    """Positions in a GeoJSON geometry (any nesting); malformed parts count as nothing (the guard refuses them later)."""
    if not isinstance(geometry, dict) or depth > 20:
        return 0
    if geometry.get("type") == "GeometryCollection":
        return sum(count_vertices(member, depth + 1) for member in geometry.get("geometries") or [] if isinstance(member, dict))

    def positions(item, level):
        if not isinstance(item, list) or level > 5:
            return 0
        if item and all(isinstance(v, (int, float)) for v in item):
            return 1
        return sum(positions(inner, level + 1) for inner in item)

    return positions(geometry.get("coordinates"), 0)


# --- archives ------------------------------------------------------------------------------

def checked_zip(path: str, limits: dict) -> zipfile.ZipFile:
    """Open a zip whose declared sizes stay within the limits; refuse it before extracting anything.

    Limits: entries (`max_entries`), total expanded bytes (`max_expanded_bytes`), expanded/compressed
    ratio of any entry larger than 1 MB and of the whole (`max_ratio`); absolute or `..` names
    and symbolic links are refused. Reads then never trust these sizes: `read_entry` stops at the
    declared size.
    """
    try:
        archive = zipfile.ZipFile(path)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        raise Refused("bad_zip")
    if len(infos) > limits["max_entries"]:
        raise Refused("zip_entries", limit=limits["max_entries"])
    total = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if total > limits["max_expanded_bytes"]:
        raise Refused("zip_size", limit=limits["max_expanded_bytes"] // 1_000_000)
    for info in infos:
        name = info.filename
        if name.startswith(("/", "\\")) or ".." in name.replace("\\", "/").split("/") or ":" in name:
            raise Refused("zip_name", name=name[:80])
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            raise Refused("zip_name", name=name[:80])
        if info.file_size > 1_000_000 and info.file_size / max(1, info.compress_size) > limits["max_ratio"]:
            raise Refused("zip_ratio", limit=limits["max_ratio"])
    if total > 1_000_000 and total / packed > limits["max_ratio"]:
        raise Refused("zip_ratio", limit=limits["max_ratio"])
    return archive


def read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    with archive.open(info) as fh:
        data = fh.read(info.file_size + 1)
    if len(data) > info.file_size:
        raise Refused("zip_size", limit=info.file_size // 1_000_000)
    return data


# --- tables --------------------------------------------------------------------------------

def decode_text(data: bytes) -> str:
    """Text of a CSV in NFC: UTF-8 (with or without BOM) first, else what charset-normalizer finds
    (e.g. Windows-1258, whose tone marks are combining characters: NFC makes "Lĩnh vực" one string again)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data, cp_isolation=["cp1258", "utf_16", "utf_8"]).best() or from_bytes(data).best()
        if best is None:
            raise Refused("encoding")
        text = str(best)
    return unicodedata.normalize("NFC", text)


def header_index(rows: list[list], scan: int = 20) -> int:
    """Index of the header row: the first of the first `scan` rows with two or more filled cells
    that the next filled row matches in width (a title line or two above the table is skipped), or that is at least
    as wide as every row scanned after it (a template's full header above sparse rows: only a code and an amount)."""
    filled = [(i, sum(1 for c in row if c not in (None, ""))) for i, row in enumerate(rows[:scan])]
    candidates = [(i, n) for i, n in filled if n >= 2]
    for position, (i, n) in enumerate(candidates):
        following = candidates[position + 1:position + 2]
        if not following or following[0][1] >= n - 1 or n >= max(m for _j, m in candidates[position + 1:]):
            return i
    return candidates[0][0] if candidates else 0


def _csv_rows(text: str, delimiter: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def read_csv(path, head, limits):
    with open(path, "rb") as fh:
        text = decode_text(fh.read())
    sample = "\n".join(text.splitlines()[:30])
    best = None
    for delimiter in (";", ",", "\t"):
        try:
            rows = _csv_rows(sample, delimiter)
        except csv.Error:
            continue
        index = header_index(rows)
        width = len([c for c in rows[index] if c.strip()]) if rows else 0
        if best is None or width > best[1]:
            best = (delimiter, width)
    if best is None or best[1] < 1:
        raise Refused("empty")
    try:
        rows = _csv_rows(text, best[0])
    except csv.Error as exc:
        raise Refused("unreadable", reason=str(exc)[:200])
    return _table_records(rows, formats=None, layer="", limits=limits)


def _table_records(rows, formats, layer, limits):
    if not any(any(c not in (None, "") for c in row) for row in rows):
        raise Refused("empty")
    index = header_index(rows)
    header = [str(h).strip() if h is not None else "" for h in rows[index]]
    # Refused here, before any record is built: the header's size is what a hostile table inflates.
    if len([h for h in header if h]) > limits.get("max_columns", DEFAULT_LIMITS["max_columns"]):
        raise Refused("too_many_columns", limit=limits.get("max_columns", DEFAULT_LIMITS["max_columns"]))
    check_names(header, limits)
    records = []
    for number, row in enumerate(rows[index + 1:], start=index + 2):
        if not any(c not in (None, "") for c in row):
            continue
        fields, cell_formats = {}, {}
        for position, name in enumerate(header):
            value = row[position] if position < len(row) else None
            if not name:
                continue
            fields.setdefault(name, value)
            if formats is not None:
                cell_formats.setdefault(name, formats[number - 1][position] if position < len(formats[number - 1]) else "General")
        records.append({"row": number, "fields": fields, "formats": cell_formats, "geometry": None, "crs": None, "layer": layer})
    return records


def read_xlsx(path, head, limits):
    if head[:4] != b"PK\x03\x04":
        raise Refused("not_kind", kind="Excel (.xlsx)")
    checked_zip(path, limits)
    import openpyxl
    from openpyxl.xml import DEFUSEDXML

    assert DEFUSEDXML, "openpyxl must parse through defusedxml"
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows, formats = [], []
        for cells in sheet.iter_rows():
            rows.append([getattr(c, "value", None) for c in cells])
            formats.append([getattr(c, "number_format", None) or "General" for c in cells])
    except DefusedXmlException:
        raise Refused("xml_entities")
    except (KeyError, IndexError, ValueError, TypeError, zipfile.BadZipFile, OSError) as exc:
        # openpyxl wraps what defusedxml raised in its own error; the reason stays the entities.
        cause = exc.__cause__ or exc.__context__
        while cause is not None:
            if isinstance(cause, DefusedXmlException):
                raise Refused("xml_entities")
            cause = cause.__cause__ or cause.__context__
        raise Refused("unreadable", reason=type(exc).__name__)
    return _table_records(rows, formats, sheet.title, limits)


# --- GeoJSON -------------------------------------------------------------------------------

def read_geojson(path, head, limits):
    with open(path, "rb") as fh:
        data = fh.read()
    try:
        document = json.loads(decode_text(data))
    except (ValueError, RecursionError) as exc:
        raise Refused("json", reason=str(exc)[:200])
    if not isinstance(document, dict):
        raise Refused("geojson")
    crs = document.get("crs")
    if document.get("type") == "FeatureCollection":
        features = document.get("features")
    elif document.get("type") == "Feature":
        features = [document]
        crs = None
    elif "coordinates" in document or "geometries" in document:
        features = [{"type": "Feature", "geometry": document, "properties": {}}]
        crs = None
    else:
        features = None
    if not isinstance(features, list):
        raise Refused("geojson")
    records = []
    for number, feature in enumerate(features, start=1):
        if not isinstance(feature, dict):
            feature = {}
        properties = feature.get("properties")
        geometry = feature.get("geometry")
        records.append({
            "row": number, "fields": properties if isinstance(properties, dict) else {}, "formats": {},
            "geometry": geometry, "crs": feature.get("crs", crs), "layer": "",
        })
    return records


# --- KML / KMZ -----------------------------------------------------------------------------

def _xml(data: bytes) -> Element:
    """Parse XML refusing any DTD entity or external reference (billion laughs, XXE)."""
    try:
        return SafeET.fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException:
        raise Refused("xml_entities")
    except SafeET.ParseError as exc:
        raise Refused("xml", reason=str(exc)[:200])


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element, name):
    return [c for c in element if _local(c.tag) == name]


def _text(element, name):
    for child in element:
        if _local(child.tag) == name:
            return (child.text or "").strip()
    return None


def _kml_positions(text):
    positions = []
    for chunk in (text or "").split():
        parts = chunk.split(",")
        try:
            positions.append([float(p) for p in parts[:3] if p != ""])
        except ValueError:
            raise Refused("kml_coordinates", value=chunk[:40])
    return positions


def _kml_geometry(element):
    kind = _local(element.tag)
    if kind == "Point":
        positions = _kml_positions(_text(element, "coordinates"))
        return {"type": "Point", "coordinates": positions[0] if positions else []}
    if kind in ("LineString", "LinearRing"):
        return {"type": "LineString", "coordinates": _kml_positions(_text(element, "coordinates"))}
    if kind == "Polygon":
        rings = []
        for boundary in ("outerBoundaryIs", "innerBoundaryIs"):
            for wrapper in _children(element, boundary):
                for ring in _children(wrapper, "LinearRing"):
                    rings.append(_kml_positions(_text(ring, "coordinates")))
        return {"type": "Polygon", "coordinates": rings}
    if kind == "Track":  # gx:Track: a phone's recorded path
        coords = [[float(v) for v in (c.text or "").split()[:3]] for c in element if _local(c.tag) == "coord"]
        return {"type": "LineString", "coordinates": coords}
    if kind in ("MultiGeometry", "MultiTrack"):
        members = [_kml_geometry(child) for child in element if _local(child.tag) in KML_GEOMETRIES]
        kinds = {m["type"] for m in members}
        if len(kinds) == 1 and kinds <= {"Point", "LineString", "Polygon"}:
            single = kinds.pop()
            return {"type": "Multi" + single, "coordinates": [m["coordinates"] for m in members]}
        return {"type": "GeometryCollection", "geometries": members}
    return None


KML_GEOMETRIES = {"Point", "LineString", "LinearRing", "Polygon", "MultiGeometry", "Track", "MultiTrack"}


def _placemark_fields(placemark):
    fields = {}
    name = _text(placemark, "name")
    if name is not None:
        fields["name"] = name
    description = _text(placemark, "description")
    if description:
        fields["description"] = description
    for extended in _children(placemark, "ExtendedData"):
        for data in _children(extended, "Data"):
            value = _text(data, "value")
            fields[data.get("name", "")] = value if value is not None else None
        for schema_data in _children(extended, "SchemaData"):
            for simple in _children(schema_data, "SimpleData"):
                fields[simple.get("name", "")] = (simple.text or "").strip()
    fields.pop("", None)
    return fields


def _kml_records(root):
    if _local(root.tag) != "kml":
        raise Refused("not_kind", kind="KML")
    records = []

    def walk(element, layer):
        for child in element:
            kind = _local(child.tag)
            if kind in ("Document", "Folder"):
                walk(child, _text(child, "name") or layer)
            elif kind == "Placemark":
                geometry = None
                for part in child:
                    if _local(part.tag) in KML_GEOMETRIES:
                        geometry = _kml_geometry(part)
                        break
                records.append({"row": len(records) + 1, "fields": _placemark_fields(child), "formats": {},
                                "geometry": geometry, "crs": None, "layer": layer})

    walk(root, "")
    return records


def read_kml(path, head, limits):
    with open(path, "rb") as fh:
        return _kml_records(_xml(fh.read()))


def read_kmz(path, head, limits):
    archive = checked_zip(path, limits)
    documents = [i for i in archive.infolist() if i.filename.lower().endswith(".kml")]
    if not documents:
        raise Refused("kmz_empty")
    # The main document is doc.kml by convention, else the first .kml at the root.
    main = next((i for i in documents if i.filename.lower() == "doc.kml"), documents[0])
    return _kml_records(_xml(read_entry(archive, main)))


# --- GDAL formats --------------------------------------------------------------------------

def _open_gdal(path: str, driver_name: str):
    """Open `path` as a vector dataset with exactly one GDAL driver allowed."""
    from django.contrib.gis.gdal import DataSource, GDALException
    from django.contrib.gis.gdal.driver import Driver
    from django.contrib.gis.gdal.prototypes import ds as capi

    Driver.ensure_registered()
    allowed = (c_char_p * 2)(driver_name.encode(), None)
    try:
        pointer = capi.open_ds(path.encode(), capi.GDAL_OF_READONLY | capi.GDAL_OF_VECTOR, allowed, None, None)
        return DataSource(pointer, ds_driver=capi.get_dataset_driver(pointer))
    except GDALException:
        raise Refused("not_kind", kind=driver_name)


def _gdal_records(datasource, layers=None):
    from django.contrib.gis.gdal import GDALException

    from geo import crs

    records = []
    for layer in datasource:
        if layers is not None and layer.name not in layers:
            continue
        try:
            srs = crs.honest_srs(layer.srs)
        except crs.UnknownCRS as exc:
            raise Refused("crs", name=exc.name)
        names = layer.fields
        for feature in layer:
            fields = {}
            for name in names:
                try:
                    fields[name] = feature[name].value
                except (GDALException, ValueError, UnicodeDecodeError):
                    fields[name] = feature[name].as_string()
            geometry = None
            # Each feature's own geometry: a layer of type GEOMETRY (mixed, as QGIS and ogr2ogr write
            # GeoPackages) reports type 0 for every feature, so the layer's type says nothing.
            ogr = _feature_geometry(feature)
            if ogr is not None:
                try:
                    geometry = json.loads(crs.transform_to_wgs84(ogr, srs).json)
                except crs.UnknownCRS as exc:
                    raise Refused("crs", name=exc.name)
                except GDALException:
                    raise Refused("crs", name=srs.name if srs else "?")
            records.append({"row": len(records) + 1, "fields": fields, "formats": {}, "geometry": geometry, "crs": None, "layer": layer.name})
    return records


def _feature_geometry(feature):
    """The feature's OGR geometry, or None when it has none (Django raises on OGR's null pointer)."""
    from django.contrib.gis.gdal import GDALException

    try:
        return feature.geom
    except GDALException:
        return None


def read_gpx(path, head, limits):
    with open(path, "rb") as fh:
        root = _xml(fh.read())  # entities and external references are refused before GDAL sees the file
    if _local(root.tag) != "gpx":
        raise Refused("not_kind", kind="GPX")
    return _gdal_records(_open_gdal(path, "GPX"), layers=GPX_LAYERS)


def read_gpkg(path, head, limits):
    if head[:6] != b"SQLite":
        raise Refused("not_kind", kind="GeoPackage")
    return _gdal_records(_open_gdal(path, "GPKG"))


def read_shp(path, head, limits):
    archive = checked_zip(path, limits)
    folder = os.path.join(os.path.dirname(path), "shp")
    os.mkdir(folder)
    shapes = []
    for info in archive.infolist():
        if info.is_dir():
            continue
        extension = os.path.splitext(info.filename)[1].lower()
        if extension not in SHAPEFILE_PARTS:
            raise Refused("shp_part", name=info.filename[:80])
        # Flatten: every part lands in one folder under a safe name, so GDAL finds its siblings.
        target = os.path.join(folder, os.path.basename(info.filename).replace(os.sep, "_"))
        with open(target, "wb") as out:
            out.write(read_entry(archive, info))
        if extension == ".shp":
            shapes.append(target)
    if not shapes:
        raise Refused("shp_missing")
    records = []
    for shape in shapes:
        for record in _gdal_records(_open_gdal(shape, "ESRI Shapefile")):
            record["row"] = len(records) + 1
            records.append(record)
    return records


READERS = {"csv": read_csv, "xlsx": read_xlsx, "geojson": read_geojson, "kml": read_kml, "kmz": read_kmz,
           "gpx": read_gpx, "shp": read_shp, "gpkg": read_gpkg}

"""TEMPORARY stand-in for `geo.readers.read_records` (owned by the `jail` branch), same signature and result.

Used only when `geo.readers` is absent (see `geo.imports.read_upload`); delete this module when the
jail branch lands. It reads in-process (no jail, no limits beyond UPLOAD_MAX_BYTES): CSV (encoding
by charset-normalizer, separator from the header row), Excel .xlsx (cells keep their type and
number_format; a title above the header is skipped), GeoJSON and KML (geometry 2D, EPSG:4326).
"""
import csv
import io
import json
import os
import tempfile
import unicodedata
from dataclasses import dataclass, field

from django.contrib.gis.gdal import DataSource, GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass
class Record:
    row: int
    fields: dict
    geometry: object = None
    layer: str = ""
    formats: dict = field(default_factory=dict)


@dataclass
class ReadResult:
    format: str
    records: list
    errors: list = field(default_factory=list)


def _refuse(reason):
    raise ValidationError({"file": [_("The file could not be read: %(reason)s") % {"reason": reason}]})


def _header_index(rows):
    """The header is the first of the first 20 rows with two or more filled cells (a title above it has one)."""
    for index, row in enumerate(rows[:20]):
        if sum(1 for c in row if c not in (None, "")) >= 2:
            return index
    return 0


def _table(rows, formats=None):
    index = _header_index(rows)
    header = [str(h).strip() if h is not None else "" for h in (rows[index] if rows else [])]
    records = []
    for number, row in enumerate(rows[index + 1:], start=index + 2):
        if not any(c not in (None, "") for c in row):
            continue
        fields = {name: value for name, value in zip(header, row, strict=False) if name}
        fmt = {name: f for name, f in zip(header, (formats or {}).get(number, []), strict=False) if name}
        records.append(Record(row=number, fields=fields, formats=fmt))
    return records


def _csv(data: bytes):
    if data.startswith(b"\xef\xbb\xbf"):
        text = data[3:].decode("utf-8", errors="strict")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            from charset_normalizer import from_bytes

            best = from_bytes(data, cp_isolation=["cp1258", "cp1252", "utf_16"]).best()
            if best is None:
                _refuse(_("its text encoding is not recognised (save it as CSV UTF-8)."))
            text = str(best)
    text = unicodedata.normalize("NFC", text)  # Windows-1258 writes tone marks as separate characters
    lines = text.splitlines()
    sample = next((line for line in lines if line.count(";") + line.count(",") + line.count("\t") >= 1), "")
    delimiter = max((";", ",", "\t"), key=sample.count)
    return _table([list(r) for r in csv.reader(io.StringIO(text), delimiter=delimiter)])


def _xlsx(data: bytes):
    import openpyxl

    try:
        sheet = openpyxl.load_workbook(io.BytesIO(data), data_only=True).worksheets[0]
    except Exception as exc:  # openpyxl and zipfile raise many kinds on broken workbooks
        _refuse(exc.__class__.__name__)
    rows, formats = [], {}
    for number, cells in enumerate(sheet.iter_rows(), start=1):
        rows.append([c.value for c in cells])
        formats[number] = [c.number_format for c in cells]
    return _table(rows, formats)


def _geojson(data: bytes):
    try:
        collection = json.loads(data.decode("utf-8-sig"))
    except (ValueError, UnicodeDecodeError) as exc:
        _refuse(exc)
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list):
        _refuse(_("A GeoJSON FeatureCollection was expected."))
    records = []
    for number, feature in enumerate(features, start=1):
        feature = feature if isinstance(feature, dict) else {}
        records.append(Record(row=number, fields=dict(feature.get("properties") or {}), geometry=feature.get("geometry")))
    return records


def _kml(data: bytes):
    with tempfile.NamedTemporaryFile(suffix=".kml", delete=False) as fh:
        fh.write(data)
        path = fh.name
    try:
        records = []
        source = DataSource(path)
        for layer in source:
            for number, feature in enumerate(layer, start=len(records) + 1):
                geom = feature.geom
                geom.set_3d(False)
                try:
                    geometry = GEOSGeometry(geom.wkb, srid=4326)
                except GEOSException:
                    geometry = None
                records.append(Record(row=number, fields={f: feature.get(f) for f in layer.fields}, geometry=geometry,
                                      layer=layer.name))
        return records
    except GDALException as exc:
        _refuse(exc)
    finally:
        os.unlink(path)


READERS = {"csv": _csv, "txt": _csv, "xlsx": _xlsx, "geojson": _geojson, "json": _geojson, "kml": _kml}


def read_records(upload, *, kinds: set, geometry: bool = True) -> ReadResult:
    """Records of the upload (see module docstring); a format outside `kinds` or an unreadable file → ValidationError({"file": …})."""
    kind = os.path.splitext(upload.name or "")[1].lower().lstrip(".")
    if kind == "txt":
        kind = "csv"
    if kind not in kinds or kind not in READERS:
        _refuse(_("this kind of file is not accepted here."))
    return ReadResult(format=kind, records=READERS[kind](upload.read()))

"""Records from an uploaded file, whatever format field tools and offices write, read in the jail.

`read_records(upload, kinds={...})` is the one way an uploaded table or spatial file is read
(proposal import, progress import). Formats: CSV (UTF-8, UTF-8 with BOM, Windows-1258; `;`, `,`
or tab, found from the header row; a title above the table is skipped), XLSX (first sheet, cells
keep their Python type and number format), GeoJSON (a `crs` member at any level is honoured or
refused), KML and KMZ (every Folder; ExtendedData names kept exactly, e.g. "Lĩnh vực"), GPX
(waypoints, routes, tracks), zipped Shapefile (its `.prj` and `.cpg` honoured) and GeoPackage
(its SRS honoured). Parsing happens in `geo.jail`'s child process; geometry then goes through the
geometry guard, so it arrives 2D in EPSG:4326 (Decision 07/2015 Đ5: proposals pinned on the map).
"""
import os
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from geo.formats import KINDS, Refused
from geo.guard import GEOMETRY_TYPES, GeometryRejected, parse_geometry
from geo.jail import limits_from_settings, parse_jailed
from geo.numbers import message_number

EXTENSIONS = {".csv": "csv", ".txt": "csv", ".xlsx": "xlsx", ".geojson": "geojson", ".json": "geojson", ".kml": "kml",
              ".kmz": "kmz", ".gpx": "gpx", ".zip": "shp", ".gpkg": "gpkg"}
NAMES = {"csv": "CSV", "xlsx": "Excel (.xlsx)", "geojson": "GeoJSON", "kml": "KML", "kmz": "KMZ", "gpx": "GPX",
         "shp": gettext_lazy("zipped Shapefile (.zip)"), "gpkg": "GeoPackage"}

MESSAGES = {
    "kind": gettext_lazy("This kind of file is not accepted here."),
    "too_slow": gettext_lazy("Reading the file took longer than the limit of %(seconds)s s; split it into smaller files."),
    "too_big": gettext_lazy("Reading the file needed more memory than the limit of %(limit)s MB; split it into smaller files."),
    "crashed": gettext_lazy("The file could not be read: it is damaged or not what its name says."),
    "unreadable": gettext_lazy("The file could not be read (%(reason)s)."),
    "too_many_records": gettext_lazy("The file has more than %(limit)s rows or features; split it."),
    "bad_zip": gettext_lazy("The file is not a readable zip archive."),
    "zip_entries": gettext_lazy("The archive holds more than %(limit)s files."),
    "zip_size": gettext_lazy("The archive expands to more than %(limit)s MB."),
    "zip_ratio": gettext_lazy("The archive is compressed more than %(limit)s times, as archive bombs are; it is refused."),
    "zip_name": gettext_lazy("The archive holds a file with an unsafe name or a link: %(name)s."),
    "encoding": gettext_lazy("The text encoding of the file could not be recognised; save it as UTF-8."),
    "empty": gettext_lazy("The file has no rows."),
    "not_kind": gettext_lazy("The file is not a valid %(kind)s file."),
    "json": gettext_lazy("The GeoJSON could not be read: %(reason)s"),
    "geojson": gettext_lazy("A GeoJSON FeatureCollection, Feature or geometry was expected."),
    "xml_entities": gettext_lazy("The XML declares entities or refers to other files or addresses, which is refused."),
    "xml": gettext_lazy("The XML could not be read: %(reason)s"),
    "kml_coordinates": gettext_lazy("A KML coordinate is not a number: %(value)s."),
    "kmz_empty": gettext_lazy("The KMZ holds no .kml document."),
    "crs": gettext_lazy("The coordinate system %(name)s of the file is not supported."),
    "shp_part": gettext_lazy("The zip may hold only the parts of a Shapefile (.shp, .shx, .dbf, .prj, .cpg), not %(name)s."),
    "shp_missing": gettext_lazy("The zip holds no .shp file."),
    "too_many_columns": gettext_lazy("The file has more than %(limit)s columns or fields."),
    "name_too_long": gettext_lazy("A column or field name is longer than %(limit)s characters: %(name)s…"),
    "cell_too_long": gettext_lazy("A value in column %(name)s is longer than %(limit)s characters."),
    "too_much_output": gettext_lazy("The file holds more than %(limit)s MB of data once read; split it into smaller files."),
}


@dataclass
class Record:
    """One row or feature: `row` is the spreadsheet row number or the feature's 1-based position;
    `fields` keeps names exactly as the file has them and values as read (str, int, float, date,
    datetime, time, bool or None); `formats` the Excel number format of each cell; `geometry` a 2D
    GEOS geometry in EPSG:4326 or None; `errors` what the guard refused in this record only
    (`{"geometry": [message]}`)."""

    row: int
    fields: dict
    geometry: GEOSGeometry | None
    layer: str = ""
    formats: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)


@dataclass
class ReadResult:
    format: str
    records: list
    errors: list = field(default_factory=list)


def file_kind(upload) -> str | None:
    """The format an upload claims by its name's extension (`None` if none we read)."""
    return EXTENSIONS.get(os.path.splitext(getattr(upload, "name", "") or "")[1].lower())


def read_records(upload, *, kinds: set[str], geometry: bool = True, max_vertices: int | None = None, max_bytes: int | None = None,
                 max_output_bytes: int | None = None) -> ReadResult:
    """Read an uploaded file (Django UploadedFile) of one of `kinds` (subset of geo.formats.KINDS).

    Raises ValidationError({"file": [message]}) for a file refused as a whole: a format not in
    `kinds`, over UPLOAD_MAX_BYTES, or anything the jail refuses (limits, archive bombs, XML
    entities, a damaged file, an unsupported coordinate system). Geometry that the guard refuses
    refuses only its record (`Record.errors`). `max_vertices` and `max_bytes` default to the
    GEOMETRY_MAX_VERTICES and UPLOAD_MAX_BYTES settings, `max_output_bytes` (bytes of what the
    jail sends back) to IMPORT_MAX_OUTPUT_BYTES (the boundary import allows more of all three).
    """
    limit = settings.UPLOAD_MAX_BYTES if max_bytes is None else max_bytes
    kind = file_kind(upload)
    if kind is None or kind not in kinds or kind not in KINDS:
        raise ValidationError({"file": [_("Send one of these formats: %(formats)s.") % {
            "formats": ", ".join(str(NAMES[k]) for k in KINDS if k in kinds)}]})
    upload.seek(0)
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise ValidationError({"file": [_("The file is larger than the limit of %(limit)s bytes.") % {"limit": message_number(limit)}]})
    limits = limits_from_settings()
    if max_vertices is not None:
        limits["max_vertices"] = max_vertices
    if max_output_bytes is not None:
        limits["max_output_bytes"] = max_output_bytes
    try:
        parsed = parse_jailed(data, kind=kind, geometry=geometry, limits=limits)
    except Refused as exc:
        raise ValidationError({"file": [refusal_message(exc)]})
    records = []
    for item in parsed["records"]:
        record = Record(row=item["row"], fields=item["fields"], geometry=None, layer=item.get("layer") or "", formats=item.get("formats") or {})
        if geometry and item.get("geometry_error"):
            record.errors["geometry"] = [_("Geometry has too many vertices: more than %(limit)s allowed.") % {"limit": message_number(item["geometry_error"]["limit"])}]
        elif geometry and item.get("geometry") is not None:
            try:
                record.geometry = parse_geometry(item["geometry"], allowed_types=GEOMETRY_TYPES, crs=item.get("crs"), max_vertices=max_vertices)
            except GeometryRejected as exc:
                record.errors["geometry"] = [exc.message]
        records.append(record)
    return ReadResult(format=parsed["format"], records=records, errors=list(parsed.get("errors") or []))


def refusal_message(exc: Refused) -> str:
    """The refusal in the active language; its numbers by the one number rule (geo.numbers: 1.000 rows, 20 MB)."""
    params = {key: message_number(value, decimals=2 if isinstance(value, float) else 0)
              if isinstance(value, int | float) and not isinstance(value, bool) else value for key, value in exc.params.items()}
    if "kind" in params and params["kind"] in NAMES:
        params["kind"] = str(NAMES[params["kind"]])
    try:
        return str(MESSAGES.get(exc.code, MESSAGES["crashed"])) % params
    except (KeyError, TypeError, ValueError):
        return str(MESSAGES["crashed"])

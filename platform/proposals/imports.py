"""Proposals from a file a village head filled in elsewhere: CSV or Excel with lon/lat columns, GeoJSON, KML (Đ5).

The file is read by `geo.imports.read_upload`; each row goes through the same checks as the API
(`ProposalFeatureInput`, `proposal_create`). `geo.imports.import_run` makes the whole file one
transaction: `preview` reports row by row what would be created, left unchanged or refused and
writes nothing; applying writes exactly those rows, or nothing.

Values as offices type them: money and counts by the `geo.numbers` rule ("150.000" = 150 000 đồng,
"150,000" refused with the reason), coordinates with either decimal mark ("105,95" or "105.95"),
number cells where text is expected (a title 2024, a commune code 9193 → "09193"), communes and
villages by code or by name (folded: diacritics, tone-mark placement and look-alikes ignored).
A row repeating a proposal already recorded (same title, village and place) is unchanged.
"""
import json
import re

from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts import access
from accounts.access import AccessDenied
from core.models import Sector
from geo.crs import looks_projected
from geo.imports import RowSkipped, RowUnchanged, flatten_errors, import_answer, import_run, map_columns, read_upload, row_values
from geo.models import AdministrativeUnit
from geo.numbers import format_number
from geo.text import code_key, fold
from proposals.models import Proposal
from proposals.serializers import ProposalFeatureInput, ProposalPropertiesInput
from proposals.services import proposal_create, stored_village_code

# Every format the parsing jail reads (geo.formats.KINDS): the import and its form offer them all.
KINDS = {"csv", "xlsx", "geojson", "kml", "kmz", "gpx", "shp", "gpkg"}
# Column names accepted besides the API's own property names (folded: lower case, no diacritics).
ALIASES = {
    "lon": "lon", "lng": "lon", "long": "lon", "longitude": "lon", "x": "lon", "kinh do": "lon", "kinh_do": "lon",
    "lat": "lat", "latitude": "lat", "y": "lat", "vi do": "lat", "vi_do": "lat",
    "ten": "title", "ten de xuat": "title", "name": "title", "tieu de": "title", "ten cong trinh": "title",
    "linh vuc": "sector", "kinh phi": "estimated_cost", "kinh phi du kien": "estimated_cost", "cost": "estimated_cost",
    "estimated cost": "estimated_cost", "tong kinh phi": "estimated_cost",
    "thon": "village", "ma thon": "village", "ten thon": "village", "xa": "commune", "ma xa": "commune", "ten xa": "commune",
    "van de": "problem", "nguyen nhan": "cause", "giai phap": "solution", "doi tuong huong loi": "beneficiaries",
    "uu tien": "priority", "thu tu uu tien": "priority", "description": "problem", "nam ke hoach": "plan_year",
    # A Shapefile's DBF cuts column names at 10 characters (and GIS tools write them with "_").
    "linh_vuc": "sector", "kinh_phi": "estimated_cost", "kinh_phi_d": "estimated_cost", "estimated_": "estimated_cost",
    "ten_de_xua": "title", "ten_de_xuat": "title", "ten_cong_t": "title", "doi_tuong_": "beneficiaries",
    "nguyen_nha": "cause", "beneficiar": "beneficiaries", "thu_tu_uu_": "priority", "nam_ke_hoa": "plan_year",
} | {fold(name): name for name in ProposalPropertiesInput().fields} | {fold(name).replace("_", " "): name for name in ProposalPropertiesInput().fields}
SECTOR_BY_NAME = {fold(str(label)): code for code, label in Sector.choices} | {fold(code): code for code in Sector.values}
VIETNAMESE_SECTORS = {
    "giao thong": "transport", "thuy loi": "irrigation", "giao duc": "education", "y te": "health",
    "van hoa, the thao": "culture_sport", "van hoa the thao": "culture_sport", "moi truong, nuoc sach": "environment_water",
    "moi truong": "environment_water", "nong nghiep": "agriculture", "dien": "electricity",
    "quan ly hanh chinh": "administration", "bao tro xa hoi": "social_protection", "khac": "other",
}
TEXT_FIELDS = {"title", "problem", "cause", "solution", "beneficiaries", "source_name", "village", "commune", "sector"}
_COORDINATE = re.compile(r"^-?\d{1,7}([.,]\d+)?$")  # degrees, or metres that the range check then names


def _text(value):
    """A number cell where text is expected: 2024.0 → "2024"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _coordinate(value, name):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    text = str(value).strip()
    if not _COORDINATE.match(text):
        raise ValidationError({name: [_("lon and lat must be numbers.")]})
    return float(text.replace(",", "."))


def _unit(*, value, level, parent, field):
    """The current unit of `level` under `parent` whose code or folded name is `value`, or a 400 naming `field`."""
    text = _text(value)
    if level == "commune" and text.isdigit():
        text = text.zfill(5)  # an Excel number cell lost the GSO code's leading zero
    units = list(AdministrativeUnit.objects.filter(level=level, parent=parent, is_current=True).only("code", "name"))
    for unit in units:
        if code_key(unit.code) == code_key(text):
            return unit.code
    matches = [u for u in units if fold(u.name) == fold(text) or fold(u.name).removesuffix(" (mau)") == fold(text)]
    if len(matches) == 1:
        return matches[0].code
    return text  # proposal_create names it in its refusal


def _geometry(record, values):
    if getattr(record, "errors", None):  # the reader's guard refused this feature's geometry (and only this one)
        raise ValidationError(record.errors)
    if record.geometry is not None:
        geometry = record.geometry
        return json.loads(geometry.geojson) if isinstance(geometry, GEOSGeometry) else geometry
    if "lon" not in values or "lat" not in values:
        raise ValidationError({"geometry": [_("The row has no lon/lat columns.")]})
    errors, point = {}, []
    for name in ("lon", "lat"):
        try:
            point.append(_coordinate(values[name], name))
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    if not (-180 <= point[0] <= 180 and -90 <= point[1] <= 90) and looks_projected(*point):
        # A table cannot declare a coordinate system, so the guard's "declare the crs" hint does not apply.
        raise ValidationError({"lon": [_("The coordinates %(x)s, %(y)s look like VN-2000/UTM metres (easting, northing), not "
                                         "longitude/latitude degrees: convert them to WGS 84 degrees before importing.") % {
                                             "x": format_number(str(point[0]), decimals=6), "y": format_number(str(point[1]), decimals=6)}]})
    return {"type": "Point", "coordinates": point}


def _properties(values, *, district, default_commune):
    props = {}
    for key, value in values.items():
        if key in ("lon", "lat"):
            continue
        if key in TEXT_FIELDS:
            value = _text(value)
        if key == "sector":
            value = SECTOR_BY_NAME.get(fold(value), VIETNAMESE_SECTORS.get(fold(value), value))
        props[key] = value
    if "commune" in props:
        props["commune"] = _unit(value=props["commune"], level="commune", parent=district.unit, field="commune")
    elif default_commune:
        props["commune"] = default_commune
    if props.get("village") and props.get("commune"):
        commune = AdministrativeUnit.objects.filter(code=props["commune"], level="commune", parent=district.unit).first()
        if commune is not None:
            props["village"] = _unit(value=props["village"], level="village", parent=commune, field="village")
    return props


def _duplicate_of(*, actor, props, geom):
    """The proposal already recorded with the same title (folded), village and place, if any, among those the importer
    may read; the village is the one the row would be stored with (`proposals.services.stored_village_code`: a
    village head's row without a village is the head's village) (`accounts.access.proposal_scope`): the answer names its id and title, so it never names a proposal of
    another village or commune (a row aimed there is refused by `proposal_create` instead)."""
    commune = AdministrativeUnit.objects.filter(code=props["commune"], level="commune", is_current=True).first()
    village = stored_village_code(actor=actor, commune=commune, village_code=props.get("village"), meeting_id=props.get("meeting"))
    candidates = access.proposal_scope(actor, Proposal.objects.filter(commune__code=props["commune"], geom__equals=geom))
    candidates = candidates.filter(village__code=village) if village else candidates.filter(village__isnull=True)
    return next((p for p in candidates.only("id", "title") if fold(p.title) == fold(props["title"])), None)


def proposals_import(*, actor, district, upload, default_commune=None, preview=False) -> dict:
    """Preview or apply the file's rows (see the module docstring).

    Returns `geo.imports.ImportAnswer` (docs/API.md, "Imports"): created rows (`label` the title, no `id` in a preview),
    unchanged ones (the same title, village and place as a proposal already recorded: `id` that proposal) and refused
    ones. Rows are spreadsheet row numbers (CSV/Excel) or feature positions (GeoJSON/KML).
    An unreadable file, or one with a control character in a cell, is a 400 on `file` and nothing is written.
    """
    result = read_upload(upload, kinds=KINDS)
    names = list(dict.fromkeys(name for record in result.records for name in record.fields))
    columns = map_columns(names, ALIASES)

    def handle(record):
        values, _formats = row_values(record, columns)
        if not values.keys() - {"title"} and getattr(record, "geometry", None) is None:  # "Ghi chú: …" alone in its row
            raise RowSkipped(_("A note or an empty row: skipped."))
        geometry_errors = {}
        try:
            geometry = _geometry(record, values)
        except ValidationError as exc:
            geometry, geometry_errors = None, exc.message_dict
        props = _properties(values, district=district, default_commune=default_commune)
        feature = ProposalFeatureInput(data={"type": "Feature", "geometry": geometry, "properties": props})
        valid = feature.is_valid()
        errors = flatten_errors(dict(feature.errors)) if not valid else {}
        if geometry_errors:  # the guard's "may not be null" would only repeat why there is no geometry
            errors = {k: v for k, v in errors.items() if k != "geometry"} | geometry_errors
        if errors:
            raise ValidationError(errors)
        props = dict(feature.validated_data["properties"])
        geom = feature.validated_data["geometry"]
        existing = _duplicate_of(actor=actor, props=props, geom=geom)
        if existing is not None:
            raise RowUnchanged(_("Same title, village and place as proposal %(id)s: not written again.") % {"id": existing.pk},
                               id=existing.pk, label=existing.title, record="proposal")
        try:
            proposal = proposal_create(
                actor=actor, district=district, geom=geom, commune_code=props.pop("commune"),
                village_code=props.pop("village", None) or None, meeting_id=props.pop("meeting", None), **props,
            )
        except AccessDenied as exc:  # this row's commune or village is not the importer's: refuse the row, not the file
            raise ValidationError({"commune": [exc.message]})
        return {"id": proposal.pk, "label": proposal.title, "record": "proposal"}

    rows = import_run(records=result.records, columns=columns, handle_row=handle, preview=preview, label_key="title",
                      sources={"geometry": ("lon", "lat")})
    return import_answer(rows=rows, preview=preview, format=result.format, columns=columns)

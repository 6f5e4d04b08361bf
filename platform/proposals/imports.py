"""Proposals from a file a village head filled in elsewhere: CSV or Excel with lon/lat columns, GeoJSON, KML.

Each row goes through the same checks as the API, in its own savepoint: a refused row leaves
nothing behind, and the report says row by row what was taken and what was refused and why.
"""
import csv
import io
import json
import os
import re
import tempfile

from django.contrib.gis.gdal import DataSource, GDALException
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError as ApiValidationError

from accounts.access import AccessDenied
from geo.text import fold
from proposals.models import Sector
from proposals.serializers import ProposalFeatureInput
from proposals.services import proposal_create

# Column names accepted besides the API's own property names (folded: lower case, no diacritics).
ALIASES = {
    "lon": "lon", "lng": "lon", "long": "lon", "longitude": "lon", "x": "lon", "kinh do": "lon", "kinh_do": "lon",
    "lat": "lat", "latitude": "lat", "y": "lat", "vi do": "lat", "vi_do": "lat",
    "ten": "title", "ten de xuat": "title", "name": "title", "tieu de": "title",
    "linh vuc": "sector", "kinh phi": "estimated_cost", "kinh phi du kien": "estimated_cost", "cost": "estimated_cost",
    "thon": "village", "ma thon": "village", "xa": "commune", "ma xa": "commune",
    "van de": "problem", "nguyen nhan": "cause", "giai phap": "solution", "doi tuong huong loi": "beneficiaries",
    "uu tien": "priority", "thu tu uu tien": "priority", "description": "problem",
}
SECTOR_BY_NAME = {fold(str(label)): code for code, label in Sector.choices} | {fold(code): code for code in Sector.values}
VIETNAMESE_SECTORS = {
    "giao thong": "transport", "thuy loi": "irrigation", "giao duc": "education", "y te": "health",
    "van hoa, the thao": "culture_sport", "van hoa the thao": "culture_sport", "moi truong, nuoc sach": "environment_water",
    "moi truong": "environment_water", "nong nghiep": "agriculture", "dien": "electricity",
    "quan ly hanh chinh": "administration", "bao tro xa hoi": "social_protection", "khac": "other",
}
GROUPED_THOUSANDS = re.compile(r"^\d{1,3}([., ]\d{3})+$")
INTEGER_FIELDS = {"estimated_cost", "priority", "meeting", "plan_year", "central_budget", "provincial_budget", "district_budget",
                  "commune_budget", "residents_cash", "residents_labour_days", "residents_labour_value", "enterprises", "other_sources"}


def _normalise(row: dict) -> dict:
    out = {}
    for key, value in row.items():
        if key is None:
            continue
        name = fold(str(key)).strip()
        name = ALIASES.get(name, name.replace(" ", "_"))
        if isinstance(value, str):
            value = value.strip()
        if value in ("", None):
            continue
        if name == "sector":
            value = SECTOR_BY_NAME.get(fold(str(value)), VIETNAMESE_SECTORS.get(fold(str(value)), value))
        if name in INTEGER_FIELDS and isinstance(value, str):
            # "150.000.000" or "150,000,000" đồng: thousands separators, not decimals.
            if GROUPED_THOUSANDS.match(value):
                value = re.sub(r"[., ]", "", value)
        if name in INTEGER_FIELDS and isinstance(value, float) and value.is_integer():
            value = int(value)
        out[name] = value
    return out


def _point(props):
    try:
        lon, lat = float(str(props.pop("lon")).replace(",", ".")), float(str(props.pop("lat")).replace(",", "."))
    except KeyError:
        raise ValueError(_("The row has no lon/lat columns."))
    except ValueError:
        raise ValueError(_("lon and lat must be numbers."))
    return {"type": "Point", "coordinates": [lon, lat]}


def rows_from_table(rows):
    for props in rows:
        props = _normalise(props)
        try:
            yield props, _point(props)
        except ValueError as exc:
            yield props, exc


def rows_from_csv(data: bytes):
    text = data.decode("utf-8-sig")
    dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t") if text.strip() else csv.excel
    return rows_from_table(csv.DictReader(io.StringIO(text), dialect=dialect))


def rows_from_excel(data: bytes):
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(data), read_only=True, data_only=True).worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = [str(h) if h is not None else "" for h in next(rows, [])]
    return rows_from_table(dict(zip(header, row)) for row in rows if any(cell is not None for cell in row))


def rows_from_geojson(data: bytes):
    collection = json.loads(data.decode("utf-8-sig"))
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list):
        raise ValueError(_("A GeoJSON FeatureCollection was expected."))
    for feature in features:
        properties = feature.get("properties") if isinstance(feature, dict) else None
        yield _normalise(properties or {}), (feature.get("geometry") if isinstance(feature, dict) else None)


def rows_from_kml(data: bytes):
    with tempfile.NamedTemporaryFile(suffix=".kml", delete=False) as fh:
        fh.write(data)
        path = fh.name
    try:
        layer = DataSource(path)[0]
        for feature in layer:
            properties = {field: feature.get(field) for field in layer.fields}
            yield _normalise(properties), json.loads(feature.geom.json)
    finally:
        os.unlink(path)


READERS = {".csv": rows_from_csv, ".txt": rows_from_csv, ".xlsx": rows_from_excel, ".geojson": rows_from_geojson,
           ".json": rows_from_geojson, ".kml": rows_from_kml}


def _messages(errors):
    if isinstance(errors, dict):
        return {key: _messages(value) for key, value in errors.items()}
    if isinstance(errors, list):
        return [str(e) for e in errors] if all(not isinstance(e, (dict, list)) for e in errors) else [_messages(e) for e in errors]
    return [str(errors)]


def proposals_import(*, actor, district, upload, default_commune=None) -> dict:
    """Create a proposal from each row of the file; return {'taken': [...], 'refused': [...]} row by row."""
    extension = os.path.splitext(upload.name or "")[1].lower()
    reader = READERS.get(extension)
    if reader is None:
        raise ApiValidationError({"file": [_("Send a CSV, Excel (.xlsx), GeoJSON or KML file.")]})
    try:
        rows = list(reader(upload.read()))
    except (ValueError, UnicodeDecodeError, GDALException, KeyError, IndexError, csv.Error, OSError) as exc:
        raise ApiValidationError({"file": [_("The file could not be read: %(reason)s") % {"reason": exc}]})
    except Exception as exc:  # openpyxl raises its own zoo of exceptions on broken workbooks
        if exc.__class__.__module__.startswith(("openpyxl", "zipfile")):
            raise ApiValidationError({"file": [_("The file could not be read: %(reason)s") % {"reason": exc}]})
        raise
    taken, refused = [], []
    for number, (properties, geometry) in enumerate(rows, start=1):
        if isinstance(geometry, Exception):
            refused.append({"row": number, "errors": {"geometry": [str(geometry)]}})
            continue
        if default_commune and "commune" not in properties:
            properties["commune"] = default_commune
        feature = ProposalFeatureInput(data={"type": "Feature", "geometry": geometry, "properties": properties})
        if not feature.is_valid():
            refused.append({"row": number, "errors": _messages(feature.errors)})
            continue
        props = dict(feature.validated_data["properties"])
        try:
            with transaction.atomic():
                proposal = proposal_create(
                    actor=actor, district=district, geom=feature.validated_data["geometry"],
                    commune_code=props.pop("commune"), village_code=props.pop("village", None) or None,
                    meeting_id=props.pop("meeting", None), **props,
                )
        except ValidationError as exc:
            refused.append({"row": number, "errors": _messages(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)})
            continue
        except AccessDenied as exc:
            refused.append({"row": number, "errors": {"commune": [exc.message]}})
            continue
        taken.append({"row": number, "id": proposal.pk, "title": proposal.title})
    return {"taken": taken, "refused": refused}

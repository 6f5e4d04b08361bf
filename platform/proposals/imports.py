"""Proposals from a file a village head filled in elsewhere: CSV or Excel with lon/lat columns, GeoJSON,
KML/KMZ, GPX, zipped Shapefile or GeoPackage (read by `geo.readers`, in the parsing jail).

Each row goes through the same checks as the API, in its own savepoint: a refused row leaves
nothing behind, and the report says row by row what was taken and what was refused and why.
"""
import json
import re

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError as ApiValidationError

from core.models import Sector
from geo.readers import read_records
from geo.text import fold
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


KINDS = {"csv", "xlsx", "geojson", "kml", "kmz", "gpx", "shp", "gpkg"}


def rows_from_file(upload):
    """(properties, geometry dict or the reason it is refused) per record, read by `geo.readers` in the jail."""
    for record in read_records(upload, kinds=KINDS).records:
        props = _normalise(record.fields)
        if record.errors:
            yield props, ValueError(record.errors["geometry"][0])
        elif record.geometry is not None:
            yield props, json.loads(record.geometry.geojson)
        else:
            try:
                yield props, _point(props)
            except ValueError as exc:
                yield props, exc


def _messages(errors):
    if isinstance(errors, dict):
        return {key: _messages(value) for key, value in errors.items()}
    if isinstance(errors, list):
        return [str(e) for e in errors] if all(not isinstance(e, (dict, list)) for e in errors) else [_messages(e) for e in errors]
    return [str(errors)]


def proposals_import(*, actor, district, upload, default_commune=None) -> dict:
    """Create a proposal from each row of the file; return {'taken': [...], 'refused': [...]} row by row."""
    try:
        rows = list(rows_from_file(upload))
    except ValidationError as exc:
        raise ApiValidationError(exc.message_dict)
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
        except PermissionError as exc:
            refused.append({"row": number, "errors": {"commune": [str(exc)]}})
            continue
        taken.append({"row": number, "id": proposal.pk, "title": proposal.title})
    return {"taken": taken, "refused": refused}

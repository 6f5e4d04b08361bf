"""Writes of administrative units: the reference load and boundary imports."""
import csv
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction

from geo.models import AdministrativeUnit
from geo.readers import read_records

Level = AdministrativeUnit.Level
# Official boundaries are detailed and large: the administrator's import allows more than a form does.
BOUNDARY_MAX_VERTICES = 1_000_000
BOUNDARY_MAX_BYTES = 200 * 1024 * 1024


def _multipolygon(geom):
    if geom.geom_type == "Polygon":
        geom = MultiPolygon(geom, srid=geom.srid)
    if geom.geom_type != "MultiPolygon":
        raise ValueError(f"expected a (Multi)Polygon boundary, got {geom.geom_type}")
    return geom


def _number(text, cast):
    text = (text or "").strip()
    return cast(text) if text else None


@transaction.atomic
def reference_units_load(*, geojson_path: Path, csv_path: Path, refresh: bool = False) -> dict:
    """Load the province, districts and communes (codes, names, boundaries) by GSO code.

    Idempotent: units are matched by code. Existing units are left as they are (an official
    boundary import must survive the next set-up) unless `refresh` asks to overwrite them from
    the files. Dissolved units from the CSV are kept, without boundary, and point to the unit
    they merged into.
    """
    with open(csv_path, encoding="utf-8") as fh:
        rows = {row["code"]: row for row in csv.DictReader(fh)}
    features = {f["properties"]["code"]: f for f in json.loads(Path(geojson_path).read_text(encoding="utf-8"))["features"]}
    order = {Level.PROVINCE: 0, Level.DISTRICT: 1, Level.COMMUNE: 2}
    created = updated = 0
    by_code = {} if refresh else {u.code: u for u in AdministrativeUnit.objects.filter(code__in=rows)}
    for code, row in sorted(rows.items(), key=lambda item: (order[item[1]["level"]], item[0])):
        if code in by_code:
            continue
        feature = features.get(code)
        props = feature["properties"] if feature else {}
        geom = _multipolygon(GEOSGeometry(json.dumps(feature["geometry"]), srid=4326)) if feature else None
        current = row["status"] == "current"
        defaults = {
            "name": row["name"],
            "name_short": props.get("name_short") or row["name"].split(" ", 1)[-1],
            "slug": props.get("slug", ""),
            "unit_type": row["unit_type"],
            "level": row["level"],
            "parent": by_code.get(row["parent_code"]) or AdministrativeUnit.objects.filter(code=row["parent_code"]).first(),
            "population": _number(row["population"], int),
            "area_km2": _number(row["area_km2"], float),
            "geom": geom,
            "is_current": current,
            "dissolved_on": None if current else date.fromisoformat(row["status"].split()[-1]),
            "geom_source": props.get("geom_source", "") if feature else "",
            "notes": row["notes"],
        }
        unit, was_created = AdministrativeUnit.objects.update_or_create(code=code, defaults=defaults)
        by_code[code] = unit
        created += was_created
        updated += not was_created
    for code, row in rows.items():
        if row["merged_into"]:
            AdministrativeUnit.objects.filter(code=code, merged_into__isnull=True).update(merged_into=by_code[row["merged_into"]])
    return {"created": created, "updated": updated}


CENSUS_2019 = "Tổng điều tra dân số và nhà ở 01/4/2019, Tổng cục Thống kê (dân số thường trú)"


@transaction.atomic
def population_import(*, csv_path: Path, overwrite: bool = True, year: int | None = None, source: str = "") -> dict:
    """Load population figures by GSO code from a CSV: `code,population,year,source` (a header row; `year` and `source`
    may be left out and given as arguments), or the shipped census file whose column is `population_<year>`.

    Each unit gets population (residents), population_year and population_source. With `overwrite` False (the set-up),
    units that already have a population keep it, so a later import is never undone by `setup_province`. Districts and
    the province missing from the file get the sum of their current communes (where all of those are known). The whole
    file or nothing: a row with an unknown code or a figure that is not a whole number ≥ 0 refuses the import, naming
    its line, as ValidationError({"file": [...]}). Returns {"updated": n, "summed": n}.
    """
    with open(csv_path, encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        column = "population" if "population" in (reader.fieldnames or []) else next(
            (c for c in reader.fieldnames or [] if c.startswith("population_") and c[11:].isdigit()), None)
        if "code" not in (reader.fieldnames or []) or column is None:
            raise ValidationError({"file": ["The file needs the columns code and population (or population_<year>)."]})
        rows = list(reader)
    units = {u.code: u for u in AdministrativeUnit.objects.filter(code__in=[r["code"] for r in rows])}
    errors, figures = [], {}
    for line, row in enumerate(rows, start=2):
        code, text = row["code"].strip(), (row[column] or "").strip()
        if code not in units:
            errors.append(f"line {line}: no unit with code {code!r}")
            continue
        if not text.isdigit():
            errors.append(f"line {line}: population {text!r} is not a whole number")
            continue
        row_year = (row.get("year") or "").strip() or year or (int(column[11:]) if column != "population" else None)
        figures[code] = (int(text), int(row_year) if row_year else None,
                         (row.get("source") or "").strip() or source or (CENSUS_2019 if column == "population_2019" else ""))
    if errors:
        raise ValidationError({"file": errors})
    updated = 0
    for code, (population, row_year, row_source) in figures.items():
        unit = units[code]
        if unit.population is not None and not overwrite:
            continue
        unit.population, unit.population_year, unit.population_source = population, row_year, row_source[:300]
        unit.save(update_fields=["population", "population_year", "population_source", "updated_at"])
        updated += 1
    summed = 0
    for level in (Level.DISTRICT, Level.PROVINCE):
        for unit in AdministrativeUnit.objects.filter(level=level, is_current=True).exclude(code__in=figures):
            below = list(AdministrativeUnit.objects.filter(
                level=Level.COMMUNE, is_current=True,
                **({"parent": unit} if level == Level.DISTRICT else {"parent__parent": unit})).values_list("population", "population_year"))
            if not below or any(p is None for p, _ in below) or (unit.population is not None and not overwrite):
                continue
            unit.population = sum(p for p, _ in below)
            unit.population_year = max((y for _, y in below if y), default=None)
            unit.population_source = "sum of its current communes"
            unit.save(update_fields=["population", "population_year", "population_source", "updated_at"])
            summed += 1
    return {"updated": updated, "summed": summed}


@dataclass
class BoundaryImportReport:
    matched: list = field(default_factory=list)
    created: list = field(default_factory=list)
    unmatched_features: list = field(default_factory=list)
    refused: list = field(default_factory=list)
    units_not_in_file: list = field(default_factory=list)


def boundaries_import(
    *, path: str, code_field: str = "code", layer=None, level=None, name_field="name", parent_field="parent_code", create=False, dry_run=False
) -> BoundaryImportReport:
    """Replace unit boundaries from GeoJSON, a zipped Shapefile, a GeoPackage or KML/KMZ.

    The file is read like any upload, by `geo.readers` in the parsing jail (its `.prj` or SRS
    honoured, VN-2000 included), and each boundary passes the geometry guard. Features are matched to units by code. Unknown codes are reported, or created when `create`
    is set and the feature names its level (argument) and parent code. Nothing is written on a
    dry run, or when any feature is refused.
    """
    kinds = {"geojson", "shp", "gpkg", "kml", "kmz"}
    try:
        with open(path, "rb") as fh:
            result = read_records(File(fh, name=str(path)), kinds=kinds, max_vertices=BOUNDARY_MAX_VERTICES, max_bytes=BOUNDARY_MAX_BYTES,
                                  max_output_bytes=4 * BOUNDARY_MAX_BYTES)
    except ValidationError as exc:
        raise ValueError(f"cannot read {path}: {' '.join(exc.message_dict['file'])}") from exc
    except OSError as exc:
        raise ValueError(f"cannot read {path}: {exc}") from exc
    layers = list(dict.fromkeys(record.layer for record in result.records))
    if isinstance(layer, int):
        if not 0 <= layer < max(1, len(layers)):
            raise ValueError(f"cannot read {path}: no layer {layer}; layers: {', '.join(layers)}")
        layer = layers[layer] if layers else None
    elif layer is None:
        layer = layers[0] if layers else None
    elif layer not in layers:
        raise ValueError(f"cannot read {path}: no layer {layer!r}; layers: {', '.join(layers)}")
    records = [record for record in result.records if record.layer == layer]
    fields = set(records[0].fields) if records else set()
    if code_field not in fields:
        raise ValueError(f"layer has no field {code_field!r}; fields: {', '.join(sorted(fields))}")
    report = BoundaryImportReport()
    seen = set()
    with transaction.atomic():
        for feature in records:
            code = str(feature.fields.get(code_field)).strip()
            if feature.errors or feature.geometry is None:
                report.refused.append((code, " ".join(feature.errors.get("geometry", ["no geometry"]))))
                continue
            try:
                geom = _multipolygon(feature.geometry)
            except ValueError as exc:
                report.refused.append((code, str(exc)))
                continue
            unit = AdministrativeUnit.objects.filter(code=code).first()
            if unit is None and create and level:
                parent_code = str(feature.fields.get(parent_field) or "").strip()
                parent = AdministrativeUnit.objects.filter(code=parent_code).first()
                if parent is None:
                    report.refused.append((code, f"parent {parent_code!r} is not a known unit"))
                    continue
                name = str(feature.fields.get(name_field) or code)
                unit = AdministrativeUnit.objects.create(code=code, name=name, name_short=name, level=level, parent=parent, geom=geom, geom_source=str(path))
                report.created.append(code)
                seen.add(code)
                continue
            if unit is None:
                report.unmatched_features.append(code)
                continue
            unit.geom = geom
            unit.geom_source = str(path)
            unit.save(update_fields=["geom", "geom_source", "updated_at"])
            report.matched.append(code)
            seen.add(code)
        # Units of the same levels under the same parents that the file left out.
        seen_units = AdministrativeUnit.objects.filter(code__in=seen)
        siblings = AdministrativeUnit.objects.filter(
            level__in=seen_units.values("level"), parent__in=seen_units.values("parent"), is_current=True
        ).exclude(code__in=seen)
        report.units_not_in_file = sorted(siblings.values_list("code", flat=True))
        if dry_run or report.refused:
            transaction.set_rollback(True)
    return report

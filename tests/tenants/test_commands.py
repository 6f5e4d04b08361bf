"""Provisioning a district tenant and importing boundaries, through the management commands."""
import json
import subprocess
import time
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from geo.models import AdministrativeUnit
from tenants.models import District


@pytest.fixture
def new_district_unit(db):
    """A district-level unit that a province has just created (e.g. by splitting a district)."""
    province = AdministrativeUnit.objects.get(code="27")
    source = AdministrativeUnit.objects.get(code="264")
    return AdministrativeUnit.objects.create(
        code="999", name="Huyện Thử Nghiệm", name_short="Thử Nghiệm", slug="thu-nghiem", level="district", parent=province, geom=source.geom
    )


def schema_exists(name):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM information_schema.schemata WHERE schema_name = %s", [name])
        return cursor.fetchone() is not None


def test_provision_a_new_district(new_district_unit, capsys):
    started = time.perf_counter()
    call_command("provision_district", "999")
    took = time.perf_counter() - started
    district = District.objects.get(unit=new_district_unit)
    assert district.slug == "thu-nghiem" and district.schema_name == "d999"
    assert schema_exists("d999")
    assert district.domains.get().domain == "thu-nghiem"
    assert "Provisioned" in capsys.readouterr().out
    print(f"provisioning one district schema took {took:.2f} s")
    call_command("provision_district", "999")  # again: nothing new
    assert District.objects.filter(unit=new_district_unit).count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize("code, message", [("09193", "not the code of a current district"), ("12345", "not the code")])
def test_provision_refuses_what_is_not_a_district(code, message):
    with pytest.raises(CommandError, match=message):
        call_command("provision_district", code)


@pytest.mark.django_db
def test_provision_refuses_a_taken_slug(new_district_unit):
    with pytest.raises(CommandError, match="already taken"):
        call_command("provision_district", "999", "--slug", "yen-phong")
    assert not District.objects.filter(unit=new_district_unit).exists()


def village_features():
    cho = AdministrativeUnit.objects.get(code="09193")
    cell = json.loads(cho.geom.buffer(-0.002).geojson)
    return [
        {"type": "Feature", "properties": {"code": "09193-T1", "name": "Thôn Thật", "parent_code": "09193"}, "geometry": cell},
        {"type": "Feature", "properties": {"code": "09196", "name": "Xã Dũng Liệt", "parent_code": "258"},
         "geometry": json.loads(AdministrativeUnit.objects.get(code="09196").geom.geojson)},
        {"type": "Feature", "properties": {"code": "77777", "name": "Không có", "parent_code": "258"}, "geometry": cell},
    ]


def write_geojson(path, features):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    return path


@pytest.mark.django_db
def test_import_geojson_matches_by_code_and_reports_the_rest(tmp_path, capsys):
    path = write_geojson(tmp_path / "communes.geojson", village_features()[1:])
    call_command("import_boundaries", str(path))
    out = capsys.readouterr().out
    assert "Matched and updated: 1" in out
    assert "Features with no matching unit: 1 77777" in out
    assert "09193" in out  # a commune of the same district that the file left out
    assert AdministrativeUnit.objects.get(code="09196").geom_source == str(path)


@pytest.mark.django_db
def test_import_creates_real_villages_when_asked(tmp_path, capsys):
    path = write_geojson(tmp_path / "villages.geojson", village_features()[:1])
    call_command("import_boundaries", str(path), "--create", "--level", "village")
    village = AdministrativeUnit.objects.get(code="09193-T1")
    assert village.parent.code == "09193" and village.level == "village" and not village.is_demo
    assert "Created: 1" in capsys.readouterr().out


@pytest.mark.django_db
def test_import_dry_run_writes_nothing(tmp_path):
    before = AdministrativeUnit.objects.get(code="09196").geom_source
    path = write_geojson(tmp_path / "communes.geojson", village_features()[1:2])
    call_command("import_boundaries", str(path), "--dry-run")
    assert AdministrativeUnit.objects.get(code="09196").geom_source == before


@pytest.mark.django_db
def test_import_refuses_invalid_geometry_and_writes_nothing(tmp_path):
    features = village_features()[1:2]
    bow_tie = {"type": "Polygon", "coordinates": [[[106.0, 21.2], [106.01, 21.21], [106.01, 21.2], [106.0, 21.21], [106.0, 21.2]]]}
    features.append({"type": "Feature", "properties": {"code": "09229"}, "geometry": bow_tie})
    before = AdministrativeUnit.objects.get(code="09196").geom_source
    with pytest.raises(CommandError, match="refused"):
        call_command("import_boundaries", str(write_geojson(tmp_path / "bad.geojson", features)))
    assert AdministrativeUnit.objects.get(code="09196").geom_source == before


@pytest.mark.django_db
def test_import_reports_an_unreadable_file(tmp_path):
    broken = tmp_path / "broken.geojson"
    broken.write_text("{ not geojson")
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_boundaries", str(broken))


@pytest.mark.django_db
@pytest.mark.parametrize("driver, suffix", [("ESRI Shapefile", "shp"), ("GPKG", "gpkg")])
def test_import_shapefile_zip_and_geopackage(tmp_path, capsys, driver, suffix):
    source = write_geojson(tmp_path / "source.geojson", village_features()[1:2])
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / f"communes.{suffix}"
    subprocess.run(["ogr2ogr", "-f", driver, str(target), str(source)], check=True)
    if suffix == "shp":
        archive = tmp_path / "communes.zip"
        with zipfile.ZipFile(archive, "w") as zf:
            for part in out_dir.iterdir():
                zf.write(part, part.name)
        target = archive
    call_command("import_boundaries", str(target))
    assert "Matched and updated: 1" in capsys.readouterr().out
    assert AdministrativeUnit.objects.get(code="09196").geom_source == str(target)

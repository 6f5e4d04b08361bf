"""The loaded reference data matches the files it came from."""
import csv
import json
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import connection

from geo.models import AdministrativeUnit
from tenants.models import District
from tests.conftest import ROOT

FIXTURES = ROOT / "platform" / "fixtures" / "bac-ninh"
Level = AdministrativeUnit.Level


def csv_rows():
    with open(FIXTURES / "admin_units.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.django_db
def test_counts_match_the_data_files():
    rows = [r for r in csv_rows() if r["status"] == "current"]
    features = json.loads((FIXTURES / "boundaries.geojson").read_text())["features"]
    assert AdministrativeUnit.objects.filter(level=Level.PROVINCE).count() == 1
    assert AdministrativeUnit.objects.filter(level=Level.DISTRICT, is_current=True).count() == 8
    communes = AdministrativeUnit.objects.filter(level=Level.COMMUNE, is_current=True)
    assert communes.count() == sum(1 for r in rows if r["level"] == "commune") == 121
    assert set(communes.values_list("code", flat=True)) == {f["properties"]["code"] for f in features if f["properties"]["level"] == "commune"}
    per_district = Counter(communes.values_list("parent__code", flat=True))
    assert per_district == {"256": 17, "258": 14, "259": 20, "260": 14, "261": 12, "262": 18, "263": 14, "264": 12}
    assert not communes.filter(geom__isnull=True).exists()


@pytest.mark.django_db
def test_setup_keeps_an_imported_boundary_and_refresh_restores_the_files():
    from django.contrib.gis.geos import MultiPolygon

    unit = AdministrativeUnit.objects.get(code="09196")
    original = unit.geom.clone()
    shrunk = unit.geom.buffer(-0.001)
    unit.geom = shrunk if shrunk.geom_type == "MultiPolygon" else MultiPolygon(shrunk, srid=4326)
    unit.geom_source = "official import"
    unit.save()
    call_command("setup_province", verbosity=0)
    unit.refresh_from_db()
    assert unit.geom_source == "official import"
    assert not unit.geom.equals_exact(original, 1e-7)
    call_command("load_admin_units", "--refresh", verbosity=0)
    unit.refresh_from_db()
    assert unit.geom_source != "official import"
    assert unit.geom.equals_exact(original, 1e-7)


@pytest.mark.django_db
def test_dissolved_units_are_kept_and_point_to_their_successor():
    ve_an = AdministrativeUnit.objects.get(code="09175")
    assert not ve_an.is_current
    assert ve_an.merged_into.code == "09184"
    assert ve_an.dissolved_on.isoformat() == "2024-12-01"


@pytest.mark.django_db
def test_every_district_has_a_tenant_schema():
    districts = District.objects.exclude(schema_name="public")
    assert sorted(districts.values_list("slug", flat=True)) == sorted(
        ["bac-ninh", "yen-phong", "que-vo", "tien-du", "tu-son", "thuan-thanh", "gia-binh", "luong-tai"]
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT schema_name FROM information_schema.schemata")
        schemas = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT table_schema FROM information_schema.tables WHERE table_name = 'proposals_proposal'")
        with_proposals = {row[0] for row in cursor.fetchall()}
    for district in districts:
        assert district.schema_name in schemas
        assert district.schema_name in with_proposals
    assert "public" not in with_proposals  # district data never lands in the province schema


@pytest.mark.django_db
def test_reloading_changes_nothing():
    before = AdministrativeUnit.objects.count()
    call_command("load_admin_units", verbosity=0)
    call_command("setup_province", verbosity=0)
    call_command("load_demo", verbosity=0)
    assert AdministrativeUnit.objects.count() == before
    assert District.objects.count() == 9


@pytest.mark.django_db
def test_demo_villages_lie_inside_their_commune_and_are_marked():
    villages = AdministrativeUnit.objects.filter(level=Level.VILLAGE)
    assert villages.count() >= 3 * 121
    assert not villages.filter(is_demo=False).exists()
    assert all(name.endswith("(mẫu)") for name in villages.values_list("name", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT count(*) FROM geo_administrativeunit v JOIN geo_administrativeunit c ON v.parent_id = c.id
               WHERE v.level = 'village' AND NOT ST_Covers(ST_Buffer(c.geom, 1e-6), v.geom)"""
        )
        assert cursor.fetchone()[0] == 0


@pytest.mark.django_db
def test_communes_sort_by_vietnamese_rules(client):
    from geo.selectors import communes_of

    names = [c.name_short for c in communes_of(AdministrativeUnit.objects.get(code="258"))]
    # D before Đ, and Đ before E: the Vietnamese alphabet, not code-point order.
    assert names.index("Dũng Liệt") < names.index("Đông Phong") < names.index("Hòa Tiến")

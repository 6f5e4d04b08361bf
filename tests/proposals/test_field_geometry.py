"""Geometry as field tools write it, through the API and the import: altitude, VN-2000, every folder."""
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pyproj import Transformer

from proposals.models import Proposal
from tests.proposals.conftest import CHO, URL, feature, inside

pytestmark = pytest.mark.django_db
CHECK = "/api/geometry/check/"


def created(body):
    """The rows an import created (every import's answer, docs/API.md, "Imports")."""
    return [r for r in body["rows"] if r["status"] == "created"]


def refused(body):
    return [r for r in body["rows"] if r["status"] == "refused"]


def test_a_position_with_altitude_is_saved_2d_and_the_check_agrees(yen_phong, post_feature, client_for):
    lon, lat = inside("09193-01")
    geometry = {"type": "Point", "coordinates": [lon, lat, 14.7]}
    check = client_for("thon.09193-01").post(CHECK, {"geometry": geometry, "unit": CHO}, content_type="application/json")
    assert check.status_code == 200, check.content
    response = post_feature("thon.09193-01", feature(geometry=geometry))
    assert response.status_code == 201, response.content
    assert response.json()["geometry"]["coordinates"] == [lon, lat]
    saved = Proposal.objects.get(pk=response.json()["id"]).geom
    assert not saved.hasz and saved.coords == (lon, lat)


def test_a_line_and_an_area_with_altitude_and_measure(yen_phong, post_feature):
    lon, lat = inside("09193-01")
    line = {"type": "LineString", "coordinates": [[lon, lat, 10.0, 0.0], [lon + 0.001, lat + 0.001, 11.0, 5.0]]}
    assert post_feature("thon.09193-01", feature(geometry=line)).status_code == 201
    d = 0.0005
    area = {"type": "Polygon", "coordinates": [[[lon, lat, 1], [lon + d, lat, 2], [lon + d, lat + d, 3], [lon, lat, 4]]]}
    response = post_feature("thon.09193-01", feature(geometry=area))
    assert response.status_code == 201, response.content
    assert not Proposal.objects.get(pk=response.json()["id"]).geom.hasz


def test_a_point_in_vn2000_tm3_is_honoured(yen_phong, post_feature):
    lon, lat = inside("09193-01")
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:9209", always_xy=True).transform(lon, lat)
    geometry = {"type": "Point", "coordinates": [x, y], "crs": {"type": "name", "properties": {"name": "EPSG:9209"}}}
    response = post_feature("thon.09193-01", feature(geometry=geometry))
    assert response.status_code == 201, response.content
    got = response.json()["geometry"]["coordinates"]
    assert abs(got[0] - lon) < 1e-5 and abs(got[1] - lat) < 1e-5


def test_metres_without_a_crs_are_named_as_metres(yen_phong, post_feature):
    response = post_feature("thon.09193-01", feature(geometry={"type": "Point", "coordinates": [560123.4, 2340567.8]}))
    assert response.status_code == 400
    assert "VN-2000/UTM metres" in json.dumps(response.json(), ensure_ascii=False)


def import_file(client, name, content, language="en"):
    return client.post(URL + "import/", {"file": SimpleUploadedFile(name, content)}, HTTP_ACCEPT_LANGUAGE=language)


def test_kml_import_takes_every_folder_with_vietnamese_names_and_altitude(yen_phong, client_for):
    lon, lat = inside("09193-01")
    marks = "".join(
        f"<Folder><name>{folder}</name><Placemark><name>{title}</name><ExtendedData>"
        f"<Data name=\"Lĩnh vực\"><value>{sector}</value></Data><Data name=\"Kinh phí dự kiến\"><value>150000000</value></Data>"
        f"</ExtendedData><Point><coordinates>{lon},{lat},{z}</coordinates></Point></Placemark></Folder>"
        for folder, title, sector, z in (("Thôn Đông", "Đường thôn Đông", "Giao thông", 12), ("Thôn Tây", "Trường mầm non", "Giáo dục", 3))
    )
    data = f'<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>{marks}</Document></kml>'
    report = import_file(client_for("xa.09193"), "de-xuat.kml", data.encode()).json()
    assert refused(report) == [] and len(created(report)) == 2, report
    sectors = sorted(Proposal.objects.filter(pk__in=[t["id"] for t in created(report)]).values_list("sector", flat=True))
    assert sectors == ["education", "transport"]


def test_geojson_import_in_vn2000_lands_in_the_commune(yen_phong, client_for):
    lon, lat = inside("09193-01")
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:9209", always_xy=True).transform(lon, lat)
    collection = {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:9209"}}, "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [x, y, 9.0]},
         "properties": {"title": "Cống", "sector": "irrigation", "estimated_cost": 5_000_000, "commune": CHO}}]}
    report = import_file(client_for("xa.09193"), "x.geojson", json.dumps(collection).encode()).json()
    assert len(created(report)) == 1, report
    saved = Proposal.objects.get(pk=created(report)[0]["id"]).geom
    assert abs(saved.x - lon) < 1e-5 and abs(saved.y - lat) < 1e-5


def named(code):
    return {"type": "name", "properties": {"name": code}}


def test_a_crs_on_the_feature_is_honoured_or_refused_not_ignored(yen_phong, post_feature):
    lon, lat = inside("09193-01")
    for code in ("EPSG:4756", "EPSG:9209"):
        x, y = Transformer.from_crs("EPSG:4326", code, always_xy=True).transform(lon, lat)
        body = feature(geometry={"type": "Point", "coordinates": [x, y]})
        body["crs"] = named(code)
        response = post_feature("thon.09193-01", body)
        assert response.status_code == 201, response.content
        got = response.json()["geometry"]["coordinates"]
        assert abs(got[0] - lon) < 1e-5 and abs(got[1] - lat) < 1e-5, (code, got)
    before = Proposal.objects.count()
    body["crs"] = named("EPSG:99999")
    response = post_feature("thon.09193-01", body)
    assert response.status_code == 400 and "EPSG:99999" in json.dumps(response.json()["geometry"])
    body["crs"] = named("EPSG:9209")
    body["geometry"]["crs"] = named("EPSG:4756")
    response = post_feature("thon.09193-01", body)
    assert response.status_code == 400 and "geometry" in response.json()
    assert Proposal.objects.count() == before


def test_a_crs_with_no_transformation_to_wgs84_is_a_400_not_a_500(yen_phong, client_for, post_feature):
    geometry = {"type": "Point", "coordinates": [105.944, 21.2], "crs": named("EPSG:5773")}
    response = client_for("thon.09193-01").post(CHECK, {"geometry": geometry, "unit": CHO}, content_type="application/json")
    assert response.status_code == 400 and "EPSG:5773" in json.dumps(response.json()["geometry"])
    body = feature(geometry={"type": "Point", "coordinates": [105.944, 21.2]})
    body["crs"] = named("EPSG:5773")
    assert post_feature("thon.09193-01", body).status_code == 400


def test_the_guarded_field_takes_the_crs_beside_it_in_any_body(yen_phong):
    """The field every input uses (proposals, plan items, projects, reviews, findings) reads the `crs` beside it."""
    from rest_framework import serializers

    from geo.fields import GuardedGeometryField

    class Body(serializers.Serializer):
        geometry = GuardedGeometryField()

    lon, lat = inside("09193-01")
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:9209", always_xy=True).transform(lon, lat)
    honoured = Body(data={"geometry": {"type": "Point", "coordinates": [x, y]}, "crs": named("EPSG:9209")})
    assert honoured.is_valid(), honoured.errors
    assert abs(honoured.validated_data["geometry"].x - lon) < 1e-5
    refused = Body(data={"geometry": {"type": "Point", "coordinates": [lon, lat]}, "crs": named("EPSG:99999")})
    assert not refused.is_valid() and "geometry" in refused.errors


def test_shapefile_column_names_cut_at_10_characters_are_understood(yen_phong, client_for, tmp_path):
    import io
    import subprocess
    import zipfile

    lon, lat = inside("09193-01")
    source = tmp_path / "s.geojson"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                      "properties": {"ten_de_xuat": "Nhà văn hóa", "linh_vuc": "Văn hóa, thể thao", "estimated_cost": 90_000_000, "commune": CHO}}]}),
                      encoding="utf-8")
    subprocess.run(["ogr2ogr", "-f", "ESRI Shapefile", str(tmp_path / "d.shp"), str(source), "-lco", "ENCODING=UTF-8"], check=True, capture_output=True)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in tmp_path.glob("d.*"):
            archive.write(path, path.name)
    report = import_file(client_for("xa.09193"), "d.zip", buffer.getvalue()).json()
    assert set(report["columns"]) >= {"ten_de_xua", "linh_vuc", "estimated_"}, report
    assert len(created(report)) == 1, report
    proposal = Proposal.objects.get(pk=created(report)[0]["id"])
    assert (proposal.title, proposal.sector, proposal.estimated_cost) == ("Nhà văn hóa", "culture_sport", 90_000_000)


def test_metres_in_a_csv_are_named_without_asking_to_declare_a_crs(yen_phong, client_for):
    data = f"title,sector,estimated_cost,commune,lon,lat\nCống,irrigation,1000000,{CHO},560123.4,2340567.8\n".encode()
    report = import_file(client_for("xa.09193"), "x.csv", data).json()
    (row,) = refused(report)
    text = json.dumps(row["cells"], ensure_ascii=False)
    assert "VN-2000/UTM metres" in text and "crs" not in text

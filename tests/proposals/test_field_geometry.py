"""Geometry as field tools write it, through the API and the import: altitude, VN-2000, every folder."""
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from pyproj import Transformer

from proposals.models import Proposal
from tests.proposals.conftest import CHO, URL, feature, inside

pytestmark = pytest.mark.django_db
CHECK = "/api/geometry/check/"


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
    assert report["refused"] == [] and len(report["taken"]) == 2, report
    sectors = sorted(Proposal.objects.filter(pk__in=[t["id"] for t in report["taken"]]).values_list("sector", flat=True))
    assert sectors == ["education", "transport"]


def test_geojson_import_in_vn2000_lands_in_the_commune(yen_phong, client_for):
    lon, lat = inside("09193-01")
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:9209", always_xy=True).transform(lon, lat)
    collection = {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:9209"}}, "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [x, y, 9.0]},
         "properties": {"title": "Cống", "sector": "irrigation", "estimated_cost": 5_000_000, "commune": CHO}}]}
    report = import_file(client_for("xa.09193"), "x.geojson", json.dumps(collection).encode()).json()
    assert len(report["taken"]) == 1, report
    saved = Proposal.objects.get(pk=report["taken"][0]["id"]).geom
    assert abs(saved.x - lon) < 1e-5 and abs(saved.y - lat) < 1e-5

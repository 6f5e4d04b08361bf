"""Province-level API: health, OpenAPI, tokens, districts and administrative units as GeoJSON."""
import pytest


@pytest.mark.django_db
def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_openapi_document_lists_province_and_district_routes(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ["/api/auth/token/", "/api/districts/", "/api/admin-units/", "/d/{district}/api/district/"]:
        assert path in paths
    assert client.get("/api/docs/").status_code == 200


@pytest.mark.django_db
def test_token_is_issued_for_good_credentials_only(client):
    good = client.post("/api/auth/token/", {"username": "huyen.yen-phong", "password": "demo-2026"}, content_type="application/json")
    assert good.status_code == 200
    token = good.json()["token"]
    summary = client.get("/d/yen-phong/api/district/", HTTP_AUTHORIZATION=f"Token {token}")
    assert summary.status_code == 200
    assert summary.json()["code"] == "258"
    bad = client.post("/api/auth/token/", {"username": "huyen.yen-phong", "password": "wrong"}, content_type="application/json")
    assert bad.status_code == 400
    assert client.get("/d/yen-phong/api/district/", HTTP_AUTHORIZATION="Token nonsense").status_code == 401


@pytest.mark.django_db
def test_districts_are_geojson_with_the_contract_properties(client):
    body = client.get("/api/districts/").json()
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == 8
    first = body["features"][0]
    assert first["geometry"]["type"] == "MultiPolygon"
    assert {"code", "name", "level", "parent", "slug"} <= set(first["properties"])
    by_code = {f["properties"]["code"]: f["properties"] for f in body["features"]}
    assert by_code["258"]["name"] == "Huyện Yên Phong"
    assert by_code["258"]["slug"] == "yen-phong"
    assert by_code["258"]["parent"] == "27"
    # RFC 7946 order: longitude first. Bắc Ninh lies near 106° E, 21° N.
    lon, lat = first["geometry"]["coordinates"][0][0][0]
    assert 105.5 < lon < 106.5 and 20.8 < lat < 21.4


@pytest.mark.django_db
def test_admin_units_by_level_and_parent(client):
    body = client.get("/api/admin-units/?level=commune&parent=258").json()
    assert body["count"] == 14
    assert {f["properties"]["parent"] for f in body["features"]} == {"258"}
    assert {f["properties"]["level"] for f in body["features"]} == {"commune"}
    villages = client.get("/api/admin-units/?level=village&parent=09193").json()
    assert villages["count"] >= 3
    assert all(f["properties"]["is_demo"] for f in villages["features"])


@pytest.mark.django_db
def test_bbox_keeps_only_units_that_meet_it(client):
    everything = client.get("/api/admin-units/?level=commune&page_size=5000").json()
    # A small box around Thị trấn Chờ (Yên Phong).
    small = client.get("/api/admin-units/?level=commune&bbox=105.95,21.19,105.96,21.20").json()
    assert everything["count"] == 121
    assert 0 < small["count"] < 10
    assert "09193" in {f["properties"]["code"] for f in small["features"]}
    districts = client.get("/api/districts/?bbox=105.95,21.19,105.96,21.20").json()
    assert [f["properties"]["code"] for f in districts["features"]] == ["258"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query, field",
    [
        ("bbox=1,2,3", "bbox"),
        ("bbox=a,b,c,d", "bbox"),
        ("bbox=nan,21,106,22", "bbox"),
        ("bbox=106,22,105,21", "bbox"),
        ("bbox=106,95,107,96", "bbox"),
        ("level=hamlet", "level"),
    ],
)
def test_bad_query_parameters_are_400(client, query, field):
    response = client.get(f"/api/admin-units/?{query}")
    assert response.status_code == 400
    assert field in response.json()


@pytest.mark.django_db
def test_api_speaks_vietnamese_when_asked(client):
    vi = client.get("/api/admin-units/?level=hamlet", HTTP_ACCEPT_LANGUAGE="vi").json()["level"][0]
    en = client.get("/api/admin-units/?level=hamlet", HTTP_ACCEPT_LANGUAGE="en").json()["level"][0]
    assert "phải là một trong" in vi
    assert "is not one of the choices" in en


@pytest.mark.django_db
def test_admin_unit_list_query_count_does_not_grow(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        client.get("/api/admin-units/?level=village&page_size=5000")

"""The geometry guard: every bad geometry is a 400 naming the field and the reason, never a 500."""
import json

import pytest

from geo.guard import GeometryRejected, check_inside, parse_geometry
from geo.models import AdministrativeUnit

CHO = "09193"  # Thị trấn Chờ, Yên Phong
URL = "/api/geometry/check/"


def inside_point(code=CHO):
    unit = AdministrativeUnit.objects.get(code=code)
    p = unit.geom.point_on_surface
    return [round(p.x, 6), round(p.y, 6)]


def post(client, body, language="en"):
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return client.post(URL, data=data, content_type="application/json", HTTP_ACCEPT_LANGUAGE=language)


@pytest.fixture
def api(client_for):
    return client_for("xa.09193")


def assert_refused(response, reason_part):
    assert response.status_code == 400, response.content
    messages = response.json()["geometry"]
    assert any(reason_part.lower() in m.lower() for m in messages), messages


@pytest.mark.django_db
def test_a_point_inside_its_commune_passes(api):
    response = post(api, {"geometry": {"type": "Point", "coordinates": inside_point()}, "unit": CHO})
    assert response.status_code == 200, response.content
    assert response.json() == {"valid": True, "type": "Point", "vertices": 1}


@pytest.mark.django_db
def test_bow_tie_polygon(api):
    bow_tie = {"type": "Polygon", "coordinates": [[[106.0, 21.2], [106.01, 21.21], [106.01, 21.2], [106.0, 21.21], [106.0, 21.2]]]}
    assert_refused(post(api, {"geometry": bow_tie}), "self-intersection")


@pytest.mark.django_db
def test_unclosed_ring(api):
    ring = {"type": "Polygon", "coordinates": [[[106.0, 21.2], [106.01, 21.2], [106.01, 21.21], [106.0, 21.21]]]}
    assert_refused(post(api, {"geometry": ring}), "not closed")


@pytest.mark.django_db
def test_nan_coordinates(api):
    # A JSON body with NaN is refused by the parser; a NaN inside geometry text by the guard.
    response = post(api, '{"geometry": {"type": "Point", "coordinates": [NaN, 21.2]}}')
    assert response.status_code == 400
    assert "out of range float" in response.json()["detail"].lower() or "nan" in response.json()["detail"].lower()
    text = '{"type": "Point", "coordinates": [NaN, 21.2]}'
    assert_refused(post(api, {"geometry": text}), "finite")


@pytest.mark.django_db
def test_lat_lon_swapped(api):
    lon, lat = inside_point()
    assert_refused(post(api, {"geometry": {"type": "Point", "coordinates": [lat, lon]}, "unit": CHO}), "[latitude, longitude]")


@pytest.mark.django_db
def test_point_just_outside_the_commune(api):
    unit = AdministrativeUnit.objects.get(code=CHO)
    xmin, ymin, xmax, ymax = unit.geom.extent
    just_outside = [round(xmax + 0.004, 6), round((ymin + ymax) / 2, 6)]  # about 400 m east of its easternmost point
    response = post(api, {"geometry": {"type": "Point", "coordinates": just_outside}, "unit": CHO})
    assert_refused(response, "outside")
    assert "Thị trấn Chờ" in response.json()["geometry"][0]


@pytest.mark.django_db
def test_tolerance_is_a_setting(settings):
    unit = AdministrativeUnit.objects.get(code=CHO)
    xmin, ymin, xmax, ymax = unit.geom.extent
    geom = parse_geometry({"type": "Point", "coordinates": [xmax + 0.004, (ymin + ymax) / 2]})
    settings.GEOMETRY_TOLERANCE_M = 5000
    check_inside(geom, unit)  # passes within 5 km
    settings.GEOMETRY_TOLERANCE_M = 10
    with pytest.raises(GeometryRejected) as refused:
        check_inside(geom, unit)
    assert refused.value.code == "outside"


@pytest.mark.django_db
def test_too_many_vertices(api):
    line = [[106.0 + i * 1e-7, 21.2] for i in range(100_000)]
    assert_refused(post(api, {"geometry": {"type": "LineString", "coordinates": line}}), "too many vertices")


@pytest.mark.django_db
def test_deeply_nested_geometry_collection(api):
    geometry = {"type": "Point", "coordinates": [106.0, 21.2]}
    for _ in range(50):
        geometry = {"type": "GeometryCollection", "geometries": [geometry]}
    assert_refused(post(api, {"geometry": geometry}), "nested too deeply")


@pytest.mark.django_db
def test_json_nested_beyond_the_parser_is_a_400(api):
    body = '{"geometry": ' + '{"type": "GeometryCollection", "geometries": [' * 5000 + "1" + "]}" * 5000 + "}"
    response = post(api, body)
    assert response.status_code == 400
    assert "nested too deeply" in response.json()["detail"]


@pytest.mark.django_db
def test_unknown_crs_member_is_refused_not_ignored(api):
    geometry = {"type": "Point", "coordinates": [106.0, 21.2], "crs": {"type": "name", "properties": {"name": "urn:x-local:grid:7"}}}
    assert_refused(post(api, {"geometry": geometry}), "urn:x-local:grid:7")
    linked = {"type": "Point", "coordinates": [106.0, 21.2], "crs": {"type": "link", "properties": {"href": "http://example.org/crs"}}}
    assert_refused(post(api, {"geometry": linked}), "not supported")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "geometry, reason",
    [
        ({"type": "Point", "coordinates": ["106", 21.2]}, "must be numbers"),
        ({"type": "Point", "coordinates": [True, 21.2]}, "must be numbers"),
        ({"type": "Point", "coordinates": [106.0]}, "[longitude, latitude]"),
        ({"type": "Point", "coordinates": [206.0, 21.2]}, "outside −180"),
        ({"type": "Circle", "coordinates": [106.0, 21.2]}, "unknown geometry type"),
        ({"type": "LineString", "coordinates": [[106.0, 21.2]]}, "at least 2"),
        ({"type": "Polygon", "coordinates": [[[106.0, 21.2], [106.1, 21.2], [106.0, 21.2]]]}, "at least 4"),
        ({"type": "Polygon", "coordinates": [106.0, 21.2]}, "nested"),
        ({"type": "MultiPolygon", "coordinates": []}, "empty"),
        ({"type": "Feature", "geometry": None}, "feature"),
        ([106.0, 21.2], "geojson geometry object"),
        ("not json", "not valid json"),
    ],
)
def test_malformed_geometry(api, geometry, reason):
    assert_refused(post(api, {"geometry": geometry}), reason)


@pytest.mark.django_db
def test_reasons_follow_the_request_language(api):
    ring = {"type": "Polygon", "coordinates": [[[106.0, 21.2], [106.01, 21.2], [106.01, 21.21], [106.0, 21.21]]]}
    vietnamese = post(api, {"geometry": ring}, language="vi").json()["geometry"][0]
    english = post(api, {"geometry": ring}, language="en").json()["geometry"][0]
    assert "không khép kín" in vietnamese
    assert "not closed" in english


@pytest.mark.django_db
def test_allowed_types_per_field():
    with pytest.raises(GeometryRejected) as refused:
        parse_geometry({"type": "LineString", "coordinates": [[106, 21], [106.1, 21.1]]}, allowed_types=("Point",))
    assert refused.value.code == "type"


@pytest.mark.django_db
def test_anonymous_callers_cannot_use_the_check(client):
    response = post(client, {"geometry": {"type": "Point", "coordinates": [106.0, 21.2]}})
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"

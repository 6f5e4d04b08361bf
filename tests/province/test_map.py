"""The province map: colour classes decided once on the server, bbox and pages, money in millions, the map as PNG."""
from io import BytesIO

import pytest
from django.db import connection
from django.utils import translation
from PIL import Image

from province.labels import millions
from province.mapimage import SIZE, MapProjection, _title
from province.selectors import CLASS_COLOURS, NO_DATA_COLOUR
from province.services import rollup_rebuild
from tests.investment.factories import CHO, QUE_VO, make_plan, make_project, point

pytestmark = pytest.mark.django_db

LAYER = "/api/province/investment-distribution/"
PNG = "/api/province/investment-distribution.png"
GEOJSON = "/api/province/investment-distribution.geojson"


@pytest.fixture
def data(district):
    """Money in two districts, so the districts fall in different classes."""
    connection.set_schema_to_public()
    rollup_rebuild()
    yp, qv = district("yen-phong"), district("que-vo")
    make_project(yp, code="A-1", plan=make_plan(yp, approve=True), total=3_000_000_000, sector="transport")
    make_project(yp, code="A-2", plan=make_plan(yp, name="Kế hoạch 2"), geometry=point(CHO), total=1_250_000_000, sector="education")
    make_project(qv, code="Q-1", plan=make_plan(qv, approve=True), geometry=point(QUE_VO), total=7_777_000_000)
    connection.set_schema_to_public()


def rgb(hex_colour):
    return tuple(int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))


def interior_points(level):
    """One point inside each unit of the level (ST_PointOnSurface), by GSO code, from the database."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT u.code, ST_X(ST_PointOnSurface(u.geom)), ST_Y(ST_PointOnSurface(u.geom))
               FROM geo_administrativeunit u JOIN tenants_district t ON t.unit_id = u.id OR (u.parent_id = t.unit_id AND u.level = 'commune' AND u.is_current)
               WHERE t.schema_name <> 'public' AND u.level = %s""",
            [level],
        )
        return {code: (x, y) for code, x, y in cursor.fetchall()}


# --- one set of classes for the page and the PNG -------------------------------------------------------

def test_every_feature_carries_its_class_and_the_layer_its_legend(client_for, data):
    body = client_for("tinh").get(LAYER).json()
    legend = body["legend"]
    # 6 districts at 0 (a class of their own), Yên Phong and Quế Võ above it: three classes, in the palette's order
    assert [c["colour"] for c in legend["classes"]] == list(CLASS_COLOURS[:3]) and body["classification"] == "quantiles"
    assert legend["no_data"] == {"colour": NO_DATA_COLOUR, "count": 0}
    assert sum(c["count"] for c in legend["classes"]) == len(body["features"]) == 8
    for feature in body["features"]:
        p = feature["properties"]
        cls = legend["classes"][p["class"]]
        assert cls["min"] <= p["value"] <= cls["max"]  # a class's bounds are its units' lowest and highest values
    ranked = sorted(body["features"], key=lambda f: f["properties"]["value"])
    classes = [f["properties"]["class"] for f in ranked]
    assert classes == sorted(classes) and classes[0] == 0 and classes[-1] == 2


def without_population():
    """Units whose population is not known (a province loaded without the census file): per resident has no value."""
    from geo.models import AdministrativeUnit

    AdministrativeUnit.objects.update(population=None)


def test_units_without_a_value_are_no_data_and_no_class_is_empty(client_for, data):
    without_population()
    body = client_for("tinh").get(LAYER + "?measure=per_resident").json()
    assert {f["properties"]["class"] for f in body["features"]} == {None}
    assert body["legend"]["classes"] == [] and body["legend"]["no_data"]["count"] == 8
    communes = client_for("tinh").get(LAYER + "?level=commune&year=2026").json()
    counts = [c["count"] for c in communes["legend"]["classes"]]
    assert sum(counts) == len(communes["features"]) == 121 and 0 not in counts  # zero is one class, never repeated breaks


# --- bbox and pages --------------------------------------------------------------------------------------

def test_bbox_keeps_the_units_meeting_it_with_the_classes_of_the_whole_layer(client_for, data):
    whole = client_for("tinh").get(LAYER + "?level=commune").json()
    lon, lat = interior_points("commune")["09193"]
    box = f"{lon - 0.01},{lat - 0.01},{lon + 0.01},{lat + 0.01}"
    some = client_for("tinh").get(LAYER + f"?level=commune&bbox={box}").json()
    codes = [f["properties"]["code"] for f in some["features"]]
    assert "09193" in codes and 0 < len(codes) < 10 and some["count"] == len(codes)
    assert some["legend"] == whole["legend"]
    classes = {f["properties"]["code"]: f["properties"]["class"] for f in whole["features"]}
    assert all(f["properties"]["class"] == classes[f["properties"]["code"]] for f in some["features"])
    far = client_for("tinh").get(LAYER + "?bbox=100,10,100.1,10.1").json()
    assert far["features"] == [] and far["count"] == 0
    export = client_for("tinh").get(GEOJSON + f"?level=commune&bbox={box}").json()
    assert [f["properties"]["code"] for f in export["features"]] == codes


def test_the_layer_is_paginated_and_the_pages_add_up_to_every_unit(client_for, data):
    client = client_for("tinh")
    first = client.get(LAYER + "?level=commune&page_size=50").json()
    assert first["count"] == 121 and len(first["features"]) == 50 and first["previous"] is None
    codes, page = [], first
    while True:
        codes += [f["properties"]["code"] for f in page["features"]]
        assert page["legend"] == first["legend"]
        if not page["next"]:
            break
        page = client.get(page["next"]).json()
    assert len(codes) == len(set(codes)) == 121 and codes == sorted(codes)
    assert page["previous"].endswith("page=2")  # the last page is the third
    beyond = client.get(LAYER + "?level=commune&page_size=50&page=9").json()
    assert beyond["features"] == [] and beyond["count"] == 121
    everything = client.get(GEOJSON + "?level=commune").json()  # the file is the whole layer
    assert len(everything["features"]) == 121 and "next" not in everything


@pytest.mark.parametrize("query, field", [
    ("bbox=1,2,3", "bbox"), ("bbox=a,b,c,d", "bbox"), ("bbox=10,10,5,5", "bbox"), ("bbox=0,95,1,96", "bbox"),
    ("page=0", "page"), ("page_size=x", "page_size"),
])
def test_bad_bbox_and_page_are_400_naming_the_field(client_for, query, field):
    response = client_for("tinh").get(f"{LAYER}?{query}")
    assert response.status_code == 400 and field in response.json()


# --- money in millions -----------------------------------------------------------------------------------

@pytest.mark.parametrize("vnd, vi, en", [
    (3_050_000_000, "3.050", "3,050"), (1_250_000, "1,3", "1.3"), (12_340_000, "12,3", "12.3"),
    (50_000, "0,05", "0.05"), (2_000_000, "2", "2"), (0, "0", "0"), (476_103_000_000, "476.103", "476,103"), (None, "—", "—"),
])
def test_millions_follow_the_language(vnd, vi, en):
    with translation.override("vi"):
        assert millions(vnd) == vi
    with translation.override("en"):
        assert millions(vnd) == en


# --- the map as PNG --------------------------------------------------------------------------------------

@pytest.mark.parametrize("level", ["district", "commune"])
def test_the_png_fills_each_unit_with_its_class_colour(client_for, data, level):
    client = client_for("tinh")
    response = client.get(f"{PNG}?level={level}&measure=total_investment")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].endswith(f'dau-tu-{level}-tat-ca-nam.png"')
    image = Image.open(BytesIO(response.content))
    assert image.format == "PNG" and image.size == SIZE and image.mode == "RGB"
    layer = client.get(f"{GEOJSON}?level={level}&measure=total_investment").json()
    project = MapProjection.fit(layer["features"])
    points = interior_points(level)
    seen = set()
    for feature in layer["features"]:
        p = feature["properties"]
        x, y = project(*points[p["code"]])
        expected = CLASS_COLOURS[p["class"]] if p["class"] is not None else NO_DATA_COLOUR
        assert image.getpixel((round(x), round(y))) == rgb(expected), p["code"]
        seen.add(expected)
    assert len(seen) >= 2  # the test sees different classes, not one colour everywhere


def test_the_png_follows_the_filters_and_draws_no_data_grey(client_for, data):
    without_population()
    response = client_for("tinh").get(f"{PNG}?measure=per_resident&year=2026&sector=transport&source=district_budget")
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('dau-tu-district-2026-transport-district_budget.png"')
    image = Image.open(BytesIO(response.content))
    layer = client_for("tinh").get(f"{GEOJSON}?measure=per_resident").json()
    project = MapProjection.fit(layer["features"])
    for code, (lon, lat) in interior_points("district").items():
        x, y = project(lon, lat)
        assert image.getpixel((round(x), round(y))) == rgb(NO_DATA_COLOUR), code


def test_the_language_switch_changes_the_title_and_not_the_map(client_for, data):
    vi = Image.open(BytesIO(client_for("tinh").get(PNG).content))
    english = client_for("tinh")
    english.cookies["django_language"] = "en"
    en = Image.open(BytesIO(english.get(PNG).content))
    title = (0, 0, SIZE[0], 100)
    map_area = (0, 110, 1030, 935)
    assert vi.crop(title).tobytes() != en.crop(title).tobytes()
    assert vi.crop(map_area).tobytes() == en.crop(map_area).tobytes()
    collection = {"measure": "total_investment", "level": "district", "year": 2026, "sector": "transport", "source": None}
    with translation.override("vi"):
        assert _title(collection) == ("Tổng mức đầu tư theo huyện", "Năm 2026 · Lĩnh vực: Giao thông · Tất cả nguồn vốn")
    with translation.override("en"):
        assert _title(collection)[0] == "Total investment by district"


@pytest.mark.parametrize("query, field", [
    ("level=village", "level"), ("measure=gdp", "measure"), ("year=abc", "year"), ("year=3000", "year"),
    ("sector=roads", "sector"), ("source=lottery", "source"), ("bbox=1,2", "bbox"),
])
def test_bad_png_parameters_are_400_naming_the_field(client_for, query, field):
    response = client_for("tinh").get(f"{PNG}?{query}")
    assert response.status_code == 400 and field in response.json()


@pytest.mark.parametrize("username", ["huyen.yen-phong", "xa.09193", "thon.09193-01"])
def test_the_png_is_refused_to_district_commune_and_village_users(client_for, data, username):
    response = client_for(username).get(PNG)
    assert response.status_code == 403 and response["Content-Type"].startswith("application/json")


def test_an_empty_bbox_still_draws_a_map_with_its_title_and_legend(client_for, data):
    response = client_for("tinh").get(f"{PNG}?bbox=100,10,100.1,10.1")
    image = Image.open(BytesIO(response.content))
    assert response.status_code == 200 and image.size == SIZE
    assert len(image.crop((0, 0, SIZE[0], 100)).getcolors(maxcolors=100_000)) > 1  # the words of the title
    assert image.getpixel((500, 500)) == (255, 255, 255)  # no unit drawn


# --- the way to the page ---------------------------------------------------------------------------------

def test_province_staff_land_on_the_home_page_with_the_link_to_the_comparison(client_for):
    from django.test import Client

    from tests.conftest import DEMO_PASSWORD

    client = Client()
    response = client.post("/accounts/login/", {"username": "tinh", "password": DEMO_PASSWORD})
    # Everyone with an inbox lands on it (issue 14, part 4); the province map stays one click away.
    assert response.status_code == 302 and response["Location"] == "/inbox/"
    html = client.get("/").content.decode()
    assert 'href="/province/compare/"' in html and "So sánh đầu tư công giữa các huyện" in html
    client.cookies["django_language"] = "en"
    assert "Compare investment across districts" in client.get("/").content.decode()
    assert 'href="/province/compare/"' not in client_for("huyen.yen-phong").get("/").content.decode()

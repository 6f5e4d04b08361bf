"""Vector tiles (issue 13, part 4): TileJSON listing, tiles decoded with mapbox-vector-tile, same access and filters as the layers."""
import math

import mapbox_vector_tile
import pytest
from django.db import connection

from province.services import rollup_rebuild
from tests.investment.factories import CHO, QUE_VO, make_plan, make_project, point

pytestmark = pytest.mark.django_db

# Bắc Ninh's extent (all 121 communes), and Yên Phong's
BAC_NINH = (105.90, 20.95, 106.35, 21.30)
YEN_PHONG = (105.85, 21.13, 106.05, 21.28)


def tile_of(lon, lat, z):
    n = 2 ** z
    return z, int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def covering_tile(bbox, z):
    """The tile at zoom z holding the whole bbox (asserts that one does)."""
    west, south, east, north = bbox
    corner, other = tile_of(west, north, z), tile_of(east, south, z)
    assert corner == other, f"{bbox} spans tiles {corner} and {other} at z{z}"
    return corner


def decode(response, layer):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    return mapbox_vector_tile.decode(response.content).get(layer, {"features": []})["features"]


def whole_layer(client, url):
    features = []
    while url:
        body = client.get(url).json()
        features += body["features"]
        url = body["next"]
    return features


def test_tiles_list_holds_tilejson_of_what_the_caller_may_read(client_for):
    tinh = client_for("tinh").get("/tiles/")
    assert tinh.status_code == 200 and tinh["Content-Type"] == "application/vnd.tilejson+json"
    documents = {d["vector_layers"][0]["id"]: d for d in tinh.json()}
    assert set(documents) == {"investment-distribution-communes", "investment-distribution-districts", "all-projects"}
    communes = documents["investment-distribution-communes"]
    assert communes["tilejson"] == "3.0.0" and communes["tiles"] == ["http://testserver/tiles/investment-distribution-communes/{z}/{x}/{y}.pbf"]
    assert communes["vector_layers"][0]["fields"]["name"] == "String"
    assert "year" in communes["filters"]
    district = client_for("huyen.yen-phong").get("/d/yen-phong/tiles/?sector=transport").json()
    assert [d["vector_layers"][0]["id"] for d in district] == ["proposals"]
    assert district[0]["tiles"] == ["http://testserver/d/yen-phong/tiles/proposals/{z}/{x}/{y}.pbf?sector=transport"]
    assert client_for("huyen.yen-phong").get("/tiles/").json() == []  # the province's layers are the province's
    anonymous = client_for(None).get("/tiles/")  # anonymous: the public layers, and the province has none
    assert anonymous.status_code == 200 and anonymous.json() == []


def test_commune_distribution_tile_holds_every_commune_with_the_layers_figures(client_for):
    tinh = client_for("tinh")
    z, x, y = covering_tile(BAC_NINH, 7)
    features = decode(tinh.get(f"/tiles/investment-distribution-communes/{z}/{x}/{y}.pbf"), "investment-distribution-communes")
    layer = {f["properties"]["code"]: f["properties"] for f in whole_layer(tinh, "/api/province/investment-distribution/?level=commune&page_size=50")}
    assert len(layer) == 121
    tiled = {f["properties"]["code"]: f["properties"] for f in features}
    assert set(tiled) == set(layer)
    cho = tiled["09193"]
    assert cho["name"] == layer["09193"]["name"] == "Thị trấn Chờ"
    for code, props in layer.items():
        assert tiled[code].get("class") == props["class"] and tiled[code]["total_investment"] == props["total_investment"]
    assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in features)
    # the district level: the 8 districts
    districts = decode(tinh.get(f"/tiles/investment-distribution-districts/{z}/{x}/{y}.pbf"), "investment-distribution-districts")
    assert len(districts) == 8
    # a tile far from Vietnam is empty
    assert tinh.get("/tiles/investment-distribution-communes/7/0/0.pbf").content == b""


def test_distribution_tile_follows_the_filters_and_refuses_bad_ones(client_for):
    tinh = client_for("tinh")
    z, x, y = covering_tile(BAC_NINH, 7)
    response = tinh.get(f"/tiles/investment-distribution-communes/{z}/{x}/{y}.pbf?year=1800")
    assert response.status_code == 400 and "year" in response.json()
    response = tinh.get(f"/tiles/investment-distribution-communes/{z}/{x}/{y}.pbf?sector=nonsense")
    assert response.status_code == 400 and "sector" in response.json()
    for bad in ("23/0/0", "3/8/0", "3/0/8"):
        response = tinh.get(f"/tiles/investment-distribution-communes/{bad}.pbf")
        assert response.status_code == 400 and response.json()["tile"][0].startswith("Không có ô bản đồ này")
    assert tinh.get("/tiles/nothing/1/0/0.pbf").status_code == 404
    response = tinh.get(f"/tiles/investment-distribution-communes/{z}/{x}/{y}.pbf?colour=red")
    assert response.status_code == 400 and "colour" in response.json()


@pytest.mark.parametrize("level, zoom, lonlat, filters", [
    ("commune", 7, BAC_NINH[:2], {}), ("commune", 10, CHO, {}), ("commune", 11, QUE_VO, {"sector": "irrigation"}),
    ("district", 9, CHO, {"measure": "per_resident"}), ("commune", 7, (0.0, 0.0), {}),
])
def test_a_distribution_tile_is_the_whole_statements_tile_byte_for_byte(district, client_for, level, zoom, lonlat, filters):
    # The tile statement reads only the units meeting the tile (not every unit of the country): same features, same
    # classes (the breaks are the whole level's), same bytes as the statement over every unit.
    from province import selectors
    from province.tiles import distribution_sql

    yp, qv = district("yen-phong"), district("que-vo")
    make_project(yp, code="B-1", geometry=point(CHO), total=1_200_000_000)
    make_project(qv, code="B-2", geometry=point(QUE_VO), total=5_000_000_000, sector="irrigation")
    connection.set_schema_to_public()
    rollup_rebuild()
    z, x, y = tile_of(*lonlat, zoom)
    arguments = {"level": level, "year": None, "sector": "", "source": "", "measure": "total_investment", "province": "", **filters}
    params = {**arguments, "z": z, "x": x, "y": y, "breaks": selectors.distribution_breaks(**arguments)}
    tiles = []
    for whole in (False, True):
        with connection.cursor() as cursor:
            cursor.execute(distribution_sql(name=f"investment-distribution-{level}s", whole=whole), params)
            tiles.append(bytes(cursor.fetchone()[0]))
    assert tiles[0] == tiles[1]
    assert (tiles[0] == b"") == (lonlat == (0.0, 0.0))
    answer = client_for("tinh").get(f"/tiles/investment-distribution-{level}s/{z}/{x}/{y}.pbf", filters)
    assert answer.status_code == 200 and answer.content == tiles[0]


@pytest.mark.parametrize("username,status", [(None, 401), ("huyen.yen-phong", 403), ("xa.09193", 403)])
def test_province_tiles_are_for_province_staff(client_for, username, status):
    z, x, y = covering_tile(BAC_NINH, 7)
    assert client_for(username).get(f"/tiles/investment-distribution-communes/{z}/{x}/{y}.pbf").status_code == status
    assert client_for(username).get(f"/tiles/all-projects/{z}/{x}/{y}.pbf").status_code == status


def test_projects_tile_holds_the_filtered_projects(district, client_for):
    yp, qv = district("yen-phong"), district("que-vo")
    plan = make_plan(yp, approve=True)
    make_project(yp, code="T-1", plan=plan, total=3_000_000_001)
    make_project(yp, code="T-2", geometry=point(CHO), total=1_200_000_000, sector="education")
    make_project(qv, code="T-3", geometry=point(QUE_VO), total=5_000_000_000, sector="irrigation")
    connection.set_schema_to_public()
    rollup_rebuild()
    tinh = client_for("tinh")
    z, x, y = covering_tile(BAC_NINH, 7)
    codes = {f["properties"]["code"] for f in decode(tinh.get(f"/tiles/all-projects/{z}/{x}/{y}.pbf"), "all-projects")}
    assert {"T-1", "T-2", "T-3"} <= codes
    education = decode(tinh.get(f"/tiles/all-projects/{z}/{x}/{y}.pbf?sector=education"), "all-projects")
    assert {f["properties"]["code"] for f in education} == {"T-2"}
    assert education[0]["properties"]["total_investment"] == 1_200_000_000


@pytest.mark.parametrize("username", ["huyen.yen-phong", "xa.09193", "thon.09193-01"])
def test_proposals_tile_holds_what_the_list_shows_the_reader(client_for, username):
    client = client_for(username)
    z, x, y = covering_tile(YEN_PHONG, 9)
    listed = {f["id"]: f["properties"] for f in whole_layer(client, "/d/yen-phong/api/proposals/?page_size=40")}
    tiled = {f["properties"]["id"]: f["properties"] for f in decode(client.get(f"/d/yen-phong/tiles/proposals/{z}/{x}/{y}.pbf"), "proposals")}
    assert listed and set(tiled) == set(listed)
    some = next(iter(listed))
    assert tiled[some]["title"] == listed[some]["title"] and tiled[some]["commune"] == listed[some]["commune"]
    sector = listed[some]["sector"]
    by_sector = {f["properties"]["id"] for f in decode(client.get(f"/d/yen-phong/tiles/proposals/{z}/{x}/{y}.pbf?sector={sector}"), "proposals")}
    assert by_sector == {pk for pk, p in listed.items() if p["sector"] == sector}


def test_proposals_tile_writes_date_times_as_the_layer_and_carries_the_ids_as_feature_ids(client_for):
    """rv13d finding 6: `created_at` as the layer writes it (ISO 8601, +07:00), not PostgreSQL's UTC text; each MVT
    feature's id is the layer's id (GDAL's FID), not 0…n."""
    client = client_for("huyen.yen-phong")
    z, x, y = covering_tile(YEN_PHONG, 9)
    listed = {f["id"]: f["properties"] for f in whole_layer(client, "/d/yen-phong/api/proposals/?page_size=40")}
    tiled = decode(client.get(f"/d/yen-phong/tiles/proposals/{z}/{x}/{y}.pbf"), "proposals")
    assert tiled and {f["id"] for f in tiled} == set(listed)
    for feature in tiled:
        assert feature["id"] == feature["properties"]["id"]
        assert feature["properties"]["created_at"] == listed[feature["id"]]["created_at"]
        assert feature["properties"]["created_at"].endswith("+07:00") and "T" in feature["properties"]["created_at"]


def test_another_districts_proposal_tiles_are_not_found(client_for):
    z, x, y = covering_tile(YEN_PHONG, 9)
    assert client_for("huyen.que-vo").get(f"/d/yen-phong/tiles/proposals/{z}/{x}/{y}.pbf").status_code == 404


def test_anonymous_visitors_read_the_published_proposals_tiles(client_for):
    """rv13d finding 5: an anonymous visitor reads published proposals through the OGC API and the downloads, and so
    through the tiles: the proposals TileJSON and tiles answer, with the published proposals only."""
    anonymous = client_for(None)
    z, x, y = covering_tile(YEN_PHONG, 9)
    tilejson = anonymous.get("/d/yen-phong/tiles/proposals.json")
    assert tilejson.status_code == 200 and tilejson.json()["tiles"][0].endswith("/d/yen-phong/tiles/proposals/{z}/{x}/{y}.pbf")
    assert [doc["vector_layers"][0]["id"] for doc in anonymous.get("/d/yen-phong/tiles/").json()] == ["proposals"]
    published = {f["id"] for f in anonymous.get("/d/yen-phong/ogc/collections/proposals/items?limit=5000").json()["features"]}
    tiled = {f["properties"]["id"] for f in decode(anonymous.get(f"/d/yen-phong/tiles/proposals/{z}/{x}/{y}.pbf"), "proposals")}
    assert published and tiled == published
    every = {f["properties"]["id"] for f in decode(client_for("huyen.yen-phong").get(f"/d/yen-phong/tiles/proposals/{z}/{x}/{y}.pbf"), "proposals")}
    assert tiled < every  # the unpublished stay out
    assert anonymous.get(f"/tiles/all-projects/{z}/{x}/{y}.pbf").status_code == 401  # the province's layers: its staff


@pytest.mark.parametrize("path", [
    "/d/yen-phong/tiles/proposals/2/-1/0.pbf", "/d/yen-phong/tiles/proposals/2/4/0.pbf",
    "/d/yen-phong/tiles/proposals/x/0/0.pbf", "/tiles/all-projects/99999999999999999999/0/0.pbf",
])
def test_a_bad_tile_address_is_a_json_400_naming_tile(client_for, path):
    response = client_for("huyen.yen-phong" if path.startswith("/d/") else "tinh").get(path)
    assert response.status_code == 400, (response.status_code, response.content[:200])
    assert response["Content-Type"].startswith("application/json") and "tile" in response.json()


@pytest.mark.parametrize("address", ["1/0/0", "99/0/0", "x/0/0", "2/4/0"])
def test_a_tile_of_a_layer_that_is_not_there_is_a_404_whatever_the_address(client_for, address):
    """p13i item 2, the tiles' case of the kind: the layer is looked up before the address is read, so an unknown
    layer is a 404 whether its address is good or not (it was a 400 naming `tile` for a bad one)."""
    assert client_for("tinh").get(f"/tiles/nothing/{address}.pbf").status_code == 404
    assert client_for("huyen.yen-phong").get(f"/d/yen-phong/tiles/nothing/{address}.pbf").status_code == 404

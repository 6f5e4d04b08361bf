"""OGC API – Features (Part 1 Core, GeoJSON) at /ogc/ and /d/<slug>/ogc/, through the real middleware."""
import pytest
from django.db import connection

from geo.layers import MAX_LIMIT, registry

DISTRICT = "yen-phong"
OTHER = "que-vo"
BASE = f"/d/{DISTRICT}/ogc"


def _token(username):
    from knox.models import AuthToken

    from accounts.models import User

    return AuthToken.objects.create(user=User.objects.get(username=username))[1]


def _published_count(district):
    from proposals.models import Proposal

    connection.set_tenant(district(DISTRICT))
    try:
        return Proposal.objects.filter(is_published=True).count(), Proposal.objects.count()
    finally:
        connection.set_schema_to_public()


@pytest.mark.django_db
def test_landing_conformance_and_api_document(client):
    landing = client.get("/ogc/")
    assert landing.status_code == 200
    rels = {link["rel"]: link["href"] for link in landing.json()["links"]}
    assert {"self", "service-desc", "conformance", "data"} <= set(rels)
    assert rels["data"].startswith("http://testserver/ogc/collections")
    classes = client.get("/ogc/conformance").json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in classes
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson" in classes
    api = client.get("/ogc/api")
    assert api["Content-Type"].startswith("application/vnd.oai.openapi+json")
    paths = api.json()["paths"]
    assert "/collections/communes/items" in paths
    limit = next(p for p in paths["/collections/communes/items"]["get"]["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == MAX_LIMIT
    schema = api.json()["components"]["schemas"]["communes"]
    documented = schema["properties"]["features"]["items"]["properties"]["properties"]["properties"]
    assert list(documented) == list(registry.get("communes").properties)


@pytest.mark.django_db
def test_province_collections_for_everybody_are_the_administrative_units(client):
    ids = [c["id"] for c in client.get("/ogc/collections").json()["collections"]]
    assert {"provinces", "districts", "communes", "villages"} <= set(ids)
    communes = client.get("/ogc/collections/communes").json()
    assert communes["itemType"] == "feature"
    west, south, east, north = communes["extent"]["spatial"]["bbox"][0]
    assert 105.8 < west < east < 106.4 and 20.9 < south < north < 21.3


@pytest.mark.django_db
def test_items_page_through_next_links_with_number_matched(client):
    first = client.get("/ogc/collections/communes/items", {"limit": 50})
    assert first.status_code == 200 and first["Content-Type"] == "application/geo+json"
    body = first.json()
    assert body["numberMatched"] == 121 and body["numberReturned"] == 50
    codes = [f["id"] for f in body["features"]]
    while True:
        following = [link["href"] for link in body["links"] if link["rel"] == "next"]
        if not following:
            break
        body = client.get(following[0]).json()
        codes += [f["id"] for f in body["features"]]
    assert len(codes) == len(set(codes)) == 121
    one = client.get("/ogc/collections/communes/items/09193")
    assert one.status_code == 200 and one.json()["properties"]["code"] == "09193"
    assert client.get("/ogc/collections/communes/items/nothing").status_code == 404
    assert client.get("/ogc/collections/nothing/items").status_code == 404


@pytest.mark.django_db
def test_bbox_and_property_filters(client):
    small = client.get("/ogc/collections/communes/items", {"bbox": "105.95,21.19,105.96,21.20"}).json()
    assert 0 < small["numberMatched"] < 10
    assert "09193" in {f["id"] for f in small["features"]}
    of_district = client.get("/ogc/collections/communes/items", {"parent": "258"}).json()
    assert of_district["numberMatched"] == 14


@pytest.mark.django_db
@pytest.mark.parametrize("query, field", [
    ("limit=0", "limit"), (f"limit={MAX_LIMIT + 1}", "limit"), ("limit=x", "limit"), ("offset=-1", "offset"),
    ("bbox=1,2,3", "bbox"), ("datetime=yesterday", "datetime"), ("colour=red", "colour"), ("f=xml", "f"),
])
def test_bad_parameters_are_a_400_naming_them(client, query, field):
    response = client.get(f"/ogc/collections/communes/items?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "InvalidParameterValue" and field in body
    vi = client.get(f"/ogc/collections/communes/items?{query}", HTTP_ACCEPT_LANGUAGE="vi")
    assert vi.status_code == 400


@pytest.mark.django_db
def test_datetime_on_a_layer_without_dates_is_a_400(client):
    response = client.get("/ogc/collections/communes/items?datetime=2026-01-01")
    assert response.status_code == 400 and "datetime" in response.json()


@pytest.mark.django_db
def test_anonymous_reads_only_published_proposals_of_a_district(client, district):
    published, everything = _published_count(district)
    assert published < everything
    body = client.get(f"{BASE}/collections/proposals/items", {"limit": MAX_LIMIT}).json()
    assert body["numberMatched"] == published
    assert all(f["properties"]["is_published"] for f in body["features"])


@pytest.mark.django_db
def test_district_token_reads_its_district_and_nothing_of_another(client, district):
    _published, everything = _published_count(district)
    own = _token(f"huyen.{DISTRICT}")
    header = {"HTTP_AUTHORIZATION": f"Token {own}"}
    ids = [c["id"] for c in client.get(f"{BASE}/collections", **header).json()["collections"]]
    assert "proposals" in ids
    body = client.get(f"{BASE}/collections/proposals/items", {"limit": MAX_LIMIT}, **header).json()
    assert body["numberMatched"] == everything
    feature_id = body["features"][0]["id"]
    assert client.get(f"{BASE}/collections/proposals/items/{feature_id}", **header).json()["id"] == feature_id
    other = {"HTTP_AUTHORIZATION": f"Token {_token(f'huyen.{OTHER}')}"}
    for path in ["", "/collections", "/collections/proposals/items", f"/collections/proposals/items/{feature_id}"]:
        assert client.get(BASE + path, **other).status_code == 404, path
    assert client.get(f"{BASE}/collections", HTTP_AUTHORIZATION="Token nonsense").status_code == 401


@pytest.mark.django_db
def test_datetime_filters_proposals(client, district):
    header = {"HTTP_AUTHORIZATION": f"Token {_token(f'huyen.{DISTRICT}')}"}
    everything = client.get(f"{BASE}/collections/proposals/items", **header).json()["numberMatched"]
    future = client.get(f"{BASE}/collections/proposals/items", {"datetime": "2100-01-01/.."}, **header).json()
    assert future["numberMatched"] == 0
    past = client.get(f"{BASE}/collections/proposals/items", {"datetime": "../2100-01-01"}, **header).json()
    assert past["numberMatched"] == everything


# ---- review of issue 13: integer bounds, ids out of range, writes, ids fitting the route ------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("path, field", [
    (f"{BASE}/collections/proposals/items?offset=99999999999999999999", "offset"),
    ("/ogc/collections/communes/items?offset=99999999999999999999", "offset"),
    ("/ogc/collections/communes/items?limit=99999999999999999999", "limit"),
])
def test_huge_integers_are_a_400_naming_them(client, district, path, field):
    response = client.get(path)
    assert response.status_code == 400, response.content[:200]
    assert field in response.json()


@pytest.mark.django_db
def test_huge_page_of_a_legacy_layer_route_is_a_400(client_for, district):
    response = client_for("huyen.yen-phong").get("/d/yen-phong/api/proposals/?page=99999999999999999999")
    assert response.status_code == 400 and "page" in response.json()


@pytest.mark.django_db
def test_huge_integer_filter_value_is_a_400(client_for, district):
    response = client_for("tinh").get("/ogc/collections/all-projects/items?year=99999999999999999999")
    assert response.status_code == 400 and "year" in response.json()


@pytest.mark.django_db
def test_a_feature_id_out_of_range_is_a_404_on_every_layer(client_for, district):
    client = client_for("tinh")
    for layer in registry.for_province():
        response = client.get(f"/ogc/collections/{layer.id}/items/99999999999999999999999")
        assert response.status_code == 404 and response.json()["code"] == "NotFound", layer.id
    client = client_for(f"huyen.{DISTRICT}")
    for layer in registry.for_district():
        response = client.get(f"{BASE}/collections/{layer.id}/items/99999999999999999999999")
        assert response.status_code == 404 and response.json()["code"] == "NotFound", layer.id


def _with_projects(district):
    """Two investment projects in Yên Phong, rolled up into the province's all-projects layer."""
    from province.services import rollup_rebuild
    from tests.investment.factories import CHO, make_plan, make_project, point

    yp = district(DISTRICT)
    make_project(yp, code="O-1", plan=make_plan(yp, approve=True), total=3_000_000_001)
    make_project(yp, code="O-2", geometry=point(CHO), total=1_200_000_000, sector="education")
    connection.set_schema_to_public()
    rollup_rebuild()


@pytest.mark.django_db
def test_every_collection_serves_its_first_feature_by_id(client_for, district):
    """Every collection's first feature comes back by its id at items/{id}: ids fit the route (all-projects: 256-1)."""
    _with_projects(district)
    seen = 0
    for client, base, layers in ((client_for("tinh"), "/ogc", registry.for_province()),
                                 (client_for(f"huyen.{DISTRICT}"), BASE, registry.for_district())):
        for layer in layers:
            features = client.get(f"{base}/collections/{layer.id}/items", {"limit": 1}).json()["features"]
            if not features:
                continue
            feature_id = features[0]["id"]
            one = client.get(f"{base}/collections/{layer.id}/items/{feature_id}")
            assert one.status_code == 200, (layer.id, feature_id, one.content[:200])
            assert one.json()["id"] == feature_id
            seen += 1
    assert seen >= 8


@pytest.mark.django_db
def test_all_projects_ids_fit_the_item_route_and_the_old_form_still_answers(client_for, district):
    _with_projects(district)
    client = client_for("tinh")
    feature_id = client.get("/ogc/collections/all-projects/items", {"limit": 1}).json()["features"][0]["id"]
    assert "/" not in feature_id and "-" in feature_id
    code, _dash, project = feature_id.partition("-")
    old = client.get(f"/ogc/collections/all-projects/items/{code}/{project}")
    assert old.status_code == 200 and old.json()["id"] == feature_id


@pytest.mark.django_db
@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_writes_are_a_json_405_in_vietnamese_not_a_csrf_page(district, method):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    for path in ("/ogc/", "/ogc/collections/communes/items", f"{BASE}/collections/proposals/items"):
        response = getattr(client, method)(path, HTTP_ACCEPT_LANGUAGE="vi")
        assert response.status_code == 405, (path, response.status_code)
        body = response.json()
        assert body["code"] == "MethodNotAllowed" and body["description"] == "Ở đây chỉ cho phép GET."


@pytest.mark.django_db
def test_the_project_list_and_the_ogc_items_filter_alike(client_for, district):
    """One filter mechanism: the legacy project list and the OGC items give the same projects for the same filters;
    `year` with `plan` means one allocation of that year in that plan."""
    from tests.investment.factories import make_plan, make_project

    yp = district(DISTRICT)
    first, later = make_plan(yp, approve=True), make_plan(yp, start_year=2031, approve=True)
    make_project(yp, code="F-1", sources=[{"source": "district_budget", "amount": 3_000_000_000}], allocations=[
        {"plan": first, "year": 2026, "source": "district_budget", "amount": 1_000_000_000},
        {"plan": later, "year": 2031, "source": "district_budget", "amount": 1_000_000_000}])
    make_project(yp, code="F-2", plan=first, sector="education")
    connection.set_schema_to_public()
    client = client_for(f"huyen.{DISTRICT}")
    for query in ({"year": 2031, "plan": first.pk}, {"year": 2026, "plan": first.pk}, {"year": 2031}, {"plan": later.pk},
                  {"sector": "education"}, {"status": "proposed,approved"}, {}):
        legacy = client.get(f"/d/{DISTRICT}/api/investment-projects/", query)
        assert legacy.status_code == 200, (query, legacy.content[:200])
        ogc = client.get(f"{BASE}/collections/investment-projects/items", {**query, "limit": MAX_LIMIT}).json()
        legacy_codes = sorted(f["properties"]["code"] for f in legacy.json()["features"])
        assert legacy_codes == sorted(f["properties"]["code"] for f in ogc["features"]), query
    both = client.get(f"{BASE}/collections/investment-projects/items", {"year": 2031, "plan": first.pk}).json()
    assert "F-1" not in {f["properties"]["code"] for f in both["features"]}
    assert "F-1" in {f["properties"]["code"] for f in client.get(f"{BASE}/collections/investment-projects/items",
                                                                    {"year": 2026, "plan": first.pk}).json()["features"]}



@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/ogc/collections/communes/items?limit=0", "/d/yen-phong/ogc/collections/proposals/items?limit=0"])
def test_ogc_follows_accept_language_and_writes_numbers_in_that_language(client, path):
    """rv13d finding 4: GDAL and QGIS cannot set a cookie, so /ogc/ (like /api/) answers in Accept-Language's language,
    and the numbers of a message are grouped as that language groups them."""
    english = client.get(path, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400 and english["Content-Language"] == "en"
    assert english.json()["limit"] == [f"limit must be a whole number from 1 to {MAX_LIMIT:,}."]
    vietnamese = client.get(path, HTTP_ACCEPT_LANGUAGE="vi").json()["limit"]
    assert vietnamese == [f"limit phải là số nguyên từ 1 đến {MAX_LIMIT:,}.".replace(",", ".")]
    assert client.get(path).json() == {**client.get(path).json(), "limit": vietnamese}  # no header: Vietnamese


@pytest.mark.django_db
@pytest.mark.parametrize("username, path", [("tinh", "/tiles/all-projects/2/-1/0.pbf"), ("huyen.yen-phong", "/d/yen-phong/tiles/proposals/2/-1/0.pbf")])
def test_tiles_follow_accept_language(client_for, username, path):
    client = client_for(username)
    assert client.get(path, HTTP_ACCEPT_LANGUAGE="en").json()["tile"] == ["No such tile: z must be 0 to 22 and x, y between 0 and 2^z − 1."]
    assert client.get(path, HTTP_ACCEPT_LANGUAGE="vi").json()["tile"][0].startswith("Không có ô bản đồ này")

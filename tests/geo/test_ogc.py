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

"""Issue 13, review rv13 (task h13a): the query parameters of the GIS routes (tiles, OGC API, downloads) follow one rule.

Each test was written against a finding that the old code got wrong: a TileJSON's own URLs refused `lang`; the
province's distribution used only the first value of a comma list; `late=TRUE` passed as a boolean and was then
ignored; `Authorization: Bearer abc` was read as anonymous on tiles and downloads; a 6-number bbox, a datetime without
its offset, an unmatched OGC path and `proposals.csv?f=gpkg` were answered wrongly.
"""
import datetime as dt
import html
import re
from urllib.parse import urlsplit

import mapbox_vector_tile
import pytest
from django.utils import timezone

from tests.geo.test_tiles import BAC_NINH, covering_tile

pytestmark = pytest.mark.django_db

D = "/d/yen-phong"


def _tile_path(url, z, x, y):
    """The path and query of a TileJSON tile URL at z/x/y (the test client takes no host)."""
    parts = urlsplit(url.replace("{z}", str(z)).replace("{x}", str(x)).replace("{y}", str(y)))
    return parts.path + (f"?{parts.query}" if parts.query else "")


# ---- 1. every URL a TileJSON lists answers ------------------------------------------------------------------------------

@pytest.mark.parametrize("username, tiles", [("tinh", "/tiles/"), ("huyen.yen-phong", f"{D}/tiles/")])
@pytest.mark.parametrize("query", ["", "?lang=en", "?lang=vi&sector=health", "?sector=transport&lang=en"])
def test_every_tile_url_of_every_tilejson_answers(client_for, username, tiles, query):
    client = client_for(username)
    listed = client.get(tiles + query)
    assert listed.status_code == 200, listed.content[:300]
    documents = listed.json()
    assert documents
    z, x, y = covering_tile(BAC_NINH, 7)
    for document in documents:
        name = document["vector_layers"][0]["id"]
        one = client.get(f"{tiles}{name}.json{query}")  # one layer's TileJSON lists the same URL
        assert one.status_code == 200, one.content[:300]
        assert one.json()["tiles"] == document["tiles"]
        for url in document["tiles"]:
            if "lang=" in query:
                assert "lang=" in url
            tile = client.get(_tile_path(url, z, x, y))
            assert tile.status_code == 200, (url, tile.content[:300])
            assert tile["Content-Type"] == "application/vnd.mapbox-vector-tile"


def test_a_parameter_no_tile_layer_takes_is_a_400_naming_it(client_for):
    tinh = client_for("tinh")
    for path in ("/tiles/?colour=red", "/tiles/all-projects.json?colour=red", "/tiles/all-projects/7/0/0.pbf?colour=red"):
        response = tinh.get(path)
        assert response.status_code == 400 and "colour" in response.json(), path
    # a filter of one layer only: the list gives it to that layer's URL, and that layer's tile applies it
    documents = {d["vector_layers"][0]["id"]: d for d in tinh.get("/tiles/?status=under_construction").json()}
    assert documents["all-projects"]["tiles"][0].endswith("?status=under_construction")
    assert "?" not in documents["investment-distribution-communes"]["tiles"][0]


@pytest.mark.parametrize("username, path, query", [
    ("tinh", "/tiles/", "year=abc"), ("tinh", "/tiles/", "sector=nonsense"), ("tinh", "/tiles/", "year=2024,2026"),
    ("tinh", "/tiles/investment-distribution-communes.json", "measure=colour"),
    ("tinh", "/tiles/all-projects.json", "status=x,y,z"),
    ("huyen.yen-phong", f"{D}/tiles/", "late=abc"), ("huyen.yen-phong", f"{D}/tiles/proposals.json", "plan_year=abc"),
    ("huyen.yen-phong", f"{D}/tiles/proposals.json", "commune=<b>"),
])
def test_a_tilejson_refuses_a_value_its_tiles_would_refuse_naming_it(client_for, username, path, query):
    """A TileJSON checked only its parameters' names: `/tiles/?year=abc` answered 200 with tile URLs that were each a 400.
    Now the list and one layer's document refuse, as the tiles do, a value the layer's filter refuses."""
    client = client_for(username)
    name = query.split("=")[0]
    response = client.get(f"{path}?{query}", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400 and name in response.json(), (response.status_code, response.content[:300])
    # the tiles the same document would list refuse it too: one rule
    layer = "proposals" if path.startswith(D) else ("all-projects" if "all-projects" in path or name == "status" else "investment-distribution-communes")
    z, x, y = covering_tile(BAC_NINH, 7)
    tile = client.get(f"{path.split('/tiles/')[0]}/tiles/{layer}/{z}/{x}/{y}.pbf?{query}")
    assert tile.status_code == 400 and name in tile.json()


@pytest.mark.parametrize("query", ["sector=%2C", "sector=%20", "status=%09", "source=%2C%20"])
def test_a_blank_list_value_is_never_a_silently_empty_tile(client_for, query):
    """Review rv13c: a choice filter's value with no value in it once stripped (`sector=,`, `sector=%20`) passed
    `Filter.values` (no value to refuse), so the TileJSON answered 200 and listed `…pbf?sector=%2C`, and that tile was a
    200 with no feature (`sector__in=[]`), where `sector=` is every proposal and the distribution's one-value `sector=,`
    is every sector: a silently empty answer. Either the document and its tile refuse it naming the filter, or the
    listed tile is the unfiltered one."""
    client = client_for("huyen.yen-phong")
    name = query.split("=")[0]
    z, x, y = covering_tile(BAC_NINH, 7)

    def features(path):
        tile = client.get(path)
        assert tile.status_code == 200, (path, tile.content[:300])
        return len(mapbox_vector_tile.decode(tile.content).get("proposals", {"features": []})["features"])

    everything = features(f"{D}/tiles/proposals/{z}/{x}/{y}.pbf")
    assert everything > 0
    document = client.get(f"{D}/tiles/proposals.json?{query}")
    if document.status_code == 400:
        assert name in document.json()
        tile = client.get(f"{D}/tiles/proposals/{z}/{x}/{y}.pbf?{query}")
        assert tile.status_code == 400 and name in tile.json()
    else:
        assert document.status_code == 200, document.content[:300]
        listed = document.json()["tiles"][0]
        assert features(_tile_path(listed, z, x, y)) == everything, (query, listed)


_SECTOR_BLANKS = ("sector=%2C", "sector=%20", "sector=transport%2C")
_PROPOSAL_ROUTES = (f"{D}/ogc/collections/proposals/items", f"{D}/api/downloads/proposals.csv", f"{D}/api/proposals/",
                    f"{D}/tiles/proposals/7/103/56.pbf")


@pytest.mark.parametrize("username, path, query", [
    *[("huyen.yen-phong", path, query) for path in _PROPOSAL_ROUTES for query in (*_SECTOR_BLANKS, "late=%20", "late=1%2C")],
    *[("tinh", path, query) for path in ("/ogc/collections/investment-distribution-districts/items", "/tiles/") for query in _SECTOR_BLANKS],
])
def test_a_blank_piece_of_a_filter_value_is_a_400_on_every_route(client_for, username, path, query):
    """One rule (`geo.layers.Filter.values`) on the kit's every route: `sector=,` was every sector on the distribution
    and no proposal on the proposals routes; `late=%20` a 400 on /api/ and unfiltered elsewhere (review rv13c)."""
    name = query.split("=")[0]
    response = client_for(username).get(f"{path}?{query}", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400, (response.status_code, response.content[:300])
    assert name in response.json()


# ---- 2. a single-value filter refuses a comma list, never reads its first value --------------------------------------

DISTRIBUTION = "investment-distribution-districts"


@pytest.mark.parametrize("name, value", [("sector", "health,education"), ("year", "2024,2026"), ("year", "2026,2024"),
                                         ("measure", "per_km2,planned"), ("source", "central_budget,provincial_budget")])
def test_distribution_filters_take_one_value_on_every_route(client_for, name, value):
    tinh = client_for("tinh")
    z, x, y = covering_tile(BAC_NINH, 7)
    for path in (f"/ogc/collections/{DISTRIBUTION}/items", f"/api/downloads/{DISTRIBUTION}.csv",
                 f"/api/downloads/{DISTRIBUTION}.geojson", f"/tiles/{DISTRIBUTION}/{z}/{x}/{y}.pbf",
                 "/api/province/investment-distribution/"):
        response = tinh.get(path, {name: value})
        assert response.status_code == 400, (path, response.content[:300])
        body = response.json()
        assert name in body, (path, body)
        if "/api/province/" not in path:  # the legacy route's own wording; the others say it takes one value, in Vietnamese
            assert "một giá trị" in body[name][0], body


@pytest.mark.parametrize("query", ["sector=health&sector=education", "year=2026&year=2024", "late=1&late=0", "f=gpkg&f=csv"])
def test_a_parameter_given_twice_is_a_400_naming_it_on_every_route(client_for, query):
    """Review rv13b: `?sector=health&sector=education` summed education only (Django reads the last value), proposals
    counted 6 against 22 for `sector=health,education`, `late=1&late=0` read 0. A parameter is given once."""
    name = query.split("=")[0]
    z, x, y = covering_tile(BAC_NINH, 7)
    for username, path in (("tinh", f"/ogc/collections/{DISTRIBUTION}/items"), ("tinh", f"/api/downloads/{DISTRIBUTION}.csv"),
                           ("tinh", f"/tiles/{DISTRIBUTION}/{z}/{x}/{y}.pbf"), ("tinh", "/api/province/investment-distribution/"),
                           ("huyen.yen-phong", f"{D}/api/proposals/"), ("huyen.yen-phong", f"{D}/ogc/collections/proposals/items"),
                           ("huyen.yen-phong", f"{D}/api/downloads/proposals.csv"), ("huyen.yen-phong", f"{D}/tiles/proposals/8/203/112.pbf")):
        response = client_for(username).get(f"{path}?{query}")
        assert response.status_code == 400, (path, query, response.status_code)
        assert "nhiều lần" in response.json()[name][0], (path, response.json())


def test_distribution_single_values_still_filter_and_add_up(client_for):
    tinh = client_for("tinh")
    items = f"/ogc/collections/{DISTRIBUTION}/items"

    def total(**params):
        response = tinh.get(items, params)
        assert response.status_code == 200, response.content[:300]
        return sum(f["properties"]["total_investment"] or 0 for f in response.json()["features"])

    assert total() >= total(sector="health") + total(sector="education")
    assert total(sector="health", lang="en") == total(sector="health")


def test_the_ogc_api_document_says_which_filters_take_one_value(client_for):
    document = client_for("tinh").get("/ogc/api").json()
    parameters = {p["name"]: p["description"] for p in document["paths"][f"/collections/{DISTRIBUTION}/items"]["get"]["parameters"]}
    assert "một giá trị" in parameters["sector"] and "bất kỳ" not in parameters["sector"]
    assert "một giá trị" in parameters["year"]
    projects = {p["name"]: p["description"] for p in document["paths"]["/collections/all-projects/items"]["get"]["parameters"]}
    assert "một giá trị" not in projects["sector"]  # a real comma list there: any of


def test_a_single_value_filter_of_a_district_layer_refuses_a_list(client_for):
    client = client_for("huyen.yen-phong")
    for path in (f"{D}/api/proposals/", f"{D}/ogc/collections/proposals/items", f"{D}/api/downloads/proposals.geojson"):
        response = client.get(path, {"late": "1,0"})
        assert response.status_code == 400 and "late" in response.json(), (path, response.content[:300])


# ---- 3. a boolean filter reads the value the kit converted ----------------------------------------------------------

def _proposal_counts(client, late):
    query = {} if late is None else {"late": late}
    listed = client.get(f"{D}/api/proposals/", {**query, "page_size": 1})
    assert listed.status_code == 200, listed.content[:300]
    ogc = client.get(f"{D}/ogc/collections/proposals/items", {**query, "limit": 1})
    assert ogc.status_code == 200, ogc.content[:300]
    download = client.get(f"{D}/api/downloads/proposals.geojson", query)
    assert download.status_code == 200, download.content[:300]
    z, x, y = covering_tile(BAC_NINH, 7)
    tile = client.get(f"{D}/tiles/proposals/{z}/{x}/{y}.pbf", query)
    assert tile.status_code == 200, tile.content[:300]
    tiled = mapbox_vector_tile.decode(tile.content).get("proposals", {"features": []})["features"]
    return listed.json()["count"], ogc.json()["numberMatched"], len(download.json()["features"]), len(tiled)


def _some_late_proposals(district):
    from django.db import connection

    from proposals.models import Proposal

    connection.set_tenant(district("yen-phong"))
    try:
        late = list(Proposal.objects.filter(is_published=True).order_by("pk").values_list("pk", flat=True)[:3])
        Proposal.objects.filter(pk__in=late).update(is_late=True)
    finally:
        connection.set_schema_to_public()


def test_late_is_read_alike_whatever_its_spelling(client_for, district):
    _some_late_proposals(district)
    client = client_for("huyen.yen-phong")
    everything = _proposal_counts(client, None)
    late = _proposal_counts(client, "1")
    assert 0 < late[0] < everything[0]
    assert late[0] == late[1] == late[2]
    for spelling in ("TRUE", "True", "true"):
        assert _proposal_counts(client, spelling) == late, spelling
    for spelling in ("0", "FALSE", "False"):
        assert _proposal_counts(client, spelling) == everything, spelling


# ---- 4. credentials that do not authenticate are a 401 on every GIS route ---------------------------------------------

GIS_PATHS = [
    "/ogc/collections/communes/items?limit=1", "/tiles/", "/tiles/all-projects/7/0/0.pbf", "/api/downloads/",
    "/api/downloads/communes.csv", f"{D}/ogc/collections/proposals/items?limit=1", f"{D}/tiles/", f"{D}/tiles/proposals.json",
    f"{D}/tiles/proposals/7/0/0.pbf", f"{D}/api/downloads/", f"{D}/api/downloads/proposals.csv",
]


def _expired_token():
    from knox.models import AuthToken

    from accounts.models import User

    token, key = AuthToken.objects.create(user=User.objects.get(username="huyen.yen-phong"))
    AuthToken.objects.filter(pk=token.pk).update(expiry=timezone.now() - dt.timedelta(hours=1))
    return key


@pytest.mark.parametrize("path", GIS_PATHS)
def test_credentials_that_do_not_authenticate_are_a_401_on_every_gis_route(client, path):
    for header in ("Bearer abc", "Token abc", "Token", "Basic dXNlcjpwYXNz", f"Token {_expired_token()}"):
        response = client.get(path, HTTP_AUTHORIZATION=header)
        assert response.status_code == 401, (path, header, response.status_code)
        assert response["WWW-Authenticate"] == "Token"
        body = response.json()
        assert body["detail"], body
        if "/ogc/" in path:
            assert body["code"] == "Unauthorized"
    # without credentials: anonymous, the public rows (the province's tile layers are for its staff: 401 as before)
    assert client.get(path).status_code == (401 if path.startswith("/tiles/all-projects") else 200)


@pytest.mark.parametrize("path", GIS_PATHS)
def test_a_valid_token_still_reads_the_gis_routes(client, path):
    from knox.models import AuthToken

    from accounts.models import User

    username = "huyen.yen-phong" if path.startswith(D) else "tinh"
    key = AuthToken.objects.create(user=User.objects.get(username=username))[1]
    assert client.get(path, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


# ---- 5. OGC conformance details ---------------------------------------------------------------------------------------

def test_a_six_number_bbox_filters_by_its_2d_corners(client):
    four = client.get("/ogc/collections/communes/items", {"bbox": "105.9,21.1,106.0,21.2", "limit": 1})
    six = client.get("/ogc/collections/communes/items", {"bbox": "105.9,21.1,-100,106.0,21.2,500", "limit": 1})
    assert four.status_code == six.status_code == 200, six.content[:300]
    assert 0 < six.json()["numberMatched"] == four.json()["numberMatched"]
    five = client.get("/ogc/collections/communes/items", {"bbox": "105.9,21.1,0,106.0,21.2"})
    assert five.status_code == 400 and five.json()["code"] == "InvalidParameterValue" and "bbox" in five.json()
    document = client.get("/ogc/api").json()
    bbox = next(p for p in document["paths"]["/collections/communes/items"]["get"]["parameters"] if p["name"] == "bbox")
    assert bbox["schema"]["maxItems"] == 6 and "minZ" in bbox["description"]


def test_a_datetime_without_its_offset_is_a_400_naming_datetime(client_for):
    client = client_for("huyen.yen-phong")
    items = f"{D}/ogc/collections/proposals/items"
    for text in ("2026-04-30T09:00:00", "2026-04-30T09:00:00/..", "../2026-04-30T09:00:00"):
        response = client.get(items, {"datetime": text})
        assert response.status_code == 400, (text, response.content[:300])
        body = response.json()
        assert body["code"] == "InvalidParameterValue" and "múi giờ" in body["datetime"][0], body
    english = client.get(items, {"datetime": "2026-04-30T09:00:00", "lang": "en"}).json()
    assert "offset" in english["datetime"][0]
    for text in ("2026-04-30T09:00:00Z", "2026-04-30T09:00:00+07:00", "2026-04-30"):
        assert client.get(items, {"datetime": text}).status_code == 200, text


@pytest.mark.parametrize("path", ["/ogc/collections/communes/items/' OR 1=1", "/ogc/collections/communes/items/a/b/c",
                                  "/ogc/no/such/route", f"{D}/ogc/collections/proposals/items/' OR 1=1"])
def test_a_path_the_ogc_api_does_not_have_is_its_own_404(client, path):
    response = client.get(path, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 404 and response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "NotFound" and body["description"] == "Không có tập dữ liệu hoặc đối tượng này.", body
    english = client.get(path, HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["code"] == "NotFound" and english["description"] == "No such collection or feature."


def test_a_download_naming_two_formats_is_a_400_naming_f(client_for):
    client = client_for("huyen.yen-phong")
    response = client.get(f"{D}/api/downloads/proposals.csv", {"f": "gpkg"})
    assert response.status_code == 400 and "f" in response.json(), response.content[:300]
    assert "gpkg" in response.json()["f"][0] and "csv" in response.json()["f"][0]
    assert client.get(f"{D}/api/downloads/proposals.csv", {"f": "csv"}).status_code == 200  # the same format twice
    assert client.get(f"{D}/api/downloads/proposals/", {"f": "gpkg"}).status_code == 200


# ---- review rv13c: the parameters that named nothing or were never read --------------------------------------------

def test_a_parameter_without_a_name_is_a_400_naming_query(client_for):
    """`/tiles/?=abc` was a 400 naming "" with a message that began with a space."""
    for path in ("/tiles/?=abc", "/tiles/all-projects.json?=abc", "/ogc/collections?=abc", "/api/downloads/communes.csv?=1"):
        response = client_for("tinh").get(path)
        assert response.status_code == 400 and response.json()["query"] == ["Một tham số truy vấn không có tên."], path


@pytest.mark.parametrize("value", ["EN", "xx", "en-GB", "<script>", "vi,en"])
@pytest.mark.parametrize("username, path", [("tinh", "/tiles/"), ("tinh", "/ogc/collections"), (None, "/api/districts/"),
                                            ("huyen.yen-phong", f"{D}/api/proposals/"), ("huyen.yen-phong", f"{D}/tiles/")])
def test_lang_is_one_of_the_platforms_languages(client_for, username, path, value):
    """`lang=EN`, `lang=xx` answered 200 in Vietnamese and were copied into every tile URL a TileJSON listed."""
    response = client_for(username).get(path, {"lang": value})
    assert response.status_code == 400, (response.status_code, response.content[:200])
    assert "lang" in response.json()
    assert client_for(username).get(path, {"lang": "en"}).status_code == 200
    assert client_for(username).get(path, {"lang": ""}).status_code == 200  # empty: the default language


def test_a_page_refuses_an_unknown_language_on_its_framed_page(client_for):
    response = client_for(None).get("/", {"lang": "fr"})
    assert response.status_code == 400 and 'data-field="lang"' in response.content.decode()


def test_the_tile_list_refuses_a_parameter_in_words_about_the_readers_layers(client_for):
    """Anonymous callers, who read none of the province's tile layers, were told `year` "is not a filter of this layer"
    of a list that named no layer."""
    response = client_for(None).get("/tiles/", {"year": "2024"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["year"] == ["year is not a filter of any tile layer you may read here."]
    one = client_for("tinh").get("/tiles/all-projects.json", {"measure": "planned"}, HTTP_ACCEPT_LANGUAGE="en")
    assert one.status_code == 400 and one.json()["measure"] == ["measure is not a filter of this layer."]


def test_too_many_parameters_is_a_json_400_on_a_gis_route(client_for):
    """Django refuses more than DATA_UPLOAD_MAX_NUMBER_FIELDS parameters before any view: the answer was the HTML page
    on the tiles, OGC and API routes (`accounts.errors.bad_request`)."""
    query = "&".join(f"p{i}=1" for i in range(2000))
    for path in ("/tiles/", "/ogc/collections", f"{D}/api/proposals/"):
        response = client_for("huyen.yen-phong").get(f"{path}?{query}")
        assert response.status_code == 400 and response["Content-Type"] == "application/json", path
        assert response.json()["query"] == ["Địa chỉ có hơn 1000 tham số."]
    page = client_for(None).get(f"/?{query}")
    assert page.status_code == 400 and page["Content-Type"].startswith("text/html")


# ---- review rv13d: a refusal speaks the language the person chose ---------------------------------------------------

def test_a_refused_lang_is_answered_in_the_language_switchs_language(client_for):
    """Review rv13d (failing): `lang=EN` is now a 400 naming `lang`, but `accounts.language.language_for` takes the
    unusable `lang` in place of the language switch's cookie and then falls to Accept-Language or Vietnamese: a person
    who chose English reads the refusal in Vietnamese, on the API and on the framed page. docs/API.md, "Errors": "`?lang=`,
    else the language switch's cookie, else `Accept-Language`, else Vietnamese"; a `plan_year=abc` refusal to the same
    person is English."""
    client = client_for("tinh")
    client.cookies["django_language"] = "en"
    assert client.get("/plans/", {"plan_year": "abc"})["Content-Language"] == "en"  # the cookie's language
    api = client.get("/api/districts/", {"lang": "EN"})
    assert api.status_code == 400 and api["Content-Language"] == "en", api.content[:200]
    assert api.json()["lang"] == ["lang: “EN” is not one of the choices: vi, en."]
    page = client.get("/plans/", {"lang": "xx"})
    assert page.status_code == 400 and page["Content-Language"] == "en" and '<html lang="en">' in page.content.decode()


def test_too_many_parameters_on_a_page_is_in_the_language_switchs_language(client_for):
    """Review rv13d (failing): more than DATA_UPLOAD_MAX_NUMBER_FIELDS parameters on a page is the framed 400 page in
    Vietnamese whatever the person chose (`accounts.errors.bad_request` leaves pages to Django's handler, which runs before
    the language middleware could activate the cookie's language), where the same request to an API route answers in the
    cookie's language."""
    query = "&".join(f"p{i}=1" for i in range(1001))
    client = client_for("huyen.yen-phong")
    client.cookies["django_language"] = "en"
    api = client.get(f"{D}/api/proposals/?{query}")
    assert api.status_code == 400 and api.json()["query"] == ["The address holds more than 1000 parameters."]
    page = client.get(f"{D}/proposals/?{query}")
    assert page.status_code == 400 and '<html lang="en">' in page.content.decode(), page.content[:120]


def test_too_many_body_fields_are_named_as_the_forms_not_the_addresses(client_for):
    """Review rv13d: 1,001 fields in a POST body were refused as "the address holds more than 1000 parameters" though the
    address held one."""
    body = "&".join(f"f{i}=1" for i in range(1001))
    response = client_for("xa.09193").post(f"{D}/api/proposals/import/?preview=1", body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400 and response.json() == {"detail": "Biểu mẫu có hơn 1000 trường."}, response.content[:200]


def test_a_lang_among_too_many_parameters_still_chooses_the_refusals_language(client_for):
    """Review rv13e: Django cannot read the query (more than 1,000 parameters), so its `lang` was ignored: the refusal of
    `?lang=en&…` came in Vietnamese. The language is read from the raw query."""
    query = "lang=en&" + "&".join(f"p{i}=1" for i in range(1001))
    api = client_for(None).get(f"/api/districts/?{query}")
    assert api.status_code == 400 and api.json()["query"] == ["The address holds more than 1000 parameters."]
    page = client_for(None).get(f"/?{query}")
    assert page.status_code == 400 and '<html lang="en">' in page.content.decode()


@pytest.mark.parametrize("params, field, shown", [
    ({"lang": "xx"}, "lang", "lang: “xx” is not one of the choices: vi, en."),
    ({"plan_year": "abc"}, "plan_year", "plan_year must be a year from 1900 to 2100."),
])
def test_the_framed_400_page_names_the_parameter_once(client_for, params, field, shown):
    """Stop 22's note, left then: the framed 400 page put the parameter's name in front of a reason that already starts
    with it ("lang: lang: “xx” …", "plan_year: plan_year must …"). The name comes once (geo.params.refusal_response)."""
    client = client_for("tinh")
    client.cookies["django_language"] = "en"
    page = client.get("/plans/", params)
    assert page.status_code == 400, page.content[:200]
    found = re.search(r'data-testid="refusal" data-field="([^"]*)">([^<]*)</p>', page.content.decode())
    assert found and found[1] == field, page.content.decode()[-600:]
    assert html.unescape(found[2]) == shown

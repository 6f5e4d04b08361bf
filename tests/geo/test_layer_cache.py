"""The administrative-unit layers keep their whole answer under the units' data version (geo.layers.page_response,
geo.versions.UNITS): an investment write in a district leaves it kept, a unit edit does not, and a kept answer is the
one computed (body, ETag, gzip body)."""
import gzip

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.investment.factories import CHO, make_project, point

pytestmark = pytest.mark.django_db

URL = "/api/admin-units/?level=commune"
UNITS_STATEMENT = "geo_administrativeunit"  # the page statement (and every other read of the units)


def requested(client, url=URL, **extra):
    with CaptureQueriesContext(connection) as captured:
        answer = client.get(url, **extra)
    assert answer.status_code == 200, answer.content[:300]
    return answer, [q["sql"] for q in captured.captured_queries]


def units_read(queries):
    return sum(UNITS_STATEMENT in sql for sql in queries)


def touch_units():
    """A units edit that changes nothing (the statement trigger moves the units' version all the same)."""
    from geo.models import AdministrativeUnit

    AdministrativeUnit.objects.filter(pk=-1).update(population=0)


def test_an_investment_write_keeps_the_commune_layer_a_unit_edit_does_not(district):
    client = Client()
    touch_units()  # a units version of this test alone: its first request computes
    first, first_queries = requested(client)
    assert units_read(first_queries) >= 1
    kept, kept_queries = requested(client)
    assert units_read(kept_queries) == 0 and kept.content == first.content
    assert len(kept_queries) == 1 and "province_dataversion" in kept_queries[0]  # only the version read

    from geo import versions

    every_before, units_before = versions.version(), versions.version(versions.UNITS)
    make_project(district("yen-phong"), code="KEPT-1", geometry=point(CHO), total=1_000_000_000)
    connection.set_schema_to_public()
    # The write DID move the investment data's version (else "kept" below would hold with no bump at all) and not the units'.
    assert versions.version() != every_before and versions.version(versions.UNITS) == units_before
    after_investment, queries = requested(client)
    assert units_read(queries) == 0 and after_investment.content == first.content

    from geo.models import AdministrativeUnit

    unit = AdministrativeUnit.objects.filter(level="commune", is_current=True).order_by("code").first()
    AdministrativeUnit.objects.filter(pk=unit.pk).update(population=123_456)
    after_edit, queries = requested(client)
    assert units_read(queries) >= 1
    feature = next(f for f in after_edit.json()["features"] if f["id"] == unit.code)
    assert feature["properties"]["population"] == 123_456


def test_a_kept_answer_has_the_etag_and_gzip_body_of_the_computed_one():
    client = Client()
    touch_units()
    first, _ = requested(client, HTTP_ACCEPT_ENCODING="gzip")
    kept, queries = requested(client, HTTP_ACCEPT_ENCODING="gzip")
    assert units_read(queries) == 0
    assert kept["ETag"] == first["ETag"] and kept["Content-Encoding"] == "gzip"
    assert gzip.decompress(kept.content) == gzip.decompress(first.content)
    assert client.get(URL, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304


def test_answers_are_kept_per_url_and_language():
    client = Client()
    touch_units()
    whole, _ = requested(client)
    page, _ = requested(client, URL + "&page_size=5")
    assert len(page.json()["features"]) == 5 and len(whole.json()["features"]) > 5
    english, _ = requested(client, URL + "&lang=en")
    assert english.json()["count"] == whole.json()["count"]
    again, queries = requested(client, URL + "&page_size=5")
    assert units_read(queries) == 0 and again.content == page.content


def test_a_signed_in_visitor_costs_the_same_one_statement_and_gets_no_store(client_for):
    """The units are public: the view reads neither the session nor the user (no round trip for them), and the answer
    to a request carrying a session cookie is still `no-store` (frontend.middleware)."""
    client = client_for("tinh")
    touch_units()
    client.get(URL)
    answer, queries = requested(client)
    assert len(queries) == 1 and "province_dataversion" in queries[0], [sql[:70] for sql in queries]
    assert answer["Cache-Control"] == "no-store"
    assert Client().get(URL)["Cache-Control"] != "no-store"  # anonymous: revalidated, not forbidden


OGC = "/ogc/collections/communes/items?limit=10"


def features(answer):
    return [feature["id"] for feature in answer.json()["features"]]


@pytest.mark.parametrize("collection", ["communes", "districts", "villages", "provinces"])
def test_a_repeated_ogc_items_page_of_units_sends_the_version_read_alone(client_for, collection):
    """The OGC items of the unit collections keep their whole answer as the layer route does (geo.layers.kept_answer):
    anonymous or signed in, a repeated page costs the one version statement, body and ETag unchanged."""
    touch_units()
    url = f"/ogc/collections/{collection}/items?limit=3"
    first, first_queries = requested(Client(), url)
    assert units_read(first_queries) >= 1
    for client in (Client(), client_for("tinh")):  # the same answer for everybody: the signed-in visitor's is kept too
        again, queries = requested(client, url)
        assert len(queries) == 1 and "province_dataversion" in queries[0], [sql[:70] for sql in queries]
        assert again.content == first.content and again["ETag"] == first["ETag"]
        assert again.json()["numberReturned"] == len(features(again)) >= 1


def test_a_unit_edit_gives_the_ogc_page_a_new_answer():
    from geo.models import AdministrativeUnit

    client = Client()
    touch_units()
    first, _ = requested(client, OGC)
    unit_code = features(first)[0]
    AdministrativeUnit.objects.filter(code=unit_code).update(name="Xã Đổi Tên")
    after, queries = requested(client, OGC)
    assert units_read(queries) >= 1 and after["ETag"] != first["ETag"]
    assert after.json()["features"][0]["properties"]["name"] == "Xã Đổi Tên"


def test_another_ogc_page_limit_or_bbox_is_not_served_the_first_answer():
    """Each URL has its answer: another offset, limit or bbox gets its own features, numberMatched and links (a
    kept answer never hands one page's links to another)."""
    client = Client()
    touch_units()
    first, _ = requested(client, OGC)
    whole = first.json()
    assert whole["numberMatched"] == 121 and whole["numberReturned"] == 10
    assert {link["rel"] for link in whole["links"]} == {"self", "collection", "next"}

    second, _ = requested(client, OGC + "&offset=10")
    assert set(features(second)).isdisjoint(features(first)) and len(features(second)) == 10
    rels = {link["rel"]: link["href"] for link in second.json()["links"]}
    assert set(rels) == {"self", "collection", "next", "prev"} and "offset=20" in rels["next"] and "offset=0" in rels["prev"]
    assert rels["self"].endswith("offset=10")

    five, _ = requested(client, "/ogc/collections/communes/items?limit=5")
    assert features(five) == features(first)[:5] and five.json()["numberMatched"] == 121

    last, _ = requested(client, OGC + "&offset=120")
    assert len(features(last)) == 1 and {link["rel"] for link in last.json()["links"]} == {"self", "collection", "prev"}

    # a box around Từ Sơn: fewer communes matched, and the same page again is its own kept answer
    boxed_url = OGC + "&bbox=105.93,21.10,105.99,21.15"
    boxed, _ = requested(client, boxed_url)
    assert 0 < boxed.json()["numberMatched"] < 121 and features(boxed) != features(first)
    again, queries = requested(client, boxed_url)
    assert again.content == boxed.content and len(queries) == 1
    assert requested(client, OGC)[0].content == first.content


def test_a_bad_ogc_parameter_is_refused_and_nothing_kept():
    from geo import kept

    client = Client()
    touch_units()
    before = set(kept._ANSWERS)
    assert client.get("/ogc/collections/communes/items?limit=0").status_code == 400
    assert client.get("/ogc/collections/communes/items?parent=abc").status_code == 400
    assert client.get("/ogc/collections/communes/items?bbox=1,2,3").status_code == 400
    assert set(kept._ANSWERS) == before


def test_an_invalid_token_is_still_refused_on_the_unit_collections():
    assert Client().get(OGC, HTTP_AUTHORIZATION="Token not-a-token").status_code == 401

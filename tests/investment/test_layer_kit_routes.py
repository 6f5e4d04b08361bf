"""Review notes and the communes' draft works answer through the layer kit (issue 13, review item 10): their
filters are the kit's (`investment.layers.reviews` / `plan_items`), validated as every other layer's, and the legacy
route gives the same features as the OGC collection of the same layer."""
import pytest

from tests.investment.factories import CHO, DUNG_LIET, make_draft_item, make_project, point

pytestmark = pytest.mark.django_db
BASE = "/d/yen-phong/api/"
OGC = "/d/yen-phong/ogc/collections/"


def _ids(answer):
    return [f["id"] for f in answer.json()["features"]]


def _review(client, project_id):
    body = {"type": "Feature", "geometry": None, "properties": {"project": project_id, "decision": "defer", "comment": "Chờ nguồn vốn"}}
    created = client.post(BASE + "reviews/", body, content_type="application/json")
    assert created.status_code == 201, created.content
    return created.json()["id"]


@pytest.mark.parametrize("route, collection", [("reviews/", "review-notes"), ("investment-plan-items/", "plan-items")])
def test_a_malformed_commune_code_is_the_kits_400_naming_it(client_for, district, route, collection):
    # Before, the route's own selector took any word as a code and answered 200 with nothing in it (the query floor,
    # geo/params.py, lets "abc" through: letters are a code's characters; the kit's UNIT_CODE pattern is not).
    yp = district("yen-phong")
    _review(client_for("huyen.yen-phong"), make_project(yp, code="K-1", geometry=point(CHO)).pk)
    make_draft_item(yp)
    reviewer = client_for("huyen.yen-phong")
    for url in (f"{BASE}{route}?commune=abc", f"{OGC}{collection}/items?commune=abc"):
        answer = reviewer.get(url)
        assert answer.status_code == 400, (url, answer.content)
        assert "commune" in answer.json()
    assert reviewer.get(f"{BASE}{route}?commune=09193").json()["count"] == 1


def test_reviews_route_and_ogc_collection_give_the_same_features(client_for, district):
    yp = district("yen-phong")
    reviewer = client_for("huyen.yen-phong")
    here = _review(reviewer, make_project(yp, code="K-2", geometry=point(CHO)).pk)
    there = _review(reviewer, make_project(yp, code="K-3", geometry=point(DUNG_LIET)).pk)
    for query in ("", "?kind=decision", "?commune=09193", f"?project={here}", "?bbox=105.94,21.19,105.96,21.21"):
        legacy, ogc = reviewer.get(BASE + "reviews/" + query), reviewer.get(OGC + "review-notes/items" + query)
        assert legacy.status_code == ogc.status_code == 200, query
        assert _ids(legacy) == _ids(ogc), query
    assert set(_ids(reviewer.get(BASE + "reviews/"))) == {here, there}
    assert reviewer.get(BASE + "reviews/?plan_item=abc").status_code == 400
    assert "kind" in reviewer.get(BASE + "reviews/?kind=both").json()


def test_plan_items_route_and_ogc_collection_give_the_same_features(client_for, district):
    yp = district("yen-phong")
    make_draft_item(yp)
    make_draft_item(yp, commune="09196", lonlat=DUNG_LIET, title="Đường thôn")
    reviewer = client_for("huyen.yen-phong")
    for query in ("", "?commune=09196", "?sector=transport", "?plan_year=2027", "?bbox=105.94,21.19,105.95,21.21"):
        legacy, ogc = reviewer.get(BASE + "investment-plan-items/" + query), reviewer.get(OGC + "plan-items/items" + query)
        assert legacy.status_code == ogc.status_code == 200, query
        assert _ids(legacy) == _ids(ogc), query
    assert len(_ids(reviewer.get(BASE + "investment-plan-items/"))) == 2

"""Map-based review: decisions and pinned notes by the district, seen and answered by the communes concerned."""
import pytest

from investment.models import ProjectEvent, Review
from tests.investment.factories import CHO, DUNG_LIET, QUE_VO, in_district, make_project, point

pytestmark = pytest.mark.django_db
BASE = "/d/yen-phong/api/"


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def decision(project_id, decision="request_change", comment="Đề nghị thu hẹp quy mô, trùng tuyến ĐT.295"):
    return {"type": "Feature", "geometry": None, "properties": {"project": project_id, "decision": decision, "comment": comment}}


def test_district_decision_is_seen_by_the_commune_served_which_answers(client_for, district):
    yp = district("yen-phong")
    project = make_project(yp, code="R-1", geometry=point(CHO))
    reviewer = client_for("huyen.yen-phong")
    created = post(reviewer, BASE + "reviews/", decision(project.pk))
    assert created.status_code == 201, created.content
    review = created.json()
    assert review["properties"]["kind"] == "decision" and review["properties"]["communes"] == ["09193"]
    assert review["geometry"]["type"] == "Point"

    commune = client_for("xa.09193")
    seen = commune.get(BASE + "reviews/").json()
    assert [f["properties"]["decision"] for f in seen["features"]] == ["request_change"]
    assert seen["features"][0]["properties"]["comment"] == "Đề nghị thu hẹp quy mô, trùng tuyến ĐT.295"
    panel = commune.get(f"{BASE}investment-projects/{project.pk}/").json()["properties"]
    assert [r["decision"] for r in panel["reviews"]] == ["request_change"]

    answer = post(commune, f"{BASE}reviews/{review['id']}/answers/", {"text": "Xã đã điều chỉnh hướng tuyến"})
    assert answer.status_code == 201
    back = reviewer.get(BASE + "reviews/?project=%d" % project.pk).json()["features"][0]["properties"]
    assert [a["text"] for a in back["answers"]] == ["Xã đã điều chỉnh hướng tuyến"]
    history = reviewer.get(f"{BASE}investment-projects/{project.pk}/").json()["properties"]["events"]
    assert history[-1]["action"] == "reviewed" and history[-1]["changes"] == {"decision": "request_change"}


def test_a_commune_not_concerned_neither_sees_nor_answers(client_for, district):
    project = make_project(district("yen-phong"), code="R-2", geometry=point(CHO))
    review_id = post(client_for("huyen.yen-phong"), BASE + "reviews/", decision(project.pk)).json()["id"]
    other = client_for("xa.09196")
    assert other.get(BASE + "reviews/").json()["count"] == 0
    assert post(other, f"{BASE}reviews/{review_id}/answers/", {"text": "?"}).status_code == 404
    # The village head of the commune concerned reads it, but the planning team answers.
    assert client_for("thon.09193-01").get(BASE + "reviews/").json()["count"] == 1
    assert post(client_for("thon.09193-01"), f"{BASE}reviews/{review_id}/answers/", {"text": "?"}).status_code == 403
    assert post(client_for("huyen.yen-phong"), f"{BASE}reviews/{review_id}/answers/", {"text": "?"}).status_code == 403


@pytest.mark.parametrize("username", ["xa.09193", "tinh", "thon.09193-01"])
def test_a_role_that_may_not_decide_gets_403_and_nothing_is_written(client_for, district, username):
    project = make_project(district("yen-phong"), code="R-3", geometry=point(CHO))
    response = post(client_for(username), BASE + "reviews/", decision(project.pk))
    assert response.status_code == 403
    in_district(district("yen-phong"))
    assert not Review.objects.exists()
    assert not ProjectEvent.objects.filter(action="reviewed").exists()


def test_a_review_of_a_project_of_another_district_is_404(client_for, district):
    other = make_project(district("que-vo"), code="QV-1", geometry=point(QUE_VO))
    response = post(client_for("huyen.yen-phong"), BASE + "reviews/", decision(other.pk))
    assert response.status_code == 404
    in_district(district("yen-phong"))
    assert not Review.objects.exists()
    # The other district's own URL refuses Yên Phong's reviewer altogether.
    assert post(client_for("huyen.yen-phong"), "/d/que-vo/api/reviews/", decision(other.pk)).status_code == 404


def test_pinned_note_concerns_the_commune_under_it(client_for, district):
    reviewer = client_for("huyen.yen-phong")
    note = {"type": "Feature", "geometry": point(DUNG_LIET), "properties": {"comment": "Tuyến này trùng đường tỉnh ĐT.286"}}
    created = post(reviewer, BASE + "reviews/", note)
    assert created.status_code == 201, created.content
    props = created.json()["properties"]
    assert (props["kind"], props["pinned"], props["communes"]) == ("note", True, ["09196"])
    assert created.json()["geometry"]["coordinates"] == pytest.approx(DUNG_LIET)
    assert client_for("xa.09196").get(BASE + "reviews/?kind=note").json()["count"] == 1
    assert reviewer.get(BASE + "reviews/?bbox=105.99,21.24,106.01,21.25").json()["count"] == 1
    assert reviewer.get(BASE + "reviews/?bbox=105.94,21.19,105.96,21.21").json()["count"] == 0
    assert reviewer.get(BASE + "reviews/?bbox=1,2").status_code == 400
    assert client_for("xa.09193").get(BASE + "reviews/").json()["count"] == 0


@pytest.mark.parametrize("body, field", [
    ({"type": "Feature", "geometry": point(QUE_VO), "properties": {"comment": "ngoài huyện"}}, "location"),
    ({"type": "Feature", "geometry": None, "properties": {"comment": "không có vị trí"}}, "location"),
    ({"type": "Feature", "geometry": {"type": "LineString", "coordinates": [CHO, DUNG_LIET]}, "properties": {"comment": "x"}}, "geometry"),
    ({"type": "Feature", "geometry": point(CHO), "properties": {"comment": ""}}, "comment"),
    ({"type": "Feature", "geometry": None, "properties": {"decision": "approve_all", "comment": "x", "project": 1}}, "decision"),
    ({"type": "Feature", "geometry": None, "properties": {"decision": "defer", "comment": "x"}}, "project"),
])
def test_bad_review_is_a_400(client_for, district, body, field):
    response = post(client_for("huyen.yen-phong"), BASE + "reviews/", body)
    assert response.status_code == 400, response.content
    assert field in response.json()
    in_district(district("yen-phong"))
    assert not Review.objects.exists()


def test_decisions_are_never_overwritten(client_for, district):
    project = make_project(district("yen-phong"), code="R-4", geometry=point(CHO))
    reviewer = client_for("huyen.yen-phong")
    post(reviewer, BASE + "reviews/", decision(project.pk, "defer", "Chờ nguồn vốn"))
    post(reviewer, BASE + "reviews/", decision(project.pk, "include", "Đưa vào kế hoạch năm 2027"))
    layer = reviewer.get(BASE + "investment-projects/").json()["features"][0]["properties"]
    assert layer["review"] == "include"
    kinds = [f["properties"]["decision"] for f in reviewer.get(BASE + "reviews/?kind=decision").json()["features"]]
    assert kinds == ["include", "defer"]
    # A decision sits at its project on the map.
    assert reviewer.get(BASE + "reviews/?bbox=105.94,21.19,105.96,21.21").json()["count"] == 2
    assert reviewer.get(BASE + "reviews/?bbox=105.99,21.24,106.01,21.25").json()["count"] == 0

"""Every forbidden transition and bad input is a 400/403/404 that changes nothing."""
import json

import pytest
from django_tenants.utils import tenant_context

from plans.models import CycleTransition, PlanCycle, PlanningTeam
from tests.plans.factories import TEAM, accepted_proposal, proposals_decided

D = "/d/yen-phong/api/plans"


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def put(client, url, data):
    return client.put(url, json.dumps(data), content_type="application/json")


def complete(client, cycle, step):
    return post(client, f"{D}/cycles/{cycle}/steps/{step}/complete/")


@pytest.fixture
def cycle(client_for):
    return post(client_for("xa.09193"), f"{D}/cycles/", {"commune": "09193", "plan_year": 2027}).json()["id"]


def state(tenant, pk):
    with tenant_context(tenant):
        c = PlanCycle.objects.get(pk=pk)
        return c.step, CycleTransition.objects.filter(cycle=c).count()


@pytest.mark.django_db
def test_steps_only_in_order_and_only_by_their_owners(client_for, district, cycle):
    xa, huyen, other, village = client_for("xa.09193"), client_for("huyen.yen-phong"), client_for("xa.09196"), client_for("thon.09193-01")
    tinh = client_for("tinh")
    tenant = district("yen-phong")
    put(xa, f"{D}/cycles/{cycle}/team/", {"members": TEAM})
    for client, step, code in [
        (huyen, "team", 403),       # the commune's step
        (village, "team", 403),     # a village head owns no step
        (tinh, "team", 403),        # province staff read only
        (xa, "proposals", 400),     # out of order
        (xa, "approval", 400),
        (xa, "published", 400),     # not a step one completes
        (xa, "nonsense", 400),
        (other, "team", 404),       # another commune's cycle is invisible
    ]:
        r = complete(client, cycle, step)
        assert r.status_code == code, (step, r.content)
        assert state(tenant, cycle) == ("team", 0)
    assert complete(xa, cycle, "team").status_code == 200
    assert complete(xa, cycle, "team").status_code == 400  # done once only
    proposals_decided(tenant)
    assert complete(xa, cycle, "proposals").status_code == 200
    assert complete(xa, cycle, "orientation").status_code == 403  # the district's step
    assert state(tenant, cycle) == ("orientation", 2)


@pytest.mark.django_db
@pytest.mark.parametrize("members,reason", [
    (TEAM[:4], "5 to 7"),
    (TEAM + [dict(TEAM[1], full_name=f"Thành viên {i}") for i in range(3)], "5 to 7"),
    ([dict(m, is_leader=False) for m in TEAM], "one leader"),
    ([dict(TEAM[0], is_commune_chairman=False)] + TEAM[1:], "chairman"),
    (TEAM[:4] + [dict(TEAM[4], represents="")], "represents"),
])
def test_a_team_outside_the_rules_is_refused_with_the_reason(client_for, district, cycle, members, reason):
    xa = client_for("xa.09193")
    xa.cookies["django_language"] = "en"
    r = put(xa, f"{D}/cycles/{cycle}/team/", {"members": members})
    assert r.status_code == 400
    assert reason in json.dumps(r.json(), ensure_ascii=False)
    with tenant_context(district("yen-phong")):
        assert not PlanningTeam.objects.exists()


@pytest.mark.django_db
def test_team_reason_in_vietnamese(client_for, cycle):
    r = put(client_for("xa.09193"), f"{D}/cycles/{cycle}/team/", {"members": TEAM[:4]})
    assert r.status_code == 400 and "5 đến 7" in json.dumps(r.json(), ensure_ascii=False)


@pytest.mark.django_db
def test_only_the_team_records_the_team_and_only_during_step_one(client_for, cycle):
    assert put(client_for("huyen.yen-phong"), f"{D}/cycles/{cycle}/team/", {"members": TEAM}).status_code == 403
    assert put(client_for("thon.09193-01"), f"{D}/cycles/{cycle}/team/", {"members": TEAM}).status_code == 403
    xa = client_for("xa.09193")
    assert put(xa, f"{D}/cycles/{cycle}/team/", {"members": TEAM}).status_code == 200
    complete(xa, cycle, "team")
    assert put(xa, f"{D}/cycles/{cycle}/team/", {"members": TEAM}).status_code == 400


@pytest.mark.django_db
def test_cycle_creation_refusals(client_for):
    assert post(client_for("xa.09193"), f"{D}/cycles/", {"commune": "09196", "plan_year": 2027}).status_code == 403
    assert post(client_for("thon.09193-01"), f"{D}/cycles/", {"commune": "09193", "plan_year": 2027}).status_code == 403
    assert post(client_for("xa.09193"), f"{D}/cycles/", {"commune": "99999", "plan_year": 2027}).status_code == 400
    assert post(client_for("xa.09193"), f"{D}/cycles/", {"commune": "09193", "plan_year": "abc"}).status_code == 400
    assert post(client_for("huyen.yen-phong"), f"{D}/cycles/", {"commune": "09196", "plan_year": 2027}).status_code == 201
    assert post(client_for("huyen.que-vo"), "/d/que-vo/api/plans/cycles/", {"commune": "09196", "plan_year": 2027}).status_code == 400


@pytest.mark.django_db
def test_draft_refusals(client_for, district, cycle):
    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    tenant = district("yen-phong")
    assert post(xa, f"{D}/cycles/{cycle}/draft/").status_code == 400  # step 3 not reached
    put(xa, f"{D}/cycles/{cycle}/team/", {"members": TEAM})
    complete(xa, cycle, "team")
    proposals_decided(tenant)
    complete(xa, cycle, "proposals")
    o = post(huyen, f"{D}/orientations/", {"plan_year": 2027, "title": "Định hướng"}).json()["id"]
    assert post(xa, f"{D}/orientations/{o}/publish/").status_code == 403
    post(huyen, f"{D}/orientations/{o}/publish/")
    complete(huyen, cycle, "orientation")
    assert post(huyen, f"{D}/cycles/{cycle}/draft/").status_code == 403
    v1 = post(xa, f"{D}/cycles/{cycle}/draft/").json()["id"]
    assert post(xa, f"{D}/cycles/{cycle}/draft/").status_code == 400  # v1 exists
    other_proposal = accepted_proposal(tenant, commune_code="09196")
    def feature(geometry, **props):
        return {"type": "Feature", "geometry": geometry, "properties": {"title": "Cống", "sector": "irrigation", **props}}
    for body, field in [
        (feature({"type": "Point", "coordinates": [106.5, 21.5]}), "geometry"),  # outside the commune
        (feature({"type": "Point", "coordinates": [21.2, 105.9]}), "geometry"),  # swapped
        (feature(None, sector="space"), "sector"),
        (feature(None, estimated_cost=-5), "estimated_cost"),
        (feature(None, estimated_cost=100, funding={"commune_budget": 200}), "funding"),
        (feature(None, estimated_cost=100, funding={"lottery": 50}), "funding"),
        (feature(None, proposals=[other_proposal.pk]), "proposals"),
        (feature(None, starts_on="2027-05-01", ends_on="2027-01-01"), "ends_on"),
        ({"type": "Point", "coordinates": [106, 21]}, "type"),
        (feature(None), "geometry"),  # a work without a place (issue 15: it was taken and missing from every map)
    ]:
        r = post(xa, f"{D}/{v1}/items/", body)
        assert r.status_code == 400 and field in r.json(), (field, r.content)
    assert len(xa.get(f"{D}/{v1}/items/").json()["features"]) == 0
    assert post(client_for("xa.09196"), f"{D}/{v1}/items/", feature(None)).status_code == 404
    assert post(huyen, f"{D}/{v1}/items/", feature(None)).status_code == 403
    assert post(xa, f"{D}/cycles/{cycle}/conferences/", {"kind": "sedp", "held_on": "2026-06-01", "participants": 3, "summary": "x"}).status_code == 400
    assert post(xa, f"{D}/{v1}/new-version/", {"kind": "final"}).status_code == 400
    assert post(xa, f"{D}/{v1}/consultation/", {"closes_on": "2030-01-01"}).status_code == 400


@pytest.mark.django_db
def test_evidence_and_approval_files_are_checked(client_for, cycle):
    from django.core.files.uploadedfile import SimpleUploadedFile

    xa = client_for("xa.09193")
    url = f"{D}/cycles/{cycle}/evidence/"
    good = SimpleUploadedFile("quyet-dinh-to.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    r = xa.post(url, {"step": "team", "title": "Quyết định thành lập Tổ", "file": good})
    assert r.status_code == 201, r.content
    bad = SimpleUploadedFile("virus.exe", b"MZ", content_type="application/octet-stream")
    assert xa.post(url, {"step": "team", "title": "x", "file": bad}).status_code == 400
    assert xa.post(url, {"step": "team", "title": ""}).status_code == 400
    assert xa.post(url, {"step": "orientation", "title": "không phải bước của xã"}).status_code == 403
    assert client_for("huyen.yen-phong").post(url, {"step": "orientation", "title": "Công văn định hướng"}).status_code == 201
    steps = {s["step"]: s for s in xa.get(f"{D}/cycles/{cycle}/").json()["steps"]}
    assert [e["title"] for e in steps["team"]["evidence"]] == ["Quyết định thành lập Tổ"]
    assert steps["team"]["evidence"][0]["file"].endswith(".pdf")
    page = xa.get(f"/d/yen-phong/plans/cycles/{cycle}/").content.decode()
    assert "Quyết định thành lập Tổ" in page and "05/05/2026" in page


@pytest.mark.django_db
def test_malformed_bodies_are_400_never_500(client_for, cycle):
    xa, anonymous = client_for("xa.09193"), client_for(None)
    urls = [f"{D}/cycles/", f"{D}/cycles/{cycle}/steps/team/complete/", f"{D}/cycles/{cycle}/team/", f"{D}/cycles/{cycle}/evidence/",
            f"{D}/cycles/{cycle}/conferences/", f"{D}/cycles/{cycle}/draft/", f"{D}/cycles/{cycle}/action-programmes/", f"{D}/orientations/"]
    bodies = ["[]", '"x"', "null", "12", '{"members": "x", "tasks": [1], "envelopes": [[]], "plan_year": {}}', "{not json", '{"a":' * 5000]
    for url in urls:
        for body in bodies:
            for method in ("post", "put"):
                r = getattr(xa, method)(url, body, content_type="application/json")
                assert r.status_code < 500, (url, body[:20], r.status_code)
    for body in bodies:
        r = anonymous.post("/d/yen-phong/api/public/plans/1/comments/", body, content_type="application/json")
        assert r.status_code in (400, 404), r.status_code

"""Investment wired to the plan cycle: projects answer commune plan items, allocations meet step 2's envelopes,
and the works of the communes' draft plans are reviewed on the map."""
import pytest

from geo.models import AdministrativeUnit
from investment import selectors
from investment.models import InvestmentProject, ProjectEvent, Review
from plans.models import PlanItem
from tests.investment.factories import (
    CHO,
    DUNG_LIET,
    QUE_VO,
    district_user,
    in_district,
    make_draft_item,
    make_orientation,
    make_plan,
    make_project,
    make_proposal,
    point,
)

pytestmark = pytest.mark.django_db
BASE = "/d/yen-phong/api/"


def post(client, url, body):
    return client.post(url, body, content_type="application/json")


def patch(client, url, body):
    return client.patch(url, body, content_type="application/json")


def project_feature(code="PI-1", plan_items=(), proposals=()):
    return {
        "type": "Feature", "geometry": point(CHO),
        "properties": {
            "code": code, "name": "Đường trục thôn Đông", "investor": "UBND xã", "sector": "transport", "total_investment": 900_000_000,
            "start_year": 2027, "end_year": 2027, "sources": [{"source": "commune_budget", "amount": 900_000_000}],
            "plan_items": list(plan_items), "proposals": list(proposals),
        },
    }


# ---- 1. projects answer commune plan items ---------------------------------------------------------

def test_a_project_links_plan_items_shown_in_its_panel_and_kept_in_its_history(client_for, district):
    yp = district("yen-phong")
    proposal = make_proposal(yp, title="Đường thôn Đông")
    item = make_draft_item(yp, proposals=[proposal])
    other = make_draft_item(yp, commune="09196", title="Kênh mương Dũng Liệt", lonlat=DUNG_LIET)
    staff = client_for("huyen.yen-phong")
    created = post(staff, BASE + "investment-projects/", project_feature(plan_items=[item.pk]))
    assert created.status_code == 201, created.content
    linked = created.json()["properties"]["plan_items"]
    assert [(i["id"], i["commune"], i["version"], i["plan_year"]) for i in linked] == [(item.pk, "09193", 1, 2027)]
    assert linked[0]["proposals"] == [{"id": proposal.pk, "title": "Đường thôn Đông"}]

    pk = created.json()["id"]
    changed = patch(staff, f"{BASE}investment-projects/{pk}/", {"communes": ["09193", "09196"], "plan_items": [item.pk, other.pk]})
    assert changed.status_code == 200, changed.content
    assert sorted(i["id"] for i in changed.json()["properties"]["plan_items"]) == sorted([item.pk, other.pk])
    last = changed.json()["properties"]["events"][-1]
    assert last["action"] == "updated" and last["changes"]["plan_items"] == [[item.pk], sorted([item.pk, other.pk])]
    # The commune's own view of the project shows the same chain.
    seen = client_for("xa.09193").get(f"{BASE}investment-projects/{pk}/").json()["properties"]
    assert item.pk in [i["id"] for i in seen["plan_items"]]


def test_plan_items_not_of_this_district_are_a_400_and_nothing_is_written(client_for, district):
    yp, qv = district("yen-phong"), district("que-vo")
    in_district(yp)
    missing = (PlanItem.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 900_000
    # A work of a Quế Võ commune whose id exists in Quế Võ's schema only.
    que_vo_commune = AdministrativeUnit.objects.filter(parent=qv.unit, level="commune", is_current=True).order_by("code").first()
    foreign = make_draft_item(qv, commune=que_vo_commune.code, lonlat=QUE_VO, geometry=False)
    PlanItem.objects.filter(pk=foreign.pk).update(id=missing)
    staff = client_for("huyen.yen-phong")
    response = post(staff, BASE + "investment-projects/", project_feature(plan_items=[missing]))
    assert response.status_code == 400 and "plan_items" in response.json()
    in_district(yp)
    assert not InvestmentProject.objects.filter(code="PI-1").exists()

    project = make_project(yp, code="PI-2", geometry=point(CHO))
    response = patch(staff, f"{BASE}investment-projects/{project.pk}/", {"plan_items": [missing], "name": "Tên mới"})
    assert response.status_code == 400 and "plan_items" in response.json()
    in_district(yp)
    project.refresh_from_db()
    assert project.name != "Tên mới" and not project.plan_items.exists()
    assert not ProjectEvent.objects.filter(project=project, action="updated").exists()


def test_plan_items_are_linked_by_district_staff_only(client_for, district):
    item = make_draft_item(district("yen-phong"))
    response = post(client_for("xa.09193"), BASE + "investment-projects/", project_feature(plan_items=[item.pk]))
    assert response.status_code == 403
    in_district(district("yen-phong"))
    assert not InvestmentProject.objects.exists()


def test_a_proposal_is_followed_through_plan_items_and_projects_to_the_money(client_for, district):
    yp = district("yen-phong")
    proposal = make_proposal(yp, title="Mở rộng đường thôn Đông")
    v1 = make_draft_item(yp, proposals=[proposal], status="frozen")
    v2 = make_draft_item(yp, proposals=[proposal], number=2)
    plan = make_plan(yp)
    project = make_project(yp, code="PI-3", plan=plan, geometry=point(CHO))
    in_district(yp)
    project.plan_items.set([v2])
    direct = make_project(yp, code="PI-4", geometry=point(CHO), proposals=[proposal.pk])
    make_project(yp, code="PI-5", geometry=point(CHO))  # answers something else

    chain = client_for("xa.09193").get(f"{BASE}investment-chain/proposals/{proposal.pk}/")
    assert chain.status_code == 200, chain.content
    body = chain.json()
    assert body["proposal"]["id"] == proposal.pk
    assert [(i["id"], i["version"]) for i in body["plan_items"]] == [(v1.pk, 1), (v2.pk, 2)]
    by_code = {p["code"]: p for p in body["projects"]}
    assert set(by_code) == {"PI-3", "PI-4"}
    assert by_code["PI-3"]["via_plan_items"] == [v2.pk] and not by_code["PI-3"]["answers_proposal"]
    assert by_code["PI-3"]["allocated"] == 1_500_000_000 and {a["year"] for a in by_code["PI-3"]["allocations"]} == {2026}
    assert by_code["PI-4"]["answers_proposal"] and by_code["PI-4"]["allocated"] == 0 and by_code["PI-4"]["disbursed"] == 0
    assert direct.pk == by_code["PI-4"]["id"]
    # Another commune's team does not follow this commune's proposal.
    assert client_for("xa.09196").get(f"{BASE}investment-chain/proposals/{proposal.pk}/").status_code == 404
    assert client_for("huyen.yen-phong").get(f"{BASE}investment-chain/proposals/{proposal.pk + 100000}/").status_code == 404


# ---- 2. envelopes ----------------------------------------------------------------------------------

ENVELOPES = [
    ("09193", "transport", "commune_budget", 300_000_000),
    ("09196", "education", "commune_budget", 100_000_000),
    ("09193", "transport", "district_budget", 2_000_000_000),
]


def test_allocations_against_the_step_2_envelope_flag_the_source_that_exceeds(client_for, district):
    yp = district("yen-phong")
    plan = make_plan(yp)
    make_project(yp, code="EV-1", plan=plan, geometry=point(CHO))  # 2026: district 1.0 bn, commune 0.5 bn
    make_orientation(yp, plan_year=2026, envelopes=ENVELOPES)
    make_orientation(yp, plan_year=2026, envelopes=[("09193", "transport", "commune_budget", 10_000_000_000)], publish=False)
    response = client_for("huyen.yen-phong").get(f"{BASE}investment-plans/{plan.pk}/envelopes/?year=2026")
    assert response.status_code == 200, response.content
    body = response.json()
    rows = {r["source"]: r for r in body["rows"]}
    assert rows["commune_budget"]["allocated"] == 500_000_000 and rows["commune_budget"]["envelope"] == 400_000_000
    assert rows["commune_budget"]["exceeds"] and rows["commune_budget"]["excess"] == 100_000_000
    assert rows["district_budget"]["envelope"] == 2_000_000_000 and not rows["district_budget"]["exceeds"]
    assert body["exceeds"] and body["orientation_published"]
    # Another year has no published orientation: nothing to compare with, no warning.
    empty = client_for("huyen.yen-phong").get(f"{BASE}investment-plans/{plan.pk}/envelopes/?year=2027").json()
    assert not empty["orientation_published"] and not empty["exceeds"] and empty["envelope"] is None


@pytest.mark.parametrize("username", ["xa.09193", "thon.09193-01"])
def test_a_commune_reads_neither_the_district_envelope_nor_its_table(client_for, district, username):
    yp = district("yen-phong")
    plan = make_plan(yp)
    make_orientation(yp, plan_year=2026, envelopes=ENVELOPES)
    assert client_for(username).get(f"{BASE}investment-plans/{plan.pk}/envelopes/?year=2026").status_code == 403
    html = client_for(username).get(f"/d/yen-phong/investment/review/?plan={plan.pk}&year=2026").content.decode()
    assert 'data-testid="envelopes"' not in html
    assert client_for("tinh").get(f"{BASE}investment-plans/{plan.pk}/envelopes/?year=2026").status_code == 200


@pytest.mark.parametrize("query", ["", "?year=2031", "?year=abc"])
def test_envelopes_need_a_year_of_the_plan(client_for, district, query):
    plan = make_plan(district("yen-phong"))
    response = client_for("huyen.yen-phong").get(f"{BASE}investment-plans/{plan.pk}/envelopes/{query}")
    assert response.status_code == 400 and "year" in response.json()


def test_an_annual_plan_defaults_to_its_year(client_for, district):
    plan = make_plan(district("yen-phong"), kind="annual", start_year=2026)
    response = client_for("huyen.yen-phong").get(f"{BASE}investment-plans/{plan.pk}/envelopes/")
    assert response.status_code == 200 and response.json()["year"] == 2026


def test_review_page_shows_the_envelope_table_with_the_warning(client_for, district):
    yp = district("yen-phong")
    plan = make_plan(yp)
    make_project(yp, code="EV-2", plan=plan, geometry=point(CHO))
    make_orientation(yp, plan_year=2026, envelopes=ENVELOPES)
    html = client_for("huyen.yen-phong").get(f"/d/yen-phong/investment/review/?plan={plan.pk}&year=2026").content.decode()
    assert 'data-testid="envelopes"' in html
    assert '<tr data-source="commune_budget" class="exceeds">' in html
    assert '<tr data-source="district_budget">' in html
    assert 'role="alert"' in html and "100" in html.split('role="alert"')[1].split("</td>")[0]
    # Nonsense in the query is refused by the one parameter check (geo.params, issue 12), naming the parameter.
    refused = client_for("huyen.yen-phong").get("/d/yen-phong/investment/review/?plan=x&year=2026")
    assert refused.status_code == 400 and "plan" in refused.content.decode()


# ---- 3. the communes' proposed works on the review map -------------------------------------------

def test_the_layer_holds_the_works_of_current_drafts_only(client_for, district):
    yp = district("yen-phong")
    proposal = make_proposal(yp)
    work = make_draft_item(yp, proposals=[proposal])
    make_draft_item(yp, title="Tập huấn", kind="activity")
    make_draft_item(yp, title="Chưa có vị trí", geometry=False)
    make_draft_item(yp, title="Không kinh phí", cost=0, funding={})
    superseded = make_draft_item(yp, commune="09196", lonlat=DUNG_LIET, title="Bản v1", status="frozen")
    newer = make_draft_item(yp, commune="09196", lonlat=DUNG_LIET, title="Bản v2", number=2)
    make_draft_item(yp, commune="09217", plan_year=2026, title="Đã phê duyệt", status="approved", lonlat=[105.9707, 21.2135])

    layer = client_for("huyen.yen-phong").get(BASE + "investment-plan-items/").json()
    assert layer["type"] == "FeatureCollection"
    features = {f["id"]: f for f in layer["features"]}
    assert set(features) == {work.pk, newer.pk} and superseded.pk not in features
    props = features[work.pk]["properties"]
    assert props["commune"] == "09193" and props["proposals"] == 1 and props["estimated_cost"] == 1_200_000_000
    assert features[work.pk]["geometry"] == {"type": "Point", "coordinates": CHO}
    # bbox, commune and year filters; a commune sees only its own works.
    box = client_for("huyen.yen-phong").get(BASE + "investment-plan-items/?bbox=105.94,21.19,105.95,21.21").json()
    assert [f["id"] for f in box["features"]] == [work.pk]
    assert client_for("huyen.yen-phong").get(BASE + "investment-plan-items/?commune=09196").json()["count"] == 1
    assert client_for("huyen.yen-phong").get(BASE + "investment-plan-items/?plan_year=2026").json()["count"] == 0
    assert [f["id"] for f in client_for("xa.09196").get(BASE + "investment-plan-items/").json()["features"]] == [newer.pk]
    assert client_for("huyen.yen-phong").get(BASE + "investment-plan-items/?bbox=1,2").status_code == 400
    assert client_for("huyen.yen-phong").get(BASE + "investment-plan-items/?sector=nope").status_code == 400


def test_the_item_panel_shows_the_item_its_proposals_and_its_commune(client_for, district):
    yp = district("yen-phong")
    proposal = make_proposal(yp, title="Đường thôn Bắc")
    item = make_draft_item(yp, proposals=[proposal])
    response = client_for("huyen.yen-phong").get(f"{BASE}investment-plan-items/{item.pk}/")
    assert response.status_code == 200
    props = response.json()["properties"]
    assert props["commune"] == "09193" and props["commune_name"] and props["version"] == 1
    assert [p["title"] for p in props["proposals"]] == ["Đường thôn Bắc"]
    assert props["funding"][0]["source"] == "commune_budget" and props["reviews"] == []
    assert client_for("xa.09196").get(f"{BASE}investment-plan-items/{item.pk}/").status_code == 404
    assert client_for("huyen.yen-phong").get(f"{BASE}investment-plan-items/{item.pk + 100000}/").status_code == 404


def item_decision(item_id, decision="request_change", comment="Đề nghị điều chỉnh hướng tuyến"):
    return {"type": "Feature", "geometry": None, "properties": {"plan_item": item_id, "decision": decision, "comment": comment}}


def test_a_decision_on_a_plan_item_is_seen_by_the_commune_which_answers_and_history_is_kept(client_for, district):
    yp = district("yen-phong")
    item = make_draft_item(yp)
    staff = client_for("huyen.yen-phong")
    first = post(staff, BASE + "reviews/", item_decision(item.pk))
    assert first.status_code == 201, first.content
    props = first.json()["properties"]
    assert props["plan_item"] == item.pk and props["communes"] == ["09193"] and props["plan_item_title"] == item.title
    assert first.json()["geometry"] == {"type": "Point", "coordinates": CHO}
    second = post(staff, BASE + "reviews/", item_decision(item.pk, "include", "Đưa vào kế hoạch"))
    assert second.status_code == 201

    commune = client_for("xa.09193")
    seen = commune.get(f"{BASE}reviews/?plan_item={item.pk}").json()
    assert [f["properties"]["decision"] for f in seen["features"]] == ["include", "request_change"]
    answer = post(commune, f"{BASE}reviews/{first.json()['id']}/answers/", {"text": "Xã đã điều chỉnh"})
    assert answer.status_code == 201
    panel = staff.get(f"{BASE}investment-plan-items/{item.pk}/").json()["properties"]
    assert [r["decision"] for r in panel["reviews"]] == ["request_change", "include"]
    assert [a["text"] for a in panel["reviews"][0]["answers"]] == ["Xã đã điều chỉnh"]
    layer = staff.get(BASE + "investment-plan-items/").json()["features"]
    assert [f["properties"]["review"] for f in layer if f["id"] == item.pk] == ["include"]
    # Another commune neither sees nor answers it.
    assert client_for("xa.09196").get(f"{BASE}reviews/?plan_item={item.pk}").json()["count"] == 0


def test_a_decision_follows_the_work_into_the_next_version_and_survives_its_deletion(client_for, district):
    yp = district("yen-phong")
    v1 = make_draft_item(yp, status="frozen")
    post(client_for("huyen.yen-phong"), BASE + "reviews/", item_decision(v1.pk, "defer", "Để năm sau"))
    in_district(yp)
    v2 = make_draft_item(yp, number=2, title=v1.title)
    PlanItem.objects.filter(pk=v2.pk).update(lineage=v1.lineage)
    layer = client_for("huyen.yen-phong").get(BASE + "investment-plan-items/").json()["features"]
    assert [(f["id"], f["properties"]["review"]) for f in layer] == [(v2.pk, "defer")]
    in_district(yp)
    PlanItem.objects.filter(pk=v1.pk).delete()
    review = Review.objects.get()
    assert review.plan_item_id is None and review.plan_item_title == v1.title and review.decision == "defer"
    assert client_for("xa.09193").get(BASE + "reviews/").json()["count"] == 1


@pytest.mark.parametrize("username", ["xa.09193", "tinh", "thon.09193-01"])
def test_a_role_that_may_not_decide_on_a_plan_item_gets_403(client_for, district, username):
    item = make_draft_item(district("yen-phong"))
    assert post(client_for(username), BASE + "reviews/", item_decision(item.pk)).status_code == 403
    in_district(district("yen-phong"))
    assert not Review.objects.exists()


def test_bad_plan_item_decisions_are_refused(client_for, district):
    yp = district("yen-phong")
    item = make_draft_item(yp)
    project = make_project(yp, code="BD-1", geometry=point(CHO))
    staff = client_for("huyen.yen-phong")
    both = item_decision(item.pk)
    both["properties"]["project"] = project.pk
    response = post(staff, BASE + "reviews/", both)
    assert response.status_code == 400 and "plan_item" in response.json()
    assert post(staff, BASE + "reviews/", item_decision(item.pk + 100000)).status_code == 404
    bad = item_decision(item.pk, decision="approve")
    assert post(staff, BASE + "reviews/", bad).status_code == 400
    assert post(staff, BASE + "reviews/", item_decision(item.pk, comment="   ")).status_code == 400
    in_district(yp)
    assert not Review.objects.exists()
    assert selectors.draft_item_queryset(user=district_user(), district=yp).count() == 1


# ---- 4. links from the district page -------------------------------------------------------------

def test_the_district_page_links_the_review_map_and_the_plans_dashboard(client_for):
    html = client_for("huyen.yen-phong").get("/d/yen-phong/").content.decode()
    assert 'href="/d/yen-phong/investment/review/"' in html and 'href="/d/yen-phong/plans/"' in html


def test_the_works_layer_takes_as_many_queries_for_many_works_as_for_one(client_for, district):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    yp = district("yen-phong")
    make_draft_item(yp)
    staff = client_for("huyen.yen-phong")
    with CaptureQueriesContext(connection) as one:
        assert staff.get(BASE + "investment-plan-items/").json()["count"] == 1
    for n, commune in enumerate(["09196", "09217", "09196"]):
        make_draft_item(yp, commune=commune, title=f"Công trình {n}", lonlat=DUNG_LIET if commune == "09196" else [105.9707, 21.2135])
    with CaptureQueriesContext(connection) as many:
        assert staff.get(BASE + "investment-plan-items/").json()["count"] == 4
    assert len(many.captured_queries) == len(one.captured_queries)

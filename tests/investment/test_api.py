"""The investment API on a real PostGIS database: plans, projects as GeoJSON, rules, refusals that change nothing."""
import pytest
from django.db import connection

from investment.models import Allocation, InvestmentProject, PlanEvent, ProjectEvent, PublicInvestmentPlan
from tests.investment.factories import (
    CHO,
    DONG_TIEN,
    DUNG_LIET,
    QUE_VO,
    ROAD,
    in_district,
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


def project_feature(plan_id, **overrides):
    properties = {
        "code": "GT-01", "name": "Đường trục xã Chờ – Đông Tiến", "investor": "Ban QLDA huyện Yên Phong", "manager": "district",
        "sector": "transport", "group": "C", "total_investment": 5_000_000_000, "start_year": 2026, "end_year": 2028,
        "decision_number": "", "sources": [{"source": "district_budget", "amount": 3_000_000_000}, {"source": "provincial_budget", "amount": 2_000_000_000}],
        "allocations": [{"plan": plan_id, "year": 2026, "source": "district_budget", "amount": 1_000_000_000},
                        {"plan": plan_id, "year": 2027, "source": "provincial_budget", "amount": 2_000_000_000}],
    }
    geometry = overrides.pop("geometry", ROAD)
    properties.update(overrides)
    return {"type": "Feature", "geometry": geometry, "properties": properties}


# ---- plans ------------------------------------------------------------------------------------

def test_district_creates_a_medium_term_plan_of_five_years(client_for):
    response = post(client_for("huyen.yen-phong"), BASE + "investment-plans/", {"kind": "medium_term", "name": "Kế hoạch ĐTC trung hạn 2026–2030", "start_year": 2026})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["start_year"], body["end_year"], body["state"]) == (2026, 2030, "draft")
    assert list(body["allocations_by_year"]) == ["2026", "2027", "2028", "2029", "2030"]
    listed = client_for("tinh").get(BASE + "investment-plans/").json()["results"]
    assert [p["name"] for p in listed] == ["Kế hoạch ĐTC trung hạn 2026–2030"]


@pytest.mark.parametrize("body, field", [
    ({"kind": "medium_term", "name": "x", "start_year": 2026, "end_year": 2028}, "end_year"),
    ({"kind": "annual", "name": "x", "start_year": 2026, "end_year": 2027}, "end_year"),
    ({"kind": "yearly", "name": "x", "start_year": 2026}, "kind"),
    ({"kind": "annual", "name": "x", "start_year": "năm sau"}, "start_year"),
])
def test_bad_plan_is_a_400_naming_the_field(client_for, district, body, field):
    response = post(client_for("huyen.yen-phong"), BASE + "investment-plans/", body)
    assert response.status_code == 400
    assert field in response.json()
    in_district(district("yen-phong"))
    assert not PublicInvestmentPlan.objects.exists()


@pytest.mark.parametrize("username", ["tinh", "xa.09193", "thon.09193-01"])
def test_only_district_staff_create_plans(client_for, district, username):
    response = post(client_for(username), BASE + "investment-plans/", {"kind": "annual", "name": "x", "start_year": 2026})
    assert response.status_code == 403
    in_district(district("yen-phong"))
    assert not PublicInvestmentPlan.objects.exists()


def test_plan_is_approved_with_its_decision_and_then_changes_only_by_amendment(client_for, district):
    plan = make_plan(district("yen-phong"))
    client = client_for("huyen.yen-phong")
    url = f"{BASE}investment-plans/{plan.pk}/"
    assert post(client, url + "approve/", {}).status_code == 400  # a draft is submitted first
    assert post(client, url + "submit/", {}).status_code == 200
    missing = post(client, url + "approve/", {"decision_number": "15/QĐ-UBND"})
    assert missing.status_code == 400 and "decision_date" in missing.json()
    approved = post(client, url + "approve/", {"decision_number": "15/QĐ-UBND", "decision_date": "2025-12-20"})
    assert approved.status_code == 200
    assert (approved.json()["state"], approved.json()["decision_number"]) == ("approved", "15/QĐ-UBND")
    assert post(client_for("tinh"), url + "return/", {}).status_code == 403

    silent = patch(client, url, {"name": "Tên khác"})
    assert silent.status_code == 400 and "reason" in silent.json()
    amended = patch(client, url, {"name": "Kế hoạch điều chỉnh", "reason": "Điều chỉnh theo Nghị quyết HĐND huyện"})
    assert amended.status_code == 200
    history = amended.json()["events"]
    assert [h["action"] for h in history] == ["created", "submitted", "approved", "amended"]
    assert history[-1]["changes"]["name"] == ["Kế hoạch medium_term 2026", "Kế hoạch điều chỉnh"]
    assert history[-1]["note"] == "Điều chỉnh theo Nghị quyết HĐND huyện"


# ---- projects ---------------------------------------------------------------------------------

def test_district_creates_a_project_from_a_feature_and_the_road_serves_the_communes_it_crosses(client_for, district):
    plan = make_plan(district("yen-phong"))
    proposal = make_proposal(district("yen-phong"))
    client = client_for("huyen.yen-phong")
    response = post(client, BASE + "investment-projects/", project_feature(plan.pk, proposals=[proposal.pk]))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["type"] == "Feature" and body["geometry"]["type"] == "LineString"
    communes = {c["code"] for c in body["properties"]["communes"]}
    assert {"09193", "09217"} <= communes
    assert body["properties"]["total_investment"] == 5_000_000_000
    assert [p["title"] for p in body["properties"]["proposals"]] == ["Bê tông hóa đường thôn"]
    assert [h["action"] for h in body["properties"]["events"]] == ["created"]

    layer = client.get(BASE + "investment-projects/").json()
    assert layer["type"] == "FeatureCollection" and layer["count"] == 1
    feature = layer["features"][0]
    assert feature["properties"]["code"] == "GT-01"
    assert feature["properties"]["total_investment"] == 5_000_000_000
    assert feature["properties"]["sources"] == ["district_budget", "provincial_budget"]
    # RFC 7946: longitude first, as sent.
    assert feature["geometry"]["coordinates"][0] == pytest.approx(CHO)


@pytest.mark.parametrize("overrides, field", [
    ({"total_investment": 6_000_000_000}, "sources"),
    ({"sources": [{"source": "district_budget", "amount": 3_000_000_000}, {"source": "district_budget", "amount": 2_000_000_000}]}, "sources"),
    ({"sources": [{"source": "lottery", "amount": 5_000_000_000}]}, "sources"),
    ({"geometry": point(QUE_VO)}, "geometry"),
    ({"geometry": {"type": "Point", "coordinates": [21.2, 105.95]}}, "geometry"),
    ({"sector": "roads"}, "sector"),
    ({"group": "D"}, "group"),
    ({"total_investment": -5}, "total_investment"),
    ({"total_investment": 12.5}, "total_investment"),
    ({"communes": ["09244", "09193"]}, "communes"),  # a Quế Võ commune
    ({"end_year": 2025}, "end_year"),
    ({"proposals": [999999]}, "proposals"),
])
def test_bad_project_is_a_400_naming_the_field_and_writes_nothing(client_for, district, overrides, field):
    plan = make_plan(district("yen-phong"))
    response = post(client_for("huyen.yen-phong"), BASE + "investment-projects/", project_feature(plan.pk, **overrides))
    assert response.status_code == 400, response.content
    assert field in response.json(), response.json()
    in_district(district("yen-phong"))
    assert not InvestmentProject.objects.exists() and not Allocation.objects.exists()


def test_an_allocation_outside_the_plan_years_is_refused(client_for, district):
    annual = make_plan(district("yen-phong"), kind="annual", start_year=2026)
    body = project_feature(annual.pk)
    body["properties"]["allocations"] = [{"plan": annual.pk, "year": 2027, "source": "district_budget", "amount": 1}]
    response = post(client_for("huyen.yen-phong"), BASE + "investment-projects/", body)
    assert response.status_code == 400
    assert "2027" in response.json()["allocations"][0]
    in_district(district("yen-phong"))
    assert not InvestmentProject.objects.exists()


@pytest.mark.parametrize("username", ["tinh", "xa.09193"])
def test_only_district_staff_create_projects(client_for, district, username):
    plan = make_plan(district("yen-phong"))
    assert post(client_for(username), BASE + "investment-projects/", project_feature(plan.pk)).status_code == 403


def test_filters_status_sector_source_commune_year_and_bbox(client_for, district):
    yp = district("yen-phong")
    plan = make_plan(yp)
    make_project(yp, code="A1", plan=plan, geometry=point(CHO))
    make_project(yp, code="A2", plan=plan, geometry=point(DUNG_LIET), sector="education",
                 sources=[{"source": "provincial_budget", "amount": 3_000_000_000}],
                 allocations=[{"plan": plan, "year": 2028, "source": "provincial_budget", "amount": 1}])
    client = client_for("huyen.yen-phong")

    def codes(query):
        response = client.get(BASE + "investment-projects/?" + query)
        assert response.status_code == 200, response.content
        return sorted(f["properties"]["code"] for f in response.json()["features"])

    assert codes("") == ["A1", "A2"]
    assert codes("sector=education") == ["A2"]
    assert codes("source=commune_budget") == ["A1"]
    assert codes("source=provincial_budget,commune_budget") == ["A1", "A2"]
    assert codes("commune=09196") == ["A2"]
    assert codes("year=2028") == ["A2"]
    assert codes(f"year=2026&plan={plan.pk}") == ["A1"]
    assert codes("status=proposed") == ["A1", "A2"]
    assert codes("status=completed") == []
    assert codes("bbox=105.94,21.19,105.96,21.21") == ["A1"]
    for bad in ["status=done", "sector=roads", "source=lottery", "year=soon", "bbox=1,2,3", "page_size=0", "page=x"]:
        assert client.get(BASE + "investment-projects/?" + bad).status_code == 400, bad


def test_pages_follow_next(client_for, district):
    yp = district("yen-phong")
    for i in range(3):
        make_project(yp, code=f"P{i}", geometry=point(CHO))
    client = client_for("huyen.yen-phong")
    first = client.get(BASE + "investment-projects/?page_size=2").json()
    assert first["count"] == 3 and len(first["features"]) == 2 and first["previous"] is None
    second = client.get(first["next"]).json()
    assert [f["properties"]["code"] for f in second["features"]] == ["P2"] and second["next"] is None


def test_layer_query_count_does_not_grow_with_features(client_for, district):
    yp = district("yen-phong")
    make_project(yp, code="Q0", geometry=point(CHO))
    client = client_for("huyen.yen-phong")
    client.get(BASE + "investment-projects/")  # warm the session and the tenant lookup

    def count():
        # An execute wrapper sees every statement; connection.queries is emptied by request_started.
        statements = []
        with connection.execute_wrapper(lambda execute, sql, params, many, context: statements.append(sql) or execute(sql, params, many, context)):
            body = client.get(BASE + "investment-projects/").json()
        return len(statements), body["count"]

    one = count()
    for i in range(1, 8):
        make_project(yp, code=f"Q{i}", geometry=point(DUNG_LIET))
    eight = count()
    assert one[1] == 1 and eight[1] == 8
    assert eight[0] == one[0] and 0 < one[0] <= 12  # session, user, tenant, search_path, then one statement for the layer


def test_commune_sees_only_the_projects_serving_it(client_for, district):
    yp = district("yen-phong")
    mine = make_project(yp, code="CHO-1", geometry=point(CHO))
    other = make_project(yp, code="DL-1", geometry=point(DUNG_LIET))
    client = client_for("xa.09193")
    assert [f["properties"]["code"] for f in client.get(BASE + "investment-projects/").json()["features"]] == ["CHO-1"]
    assert client.get(f"{BASE}investment-projects/{mine.pk}/").status_code == 200
    assert client.get(f"{BASE}investment-projects/{other.pk}/").status_code == 404
    assert client_for("tinh").get(BASE + "investment-projects/").json()["count"] == 2


def test_project_moves_through_its_statuses_with_its_decision_disbursements_and_history(client_for, district):
    yp = district("yen-phong")
    project = make_project(yp, code="S-1", geometry=point(CHO))
    client = client_for("huyen.yen-phong")
    url = f"{BASE}investment-projects/{project.pk}/"
    assert post(client, url + "start/", {}).status_code == 400
    assert post(client, url + "prepare/", {}).status_code == 200
    no_decision = post(client, url + "approve/", {})
    assert no_decision.status_code == 400 and "decision_number" in no_decision.json()
    assert post(client, url + "approve/", {"decision_number": "230/QĐ-UBND", "decision_date": "2026-03-02"}).status_code == 200
    assert post(client, url + "suspend/", {}).status_code == 400  # a suspension says why
    assert post(client, url + "suspend/", {"note": "Chờ giải phóng mặt bằng"}).json()["properties"]["status"] == "suspended"
    assert post(client, url + "resume/", {}).json()["properties"]["status"] == "approved"
    assert post(client, url + "start/", {}).status_code == 200
    assert post(client, url + "disbursements/", {"paid_on": "2026-06-30", "amount": 1_000_000_000, "physical_progress": 40}).status_code == 201
    too_much = post(client, url + "disbursements/", {"paid_on": "2026-09-30", "amount": 2_500_000_000})
    assert too_much.status_code == 400 and "amount" in too_much.json()
    assert post(client_for("xa.09193"), url + "complete/", {}).status_code == 403
    done = post(client, url + "complete/", {}).json()["properties"]
    assert (done["status"], done["physical_progress"]) == ("completed", 100)
    assert [d["amount"] for d in done["disbursements"]] == [1_000_000_000]
    transitions = [(h["from"], h["to"]) for h in done["events"] if h["action"] == "transition"]
    assert transitions == [("proposed", "preparation"), ("preparation", "approved"), ("approved", "suspended"),
                           ("suspended", "approved"), ("approved", "under_construction"), ("under_construction", "completed")]
    assert done["decision_number"] == "230/QĐ-UBND" and done["decision_date"] == "2026-03-02"


def test_a_project_edit_keeps_old_and_new_values(client_for, district):
    yp = district("yen-phong")
    project = make_project(yp, code="E-1", geometry=point(CHO))
    client = client_for("huyen.yen-phong")
    url = f"{BASE}investment-projects/{project.pk}/"
    bad = patch(client, url, {"total_investment": 4_000_000_000})
    assert bad.status_code == 400 and "sources" in bad.json()
    ok = patch(client, url, {"total_investment": 4_000_000_000, "decision_number": "99/QĐ-UBND",
                             "sources": [{"source": "district_budget", "amount": 4_000_000_000}]})
    assert ok.status_code == 200, ok.content
    last = ok.json()["properties"]["events"][-1]
    assert last["changes"]["total_investment"] == [3_000_000_000, 4_000_000_000]
    assert last["changes"]["decision_number"] == ["", "99/QĐ-UBND"]
    assert last["changes"]["sources"][1] == [{"source": "district_budget", "amount": 4_000_000_000}]
    outside = patch(client, url, {"type": "Feature", "geometry": point(QUE_VO), "properties": {}})
    assert outside.status_code == 400 and "geometry" in outside.json()


def test_allocations_of_an_approved_plan_change_only_with_a_reason_kept_in_the_plan_history(client_for, district):
    yp = district("yen-phong")
    plan = make_plan(yp, approve=True)
    project = make_project(yp, code="AM-1", plan=plan, geometry=point(CHO))
    client = client_for("huyen.yen-phong")
    url = f"{BASE}investment-projects/{project.pk}/"
    new = [{"plan": plan.pk, "year": 2027, "source": "district_budget", "amount": 2_000_000_000}]
    refused = patch(client, url, {"allocations": new})
    assert refused.status_code == 400 and "reason" in refused.json()
    in_district(yp)
    assert sorted(Allocation.objects.filter(project=project).values_list("year", flat=True)) == [2026, 2026]
    assert patch(client, url, {"allocations": new, "reason": "Điều chuyển vốn sang năm 2027"}).status_code == 200
    in_district(yp)
    amendment = PlanEvent.objects.get(plan=plan, action="amended")
    assert amendment.note == "Điều chuyển vốn sang năm 2027"
    assert amendment.changes["project"] == "AM-1"
    assert amendment.changes["allocations"][1] == [[2027, "district_budget", 2_000_000_000]]
    assert ProjectEvent.objects.filter(project=project, action="updated").count() == 1


@pytest.mark.parametrize("username", ["xa.09193", "thon.09193-01", "hdnd.09193"])
def test_a_commune_never_reads_another_communes_allocations_in_the_plans_events(client_for, district, username):
    """The plan's events carry an amendment's allocations before and after; a commune reads no other commune's money
    there (rv17 finding 2: the amounts of Dũng Liệt's project reached Thị trấn Chờ's accounts)."""
    yp = district("yen-phong")
    plan = make_plan(yp, approve=True)
    project = make_project(yp, code="AM-2", plan=plan, geometry=point(DUNG_LIET))
    staff = client_for("huyen.yen-phong")
    new = [{"plan": plan.pk, "year": 2027, "source": "district_budget", "amount": 1_234_000_000}]
    assert patch(staff, f"{BASE}investment-projects/{project.pk}/", {"allocations": new, "reason": "Điều chuyển 1.234 triệu"}).status_code == 200
    own = staff.get(f"{BASE}investment-plans/{plan.pk}/").json()["events"][-1]
    assert own["changes"]["project"] == "AM-2" and own["note"] == "Điều chuyển 1.234 triệu"
    answer = client_for(username).get(f"{BASE}investment-plans/{plan.pk}/")
    assert answer.status_code == 200, answer.content[:300]
    amended = [e for e in answer.json()["events"] if e["action"] == "amended"]
    assert amended and all(e["changes"] is None and e["note"] == "" for e in amended), amended
    assert "1234000000" not in answer.content.decode().replace("_", "") and "AM-2" not in answer.content.decode()


def test_allocations_by_source_sums_a_year_of_a_plan(client_for, district):
    from investment.selectors import allocations_by_source

    yp = district("yen-phong")
    plan = make_plan(yp)
    make_project(yp, code="S1", plan=plan, geometry=point(CHO))
    make_project(yp, code="S2", plan=plan, geometry=point(DONG_TIEN))
    in_district(yp)
    assert allocations_by_source(plan=plan, year=2026) == {"commune_budget": 1_000_000_000, "district_budget": 2_000_000_000}
    assert allocations_by_source(plan=plan, year=2027) == {}
    # Step 2's envelope (from the plan-cycle app) is one join away.
    from investment.selectors import envelope_comparison

    rows = envelope_comparison(plan=plan, year=2026, envelopes={"district_budget": 1_500_000_000, "provincial_budget": 9})
    assert rows == [
        {"source": "provincial_budget", "allocated": 0, "envelope": 9, "exceeds": False},
        {"source": "district_budget", "allocated": 2_000_000_000, "envelope": 1_500_000_000, "exceeds": True},
        {"source": "commune_budget", "allocated": 1_000_000_000, "envelope": None, "exceeds": False},
    ]
    body = client_for("tinh").get(f"{BASE}investment-plans/{plan.pk}/allocations/?year=2026").json()
    assert body["by_source"] == {"commune_budget": 1_000_000_000, "district_budget": 2_000_000_000}
    assert client_for("tinh").get(f"{BASE}investment-plans/{plan.pk}/allocations/?year=2031").status_code == 400
    detail = client_for("tinh").get(f"{BASE}investment-plans/{plan.pk}/").json()
    assert detail["allocations_by_year"]["2026"]["district_budget"] == 2_000_000_000


def test_district_summary_counts_investment(client_for, district):
    make_project(district("yen-phong"), code="C1", geometry=point(CHO))
    counts = client_for("tinh").get(BASE + "district/").json()["counts"]
    assert counts["investment_projects"] == 1 and counts["investment_plans"] == 0


def test_messages_speak_vietnamese_first_and_english_on_request(client_for, district):
    plan = make_plan(district("yen-phong"))
    client = client_for("huyen.yen-phong")
    body = project_feature(plan.pk, total_investment=6_000_000_000)
    vi = post(client, BASE + "investment-projects/", body).json()["sources"][0]
    assert vi == "Các nguồn vốn cộng lại được 5.000.000.000 đồng, không bằng tổng mức đầu tư 6.000.000.000 đồng."
    en = client.post(BASE + "investment-projects/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en").json()["sources"][0]
    assert en.startswith("The capital sources add up to 5,000,000,000 VND")


def test_plan_years_cannot_shrink_below_its_allocations(client_for, district):
    yp = district("yen-phong")
    plan = make_plan(yp, kind="annual", start_year=2026)
    make_project(yp, code="Y-1", plan=plan, geometry=point(CHO))
    response = patch(client_for("huyen.yen-phong"), f"{BASE}investment-plans/{plan.pk}/", {"start_year": 2027, "end_year": 2027})
    assert response.status_code == 400 and "end_year" in response.json()
    in_district(yp)
    plan.refresh_from_db()
    assert (plan.start_year, plan.end_year) == (2026, 2026)


def test_openapi_lists_the_investment_routes(client):
    paths = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    for path in ["/d/{district}/api/investment-plans/", "/d/{district}/api/investment-projects/", "/d/{district}/api/reviews/",
                 "/d/{district}/api/investment-projects/{id}/approve/", "/d/{district}/api/investment-plans/{id}/projects.xlsx"]:
        assert path in paths, path


def test_a_partial_edit_leaves_what_it_does_not_name(client_for, district):
    yp = district("yen-phong")
    plan = make_plan(yp)
    project = make_project(yp, code="PE-1", plan=plan, geometry=point(CHO))
    response = patch(client_for("huyen.yen-phong"), f"{BASE}investment-projects/{project.pk}/", {"name": "Tên mới"})
    assert response.status_code == 200
    props = response.json()["properties"]
    assert props["name"] == "Tên mới" and props["manager"] == "district"
    assert len(props["allocations"]) == 2 and len(props["sources"]) == 2
    assert [c["code"] for c in props["communes"]] == ["09193"]
    assert props["events"][-1]["changes"] == {"name": ["Đường giao thông PE-1", "Tên mới"]}

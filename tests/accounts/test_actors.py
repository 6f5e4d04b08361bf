"""Issue 14, part 1: the actors of the Decision act for themselves through the API, and nobody acts for them.

The commune People's Council passes the plan (Đ6.1) and evaluates the main targets (Đ11.2); the office-statistics
officer consolidates and submits the commune's M&E report (Đ10.2b, the chain is in tests/monitoring/test_chain.py);
a commune unit proposes for itself (Đ5.1) and reports once the district assigned it (Đ11.1); a district sector
office gives step-4 feedback signed by the office (Đ5.4, Đ16.2); a provincial department publishes orientation,
programmes and resource information that the district passes on to its communes (Đ5.2, Đ15.2). Each refusal
(the wrong actor) changes nothing.
"""
import json

import pytest
from django.db import connection

from accounts.models import DepartmentPublication, Role, SectorOffice, User
from monitoring.models import CouncilEvaluation, PeriodicReport, ReportingPeriod
from plans.models import CommunePlan, DistrictFeedback, PlanCycle, PlanEvent
from proposals.models import CommuneUnit, Proposal
from tests.monitoring.factories import approved_plan, me_plan_with_report
from tests.proposals.conftest import feature, inside

pytestmark = pytest.mark.django_db
D = "/d/yen-phong/api/"
PUBLICATIONS = "/api/province/publications/"


def post(client, url, data=None, **extra):
    return client.post(url, json.dumps(data if data is not None else {}), content_type="application/json", **extra)


def patch(client, url, data, **extra):
    return client.patch(url, json.dumps(data), content_type="application/json", **extra)


def in_district(district, query):
    connection.set_tenant(district)
    try:
        return query()
    finally:
        connection.set_schema_to_public()


def test_each_new_role_has_its_demo_accounts_scoped_to_its_unit():
    council, officer, unit = (User.objects.get(username=n) for n in ("hdnd.09193", "thongke.09193", "donvi.09193.2"))
    assert (council.role, council.unit.code) == (Role.COUNCIL, "09193")
    assert (officer.role, officer.unit.code) == (Role.STATISTICS, "09193")
    assert (unit.role, unit.unit.code) == (Role.COMMUNE_UNIT, "09193") and unit.commune_unit_id is not None
    office = User.objects.get(username="phong.yen-phong.gddt")
    assert office.role == Role.SECTOR_OFFICE and office.sector_office.district_id == office.unit_id
    department = User.objects.get(username="so.khdt")
    assert department.role == Role.DEPARTMENT and department.unit is None and department.department.code == "khdt"
    assert len(Role.COMMUNE_UNIT.value) > 10  # the widened column holds it


# ---- the People's Council (Đ6.1, Đ11.2) ------------------------------------------------------------------

def test_the_council_records_its_resolution_and_the_team_may_not(district, client_for):
    yen_phong = district()
    plan = approved_plan(yen_phong, status="working")
    PlanCycle.objects.filter(pk=plan.cycle_id).update(step="approval")
    connection.set_schema_to_public()
    url, body = f"{D}plans/{plan.pk}/resolution/", {"number": "10/NQ-HĐND", "date": "2026-11-15"}

    refused = post(client_for("xa.09193"), url, body, HTTP_ACCEPT_LANGUAGE="vi")
    assert refused.status_code == 403
    assert refused.json()["detail"] == "Chỉ Hội đồng nhân dân xã được làm việc này."
    assert post(client_for("thongke.09193"), url, body).status_code == 403
    assert post(client_for("huyen.yen-phong"), url, body).status_code == 403
    assert post(client_for("hdnd.09196"), url, body).status_code == 404  # another commune's council does not see it
    assert in_district(yen_phong, lambda: CommunePlan.objects.get(pk=plan.pk).council_resolution_number) == ""

    response = post(client_for("hdnd.09193"), url, body)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "frozen" and response.json()["council_resolution"]["number"] == "10/NQ-HĐND"
    event = in_district(yen_phong, lambda: PlanEvent.objects.filter(plan_id=plan.pk, action="council_resolution").values_list("actor__username", flat=True).get())
    assert event == "hdnd.09193"


def test_the_council_evaluates_the_main_targets_and_the_team_may_not(district, client_for):
    yen_phong = district()
    me_plan = me_plan_with_report(yen_phong)
    half = ReportingPeriod.objects.get(kind="half", year=me_plan.year, number=1)
    connection.set_schema_to_public()
    url = f"{D}monitoring/plans/{me_plan.pk}/evaluations/"
    body = {"period": half.pk, "held_on": f"{me_plan.year}-07-20", "assessment": "Đạt 95% chỉ tiêu thu nhập", "resolution_number": "08/NQ-HĐND"}

    for username, status in (("xa.09193", 403), ("thongke.09193", 403), ("huyen.yen-phong", 403), ("hdnd.09196", 404)):
        assert post(client_for(username), url, body).status_code == status, username
    assert not in_district(yen_phong, lambda: CouncilEvaluation.objects.exists())
    assert post(client_for("hdnd.09193"), url, {**body, "assessment": ""}).status_code == 400

    response = post(client_for("hdnd.09193"), url, body)
    assert response.status_code == 201, response.content
    assert in_district(yen_phong, lambda: list(CouncilEvaluation.objects.values_list("recorded_by__username", flat=True))) == ["hdnd.09193"]


# ---- the office-statistics officer (Đ10.2b) ----------------------------------------------------------------

def test_only_the_communes_own_officer_opens_the_commune_report(district, client_for):
    yen_phong = district()
    me_plan = me_plan_with_report(yen_phong)
    q2 = next(p for p in ReportingPeriod.objects.filter(year=me_plan.year, kind="quarter", number=2))
    connection.set_schema_to_public()
    body = {"me_plan": me_plan.pk, "period": q2.pk}
    assert post(client_for("xa.09193"), f"{D}monitoring/reports/", body).status_code == 403
    assert post(client_for("hdnd.09193"), f"{D}monitoring/reports/", body).status_code == 403
    assert post(client_for("thongke.09196"), f"{D}monitoring/reports/", body).status_code == 404
    assert not in_district(yen_phong, lambda: PeriodicReport.objects.filter(period=q2).exists())
    response = post(client_for("thongke.09193"), f"{D}monitoring/reports/", body)
    assert response.status_code == 201 and response.json()["level"] == "commune"


# ---- commune units (Đ5.1, Đ11.1) ---------------------------------------------------------------------------

def _units(yen_phong):
    return in_district(yen_phong, lambda: (CommuneUnit.objects.get(commune__code="09193", name__startswith="Trạm Y tế"),
                                           CommuneUnit.objects.get(commune__code="09193", name__startswith="Trường Mầm non")))


def test_a_commune_unit_proposes_for_itself_only(district, client_for):
    yen_phong = district()
    station, school = _units(yen_phong)
    unit = client_for("donvi.09193.2")  # the health station's account
    body = feature(coordinates=inside("09193"), title="Mua máy siêu âm cho trạm y tế", sector="health",
                   problem="Thiếu thiết bị chẩn đoán", cause="Thiết bị cũ hỏng", commune_budget=100_000_000)

    response = post(unit, f"{D}proposals/", body)
    assert response.status_code == 201, response.content
    props = response.json()["properties"]
    assert (props["commune_unit"], props["source_kind"], props["source_name"], props["village"]) == (station.pk, "health_station", station.name, None)

    count = in_district(yen_phong, Proposal.objects.count)
    assert post(unit, f"{D}proposals/", {**body, "properties": {**body["properties"], "commune_unit": school.pk}}).status_code == 403
    assert post(unit, f"{D}proposals/", feature(commune="09196", coordinates=inside("09196"))).status_code == 403
    with_village = post(unit, f"{D}proposals/", feature(coordinates=inside("09193-01"), village="09193-01"))
    assert with_village.status_code in (400, 403)
    assert in_district(yen_phong, Proposal.objects.count) == count

    # The planning team may record a unit's proposal on its behalf; the unit of another commune is a 400.
    recorded = post(client_for("xa.09193"), f"{D}proposals/", feature(coordinates=inside("09193"), commune_unit=school.pk))
    assert recorded.status_code == 201 and recorded.json()["properties"]["commune_unit"] == school.pk
    assert post(client_for("xa.09196"), f"{D}proposals/", feature(commune="09196", coordinates=inside("09196"), commune_unit=school.pk)).status_code == 400

    # A unit reads its own proposals and the commune's published ones, not another unit's drafts or another commune's.
    listed = unit.get(f"{D}proposals/?page_size=500").json()["features"]
    assert listed and all(f["properties"]["commune_unit"] == station.pk or f["properties"]["is_published"] for f in listed)
    assert unit.get(f"{D}proposals/{recorded.json()['id']}/").status_code == 404
    other = in_district(yen_phong, lambda: Proposal.objects.filter(commune__code="09196").values_list("pk", flat=True).first())
    assert unit.get(f"{D}proposals/{other}/").status_code == 404
    # It edits its own proposal, not the school's.
    mine = response.json()["id"]
    assert patch(unit, f"{D}proposals/{mine}/", {"properties": {"solution": "Mua máy mới"}}).status_code == 200
    assert patch(unit, f"{D}proposals/{recorded.json()['id']}/", {"properties": {"solution": "x"}}).status_code == 404


def test_the_district_assigns_which_units_report_and_only_they_report(district, client_for):
    yen_phong = district()
    me_plan = me_plan_with_report(yen_phong)
    q2 = ReportingPeriod.objects.get(year=me_plan.year, kind="quarter", number=2)
    station, school = _units(yen_phong)
    team, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")

    response = post(team, f"{D}commune-units/", {"commune": "09193", "kind": "mass_organisation", "name": "Hội Nông dân thị trấn Chờ"})
    assert response.status_code == 201 and response.json()["reports_me"] is False
    union = response.json()["id"]
    assert post(team, f"{D}commune-units/", {"commune": "09193", "kind": "mass_organisation", "name": "Đoàn Thanh niên", "reports_me": True}).status_code == 403
    blank = post(team, f"{D}commune-units/", {"commune": "09193", "kind": "school", "name": "  "}, HTTP_ACCEPT_LANGUAGE="vi")
    assert blank.status_code == 400 and "name" in blank.json()
    assert post(team, f"{D}commune-units/", {"commune": "09193", "kind": "bank", "name": "Ngân hàng"}).status_code == 400
    assert patch(team, f"{D}commune-units/{union}/", {"reports_me": True}).status_code == 403
    assert patch(client_for("huyen.que-vo"), f"{D}commune-units/{union}/", {"reports_me": True}).status_code == 404
    assert patch(client_for("xa.09196"), f"{D}commune-units/{union}/", {"reports_me": True}).status_code == 404
    assert patch(huyen, f"{D}commune-units/{union}/", {"reports_me": True}).json()["reports_me"] is True

    # The school was not assigned: its report is refused; the station may not report as the school.
    refused = post(client_for("donvi.09193.1"), f"{D}monitoring/reports/", {"me_plan": me_plan.pk, "period": q2.pk, "commune_unit": school.pk})
    assert refused.status_code == 400 and "commune_unit" in refused.json()
    as_other = post(client_for("donvi.09193.2"), f"{D}monitoring/reports/", {"me_plan": me_plan.pk, "period": q2.pk, "commune_unit": school.pk})
    assert as_other.status_code == 403
    ok = post(client_for("donvi.09193.2"), f"{D}monitoring/reports/", {"me_plan": me_plan.pk, "period": q2.pk, "commune_unit": station.pk})
    assert ok.status_code == 201 and ok.json()["level"] == "unit"
    # The district's reporting status lists the assigned units beside the villages.
    dashboard = huyen.get(f"{D}monitoring/plans/{me_plan.pk}/dashboard/").json()
    q2_row = next(r for r in dashboard["reporting"] if r["period"]["id"] == q2.pk)
    assert {u["commune_unit"]: u["status"] for u in q2_row["units"]} == {station.pk: "draft", union: "missing"}


# ---- district sector offices (Đ5.4, Đ16.2) -----------------------------------------------------------------

def test_a_sector_office_gives_feedback_signed_by_the_office_in_its_own_district_only(district, client_for):
    yen_phong = district()
    plan = approved_plan(yen_phong, status="working")
    PlanCycle.objects.filter(pk=plan.cycle_id).update(step="district_feedback")
    connection.set_schema_to_public()
    office = SectorOffice.objects.get(district__code="258", code="gddt")
    url = f"{D}plans/{plan.pk}/feedback/"
    body = {"sector": "education", "body": "Bổ sung phòng học cho trường mầm non", "office": "Phòng khác"}

    assert client_for("phong.yen-phong.gddt").get(f"{D}plans/{plan.pk}/").status_code == 200  # it reads the draft
    assert post(client_for("phong.que-vo.gddt"), url, body).status_code == 404  # district A's office in district B
    assert post(client_for("xa.09193"), url, body).status_code == 403
    assert post(client_for("hdnd.09193"), url, body).status_code == 403
    assert not in_district(yen_phong, lambda: DistrictFeedback.objects.exists())

    response = post(client_for("phong.yen-phong.gddt"), url, body)
    assert response.status_code == 201, response.content
    assert (response.json()["sector_office"], response.json()["office"]) == (office.pk, office.name)
    assert in_district(yen_phong, lambda: DistrictFeedback.objects.get().sector_office_id) == office.pk
    # A sector office comments; it does not approve the plan for the district.
    assert post(client_for("phong.yen-phong.gddt"), f"{D}plans/{plan.pk}/district-approval/", {"number": "1", "date": "2026-11-20"}).status_code == 403


# ---- provincial departments (Đ5.2, Đ15.2) ------------------------------------------------------------------

def test_a_department_publishes_for_the_districts_which_pass_it_on_to_the_communes(client_for):
    khdt, tc, huyen, xa = client_for("so.khdt"), client_for("so.tc"), client_for("huyen.yen-phong"), client_for("xa.09193")
    body = {"plan_year": 2027, "kind": "programme", "title": "Chương trình MTQG xây dựng nông thôn mới 2027",
            "summary": "Vốn dự kiến cho các xã đạt chuẩn", "url": "https://example.org/ntm-2027.pdf"}
    assert post(huyen, PUBLICATIONS, body).status_code == 403  # only a department publishes
    assert post(khdt, PUBLICATIONS, {**body, "url": "javascript:alert(1)"}).status_code == 400
    response = post(khdt, PUBLICATIONS, body)
    assert response.status_code == 201, response.content
    pid = response.json()["id"]
    listed = f"{D}plans/department-publications/?plan_year=2027"
    assert pid not in [p["id"] for p in huyen.get(listed).json()["results"]]  # a draft stays with its department
    assert post(tc, f"{PUBLICATIONS}{pid}/publish/").status_code == 404
    assert post(khdt, f"{PUBLICATIONS}{pid}/publish/").status_code == 200

    # Another department sees it once published but may not change it.
    assert patch(tc, f"{PUBLICATIONS}{pid}/", {"title": "Sửa bởi Sở Tài chính"}).status_code == 403
    assert DepartmentPublication.objects.get(pk=pid).title == body["title"]
    # Nor may its own department once it is published (the districts may have passed it on): 400 on status.
    refused = patch(khdt, f"{PUBLICATIONS}{pid}/", {"summary": "Vốn dự kiến 2027"})
    assert refused.status_code == 400 and "đã được công bố" in refused.json()["status"][0]
    assert DepartmentPublication.objects.get(pk=pid).summary == body["summary"]

    # The district sees it and passes it on with its orientation; a draft cannot be passed on; the commune reads it.
    assert pid in [p["id"] for p in huyen.get(listed).json()["results"]]
    assert xa.get(listed).status_code == 403
    draft = post(khdt, PUBLICATIONS, {**body, "title": "Bản nháp"}).json()["id"]
    refused = post(huyen, f"{D}plans/orientations/", {"plan_year": 2027, "title": "Định hướng 2027", "department_publications": [pid, draft]})
    assert refused.status_code == 400 and "department_publications" in refused.json()
    response = post(huyen, f"{D}plans/orientations/", {"plan_year": 2027, "title": "Định hướng 2027", "department_publications": [pid]})
    assert response.status_code == 201, response.content
    assert post(huyen, f"{D}plans/orientations/{response.json()['id']}/publish/").status_code == 200
    seen = next(o for o in xa.get(f"{D}plans/orientations/").json()["results"] if o["id"] == response.json()["id"])
    assert [(p["id"], p["department"], p["summary"]) for p in seen["department_publications"]] == [(pid, "khdt", body["summary"])]


# ---- pages: where the old actor had a form, the new actor reaches it ----------------------------------------

def test_the_cycle_page_offers_each_new_actor_its_own_form(district, client_for):
    yen_phong = district()
    plan = approved_plan(yen_phong, status="working")
    PlanCycle.objects.filter(pk=plan.cycle_id).update(step="district_feedback")
    connection.set_schema_to_public()
    url = f"/d/yen-phong/plans/cycles/{plan.cycle_id}/"

    office = client_for("phong.yen-phong.gddt").get(url).content.decode()
    assert 'id="feedback-form"' in office and 'data-testid="signing-office"' in office  # signed, no office to type
    assert 'id="feedback-form"' not in client_for("xa.09193").get(url).content.decode()
    assert client_for("phong.que-vo.gddt").get(url).status_code in (403, 404)

    in_district(yen_phong, lambda: PlanCycle.objects.filter(pk=plan.cycle_id).update(step="approval"))
    assert 'id="resolution-form"' in client_for("hdnd.09193").get(url).content.decode()
    assert 'id="resolution-form"' not in client_for("xa.09193").get(url).content.decode()
    assert client_for("hdnd.09196").get(url).status_code == 404


def test_the_district_page_lists_the_departments_publications_and_the_commune_sees_what_was_passed_on(district, client_for):
    khdt, huyen = client_for("so.khdt"), client_for("huyen.yen-phong")
    pid = post(khdt, PUBLICATIONS, {"plan_year": 2027, "kind": "resources", "title": "Dự kiến vốn ngân sách tỉnh hỗ trợ 2027"}).json()["id"]
    assert 'data-list="department_publications"' not in huyen.get("/d/yen-phong/plans/?plan_year=2027").content.decode()  # a draft
    post(khdt, f"{PUBLICATIONS}{pid}/publish/")
    html = huyen.get("/d/yen-phong/plans/?plan_year=2027").content.decode()
    assert f'data-list="department_publications" value="{pid}"' in html and "Dự kiến vốn ngân sách tỉnh hỗ trợ 2027" in html

    orientation = post(huyen, f"{D}plans/orientations/", {"plan_year": 2027, "title": "Định hướng 2027", "department_publications": [pid]}).json()["id"]
    post(huyen, f"{D}plans/orientations/{orientation}/publish/")
    connection.set_tenant(district())
    cycle = PlanCycle.objects.create(commune_id=User.objects.get(username="xa.09193").unit_id, plan_year=2027, step="draft",
                                     created_by=User.objects.get(username="xa.09193"))
    connection.set_schema_to_public()
    page = client_for("xa.09193").get(f"/d/yen-phong/plans/cycles/{cycle.pk}/").content.decode()
    assert 'data-testid="department-publication"' in page and "Dự kiến vốn ngân sách tỉnh hỗ trợ 2027" in page


def test_a_commune_unit_reaches_the_proposal_form_for_its_own_unit(client_for):
    html = client_for("donvi.09193.2").get("/d/yen-phong/proposals/").content.decode()
    assert 'id="proposal-form"' in html and 'data-testid="own-unit"' in html
    assert 'id="meeting-form"' not in html and 'name="source_name"' not in html  # no village meeting, no source to type
    team = client_for("xa.09193").get("/d/yen-phong/proposals/").content.decode()
    assert 'name="source_name"' in team and 'data-testid="own-unit"' not in team

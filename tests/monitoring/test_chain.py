"""The M&E chain through the API: M&E plan → village reports → commune report → district acceptance."""

import pytest
from django.db import connection

from investment.models import Disbursement
from monitoring.models import Indicator, MEPlan, MEPlanEvent, ReportEvent
from monitoring.services import periods_ensure
from tests.monitoring.factories import VILLAGES, approved_plan, project_in_commune

pytestmark = pytest.mark.django_db
API = "/d/yen-phong/api/monitoring/"


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def patch(client, url, body):
    return client.patch(url, body, content_type="application/json")


def approved_me_plan(client, plan):
    """Build and approve the M&E plan through the API, as the commune team does."""
    response = post(client, API + "plans/", {"plan": plan.pk})
    assert response.status_code == 201, response.content
    body = response.json()
    edits = {
        "indicators": [{"id": i["id"], "responsible": "Cán bộ Văn phòng - Thống kê", "data_source": "Báo cáo thống kê xã", "frequency": "quarter"}
                       for i in body["indicators"]],
        "activities": [{"id": a["id"], "responsible": "Phó Chủ tịch UBND xã", "expected_volume": "1.5", "volume_unit": "km"}
                       for a in body["activities"]],
    }
    assert patch(client, API + f"plans/{body['id']}/", edits).status_code == 200
    response = post(client, API + f"plans/{body['id']}/approve/", {"decision_number": "45/QĐ-UBND", "decision_date": "2026-01-10"})
    assert response.status_code == 200, response.content
    return response.json()


def test_whole_chain_village_to_commune_to_district(district, client_for):
    yen_phong = district()
    plan = approved_plan(yen_phong)
    project = project_in_commune(yen_phong)
    q1 = next(p for p in periods_ensure(year=plan.cycle.plan_year) if p.kind == "quarter" and p.number == 1)
    team, district_staff = client_for("xa.09193"), client_for("huyen.yen-phong")
    officer, council = client_for("thongke.09193"), client_for("hdnd.09193")

    me_plan = approved_me_plan(team, plan)
    assert me_plan["status"] == "approved" and me_plan["approved_by"] and me_plan["approved_at"]
    assert [i["name"] for i in me_plan["indicators"]] == ["Thu nhập bình quân đầu người", "Tỷ lệ hộ nghèo"]
    assert me_plan["indicators"][0]["baseline"] == 60.0 and me_plan["indicators"][0]["target_value"] == 66.0
    assert [a["title"] for a in me_plan["activities"]] == ["Bê tông hóa đường thôn Đông", "Tập huấn kỹ thuật trồng lúa"]
    income, poverty = (i["id"] for i in me_plan["indicators"])
    road, training = (a["id"] for a in me_plan["activities"])

    # Each village head reports for the village.
    village_ids = []
    for code, share in zip(VILLAGES, (40, 55)):
        head = client_for(f"thon.{code}")
        response = post(head, API + "reports/", {"me_plan": me_plan["id"], "period": q1.pk, "village": code})
        assert response.status_code == 201, response.content
        report = response.json()
        assert report["level"] == "village"
        response = patch(head, API + f"reports/{report['id']}/", {
            "indicator_values": [{"indicator": poverty, "value": "2.3"}], "activity_progress": [{"activity": road, "share_done": share}],
            "problems": f"Thiếu vật liệu ở {code}",
        })
        assert response.status_code == 200, response.content
        assert post(head, API + f"reports/{report['id']}/submit/").json()["status"] == "submitted"
        village_ids.append(report["id"])
    # A village head reads only the village's own reports.
    assert [r["id"] for r in client_for(f"thon.{VILLAGES[0]}").get(API + "reports/").json()] == [village_ids[0]]

    # A commune unit the district assigned to report (Đ11.1, the demo health station) reports beside the villages.
    station = client_for("donvi.09193.2")
    unit_id = station.get("/d/yen-phong/api/commune-units/?commune=09193").json()
    unit_id = next(u["id"] for u in unit_id if u["reports_me"])
    response = post(station, API + "reports/", {"me_plan": me_plan["id"], "period": q1.pk, "commune_unit": unit_id})
    assert response.status_code == 201, response.content
    assert response.json()["level"] == "unit"
    unit_report = response.json()["id"]
    assert patch(station, API + f"reports/{unit_report}/", {"activity_progress": [{"activity": training, "share_done": 30}],
                                                            "problems": "Thiếu thuốc"}).status_code == 200
    assert post(station, API + f"reports/{unit_report}/submit/").json()["status"] == "submitted"
    assert [r["id"] for r in station.get(API + "reports/").json()] == [unit_report]  # a unit reads its own reports only

    # The office-statistics officer (Đ10.2b), not the planning team, consolidates the level below (villages and units),
    # adds the commune's own values and the project's progress, and submits to the district.
    assert post(team, API + "reports/", {"me_plan": me_plan["id"], "period": q1.pk}).status_code == 403
    response = post(officer, API + "reports/", {"me_plan": me_plan["id"], "period": q1.pk})
    assert response.status_code == 201, response.content
    commune_report = response.json()["id"]
    assert post(team, API + f"reports/{commune_report}/consolidate/").status_code == 403
    response = post(officer, API + f"reports/{commune_report}/consolidate/")
    assert response.status_code == 200, response.content
    body = response.json()
    assert sorted(v["village"] for v in body["village_reports"] if v["level"] == "village") == VILLAGES
    assert [v["commune_unit"] for v in body["village_reports"] if v["level"] == "unit"] == [unit_id]
    assert sorted((p["activity"], p["share_done"]) for p in body["activity_progress"]) == sorted([(road, 55.0), (training, 30.0)])
    assert "Thiếu vật liệu ở 09193-01" in body["problems"] and "Trạm Y tế" in body["problems"]
    response = patch(officer, API + f"reports/{commune_report}/", {
        "indicator_values": [{"indicator": income, "value": "62.5"}, {"indicator": poverty, "value": "2.2"}],
        "activity_progress": [{"activity": training, "share_done": 100}],
        "project_progress": [{"project": project.pk, "paid_on": "2026-03-31", "disbursed": 500_000_000, "physical_progress": 35}],
        "recommendations": "Đề nghị huyện bổ sung vốn",
    })
    assert response.status_code == 200, response.content
    assert post(team, API + f"reports/{commune_report}/submit/").status_code == 403
    assert post(officer, API + f"reports/{commune_report}/submit/").json()["status"] == "submitted"

    # The district returns it with comments; the commune corrects and submits again; the district accepts.
    assert post(district_staff, API + f"reports/{commune_report}/return/", {"comment": ""}).status_code == 400
    response = post(district_staff, API + f"reports/{commune_report}/return/", {"comment": "Bổ sung số liệu hộ nghèo"})
    assert response.json()["status"] == "returned" and response.json()["review_comment"] == "Bổ sung số liệu hộ nghèo"
    assert patch(officer, API + f"reports/{commune_report}/", {"indicator_values": [{"indicator": poverty, "value": "2.1"}]}).status_code == 200
    assert post(officer, API + f"reports/{commune_report}/submit/").status_code == 200
    connection.set_tenant(yen_phong)
    assert not Disbursement.objects.filter(project=project).exists()
    response = post(district_staff, API + f"reports/{commune_report}/accept/", {"comment": "Đạt"})
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "accepted"
    # The reported disbursement went through the investment app.
    connection.set_tenant(yen_phong)
    project.refresh_from_db()
    assert project.physical_progress == 35
    assert list(Disbursement.objects.filter(project=project).values_list("amount", flat=True)) == [500_000_000]
    assert body["project_progress"][0]["disbursement"] is not None
    actions = list(ReportEvent.objects.filter(report_id=commune_report).values_list("action", "actor__username"))
    assert [a for a, _ in actions] == ["created", "consolidated", "edited", "submitted", "returned", "edited", "submitted", "accepted"]
    assert actions[0][1] == "thongke.09193"
    assert actions[-1][1] == "huyen.yen-phong"

    # The People's Council records its own evaluation (Đ11.2); the team may not; the dashboard shows achievement.
    # It evaluates the first half-year (Đ11.2: its mid-year session), once ended.
    half = next(p for p in periods_ensure(year=plan.cycle.plan_year) if p.kind == "half" and p.number == 1)
    evaluation = {"period": half.pk, "held_on": f"{plan.cycle.plan_year}-07-20", "assessment": "Đạt 95% chỉ tiêu"}
    assert post(team, API + f"plans/{me_plan['id']}/evaluations/", evaluation).status_code == 403
    unknown = client_for("hdnd.09193").post(API + f"plans/{me_plan['id']}/evaluations/", {**evaluation, "period": 99999},
                                           content_type="application/json", HTTP_ACCEPT_LANGUAGE="vi")
    assert unknown.status_code == 400 and unknown.json()["period"] == ["Kỳ báo cáo không tồn tại."]  # not a 404 naming the model
    response = post(council, API + f"plans/{me_plan['id']}/evaluations/", evaluation)
    assert response.status_code == 201, response.content
    dashboard = client_for("huyen.yen-phong").get(API + f"plans/{me_plan['id']}/dashboard/").json()
    achieved = {i["name"]: (i["value"], i["percent"]) for i in dashboard["indicators"]}
    assert achieved["Thu nhập bình quân đầu người"] == (62.5, 94.7)
    assert {a["title"]: a["share_done"] for a in dashboard["activities"]}["Tập huấn kỹ thuật trồng lúa"] == 100.0
    assert dashboard["works"]["features"][0]["properties"]["share_done"] == 55.0
    q1_row = next(r for r in dashboard["reporting"] if r["period"]["id"] == q1.pk)
    assert q1_row["status"] == "accepted"
    villages = {v["village"]: v["status"] for v in q1_row["villages"]}
    assert [villages.pop(code) for code in VILLAGES] == ["submitted", "submitted"]
    assert set(villages.values()) == {"missing"}  # the commune's other villages have not reported


def test_me_plan_is_refused_before_the_commune_plan_is_approved(district, client_for):
    plan = approved_plan(district(), status="working")
    response = post(client_for("xa.09193"), API + "plans/", {"plan": plan.pk})
    assert response.status_code == 400
    assert "approved" in str(response.json()["plan"]) or "phê duyệt" in str(response.json()["plan"])
    connection.set_tenant(district())
    assert not MEPlan.objects.exists()


def test_only_the_commune_team_builds_and_approves_the_me_plan(district, client_for):
    plan = approved_plan(district())
    for username in ("huyen.yen-phong", "thon.09193-01", "tinh"):
        assert post(client_for(username), API + "plans/", {"plan": plan.pk}).status_code == 403
    me_plan = post(client_for("xa.09193"), API + "plans/", {"plan": plan.pk}).json()
    # Approval needs a person responsible for every indicator and activity (Đ9.3).
    response = post(client_for("xa.09193"), API + f"plans/{me_plan['id']}/approve/")
    assert response.status_code == 400 and "responsible" in response.json()
    assert post(client_for("huyen.yen-phong"), API + f"plans/{me_plan['id']}/approve/").status_code == 403
    connection.set_tenant(district())
    assert MEPlan.objects.get().status == "draft"
    assert list(MEPlanEvent.objects.values_list("action", flat=True)) == ["created"]
    assert Indicator.objects.count() == 2

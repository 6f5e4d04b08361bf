"""Issue 14, "Tests": one whole plan cycle and its M&E through the API, with every actor of the Decision acting for
itself and nobody acting for it.

A provincial department publishes resource information (Đ5.2, Đ15.2); the commune team opens the cycle and names its
team (Đ3); a village head and a commune unit propose (Đ5.1) and the team decides; the district office orients, passing
the department's publication on; a district sector office gives the step-4 feedback (Đ5.4, Đ16.2); the People's Council
passes the plan (Đ6.1) and the district approves it (Đ16.3); then the M&E plan (Đ9), the village report, the commune
report by the office-statistics officer (Đ10.2b), its review by the district (Đ11.4) and the council's evaluation
(Đ11.2). Along the way: each refusal (wrong actor, wrong step, future date, missing gate), the inbox of each role, and
the lateness of the approval (due 30/12/2025, done 25/11/2026) kept after completion at the commune, district and
province levels. The plan year is 2026 (planned during 2025), so the cycle is opened back in April 2025.
"""
import json
import re
from datetime import date, datetime, time

import pytest
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import User
from frontend.inbox import inbox_for
from geo.models import AdministrativeUnit
from monitoring.models import ReportingPeriod
from plans.models import PlanCycle
from tests.plans.factories import TEAM, proposals_decided
from tests.proposals.conftest import feature, inside

pytestmark = pytest.mark.django_db
D = "/d/yen-phong/api"
P = f"{D}/plans"
COMMUNE, VILLAGE, YEAR = "09196", "09196-01", 2026
APPROVED_ON = date(2026, 11, 25)
DAYS_LATE = (APPROVED_ON - date(2025, 12, 30)).days  # 330


def send(client, url, data=None, method="post"):
    return getattr(client, method)(url, json.dumps(data if data is not None else {}), content_type="application/json")


def ok(response):
    assert response.status_code in (200, 201), response.content
    return response.json()


# Letters only Vietnamese writes (with their diacritics): a reason in English has none.
VIETNAMESE = re.compile(r"[ăâđêôơưàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ]", re.IGNORECASE)


def refused(response, status, field=None):
    """A refusal with its status, its reason in Vietnamese (the default language); a 400 names `field`."""
    assert response.status_code == status, response.content
    body = response.json()
    assert response.headers.get("Content-Language") == "vi", response.headers
    reasons = body[field] if field is not None else [body["detail"]] if "detail" in body else [r for v in body.values() for r in v]
    if field is not None:
        assert field in body, body
    assert reasons and all(VIETNAMESE.search(str(reason)) for reason in reasons), body
    return body


def complete(client, cycle, step, decided_on=None):
    return send(client, f"{P}/cycles/{cycle}/steps/{step}/complete/", {"decided_on": decided_on} if decided_on else {})


def kinds(username, on):
    """The inbox of a user on a day: {key: kind}."""
    return {i.key: i.kind for i in inbox_for(User.objects.get(username=username), on=on)}


def test_every_actor_acts_for_itself_through_a_whole_cycle_and_its_monitoring(client_for, district):
    yen_phong = district("yen-phong")
    xa, huyen, council = client_for(f"xa.{COMMUNE}"), client_for("huyen.yen-phong"), client_for(f"hdnd.{COMMUNE}")
    officer, head, unit = client_for(f"thongke.{COMMUNE}"), client_for(f"thon.{VILLAGE}"), client_for(f"donvi.{COMMUNE}.1")
    office, department, other_team = client_for("phong.yen-phong.gddt"), client_for("so.khdt"), client_for("xa.09193")

    # ---- step 2's inputs from the province (Đ5.2, Đ15.2): a department publishes, nobody else writes for it --------
    body = {"plan_year": YEAR, "kind": "resources", "title": "Thông tin nguồn lực ngành 2026"}
    refused(send(huyen, "/api/province/publications/", body), 403)
    refused(send(client_for("tinh"), "/api/province/publications/", body), 403)
    publication = ok(send(department, "/api/province/publications/", body))["id"]
    assert kinds("so.khdt", date(2025, 5, 1))[f"public:department-publication:{publication}"] == "publication_publish"
    refused(send(client_for("so.tc"), f"/api/province/publications/{publication}/publish/"), 404)  # another department: its draft is unseen
    ok(send(department, f"/api/province/publications/{publication}/publish/"))
    assert f"public:department-publication:{publication}" not in kinds("so.khdt", date(2025, 5, 1))

    # ---- Đ3: the commune team opens its cycle and names its team ----------------------------------------------------
    for stranger in (council, officer, head, office):
        assert send(stranger, f"{P}/cycles/", {"commune": COMMUNE, "plan_year": YEAR}).status_code in (403, 404)
    cycle = ok(send(xa, f"{P}/cycles/", {"commune": COMMUNE, "plan_year": YEAR}))["id"]
    with tenant_context(yen_phong):  # opened in time, in April 2025
        PlanCycle.objects.filter(pk=cycle).update(created_at=timezone.make_aware(datetime.combine(date(2025, 4, 1), time(9))))
    refused(complete(xa, cycle, "team", "2025-04-20"), 400)  # missing gate: no team yet
    ok(send(xa, f"{P}/cycles/{cycle}/team/", {"members": TEAM}, "put"))
    refused(complete(xa, cycle, "team", "2099-01-01"), 400, "decided_on")  # a future date
    refused(complete(xa, cycle, "draft"), 400, "step")  # the wrong step
    refused(complete(council, cycle, "team"), 403)  # the wrong actor
    ok(complete(xa, cycle, "team", "2025-04-20"))

    # ---- step 1 (Đ5.1): a village head and a commune unit propose; only the team decides ---------------------------
    village_proposal = ok(send(head, f"{D}/proposals/", feature(commune=COMMUNE, coordinates=inside(VILLAGE), plan_year=YEAR,
                                                                 title="Kênh tưới thôn 1", sector="irrigation")))["id"]
    unit_proposal = ok(send(unit, f"{D}/proposals/", feature(commune=COMMUNE, coordinates=inside(COMMUNE), plan_year=YEAR,
                                                              title="Sửa phòng học", sector="education")))["id"]
    waiting = kinds(f"xa.{COMMUNE}", date(2025, 4, 25))
    assert waiting[f"d258:proposal:{village_proposal}"] == waiting[f"d258:proposal:{unit_proposal}"] == "proposal_decide"
    assert f"d258:cycle:{cycle}:proposals" in waiting
    refused(complete(xa, cycle, "proposals", "2025-04-28"), 400)  # missing gate: proposals undecided
    refused(send(head, f"{D}/proposals/{village_proposal}/accept/"), 403)  # a proposer never decides
    refused(send(unit, f"{D}/proposals/{unit_proposal}/accept/"), 403)
    assert send(other_team, f"{D}/proposals/{village_proposal}/accept/").status_code in (403, 404)  # another commune's team
    ok(send(xa, f"{D}/proposals/{village_proposal}/accept/"))
    ok(send(xa, f"{D}/proposals/{unit_proposal}/defer/", {"reason": "Chờ nguồn vốn ngành giáo dục"}))
    proposals_decided(yen_phong, commune_code=COMMUNE, plan_year=YEAR)  # the demo's other proposals of the year, if any
    ok(complete(xa, cycle, "proposals", "2025-04-28"))  # decided on 28/04 (due 10/05): on time

    # ---- step 2: the district orients, passing the department's publication on ---------------------------------------
    assert f"d258:cycle:{cycle}:orientation" in kinds("huyen.yen-phong", date(2025, 5, 20))
    refused(send(office, f"{P}/orientations/", {"plan_year": YEAR, "title": "x"}), 403)
    orientation = ok(send(huyen, f"{P}/orientations/", {"plan_year": YEAR, "title": "Định hướng 2026", "department_publications": [publication]}))["id"]
    refused(complete(huyen, cycle, "orientation", "2025-05-31"), 400)  # missing gate: not published to the communes
    ok(send(huyen, f"{P}/orientations/{orientation}/publish/"))
    refused(complete(xa, cycle, "orientation"), 403)  # the district's step
    ok(complete(huyen, cycle, "orientation", "2025-05-31"))
    seen = ok(xa.get(f"{P}/cycles/{cycle}/orientation/"))["results"][0]
    assert [p["id"] for p in seen["department_publications"]] == [publication]

    # ---- step 3: the team's draft from the accepted proposal, with its consultation -----------------------------------
    v1 = ok(send(xa, f"{P}/cycles/{cycle}/draft/"))["id"]
    refused(send(council, f"{P}/cycles/{cycle}/conferences/", {"kind": "consultation", "held_on": "2025-06-20", "participants": 40,
                                                               "summary": "ok"}), 403)
    refused(send(xa, f"{P}/cycles/{cycle}/conferences/", {"kind": "consultation", "held_on": "2099-06-20", "participants": 40,
                                                          "summary": "ok"}), 400, "held_on")
    ok(send(xa, f"{P}/cycles/{cycle}/conferences/", {"kind": "consultation", "held_on": "2025-06-20", "participants": 40, "summary": "ok"}))
    ok(complete(xa, cycle, "draft", "2025-06-30"))

    # ---- step 4 (Đ5.4, Đ16.2): the sector office reviews and signs its feedback; the team answers ---------------------
    assert kinds("phong.yen-phong.gddt", date(2025, 7, 1))[f"d258:cycle:{cycle}:district_feedback"] == "feedback_give"
    assert kinds("huyen.yen-phong", date(2025, 7, 1))[f"d258:cycle:{cycle}:district_feedback"] == "feedback_give"
    refused(complete(huyen, cycle, "district_feedback", "2025-07-05"), 400)  # missing gate: no feedback, no "no comments"
    refused(send(xa, f"{P}/{v1}/feedback/", {"sector": "education", "body": "tự nhận xét"}), 403)
    refused(send(client_for("huyen.que-vo"), f"{P}/{v1}/feedback/", {"sector": "education", "body": "x"}), 404)  # another district
    feedback = ok(send(office, f"{P}/{v1}/feedback/", {"sector": "education", "body": "Bổ sung lớp học mầm non"}))
    assert feedback["sector_office"] and feedback["office"]  # signed by the office
    assert kinds(f"xa.{COMMUNE}", date(2025, 7, 3))[f"d258:feedback:{feedback['id']}"] == "feedback_answer"
    refused(send(office, f"{D}/plans/feedback/{feedback['id']}/answer/", {"answer": "x"}), 403)
    ok(send(xa, f"{P}/feedback/{feedback['id']}/answer/", {"answer": "Đã bổ sung vào kế hoạch"}))
    ok(complete(huyen, cycle, "district_feedback", "2025-07-05"))

    # ---- step 5: the revised draft and the SEDP conference -----------------------------------------------------------
    v2 = ok(send(xa, f"{P}/{v1}/new-version/", {"kind": "revised"}))["id"]
    ok(send(xa, f"{P}/cycles/{cycle}/conferences/", {"kind": "sedp", "held_on": "2025-07-08", "participants": 80, "summary": "ok"}))
    ok(complete(xa, cycle, "sedp_conference", "2025-07-10"))

    # ---- Đ6, Đ16.3: the council passes the plan, the district approves it, the team announces it --------------------
    v3 = ok(send(xa, f"{P}/{v2}/new-version/", {"kind": "final"}))["id"]
    assert kinds(f"hdnd.{COMMUNE}", date(2026, 11, 1))[f"d258:resolution:{v3}"] == "resolution_record"
    assert f"d258:resolution:{v3}" not in kinds(f"xa.{COMMUNE}", date(2026, 11, 1))
    refused(send(xa, f"{P}/{v3}/resolution/", {"number": "10/NQ-HĐND", "date": "2026-11-10"}), 403)
    refused(send(client_for("hdnd.09193"), f"{P}/{v3}/resolution/", {"number": "10/NQ-HĐND", "date": "2026-11-10"}), 404)
    refused(send(council, f"{P}/{v3}/resolution/", {"number": "10/NQ-HĐND", "date": "2099-11-10"}), 400, "date")
    refused(send(huyen, f"{P}/{v3}/district-approval/", {"number": "45/QĐ-UBND", "date": "2026-11-20"}), 400)  # no resolution yet
    ok(send(council, f"{P}/{v3}/resolution/", {"number": "10/NQ-HĐND", "date": "2026-11-10"}))
    assert f"d258:resolution:{v3}" not in kinds(f"hdnd.{COMMUNE}", date(2026, 11, 12))
    assert kinds("huyen.yen-phong", date(2026, 11, 12))[f"d258:approval:{v3}"] == "approval_decide"
    refused(send(council, f"{P}/{v3}/district-approval/", {"number": "45/QĐ-UBND", "date": "2026-11-20"}), 403)
    refused(send(office, f"{P}/{v3}/district-approval/", {"number": "45/QĐ-UBND", "date": "2026-11-20"}), 403)
    ok(send(huyen, f"{P}/{v3}/district-approval/", {"number": "45/QĐ-UBND", "date": "2026-11-20"}))
    refused(complete(huyen, cycle, "approval", APPROVED_ON.isoformat()), 403)  # the commune announces its plan
    data = ok(complete(xa, cycle, "approval", APPROVED_ON.isoformat()))
    assert [t["actor"]["username"] for t in data["events"]] == [f"xa.{COMMUNE}", f"xa.{COMMUNE}", "huyen.yen-phong", f"xa.{COMMUNE}",
                                                         "huyen.yen-phong", f"xa.{COMMUNE}", f"xa.{COMMUNE}"]
    assert not any(k.startswith(f"d258:cycle:{cycle}:") for k in kinds(f"xa.{COMMUNE}", date(2026, 11, 26)))

    # ---- lateness kept after completion: the commune, the district, the province --------------------------------------
    late = f"hoàn thành muộn {DAYS_LATE} ngày"
    assert data["step"] == "published" and data["overdue"] is False and data["lateness"] == late
    assert data["late_steps"] == [{"step": "approval", "days_late": DAYS_LATE}]
    rows = {r["commune"]: r for r in ok(huyen.get(f"{P}/dashboard/?plan_year={YEAR}"))["communes"]}
    assert rows[COMMUNE]["state"] == "published" and rows[COMMUNE]["lateness"] == late
    compliance = ok(client_for("tinh").get(f"/api/province/plan-compliance/?year={YEAR}"))
    mine = next(c for c in compliance["communes"] if c["code"] == COMMUNE)
    assert (mine["step"], mine["overdue"], mine["done_late"], mine["days_late"]) == ("published", False, True, DAYS_LATE)

    # ---- Đ9–Đ11: the M&E plan, the village report, the commune report, its review, the council's evaluation ----------
    refused(send(officer, f"{D}/monitoring/plans/", {"plan": v3}), 403)
    me_plan = ok(send(xa, f"{D}/monitoring/plans/", {"plan": v3}))
    activities = [{"id": a["id"], "responsible": "Ban QLDA xã"} for a in me_plan["activities"]]
    ok(send(xa, f"{D}/monitoring/plans/{me_plan['id']}/", {"activities": activities}, "patch"))
    refused(send(xa, f"{D}/monitoring/plans/{me_plan['id']}/approve/", {"decision_number": "50/QĐ-UBND", "decision_date": "2099-01-01"}),
            400, "decision_date")
    ok(send(xa, f"{D}/monitoring/plans/{me_plan['id']}/approve/", {"decision_number": "50/QĐ-UBND", "decision_date": "2026-11-26"}))
    with tenant_context(yen_phong):
        q1 = ReportingPeriod.objects.get(year=YEAR, kind="quarter", number=1)
        half = ReportingPeriod.objects.get(year=YEAR, kind="half", number=1)
    on = date(2026, 11, 27)
    assert kinds(f"thon.{VILLAGE}", on)[f"d258:report:{me_plan['id']}:{q1.pk}:{AdministrativeUnit.objects.get(code=VILLAGE).pk}"] == "report_due"
    assert kinds(f"thongke.{COMMUNE}", on)[f"d258:report:{me_plan['id']}:{q1.pk}:c"] == "report_due"
    assert kinds(f"hdnd.{COMMUNE}", on)[f"d258:council-evaluation:{me_plan['id']}:{half.pk}"] == "evaluation_due"
    assert not any(k.startswith("d258:report:") for k in kinds(f"xa.{COMMUNE}", on))  # the team submits no report

    village_report = ok(send(head, f"{D}/monitoring/reports/", {"me_plan": me_plan["id"], "period": q1.pk, "village": VILLAGE}))["id"]
    refused(send(xa, f"{D}/monitoring/reports/{village_report}/submit/"), 403)
    ok(send(head, f"{D}/monitoring/reports/{village_report}/submit/"))
    assert kinds(f"xa.{COMMUNE}", on)[f"d258:report-review:{village_report}"] == "report_review"
    refused(send(xa, f"{D}/monitoring/reports/", {"me_plan": me_plan["id"], "period": q1.pk}), 403)
    commune_report = ok(send(officer, f"{D}/monitoring/reports/", {"me_plan": me_plan["id"], "period": q1.pk}))["id"]
    ok(send(officer, f"{D}/monitoring/reports/{commune_report}/submit/"))
    assert f"d258:report:{me_plan['id']}:{q1.pk}:c" not in kinds(f"thongke.{COMMUNE}", on)
    assert kinds("huyen.yen-phong", on)[f"d258:report-review:{commune_report}"] == "report_review"
    refused(send(office, f"{D}/monitoring/reports/{commune_report}/accept/"), 403)
    ok(send(huyen, f"{D}/monitoring/reports/{commune_report}/accept/"))
    assert f"d258:report-review:{commune_report}" not in kinds("huyen.yen-phong", on)

    evaluation = {"period": half.pk, "held_on": "2026-11-27", "assessment": "Đạt 7/9 chỉ tiêu chủ yếu", "resolution_number": "15/NQ-HĐND"}
    refused(send(xa, f"{D}/monitoring/plans/{me_plan['id']}/evaluations/", evaluation), 403)
    refused(send(officer, f"{D}/monitoring/plans/{me_plan['id']}/evaluations/", evaluation), 403)
    refused(send(council, f"{D}/monitoring/plans/{me_plan['id']}/evaluations/", {**evaluation, "held_on": "2099-01-01"}), 400, "held_on")
    ok(send(council, f"{D}/monitoring/plans/{me_plan['id']}/evaluations/", evaluation))
    assert f"d258:council-evaluation:{me_plan['id']}:{half.pk}" not in kinds(f"hdnd.{COMMUNE}", on)

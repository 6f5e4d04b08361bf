"""Issue 14, part 3: lateness stays visible after completion, at every level, and judged on the date of the decision.

A cycle of plan year 2026 whose approval was due on 30/12/2025 is driven through the API and approved on 25/11/2026,
330 days late: the cycle API, the cycle page, the district dashboard, the province's compliance API and page all keep
saying so once it is published. Step 1, decided on 28/04 and recorded later, is on time.
"""
import json
from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from core.deadlines import lateness
from tests.plans.factories import TEAM, inside_point

D = "/d/yen-phong/api/plans"
YEAR = 2026
APPROVED_ON = date(2026, 11, 25)
DAYS_LATE = (APPROVED_ON - date(2025, 12, 30)).days  # 330


def send(client, url, data=None, method="post"):
    return getattr(client, method)(url, json.dumps(data or {}), content_type="application/json")


def ok(response):
    assert response.status_code in (200, 201), response.content
    return response.json()


def complete(client, cycle, step, decided_on=None):
    return send(client, f"{D}/cycles/{cycle}/steps/{step}/complete/", {"decided_on": decided_on} if decided_on else {})


def opened_on(cycle, day):
    """Date a cycle's opening back to `day` (as if it had been opened then), so decisions of that time may be recorded."""
    from django_tenants.utils import tenant_context

    from plans.models import PlanCycle
    from tenants.models import District

    with tenant_context(District.objects.get(slug="yen-phong")):
        PlanCycle.objects.filter(pk=cycle).update(created_at=timezone.make_aware(datetime.combine(day, time(9))))


def published_late(client_for, commune="09196"):
    """Drive a 2026 cycle of the commune to publication through the API, every step on time but the approval (330 days late)."""
    xa, huyen = client_for(f"xa.{commune}"), client_for("huyen.yen-phong")
    cycle = ok(send(xa, f"{D}/cycles/", {"commune": commune, "plan_year": YEAR}))["id"]
    opened_on(cycle, date(2025, 4, 1))  # the cycle was opened in time, in April 2025
    ok(send(xa, f"{D}/cycles/{cycle}/team/", {"members": TEAM}, "put"))
    ok(complete(xa, cycle, "team", "2025-04-20"))
    ok(complete(xa, cycle, "proposals", "2025-04-28"))  # decided on 28/04, recorded long after: on time
    orientation = ok(send(huyen, f"{D}/orientations/", {"plan_year": YEAR, "title": "Định hướng 2026"}))["id"]
    ok(send(huyen, f"{D}/orientations/{orientation}/publish/"))
    ok(complete(huyen, cycle, "orientation", "2025-05-31"))
    v1 = ok(send(xa, f"{D}/cycles/{cycle}/draft/", {"from_accepted": False}))["id"]
    point, _ = inside_point(commune)
    ok(send(xa, f"{D}/{v1}/items/", {"type": "Feature", "geometry": point, "properties": {"title": "Đường trục xã", "sector": "transport"}}))
    ok(send(xa, f"{D}/cycles/{cycle}/conferences/", {"kind": "consultation", "held_on": "2025-06-20", "participants": 40, "summary": "ok"}))
    ok(complete(xa, cycle, "draft", "2025-06-30"))
    ok(send(huyen, f"{D}/{v1}/feedback/", {"no_comments": True}))
    ok(complete(huyen, cycle, "district_feedback", "2025-07-05"))
    v2 = ok(send(xa, f"{D}/{v1}/new-version/", {"kind": "revised"}))["id"]
    ok(send(xa, f"{D}/cycles/{cycle}/conferences/", {"kind": "sedp", "held_on": "2025-07-08", "participants": 80, "summary": "ok"}))
    ok(complete(xa, cycle, "sedp_conference", "2025-07-10"))
    v3 = ok(send(xa, f"{D}/{v2}/new-version/", {"kind": "final"}))["id"]
    ok(send(client_for(f"hdnd.{commune}"), f"{D}/{v3}/resolution/", {"number": "10/NQ-HĐND", "date": "2026-11-10"}))
    ok(send(huyen, f"{D}/{v3}/district-approval/", {"number": "45/QĐ-UBND", "date": "2026-11-20"}))
    return cycle, ok(complete(xa, cycle, "approval", APPROVED_ON.isoformat()))


def test_the_rule():
    due = date(2026, 5, 10)
    assert not lateness(due_on=due, done_on=None, on=due).overdue  # "by 10 May": the day itself is in time
    assert lateness(due_on=due, done_on=None, on=due + timedelta(days=3)).days_late == 3
    assert not lateness(due_on=due, done_on=date(2026, 4, 28), on=date(2026, 6, 1)).done_late
    late = lateness(due_on=due, done_on=date(2026, 5, 12), on=date(2027, 1, 1))
    assert (late.overdue, late.done_late, late.days_late) == (False, True, 2)
    assert not lateness(due_on=None, done_on=None).overdue


@pytest.mark.django_db
def test_a_cycle_approved_late_stays_late_at_every_level(client_for):
    cycle, data = published_late(client_for)

    # The cycle API: published, not overdue, but done late by 330 days, on the step and on the cycle.
    assert data["step"] == "published" and data["state"] == "published" and data["overdue"] is False
    steps = {s["step"]: s for s in data["steps"]}
    assert steps["approval"]["done_late"] is True and steps["approval"]["days_late"] == DAYS_LATE
    assert steps["approval"]["done_on"] == "2026-11-25" and steps["approval"]["due_date"] == "2025-12-30"
    assert steps["approval"]["lateness"] == f"hoàn thành muộn {DAYS_LATE} ngày"
    assert steps["proposals"]["done_on"] == "2025-04-28" and steps["proposals"]["done_late"] is False
    assert data["late_steps"] == [{"step": "approval", "days_late": DAYS_LATE}] and data["days_late"] == DAYS_LATE
    assert data["lateness"] == f"hoàn thành muộn {DAYS_LATE} ngày"
    assert [t["changes"]["decided_on"] for t in data["events"]][-1] == "2026-11-25"
    english = client_for("xa.09196").get(f"{D}/cycles/{cycle}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["lateness"] == f"done late by {DAYS_LATE} days"
    listed = {c["id"]: c for c in client_for("huyen.yen-phong").get(f"{D}/cycles/?plan_year={YEAR}").json()["results"]}
    assert listed[cycle]["state"] == "published" and listed[cycle]["days_late"] == DAYS_LATE

    # The cycle page and the district dashboard.
    assert f"hoàn thành muộn {DAYS_LATE} ngày" in client_for("xa.09196").get(f"/d/yen-phong/plans/cycles/{cycle}/").content.decode()
    rows = {r["commune"]: r for r in client_for("huyen.yen-phong").get(f"{D}/dashboard/?plan_year={YEAR}").json()["communes"]}
    assert rows["09196"]["state"] == "published" and rows["09196"]["late_steps"] == [{"step": "approval", "days_late": DAYS_LATE}]
    assert rows["09196"]["lateness"] == f"hoàn thành muộn {DAYS_LATE} ngày"
    assert f"hoàn thành muộn {DAYS_LATE} ngày" in client_for("huyen.yen-phong").get(f"/d/yen-phong/plans/?plan_year={YEAR}").content.decode()

    # The province: its compliance API and page count the late completion, from its own copy of the cycles.
    compliance = client_for("tinh").get(f"/api/province/plan-compliance/?year={YEAR}").json()
    commune = next(c for c in compliance["communes"] if c["code"] == "09196")
    assert (commune["step"], commune["overdue"], commune["done_late"], commune["days_late"]) == ("published", False, True, DAYS_LATE)
    assert commune["lateness"] == f"hoàn thành muộn {DAYS_LATE} ngày"
    yen_phong = next(d for d in compliance["districts"] if d["slug"] == "yen-phong")
    assert (yen_phong["published"], yen_phong["late"], yen_phong["overdue"]) == (1, 1, 0)
    page = client_for("tinh").get(f"/plans/?plan_year={YEAR}").content.decode()
    assert f"hoàn thành muộn {DAYS_LATE} ngày" in page and 'data-late="1"' in page


@pytest.mark.django_db
def test_a_decision_date_in_the_future_is_refused_and_changes_nothing(client_for):
    xa = client_for("xa.09196")
    cycle = ok(send(xa, f"{D}/cycles/", {"commune": "09196", "plan_year": YEAR}))["id"]
    ok(send(xa, f"{D}/cycles/{cycle}/team/", {"members": TEAM}, "put"))
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    r = complete(xa, cycle, "team", tomorrow)
    assert r.status_code == 400 and "decided_on" in r.json() and "tương lai" in r.json()["decided_on"][0]
    assert xa.get(f"{D}/cycles/{cycle}/").json()["step"] == "team"
    r = send(xa, f"{D}/cycles/{cycle}/team/", {"members": TEAM, "decision_date": tomorrow}, "put")
    assert r.status_code == 400 and "decision_date" in r.json()
    assert complete(xa, cycle, "team", "not a date").status_code == 400
    today = ok(complete(xa, cycle, "team"))  # without a date: today, in time or not by the calendar
    assert today["events"][-1]["changes"]["decided_on"] == timezone.localdate().isoformat()


@pytest.mark.django_db
def test_a_decision_cannot_be_backdated_before_what_came_before(client_for):
    """A step's decision dated before the cycle was opened (first step) or before the previous step's decision, and a
    district approval dated before the council's resolution, are 400s naming the field in Vietnamese; nothing changes."""
    xa = client_for("xa.09196")
    cycle = ok(send(xa, f"{D}/cycles/", {"commune": "09196", "plan_year": YEAR}))["id"]
    ok(send(xa, f"{D}/cycles/{cycle}/team/", {"members": TEAM}, "put"))
    r = complete(xa, cycle, "team", "2016-04-28")  # the cycle was opened today
    assert r.status_code == 400 and "ngày mở kỳ kế hoạch" in r.json()["decided_on"][0], r.content
    assert xa.get(f"{D}/cycles/{cycle}/").json()["step"] == "team"
    opened_on(cycle, date(2025, 4, 1))
    ok(complete(xa, cycle, "team", "2025-04-20"))
    r = complete(xa, cycle, "proposals", "2025-04-19")
    assert r.status_code == 400 and "20/04/2025" in r.json()["decided_on"][0] and "bước trước" in r.json()["decided_on"][0]
    data = xa.get(f"{D}/cycles/{cycle}/").json()
    assert data["step"] == "proposals" and len(data["events"]) == 1
    ok(complete(xa, cycle, "proposals", "2025-04-20"))  # the same day as the previous decision is fine


@pytest.mark.django_db
def test_the_district_approval_cannot_be_dated_before_the_council_resolution(client_for):
    cycle, _ = published_late(client_for)
    # published_late passed the plan by resolution on 10/11/2026 and approved it on 20/11/2026: an amendment's
    # approval dated before its resolution is refused the same way.
    xa, huyen = client_for("xa.09196"), client_for("huyen.yen-phong")
    final = [v for v in xa.get(f"{D}/cycles/{cycle}/").json()["versions"] if v["kind"] == "final"][0]["id"]
    amendment = ok(send(xa, f"{D}/{final}/amend/", {"reason": "Điều chỉnh vốn"}))["id"]
    ok(send(client_for("hdnd.09196"), f"{D}/{amendment}/resolution/", {"number": "20/NQ-HĐND", "date": "2026-11-26"}))
    r = send(huyen, f"{D}/{amendment}/district-approval/", {"number": "50/QĐ-UBND", "date": "2026-11-25"})
    assert r.status_code == 400 and "26/11/2026" in r.json()["date"][0] and "nghị quyết" in r.json()["date"][0], r.content
    assert send(huyen, f"{D}/{amendment}/district-approval/", {"number": "50/QĐ-UBND", "date": "2026-11-26"}).status_code == 200


@pytest.mark.django_db
def test_every_happened_on_date_in_the_future_is_refused(client_for, settings, tmp_path):
    """One rule for every date of something that happened (a conference held, a decision, a document issued): a date
    after today is a 400 naming the field, in Vietnamese, and nothing is stored."""
    settings.MEDIA_ROOT = tmp_path
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()
    xa, huyen = client_for("xa.09196"), client_for("huyen.yen-phong")
    cycle = ok(send(xa, f"{D}/cycles/", {"commune": "09196", "plan_year": YEAR}))["id"]
    opened_on(cycle, date(2025, 4, 1))
    ok(send(xa, f"{D}/cycles/{cycle}/team/", {"members": TEAM}, "put"))
    ok(complete(xa, cycle, "team", "2025-04-20"))
    ok(complete(xa, cycle, "proposals", "2025-04-28"))
    orientation = ok(send(huyen, f"{D}/orientations/", {"plan_year": YEAR, "title": "Định hướng 2026"}))["id"]
    ok(send(huyen, f"{D}/orientations/{orientation}/publish/"))
    ok(complete(huyen, cycle, "orientation", "2025-05-31"))
    ok(send(xa, f"{D}/cycles/{cycle}/draft/", {"from_accepted": False}))
    r = send(xa, f"{D}/cycles/{cycle}/conferences/", {"kind": "consultation", "held_on": tomorrow, "participants": 40, "summary": "ok"})
    assert r.status_code == 400 and "tương lai" in r.json()["held_on"][0], r.content
    assert xa.get(f"{D}/cycles/{cycle}/").json()["conferences"] == []

    # The district's public-investment plan: neither on creation (no longer dropped silently) nor by a change.
    base = "/d/yen-phong/api/investment-plans/"
    r = send(huyen, base, {"kind": "medium_term", "name": "KH trung hạn", "start_year": 2026, "decision_date": tomorrow})
    assert r.status_code == 400 and "decision_date" in r.json()
    made = ok(send(huyen, base, {"kind": "medium_term", "name": "KH trung hạn", "start_year": 2026, "decision_number": "5/NQ", "decision_date": "2026-01-05"}))
    assert made["decision_date"] == "2026-01-05"
    r = send(huyen, f"{base}{made['id']}/", {"decision_date": tomorrow}, "patch")
    assert r.status_code == 400 and "tương lai" in r.json()["decision_date"][0]
    assert huyen.get(f"{base}{made['id']}/").json()["decision_date"] == "2026-01-05"

    # A library document issued in 2099.
    r = client_for("tinh").post("/api/province/library/", {"kind": "form", "title": "Mẫu", "issued_on": "01/01/2099", "issuer": "Sở KH&ĐT"},
                                HTTP_ACCEPT_LANGUAGE="vi")
    assert r.status_code == 400 and "tương lai" in r.json()["issued_on"][0]

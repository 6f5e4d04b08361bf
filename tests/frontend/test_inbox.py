"""The work inbox of each role with real data, `GET /api/me/inbox/`, the page and its header count, and the daily
e-mail reminders (issue 14, part 4)."""
import json
from datetime import date, timedelta

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django_tenants.utils import tenant_context

from accounts.models import ReminderSent, User
from duties.models import Difficulty
from frontend.inbox import inbox_for
from geo.models import AdministrativeUnit
from monitoring import services as monitoring_services
from monitoring.models import MEPlan
from plans.models import PlanCycle
from proposals.models import Proposal
from tests.investment.factories import make_draft_item
from tests.plans.factories import inside_point

D = "/d/yen-phong"


def user(name):
    return User.objects.get(username=name)


def submitted_proposal(tenant, *, commune="09193", plan_year=2027, title="Nạo vét kênh tưới tiêu thôn Đông"):
    _, geom = inside_point(commune)
    with tenant_context(tenant):
        return Proposal.objects.create(commune=AdministrativeUnit.objects.get(code=commune), source_kind="village", plan_year=plan_year,
                                       title=title, sector="irrigation", estimated_cost=300_000_000, geom=geom, created_by=user(f"xa.{commune}"))


def cycle_at(tenant, commune, step, plan_year=2027):
    with tenant_context(tenant):
        cycle, _ = PlanCycle.objects.update_or_create(commune=AdministrativeUnit.objects.get(code=commune), plan_year=plan_year,
                                                      defaults={"step": step, "created_by": user(f"xa.{commune}")})
        return cycle


def keyed(items):
    return {item.key: item for item in items}


@pytest.fixture
def yen_phong(district):
    return district("yen-phong")


@pytest.mark.django_db
def test_the_commune_team_is_asked_to_decide_its_proposals_and_to_do_its_own_steps(yen_phong):
    proposal = submitted_proposal(yen_phong)
    other = submitted_proposal(yen_phong, commune="09196", title="Đề xuất của xã khác")
    own_cycle, other_cycle = cycle_at(yen_phong, "09193", "draft"), cycle_at(yen_phong, "09196", "district_feedback")
    items = keyed(inbox_for(user("xa.09193"), on=date(2026, 6, 1)))
    decide = items[f"d258:proposal:{proposal.pk}"]
    assert decide.kind == "proposal_decide" and decide.due_on == date(2026, 5, 10) and decide.is_overdue(date(2026, 6, 1))
    assert "Nạo vét kênh" in decide.title and decide.url == f"{D}/proposals/#proposal-{proposal.pk}"
    step = items[f"d258:cycle:{own_cycle.pk}:draft"]
    assert step.kind == "step_due" and step.due_on == date(2026, 6, 30)
    assert f"d258:proposal:{other.pk}" not in items and not any(k.startswith(f"d258:cycle:{other_cycle.pk}:") for k in items)


@pytest.mark.django_db
def test_the_district_is_asked_for_its_feedback_and_its_answers(yen_phong, client_for):
    cycle = cycle_at(yen_phong, "09193", "district_feedback")
    cycle_at(yen_phong, "09196", "draft")  # the commune's step: not the district's work
    difficulty = json.loads(client_for("xa.09193").post(f"{D}/api/duties/difficulties/", json.dumps({"commune": "09193", "title": "Thiếu vốn", "body": "B"}),
                                                        content_type="application/json").content)
    items = keyed(inbox_for(user("huyen.yen-phong"), on=date(2026, 7, 1)))
    feedback = items[f"d258:cycle:{cycle.pk}:district_feedback"]
    assert feedback.kind == "feedback_give" and feedback.due_on == date(2026, 7, 5) and not feedback.is_overdue(date(2026, 7, 1))
    assert items[f"d258:difficulty:{difficulty['id']}"].kind == "difficulty_answer"
    assert {i.kind for i in items.values()} <= {"feedback_give", "step_due", "difficulty_answer", "approval_decide", "report_review", "correction_close"}
    assert not any(i.kind == "step_due" and "09196" in i.key for i in items.values())
    # Another district's office sees none of it.
    assert not any(k.startswith("d258:") for k in keyed(inbox_for(user("huyen.que-vo"), on=date(2026, 7, 1))))


@pytest.mark.django_db
def test_the_village_head_is_reminded_of_its_reports_due_and_overdue(yen_phong):
    item = make_draft_item(yen_phong, commune="09193", plan_year=2026)
    with tenant_context(yen_phong):
        MEPlan.objects.create(plan=item.plan, commune=item.plan.cycle.commune, year=2026, status="approved", created_by=user("xa.09193"))
        periods = monitoring_services.periods_ensure(year=2026)
    first = min(periods, key=lambda p: p.ends_on)
    items = [i for i in inbox_for(user("thon.09193-01"), on=date(2026, 4, 3)) if i.kind == "report_due"]
    assert [(i.due_on, i.is_overdue(date(2026, 4, 3))) for i in items] == [(first.village_due_on, False)]
    late = [i for i in inbox_for(user("thon.09193-01"), on=date(2026, 4, 20)) if i.kind == "report_due"]
    assert late and all(i.is_overdue(date(2026, 4, 20)) for i in late)
    # The office-statistics officer owes the commune report of the same period, later (Đ10.2b).
    team = [i for i in inbox_for(user("thongke.09193"), on=date(2026, 4, 3)) if i.kind == "report_due"]
    assert [i.due_on for i in team] == [first.commune_due_on]
    # Another commune's village head owes nothing here.
    assert [i for i in inbox_for(user("thon.09196-01"), on=date(2026, 4, 3)) if i.kind == "report_due"] == []


@pytest.mark.django_db
def test_the_province_is_asked_to_answer_what_districts_forward(yen_phong, client_for):
    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    pk = json.loads(xa.post(f"{D}/api/duties/difficulties/", json.dumps({"commune": "09193", "title": "Vướng GPMB", "body": "B"}),
                            content_type="application/json").content)["id"]
    assert not [i for i in inbox_for(user("tinh")) if i.kind == "difficulty_answer"]
    huyen.post(f"{D}/api/duties/difficulties/{pk}/forward/", "{}", content_type="application/json")
    mine = [i for i in inbox_for(user("tinh")) if i.kind == "difficulty_answer"]
    assert [i.key for i in mine] == [f"public:difficulty:258:{pk}"] and "Vướng GPMB" in mine[0].title
    assert mine[0].url == f"{D}/duties/difficulties/#difficulty-{pk}"
    # Once the district forwarded it, it left the district's inbox.
    assert f"d258:difficulty:{pk}" not in keyed(inbox_for(user("huyen.yen-phong")))
    client_for("tinh").post(f"{D}/api/duties/difficulties/{pk}/answer/", json.dumps({"answer": "Đã xử lý"}), content_type="application/json")
    assert not [i for i in inbox_for(user("tinh")) if i.kind == "difficulty_answer"]
    with tenant_context(yen_phong):
        assert Difficulty.objects.get(pk=pk).status == "province_answered"


@pytest.mark.django_db
def test_the_api_and_the_page_give_the_same_items_and_the_header_counts_them(yen_phong, client_for):
    proposal = submitted_proposal(yen_phong)
    xa = client_for("xa.09193")
    answer = xa.get("/api/me/inbox/")
    assert answer.status_code == 200
    body = answer.json()
    expected = [i.key for i in inbox_for(user("xa.09193"))]
    assert [i["key"] for i in body["items"]] == expected and body["count"] == len(expected) >= 1
    mine = next(i for i in body["items"] if i["key"] == f"d258:proposal:{proposal.pk}")
    assert mine["due_on"] == "2026-05-10" and mine["overdue"] is True and mine["title"].startswith("Quyết định về đề xuất")
    page = xa.get("/inbox/").content.decode()
    assert "Việc chờ tôi" in page and f'data-testid="inbox-count">{len(expected)}<' in page and "Nạo vét kênh" in page
    assert "quá hạn" in page
    # Citizens and anonymous callers have no inbox.
    assert client_for(None).get("/api/me/inbox/").status_code == 401
    assert client_for(None).get("/inbox/").status_code == 302


@pytest.mark.django_db
def test_everyone_with_an_inbox_lands_on_it_after_login(client_for):
    from django.test import Client

    from tests.conftest import DEMO_PASSWORD

    for name in ("tinh", "huyen.yen-phong", "xa.09193", "thon.09193-01", "hdnd.09193", "thongke.09193", "donvi.09193.2",
                 "phong.yen-phong.gddt", "so.khdt"):
        response = Client().post("/accounts/login/", {"username": name, "password": DEMO_PASSWORD})
        assert response.status_code == 302 and response["Location"] == "/inbox/", name


@pytest.mark.django_db
def test_a_reminder_is_sent_when_new_before_the_due_date_and_when_overdue_and_never_twice_a_day(yen_phong, settings):
    settings.REMINDER_DAYS_BEFORE = [7, 3, 1]
    settings.REMINDER_OVERDUE_EVERY_DAYS = 7
    User.objects.filter(username="xa.09193").update(email="xa09193@example.vn")
    proposal = submitted_proposal(yen_phong)
    key = f"d258:proposal:{proposal.pk}"

    def reasons():
        return list(ReminderSent.objects.filter(item_key=key).order_by("sent_on").values_list("sent_on", "reason"))

    def run(day):
        mail.outbox.clear()
        call_command("send_reminders", date=day)
        return [m for m in mail.outbox if m.to == ["xa09193@example.vn"]]

    sent = run("2026-05-01")
    line = next(t for t in sent[0].body.splitlines() if "Nạo vét kênh" in t) if len(sent) == 1 else ""
    assert "(mới, hạn 10/05/2026)" in line  # new, with its due date
    assert run("2026-05-01") == []  # the same day again: nothing
    # 8 days before: not a reminder day for it, so no e-mail names it and nothing is recorded for that day.
    assert not any("Nạo vét kênh" in m.body for m in run("2026-05-02"))
    assert not ReminderSent.objects.filter(item_key=key, sent_on=date(2026, 5, 2)).exists()
    sent = run("2026-05-07")  # three days before 10/05
    assert any("hạn 10/05/2026" in m.body and "Nạo vét kênh" in m.body for m in sent)
    assert run("2026-05-07") == []
    sent = run("2026-05-11")  # the first day overdue
    assert any("quá hạn từ 10/05/2026" in m.body and "Nạo vét kênh" in m.body for m in sent)
    run("2026-05-12")
    assert reasons() == [(date(2026, 5, 1), "new"), (date(2026, 5, 7), "due_soon"), (date(2026, 5, 11), "overdue")]
    # Decided: it leaves the inbox and is no longer recalled.
    with tenant_context(yen_phong):
        Proposal.objects.filter(pk=proposal.pk).update(status="accepted")
    run("2026-05-18")
    assert reasons()[-1] == (date(2026, 5, 11), "overdue")


# ---- the new actors of issue 14 each have their own inbox ----------------------------------------------------------

@pytest.mark.django_db
def test_the_council_is_asked_to_record_its_resolution_and_only_its_own_commune(yen_phong):
    item = make_draft_item(yen_phong, commune="09193", plan_year=2027)
    cycle_at(yen_phong, "09193", "approval")
    key = f"d258:resolution:{item.plan_id}"
    mine = keyed(inbox_for(user("hdnd.09193"), on=date(2026, 12, 1)))
    assert mine[key].kind == "resolution_record" and "2027" in mine[key].title and mine[key].due_on is not None
    assert key not in keyed(inbox_for(user("hdnd.09196"), on=date(2026, 12, 1)))
    assert key not in keyed(inbox_for(user("xa.09193"), on=date(2026, 12, 1)))  # the team does not record it
    with tenant_context(yen_phong):
        type(item.plan).objects.filter(pk=item.plan_id).update(council_resolution_number="12/NQ-HĐND", council_resolution_date=date(2026, 12, 2))
    assert key not in keyed(inbox_for(user("hdnd.09193"), on=date(2026, 12, 3)))


@pytest.mark.django_db
def test_the_commune_report_is_owed_by_the_statistics_officer_and_a_unit_assigned_to_report_owes_its_own(yen_phong):
    item = make_draft_item(yen_phong, commune="09193", plan_year=2026)
    with tenant_context(yen_phong):
        MEPlan.objects.create(plan=item.plan, commune=item.plan.cycle.commune, year=2026, status="approved", created_by=user("xa.09193"))
        periods = monitoring_services.periods_ensure(year=2026)
    first = min(periods, key=lambda p: p.ends_on)
    on = date(2026, 4, 3)
    officer = [i for i in inbox_for(user("thongke.09193"), on=on) if i.kind == "report_due"]
    assert [i.due_on for i in officer] == [first.commune_due_on]
    # The team may not submit the commune report (Đ10.2b), so it is no longer asked to.
    assert [i for i in inbox_for(user("xa.09193"), on=on) if i.kind == "report_due"] == []
    # The health station is assigned to report (donvi.<code>.2), the kindergarten (donvi.<code>.1) is not.
    station = [i for i in inbox_for(user("donvi.09193.2"), on=on) if i.kind == "report_due"]
    assert [i.due_on for i in station] == [first.village_due_on] and station[0].key.endswith(f":u{user('donvi.09193.2').commune_unit_id}")
    assert [i for i in inbox_for(user("donvi.09193.1"), on=on) if i.kind == "report_due"] == []


@pytest.mark.django_db
def test_a_sector_office_is_asked_for_feedback_in_step_four_of_its_own_district_only(yen_phong, district):
    in_step_4, drafting = cycle_at(yen_phong, "09193", "district_feedback"), cycle_at(yen_phong, "09196", "draft")
    items = keyed(inbox_for(user("phong.yen-phong.gddt"), on=date(2026, 7, 1)))
    give = items[f"d258:cycle:{in_step_4.pk}:district_feedback"]
    assert give.kind == "feedback_give" and give.due_on == date(2026, 7, 5)
    assert not any(k.startswith(f"d258:cycle:{drafting.pk}:") for k in items)
    assert {i.kind for i in items.values()} == {"feedback_give"}
    assert not any(k.startswith("d258:") for k in keyed(inbox_for(user("phong.que-vo.gddt"), on=date(2026, 7, 1))))


@pytest.mark.django_db
def test_a_department_is_asked_to_publish_its_drafts(client_for):
    khdt = client_for("so.khdt")
    made = khdt.post("/api/province/publications/", json.dumps({"plan_year": 2027, "kind": "orientation", "title": "Định hướng ngành 2027"}),
                     content_type="application/json")
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    key = f"public:department-publication:{pk}"
    mine = keyed(inbox_for(user("so.khdt"), on=date(2026, 6, 1)))
    assert mine[key].kind == "publication_publish" and "Định hướng ngành 2027" in mine[key].title and mine[key].due_on is not None
    assert key not in keyed(inbox_for(user("so.tc"), on=date(2026, 6, 1)))
    assert khdt.get("/api/me/inbox/").json()["count"] >= 1
    assert khdt.post(f"/api/province/publications/{pk}/publish/").status_code == 200
    assert key not in keyed(inbox_for(user("so.khdt"), on=date(2026, 6, 1)))


@pytest.mark.django_db
def test_a_no_comments_record_and_a_cycle_past_the_conference_ask_the_team_nothing(yen_phong):
    from plans.models import DistrictFeedback

    item = make_draft_item(yen_phong, commune="09193", plan_year=2027)
    cycle_at(yen_phong, "09193", "district_feedback")
    with tenant_context(yen_phong):
        none = DistrictFeedback.objects.create(plan=item.plan, body="Không có ý kiến", no_comments=True, author=user("huyen.yen-phong"))
        real = DistrictFeedback.objects.create(plan=item.plan, body="Bổ sung nguồn vốn", author=user("huyen.yen-phong"))
    items = keyed(inbox_for(user("xa.09193"), on=date(2026, 7, 1)))
    assert f"d258:feedback:{real.pk}" in items and f"d258:feedback:{none.pk}" not in items
    cycle_at(yen_phong, "09193", "approval")
    assert f"d258:feedback:{real.pk}" not in keyed(inbox_for(user("xa.09193"), on=date(2026, 7, 1)))


@pytest.mark.django_db
def test_a_reminder_goes_to_a_sector_office_and_an_overdue_item_is_never_called_new(yen_phong, settings):
    settings.REMINDER_DAYS_BEFORE = [7, 3, 1]
    settings.REMINDER_OVERDUE_EVERY_DAYS = 7
    User.objects.filter(username="phong.yen-phong.gddt").update(email="gddt@example.vn")
    cycle = cycle_at(yen_phong, "09193", "district_feedback")
    mail.outbox.clear()
    call_command("send_reminders", date="2026-07-10")  # five days after the step's 5 July date
    sent = [m for m in mail.outbox if m.to == ["gddt@example.vn"]]
    assert len(sent) == 1 and "quá hạn từ 05/07/2026" in sent[0].body and "(mới" not in sent[0].body
    assert ReminderSent.objects.filter(user__username="phong.yen-phong.gddt", item_key=f"d258:cycle:{cycle.pk}:district_feedback").exists()


# ---- the commune People's Council's evaluations due (Đ11.2) --------------------------------------------------------

def approved_me_plan(tenant, *, commune="09193", year=2026):
    item = make_draft_item(tenant, commune=commune, plan_year=year)
    with tenant_context(tenant):
        me_plan = MEPlan.objects.create(plan=item.plan, commune=item.plan.cycle.commune, year=year, status="approved",
                                        created_by=user(f"xa.{commune}"))
        periods = monitoring_services.periods_ensure(year=year)
    return me_plan, periods


@pytest.mark.django_db
def test_the_council_is_asked_for_its_evaluation_of_each_half_year_with_its_due_date_until_it_records_it(yen_phong, client_for, settings):
    settings.COUNCIL_EVALUATION_DAYS = 15
    me_plan, periods = approved_me_plan(yen_phong)
    half = next(p for p in periods if p.kind == "half" and p.number == 1)
    key = f"d258:council-evaluation:{me_plan.pk}:{half.pk}"
    on = date(2026, 7, 2)  # the first half-year has ended (and the first two quarters, which the council does not evaluate)
    mine = [i for i in inbox_for(user("hdnd.09193"), on=on) if i.kind == "evaluation_due"]
    assert [i.key for i in mine] == [key]
    assert mine[0].due_on == half.commune_due_on + timedelta(days=15) and not mine[0].is_overdue(on)
    assert mine[0].title == "Đánh giá các chỉ tiêu chủ yếu của Thị trấn Chờ, 6 tháng 1/2026"
    assert mine[0].url == f"{D}/monitoring/plans/{me_plan.pk}/"
    # Only this commune's council: not the planning team, not another commune's council.
    assert key not in keyed(inbox_for(user("xa.09193"), on=on)) and key not in keyed(inbox_for(user("hdnd.09196"), on=on))
    # The API lists it the same way, overdue today (the first half of 2026 is long past).
    council = client_for("hdnd.09193")
    item = next(i for i in council.get("/api/me/inbox/").json()["items"] if i["key"] == key)
    assert item["kind"] == "evaluation_due" and item["due_on"] == (half.commune_due_on + timedelta(days=15)).isoformat() and item["overdue"] is True
    # Recorded by the council: it leaves the inbox; the year's evaluation is asked for once the year has ended.
    answer = council.post(f"{D}/api/monitoring/plans/{me_plan.pk}/evaluations/",
                          json.dumps({"period": half.pk, "held_on": "2026-07-20", "assessment": "Đạt 6/8 chỉ tiêu chủ yếu"}),
                          content_type="application/json")
    assert answer.status_code == 201, answer.content
    assert not [i for i in inbox_for(user("hdnd.09193"), on=date(2026, 12, 31)) if i.kind == "evaluation_due"]
    left = [i.key for i in inbox_for(user("hdnd.09193"), on=date(2027, 1, 2)) if i.kind == "evaluation_due"]
    year = next(p for p in periods if p.kind == "year")
    assert left == [f"d258:council-evaluation:{me_plan.pk}:{year.pk}"]


@pytest.mark.django_db
def test_the_council_is_reminded_before_its_evaluation_is_due(yen_phong, settings):
    settings.COUNCIL_EVALUATION_DAYS = 15
    settings.REMINDER_DAYS_BEFORE = [3]
    User.objects.filter(username="hdnd.09193").update(email="hdnd09193@example.vn")
    me_plan, periods = approved_me_plan(yen_phong)
    half = next(p for p in periods if p.kind == "half" and p.number == 1)
    due = half.commune_due_on + timedelta(days=15)

    def run(day):
        mail.outbox.clear()
        call_command("send_reminders", date=day.isoformat())
        return [m for m in mail.outbox if m.to == ["hdnd09193@example.vn"]]

    run(date(2026, 7, 2))  # told once as new
    assert run(due - timedelta(days=4)) == []  # not a reminder day
    sent = run(due - timedelta(days=3))
    assert len(sent) == 1
    line = next(t for t in sent[0].body.splitlines() if "6 tháng 1/2026" in t)
    assert f"hạn {due.strftime('%d/%m/%Y')}" in line and "Đánh giá các chỉ tiêu chủ yếu" in line and f"/monitoring/plans/{me_plan.pk}/" in line
    assert ReminderSent.objects.filter(item_key=f"d258:council-evaluation:{me_plan.pk}:{half.pk}", reason="due_soon").count() == 1


# ---- each new item notifies its recipients, after commit (one mechanism: core.signals.work_created) -----------------

def mails_to(address):
    return [m for m in mail.outbox if m.to == [address]]


@pytest.mark.django_db
def test_a_new_proposal_notifies_the_commune_team_once_after_commit_and_not_its_author(yen_phong, client_for, django_capture_on_commit_callbacks):
    User.objects.filter(username="xa.09193").update(email="xa09193@example.vn")
    User.objects.filter(username="thon.09193-01").update(email="thon@example.vn")
    point, _geom = inside_point("09193-01")
    body = {"type": "Feature", "geometry": point, "properties": {"commune": "09193", "title": "Kè ao làng thôn Đông", "sector": "irrigation",
                                                                 "estimated_cost": 400_000_000}}
    with django_capture_on_commit_callbacks(execute=True):
        answer = client_for("thon.09193-01").post(f"{D}/api/proposals/", json.dumps(body), content_type="application/json")
    assert answer.status_code == 201, answer.content
    sent = mails_to("xa09193@example.vn")
    # Already overdue (step 1 of 2027 was due on 10/05/2026): told as such, never "new".
    assert len(sent) == 1 and mails_to("thon@example.vn") == []
    line = next(t for t in sent[0].body.splitlines() if "Kè ao làng thôn Đông" in t)
    assert "quá hạn từ 10/05/2026" in line and "/d/yen-phong/proposals/#proposal-" in line
    # Told once: the daily run of the same day and a second write tell nothing more about it.
    mail.outbox.clear()
    call_command("send_reminders")
    assert not any("Kè ao làng" in m.body for m in mails_to("xa09193@example.vn"))
    # A refused write tells no one.
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        refused = client_for("thon.09193-01").post(f"{D}/api/proposals/", json.dumps({**body, "properties": {**body["properties"], "estimated_cost": -1}}),
                                                   content_type="application/json")
    assert refused.status_code == 400 and mail.outbox == []


@pytest.mark.django_db
def test_feedback_a_report_and_a_cycle_moved_on_notify_whoever_must_act(yen_phong, django_capture_on_commit_callbacks):
    from monitoring.models import PeriodicReport
    from plans import services as plan_services

    for name, address in (("xa.09193", "xa@example.vn"), ("huyen.yen-phong", "huyen@example.vn"), ("hdnd.09193", "hdnd@example.vn")):
        User.objects.filter(username=name).update(email=address)
    # Step 4: a sector office's comment is for the commune team to answer.
    item = make_draft_item(yen_phong, commune="09193", plan_year=2027)
    cycle_at(yen_phong, "09193", "district_feedback")
    with tenant_context(yen_phong), django_capture_on_commit_callbacks(execute=True):
        plan_services.feedback_create(actor=user("phong.yen-phong.gddt"), plan=item.plan, body="Bổ sung trường mầm non", sector="education")
    assert any("Bổ sung trường mầm non" in m.body for m in mails_to("xa@example.vn"))
    # The statistics officer submits the commune report: the district office is told it waits for review.
    me_plan, periods = approved_me_plan(yen_phong, year=2026)
    mail.outbox.clear()
    with tenant_context(yen_phong):
        report = PeriodicReport.objects.create(me_plan=me_plan, period=periods[0], created_by=user("thongke.09193"))
        with django_capture_on_commit_callbacks(execute=True):
            monitoring_services.report_submit(actor=user("thongke.09193"), report=report)
    assert any("Xem xét báo cáo" in m.body or "Thị trấn Chờ" in m.body for m in mails_to("huyen@example.vn"))
    assert mails_to("xa@example.vn") == []  # the commune report is not the team's work
    # The cycle reaches approval: the council is told to record its resolution.
    mail.outbox.clear()
    cycle = cycle_at(yen_phong, "09193", "final", plan_year=2026)
    with tenant_context(yen_phong), django_capture_on_commit_callbacks(execute=True):
        from core.signals import announce_cycle_changed

        type(cycle).objects.filter(pk=cycle.pk).update(step="approval")
        announce_cycle_changed(sender=type(cycle), district=yen_phong, commune_ids=[cycle.commune_id], actor=user("xa.09193"))
    assert any("Nghị quyết" in m.body or "nghị quyết" in m.body for m in mails_to("hdnd@example.vn"))
    assert mails_to("xa@example.vn") == []  # the actor is not told of what it did


@pytest.mark.django_db
def test_one_failed_reminder_does_not_stop_the_others_and_is_retried_on_the_next_run(yen_phong, settings):
    settings.EMAIL_BACKEND = "tests.frontend.failing_mail.RefusingBackend"
    first, second = sorted([user("xa.09193"), user("xa.09196")], key=lambda u: u.pk)
    User.objects.filter(pk=first.pk).update(email="refused@example.vn")  # the first one looked at fails
    User.objects.filter(pk=second.pk).update(email="ok@example.vn")
    submitted_proposal(yen_phong, commune="09193")
    submitted_proposal(yen_phong, commune="09196")
    mail.outbox = []
    with pytest.raises(CommandError, match="1 person"):
        call_command("send_reminders", date="2026-05-01")
    assert [m.to for m in mail.outbox if m.to in (["ok@example.vn"], ["refused@example.vn"])] == [["ok@example.vn"]]
    assert ReminderSent.objects.filter(user=second, sent_on=date(2026, 5, 1)).exists()
    assert not ReminderSent.objects.filter(user=first).exists()  # not told: the next run tries again
    # The mail server accepts the address again: the same day's next run tells the first one, and only it.
    User.objects.filter(pk=first.pk).update(email="no-more@example.vn")
    mail.outbox = []
    call_command("send_reminders", date="2026-05-01")
    assert [m.to for m in mail.outbox if m.to in (["ok@example.vn"], ["no-more@example.vn"])] == [["no-more@example.vn"]]
    assert ReminderSent.objects.filter(user=first, sent_on=date(2026, 5, 1)).exists()

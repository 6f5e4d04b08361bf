"""Bad input is a clear 400 and changes nothing; lateness is computed from the due dates."""
import base64
import json
from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from monitoring import selectors, services
from monitoring.models import ActivityProgress, EvidencePhoto, IndicatorValue, PeriodicReport, ReportEvent, SupervisionFinding
from tests.investment.factories import CHO, DUNG_LIET, QUE_VO, point
from tests.monitoring.factories import approved_plan
from tests.monitoring.test_chain import API, approved_me_plan, patch, post

pytestmark = pytest.mark.django_db
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")


@pytest.fixture
def setup(district, client_for):
    yen_phong = district()
    plan = approved_plan(yen_phong)
    team = client_for("xa.09193")
    me_plan = approved_me_plan(team, plan)
    periods = services.periods_ensure(year=me_plan["year"])
    q1 = next(p for p in periods if p.kind == "quarter" and p.number == 1)
    officer = client_for("thongke.09193")  # the commune report is the office-statistics officer's (Đ10.2b)
    report = post(officer, API + "reports/", {"me_plan": me_plan["id"], "period": q1.pk}).json()
    return {"district": yen_phong, "team": team, "officer": officer, "me_plan": me_plan, "q1": q1, "report": report, "client_for": client_for}


def unchanged(setup):
    connection.set_tenant(setup["district"])
    assert not IndicatorValue.objects.exists() and not ActivityProgress.objects.exists()


def test_value_for_an_indicator_not_in_the_me_plan(setup):
    response = patch(setup["officer"], API + f"reports/{setup['report']['id']}/", {
        "indicator_values": [{"indicator": setup["me_plan"]["indicators"][0]["id"], "value": "61"}, {"indicator": 999999, "value": "1"}]})
    assert response.status_code == 400
    assert "indicator_values" in response.json()
    unchanged(setup)


@pytest.mark.parametrize("share", [-1, 100.5, 250])
def test_progress_share_outside_0_100(setup, share):
    activity = setup["me_plan"]["activities"][0]["id"]
    response = patch(setup["officer"], API + f"reports/{setup['report']['id']}/", {"activity_progress": [{"activity": activity, "share_done": share}]})
    assert response.status_code == 400 and "activity_progress" in response.json()
    unchanged(setup)


def test_report_for_a_period_not_yet_open(setup, district):
    next_year = services.periods_ensure(year=setup["me_plan"]["year"] + 1)
    plan = approved_plan(setup["district"], plan_year=setup["me_plan"]["year"] + 1)
    future_plan = approved_me_plan(setup["team"], plan)
    response = post(setup["officer"], API + "reports/", {"me_plan": future_plan["id"], "period": next_year[0].pk})
    assert response.status_code == 400 and "period" in response.json()
    connection.set_tenant(setup["district"])
    assert not PeriodicReport.objects.filter(me_plan_id=future_plan["id"]).exists()


def test_report_submitted_twice_and_edit_after_acceptance(setup):
    team, report = setup["officer"], setup["report"]["id"]
    assert post(team, API + f"reports/{report}/submit/").status_code == 200
    response = post(team, API + f"reports/{report}/submit/")
    assert response.status_code == 400 and "status" in response.json()
    assert post(setup["client_for"]("huyen.yen-phong"), API + f"reports/{report}/accept/").status_code == 200
    response = patch(team, API + f"reports/{report}/", {"problems": "sửa sau khi đã chấp nhận"})
    assert response.status_code == 400 and "status" in response.json()
    assert post(setup["client_for"]("huyen.yen-phong"), API + f"reports/{report}/return/", {"comment": "x"}).status_code == 400
    connection.set_tenant(setup["district"])
    stored = PeriodicReport.objects.get(pk=report)
    assert (stored.status, stored.problems) == ("accepted", "")
    assert list(ReportEvent.objects.filter(report=stored).values_list("action", flat=True)) == ["created", "submitted", "accepted"]


def test_wrong_people_cannot_act_on_reports(setup):
    client_for, report = setup["client_for"], setup["report"]["id"]
    assert post(client_for("thon.09193-01"), API + f"reports/{report}/submit/").status_code == 404  # a village head does not see it
    assert post(client_for("huyen.yen-phong"), API + f"reports/{report}/submit/").status_code == 403
    assert post(setup["officer"], API + f"reports/{report}/submit/").status_code == 200
    assert post(setup["officer"], API + f"reports/{report}/accept/").status_code == 403  # the commune does not accept its own report
    # A village head writes only the village's own report.
    response = post(client_for("thon.09193-01"), API + "reports/", {"me_plan": setup["me_plan"]["id"], "period": setup["q1"].pk, "village": "09193-02"})
    assert response.status_code == 403


def photo_post(client, me_plan, *, content=PNG, name="anh.png", content_type="image/png", location=CHO, **extra):
    upload = SimpleUploadedFile(name, content, content_type=content_type)
    return client.post(API + "evidence/", {"me_plan": me_plan, "photo": upload, "geometry": json.dumps(point(location)), "caption": "Mặt đường", **extra})


def test_evidence_photo_is_geolocated_inside_the_commune(setup, settings):
    me_plan = setup["me_plan"]["id"]
    activity = setup["me_plan"]["activities"][0]["id"]
    response = photo_post(setup["officer"], me_plan, activity=activity, report=setup["report"]["id"])
    assert response.status_code == 201, response.content
    layer = setup["client_for"]("huyen.yen-phong").get(API + f"evidence/?me_plan={me_plan}").json()
    assert layer["type"] == "FeatureCollection"
    [feature] = layer["features"]
    assert feature["geometry"]["coordinates"] == pytest.approx(CHO) and feature["properties"]["activity"] == activity
    # Refusals: not an image, a renamed file, too large, outside the commune, no location.
    assert photo_post(setup["team"], me_plan, content=b"%PDF-1.4 not a photo", name="x.pdf", content_type="application/pdf").status_code == 400
    assert photo_post(setup["team"], me_plan, content=b"just text", name="anh.jpg", content_type="image/jpeg").status_code == 400
    for location in (DUNG_LIET, QUE_VO):
        response = photo_post(setup["team"], me_plan, location=location)
        assert response.status_code == 400 and "geometry" in response.json()
    response = setup["team"].post(API + "evidence/", {"me_plan": me_plan, "photo": SimpleUploadedFile("a.png", PNG, "image/png"), "geometry": "{oops"})
    assert response.status_code == 400 and "geometry" in response.json()
    settings.UPLOAD_MAX_BYTES = 50
    response = photo_post(setup["team"], me_plan)
    assert response.status_code == 400 and "photo" in response.json()
    connection.set_tenant(setup["district"])
    assert EvidencePhoto.objects.count() == 1


def test_supervision_finding_on_a_work_is_shown_on_the_map(setup):
    activity = setup["me_plan"]["activities"][0]["id"]
    feature = {"type": "Feature", "geometry": point(CHO), "properties": {
        "activity": activity, "board": "Ban giám sát đầu tư cộng đồng xã", "found_on": "2026-03-15", "finding": "Lớp đá dăm mỏng hơn thiết kế"}}
    response = post(setup["team"], API + "findings/", feature)
    assert response.status_code == 201, response.content
    outside = {**feature, "geometry": point(DUNG_LIET)}
    assert post(setup["team"], API + "findings/", outside).status_code == 400
    assert post(setup["client_for"]("thon.09193-01"), API + "findings/", feature).status_code == 403
    layer = setup["client_for"]("huyen.yen-phong").get(API + "findings/").json()
    assert [f["properties"]["finding"] for f in layer["features"]] == ["Lớp đá dăm mỏng hơn thiết kế"]
    works = setup["team"].get(API + f"plans/{setup['me_plan']['id']}/dashboard/").json()["works"]
    assert works["features"][0]["properties"]["findings"] == 1
    connection.set_tenant(setup["district"])
    assert SupervisionFinding.objects.count() == 1


def test_late_and_missing_reports_are_computed_from_due_dates(setup):
    q1 = setup["q1"]
    assert (q1.starts_on, q1.ends_on) == (date(q1.year, 1, 1), date(q1.year, 3, 31))
    assert (q1.village_due_on, q1.commune_due_on) == (date(q1.year, 4, 5), date(q1.year, 4, 10))
    connection.set_tenant(setup["district"])
    def commune_rows(on):
        return {r["commune"]: r for r in selectors.reporting_status(district=setup["district"], period=q1, on=on)}
    # Before the due date a draft is just a draft; the day after, it is overdue; other communes have no M&E plan.
    assert commune_rows(q1.commune_due_on)["09193"]["lateness"] == ""
    row = commune_rows(q1.commune_due_on + timedelta(days=1))["09193"]
    assert (row["status"], row["lateness"]) == ("draft", "overdue")
    assert {v["status"] for v in row["villages"]} == {"missing"} and {v["lateness"] for v in row["villages"]} == {"overdue"}
    assert commune_rows(q1.commune_due_on)["09196"]["status"] == "no_plan"
    # Submitted after the due date: late, whenever one looks.
    PeriodicReport.objects.filter(pk=setup["report"]["id"]).update(
        status="submitted", submitted_at=datetime.combine(q1.commune_due_on + timedelta(days=3), datetime.min.time(), UTC))
    assert commune_rows(q1.commune_due_on + timedelta(days=30))["09193"]["lateness"] == "late"
    assert selectors.lateness(due_on=q1.commune_due_on, submitted_at=datetime.combine(q1.commune_due_on, datetime.min.time(), UTC)) == ""
    # The API reports the same for the district.
    body = setup["client_for"]("huyen.yen-phong").get(API + f"status/?period={q1.pk}").json()
    assert len(body["communes"]) == 14
    assert next(r for r in body["communes"] if r["commune"] == "09193")["lateness"] == "late"
    assert setup["client_for"]("huyen.yen-phong").get(API + "status/").status_code == 400


def test_reporting_deadlines_come_from_the_province_data(setup):
    from core.models import ReportingDeadline

    ReportingDeadline.objects.update_or_create(kind="half", defaults={"village_days": 3, "commune_days": 7})
    connection.set_tenant(setup["district"])
    periods = services.periods_ensure(year=2031)
    half = next(p for p in periods if p.kind == "half" and p.number == 1)
    assert (half.village_due_on, half.commune_due_on) == (date(2031, 7, 3), date(2031, 7, 7))
    assert len(periods) == 7


def finding_form(client, activity, *, photo=None, geometry=None, **extra):
    """The page's multipart form: the finding's fields, the place as GeoJSON text, an optional photo."""
    data = {"activity": activity, "board": "Ban giám sát đầu tư cộng đồng xã", "found_on": "2026-03-15", "finding": "Nắp hố ga bị vỡ",
            "geometry": geometry if isinstance(geometry, str) else json.dumps(geometry or point(CHO)), **extra}
    if photo is not None:
        data["photo"] = photo
    return client.post(API + "findings/", data)


def test_a_finding_whose_photo_is_refused_saves_nothing(setup, settings):
    activity = setup["me_plan"]["activities"][0]["id"]
    # Not an image (text named .png), a PDF: refused next to the photo, and no finding is left to duplicate.
    for upload in (SimpleUploadedFile("ho-ga.png", b"just text", "image/png"), SimpleUploadedFile("x.pdf", b"%PDF-1.4 x", "application/pdf")):
        response = finding_form(setup["team"], activity, photo=upload)
        assert response.status_code == 400 and list(response.json()) == ["photo"]
    # Every message at once: a missing finding and a bad photo.
    response = finding_form(setup["team"], activity, photo=SimpleUploadedFile("a.png", b"nope", "image/png"), finding="")
    assert response.status_code == 400 and {"photo", "finding"} <= set(response.json())
    # A bad place with a good photo: nothing either.
    response = finding_form(setup["team"], activity, photo=SimpleUploadedFile("a.png", PNG, "image/png"), geometry=point(DUNG_LIET))
    assert response.status_code == 400 and "geometry" in response.json()
    response = finding_form(setup["team"], activity, photo=SimpleUploadedFile("a.png", PNG, "image/png"), geometry={"type": "Point"})
    assert response.status_code == 400 and "geometry" in response.json()
    response = finding_form(setup["team"], activity, photo=SimpleUploadedFile("a.png", PNG, "image/png"), geometry="{oops")
    assert response.status_code == 400 and "geometry" in response.json()
    assert post(setup["team"], API + "findings/", {"type": "Feature", "geometry": point(CHO), "properties": ["x"]}).status_code == 400
    settings.UPLOAD_MAX_BYTES = 50
    response = finding_form(setup["team"], activity, photo=SimpleUploadedFile("a.png", PNG, "image/png"))
    assert response.status_code == 400 and "photo" in response.json()
    connection.set_tenant(setup["district"])
    assert not SupervisionFinding.objects.exists() and not EvidencePhoto.objects.exists()


def test_a_finding_with_its_photo_is_saved_in_one_request(setup):
    activity = setup["me_plan"]["activities"][0]["id"]
    response = finding_form(setup["team"], activity, photo=SimpleUploadedFile("ho-ga.png", PNG, "image/png"), caption="Hố ga trước nhà văn hóa")
    assert response.status_code == 201, response.content
    assert len(response.json()["properties"]["photos"]) == 1
    assert finding_form(setup["team"], activity).status_code == 201  # the photo stays optional
    assert finding_form(setup["client_for"]("thon.09193-01"), activity, photo=SimpleUploadedFile("a.png", PNG, "image/png")).status_code == 403
    connection.set_tenant(setup["district"])
    first, second = SupervisionFinding.objects.order_by("pk")
    [photo] = EvidencePhoto.objects.all()
    assert (photo.finding_id, photo.activity_id, photo.caption, photo.content_type) == (first.pk, activity, "Hố ga trước nhà văn hóa", "image/png")
    assert photo.location.equals(first.location) and photo.taken_on == first.found_on
    assert not second.photos.exists()
    photo.photo.delete(save=False)


def test_the_commune_report_carries_its_document_number(setup):
    """Issue 15 review (Decree 30, Art. 8): the commune report had no place for its number. The officer records it on the
    report ("7" → "Số: 7/BC-UBND"); a number with markup is a 400 naming the field and changes nothing."""
    import io

    from docx import Document

    officer, report = setup["officer"], setup["report"]["id"]

    def number_line():
        response = officer.get(API + f"reports/{report}/document.docx")
        assert response.status_code == 200, response.content
        cell = Document(io.BytesIO(response.content)).tables[0].rows[0].cells[0]
        return next(p.text for p in cell.paragraphs if p.text.startswith("Số:"))

    assert number_line() == "Số:      /BC-UBND"
    response = patch(officer, API + f"reports/{report}/", {"document_number": "<i>7</i>", "problems": "không ghi"})
    assert response.status_code == 400 and list(response.json()) == ["document_number"]
    connection.set_tenant(setup["district"])
    assert PeriodicReport.objects.get(pk=report).problems == ""
    connection.set_schema_to_public()
    response = patch(officer, API + f"reports/{report}/", {"document_number": "7"})
    assert response.status_code == 200 and response.json()["document_number"] == "7"
    assert number_line() == "Số: 7/BC-UBND"


def test_who_writes_and_who_reviews_a_report_is_decided_in_access(setup):
    """The report writer and reviewer rules live in `accounts.access` (issue 17, house item 3): `can_write_report` and
    `can_review_report` answer for every level, and the service asks them."""
    from accounts import access
    from accounts.models import User

    connection.set_tenant(setup["district"])
    commune_report = PeriodicReport.objects.get(pk=setup["report"]["id"])
    head = User.objects.get(username="thon.09193-01")
    village_report = PeriodicReport(me_plan=commune_report.me_plan, period=commune_report.period, village=head.unit)
    users = {name: User.objects.get(username=name) for name in ("thongke.09193", "xa.09193", "thon.09193-01", "thon.09193-02", "huyen.yen-phong")}
    writers = {name for name, user in users.items() if access.can_write_report(user, commune_report)}
    assert writers == {"thongke.09193"}
    assert {name for name, user in users.items() if access.can_write_report(user, village_report)} == {"thon.09193-01"}
    assert {name for name, user in users.items() if access.can_review_report(user, commune_report)} == {"huyen.yen-phong"}
    assert {name for name, user in users.items() if access.can_review_report(user, village_report)} == {"thongke.09193", "xa.09193"}
    source = open(services.__file__, encoding="utf-8").read()
    assert "can_report_for_village" not in source and "can_accept_commune_report" not in source  # the service asks access


def test_a_village_report_refuses_a_document_number(setup):
    """Review rv15c finding 8: a village head's report took a number (200, stored) that its document never printed.
    A village report is the head's "báo cáo", not a numbered document of an agency (Decree 30/2020, Art. 8): the number
    is a 400 naming `document_number` and nothing changes; "" (nothing to number) is accepted."""
    head = setup["client_for"]("thon.09193-01")
    report = post(head, API + "reports/", {"me_plan": setup["me_plan"]["id"], "period": setup["q1"].pk, "village": "09193-01"}).json()["id"]
    response = patch(head, API + f"reports/{report}/", {"document_number": "99/BC-UBND", "problems": "không ghi"})
    assert response.status_code == 400 and list(response.json()) == ["document_number"], response.content
    assert "thôn" in response.json()["document_number"][0]
    connection.set_tenant(setup["district"])
    stored = PeriodicReport.objects.get(pk=report)
    assert (stored.document_number, stored.problems) == ("", "")
    connection.set_schema_to_public()
    assert patch(head, API + f"reports/{report}/", {"document_number": "", "problems": "ghi"}).status_code == 200

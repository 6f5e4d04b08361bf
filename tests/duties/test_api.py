"""Inspections of communes (Đ16.4) and difficulties (Đ19): each duty through the API, and the forbidden paths."""
import json
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from django_tenants.utils import tenant_context

from accounts.models import User
from duties.models import Correction, Difficulty, Inspection
from guidance.models import ForwardedDifficulty

D = "/d/yen-phong/api/duties"
OTHER = "/d/que-vo/api/duties"


def post(client, url, data=None, lang="vi"):
    return client.post(url, json.dumps(data or {}), content_type="application/json", HTTP_ACCEPT_LANGUAGE=lang)


def with_mail(*usernames):
    for n, name in enumerate(usernames):
        User.objects.filter(username=name).update(email=f"u{n}@example.vn")


@pytest.fixture
def yen_phong(district):
    return district("yen-phong")


def count(tenant, model):
    with tenant_context(tenant):
        return model.objects.count()


@pytest.mark.django_db
def test_the_district_inspects_a_commune_and_closes_each_correction(client_for, yen_phong, django_capture_on_commit_callbacks):
    with_mail("xa.09193")
    huyen = client_for("huyen.yen-phong")
    due = (timezone.localdate() + timedelta(days=20)).strftime("%d/%m/%Y")
    with django_capture_on_commit_callbacks(execute=True):
        answer = post(huyen, f"{D}/inspections/", {"commune": "09193", "inspected_on": timezone.localdate().isoformat(), "subject": "Kế hoạch 2027",
                                                   "findings": "Thiếu biên bản họp thôn", "corrections": [{"description": "Bổ sung biên bản", "due_on": due}]})
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["commune"] == "09193" and body["is_closed"] is False and body["corrections"][0]["due_on"] == (timezone.localdate() + timedelta(days=20)).isoformat()
    assert [m.to for m in mail.outbox] == [["u0@example.vn"]]  # the inspected commune's team is told

    # The commune reads its own inspection; another commune does not see it, and cannot close its correction.
    assert [i["id"] for i in client_for("xa.09193").get(f"{D}/inspections/").json()] == [body["id"]]
    assert client_for("xa.09196").get(f"{D}/inspections/").json() == []
    correction = body["corrections"][0]["id"]
    assert post(client_for("xa.09196"), f"{D}/corrections/{correction}/close/", {"note": "x"}).status_code == 404
    refused = post(client_for("xa.09193"), f"{D}/corrections/{correction}/close/", {"note": "x"})
    assert refused.status_code == 403 and "huyện" in refused.json()["detail"]
    assert post(client_for("thon.09193-01"), f"{D}/corrections/{correction}/close/", {"note": "x"}).status_code == 404

    closed = post(huyen, f"{D}/corrections/{correction}/close/", {"note": "Đã bổ sung"})
    assert closed.status_code == 200 and closed.json()["closed_at"]
    again = post(huyen, f"{D}/corrections/{correction}/close/", {"note": "Đã bổ sung"})
    assert again.status_code == 400 and "status" in again.json()
    assert huyen.get(f"{D}/inspections/").json()[0]["is_closed"] is True


@pytest.mark.django_db
def test_an_inspection_is_refused_to_others_and_for_bad_input_and_changes_nothing(client_for, yen_phong):
    good = {"commune": "09193", "inspected_on": timezone.localdate().isoformat(), "subject": "S", "findings": "F"}
    before = count(yen_phong, Inspection)
    assert post(client_for("xa.09193"), f"{D}/inspections/", good).status_code == 403
    office = post(client_for("phong.yen-phong.gddt"), f"{D}/inspections/", good)  # a sector office is told who inspects
    assert office.status_code == 403 and "Phòng Tài chính - Kế hoạch" in office.json()["detail"]
    assert post(client_for("huyen.que-vo"), f"{D}/inspections/", good).status_code == 404  # another district: the gate
    assert post(client_for(None), f"{D}/inspections/", good).status_code == 401
    future = post(client_for("huyen.yen-phong"), f"{D}/inspections/", {**good, "inspected_on": (timezone.localdate() + timedelta(days=3)).isoformat()})
    assert future.status_code == 400 and "tương lai" in future.json()["inspected_on"][0]
    english = post(client_for("huyen.yen-phong"), f"{D}/inspections/", {**good, "inspected_on": "31/02/2026"}, lang="en")
    assert english.status_code == 400 and "inspected_on" in english.json()
    foreign = post(client_for("huyen.yen-phong"), f"{D}/inspections/", {**good, "commune": "09262"})  # a commune of Quế Võ
    assert foreign.status_code == 400 and "commune" in foreign.json()
    bad_correction = post(client_for("huyen.yen-phong"), f"{D}/inspections/", {**good, "corrections": [{"description": "x", "due_on": "hôm nay"}]})
    assert bad_correction.status_code == 400 and "corrections" in bad_correction.json()
    assert count(yen_phong, Inspection) == before and count(yen_phong, Correction) == 0


@pytest.mark.django_db
def test_a_difficulty_goes_from_the_commune_to_the_district_and_on_to_the_province(client_for, yen_phong, django_capture_on_commit_callbacks):
    with_mail("huyen.yen-phong", "tinh", "xa.09193")
    xa, huyen, tinh = client_for("xa.09193"), client_for("huyen.yen-phong"), client_for("tinh")
    with django_capture_on_commit_callbacks(execute=True):
        raised = post(xa, f"{D}/difficulties/", {"commune": "09193", "title": "Thiếu vốn đối ứng", "body": "Xã không đủ vốn đối ứng cho đường trục."})
    assert raised.status_code == 201, raised.content
    pk = raised.json()["id"]
    assert raised.json()["status"] == "open" and [m.to for m in mail.outbox] == [["u0@example.vn"]]  # the district office

    # The province does not see a difficulty that was not forwarded to it, and may not answer it.
    assert tinh.get(f"{D}/difficulties/").json() == []
    assert post(tinh, f"{D}/difficulties/{pk}/answer/", {"answer": "x"}).status_code == 404

    with django_capture_on_commit_callbacks(execute=True):
        forwarded = post(huyen, f"{D}/difficulties/{pk}/forward/", {"note": "Vượt thẩm quyền huyện"})
    assert forwarded.status_code == 200 and forwarded.json()["status"] == "forwarded"
    assert mail.outbox[-1].to == ["u1@example.vn"]
    copy = ForwardedDifficulty.objects.get(difficulty_id=pk)
    assert copy.district_slug == "yen-phong" and copy.answered_at is None
    # Once forwarded, the district may no longer answer; the province may.
    assert post(huyen, f"{D}/difficulties/{pk}/answer/", {"answer": "x"}).status_code == 403
    empty = post(tinh, f"{D}/difficulties/{pk}/answer/", {"answer": ""})
    assert empty.status_code == 400 and "answer" in empty.json()
    answered = post(tinh, f"{D}/difficulties/{pk}/answer/", {"answer": "Tỉnh hỗ trợ 50%"})
    assert answered.status_code == 200 and answered.json()["status"] == "province_answered"
    copy.refresh_from_db()
    assert copy.answered_at is not None
    mine = xa.get(f"{D}/difficulties/").json()
    # The district's forwarding note is kept as such, not as an answer it never gave.
    assert mine[0]["province_answer"] == "Tỉnh hỗ trợ 50%" and mine[0]["forward_note"] == "Vượt thẩm quyền huyện" and mine[0]["answer"] == ""
    # An answered difficulty is not forwarded again: 400 on status, in Vietnamese.
    again = post(huyen, f"{D}/difficulties/{pk}/forward/", {"note": "x"})
    assert again.status_code == 400 and "Chỉ chuyển được khó khăn đang mở" in again.json()["status"][0]


@pytest.mark.django_db
def test_difficulties_are_refused_across_communes_and_districts(client_for, yen_phong):
    pk = post(client_for("xa.09193"), f"{D}/difficulties/", {"commune": "09193", "title": "T", "body": "B"}).json()["id"]
    before = count(yen_phong, Difficulty)
    # A commune reads neither another commune's difficulty nor raises one for it.
    assert client_for("xa.09196").get(f"{D}/difficulties/").json() == []
    assert post(client_for("xa.09196"), f"{D}/difficulties/{pk}/answer/", {"answer": "x"}).status_code == 404
    assert post(client_for("xa.09196"), f"{D}/difficulties/", {"commune": "09193", "title": "T", "body": "B"}).status_code == 403
    # A village head, a citizen, another district, anonymous.
    assert post(client_for("thon.09193-01"), f"{D}/difficulties/", {"commune": "09193", "title": "T", "body": "B"}).status_code == 403
    assert client_for("thon.09193-01").get(f"{D}/difficulties/").json() == []
    assert post(client_for("huyen.que-vo"), f"{D}/difficulties/{pk}/answer/", {"answer": "x"}).status_code == 404
    assert post(client_for("huyen.que-vo"), f"{OTHER}/difficulties/{pk}/answer/", {"answer": "x"}).status_code in (403, 404)
    assert post(client_for(None), f"{D}/difficulties/{pk}/answer/", {"answer": "x"}).status_code == 401
    # The commune cannot answer its own difficulty.
    assert post(client_for("xa.09193"), f"{D}/difficulties/{pk}/answer/", {"answer": "x"}).status_code == 403
    assert post(client_for("xa.09193"), f"{D}/difficulties/{pk}/forward/", {}).status_code == 403
    assert count(yen_phong, Difficulty) == before
    with tenant_context(yen_phong):
        assert Difficulty.objects.get(pk=pk).status == "open"

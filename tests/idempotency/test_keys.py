"""Idempotency-Key on the creates a phone queues offline (issue 16): each item is made once, retries replay the first
answer, a refused try stores nothing, another body with the same key is refused; real HTTP through the middleware."""
import json
import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.client import encode_multipart
from django.utils import timezone

from idempotency.keys import HEADER, REPLAYED_HEADER, keys_expire
from idempotency.models import IdempotencyKey
from monitoring import services as monitoring_services
from monitoring.models import EvidencePhoto, PeriodicReport
from proposals.models import Attachment, Proposal, VillageMeeting
from tests.monitoring.factories import approved_plan
from tests.monitoring.test_chain import approved_me_plan
from tests.monitoring.test_refusals import PNG
from tests.proposals.conftest import CHO, DUNG_LIET, URL, feature, inside

pytestmark = pytest.mark.django_db
MEETINGS = "/d/yen-phong/api/village-meetings/"
MONITORING = "/d/yen-phong/api/monitoring/"


def meeting(place="Nhà văn hóa thôn 1", **extra):
    return {"commune": CHO, "village": f"{CHO}-01", "held_on": "05/03/2026", "place": place, "chair": "Nguyễn Văn An",
            "participants": 48, "women": 21, "poor_households": 6, **extra}


def send(client, url, body, key, *, language="vi", multipart=False, method="post"):
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = str(key)
    if multipart:
        return getattr(client, method)(url, body, **headers)
    return getattr(client, method)(url, json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def yen_phong(district):
    d = district("yen-phong")
    connection.set_tenant(d)
    return d


def test_a_meeting_sent_twice_is_recorded_once_and_the_second_answer_replays_the_first(yen_phong, client_for):
    head, key = client_for("thon.09193-01"), uuid.uuid4()
    first = send(head, MEETINGS, meeting(), key)
    assert first.status_code == 201, first.content
    assert REPLAYED_HEADER not in first.headers
    again = send(head, MEETINGS, meeting(), key)
    assert again.status_code == 201
    assert again.headers[REPLAYED_HEADER] == "true"
    assert again.json() == first.json()
    connection.set_tenant(yen_phong)
    stored = VillageMeeting.objects.get(place="Nhà văn hóa thôn 1")
    assert (stored.participants, stored.women, stored.poor_households) == (48, 21, 6)
    assert IdempotencyKey.objects.get(key=key).status == 201


def test_a_meeting_with_its_minutes_photo_is_recorded_once_whatever_the_multipart_boundary(yen_phong, client_for):
    head, key = client_for("thon.09193-01"), uuid.uuid4()

    def body():
        return {**meeting(place="Sân đình"), "minutes": SimpleUploadedFile("bien-ban.png", PNG, content_type="image/png")}

    first = send(head, MEETINGS, body(), key, multipart=True)
    assert first.status_code == 201, first.content
    # A phone's FormData gets a new boundary on every try: the fingerprint is the parsed form, not the raw bytes.
    payload = encode_multipart("AnotherBoundary123", body())
    again = head.post(MEETINGS, payload, content_type="multipart/form-data; boundary=AnotherBoundary123",
                      HTTP_IDEMPOTENCY_KEY=str(key))
    assert again.status_code == 201 and again.headers[REPLAYED_HEADER] == "true"
    assert again.json() == first.json()
    connection.set_tenant(yen_phong)
    assert VillageMeeting.objects.filter(place="Sân đình").count() == 1
    assert VillageMeeting.objects.get(place="Sân đình").minutes


def test_a_proposal_and_its_photo_sent_twice_are_created_once(yen_phong, client_for):
    head = client_for("thon.09193-01")
    key, photo_key = uuid.uuid4(), uuid.uuid4()
    body = feature(title="Đèn đường thôn 1")
    first, again = send(head, URL, body, key), send(head, URL, body, key)
    assert first.status_code == again.status_code == 201
    assert again.headers[REPLAYED_HEADER] == "true" and again.json() == first.json()
    pk = first.json()["id"]
    url = f"{URL}{pk}/attachments/"
    photos = [send(head, url, {"file": SimpleUploadedFile("anh.png", PNG, content_type="image/png")}, photo_key, multipart=True)
              for _ in range(2)]
    assert [p.status_code for p in photos] == [201, 201]
    assert photos[1].headers[REPLAYED_HEADER] == "true" and photos[1].json() == photos[0].json()
    connection.set_tenant(yen_phong)
    assert Proposal.objects.filter(title="Đèn đường thôn 1").count() == 1
    assert Attachment.objects.filter(proposal_id=pk).count() == 1


def test_a_refused_proposal_stores_nothing_and_is_created_once_when_corrected_with_the_same_key(yen_phong, client_for):
    head, key = client_for("thon.09193-01"), uuid.uuid4()
    outside = feature(title="Nhà văn hóa thôn 1", coordinates=inside(f"{DUNG_LIET}-01"))
    refused = send(head, URL, outside, key)
    assert refused.status_code == 400 and "geometry" in refused.json()
    connection.set_tenant(yen_phong)
    assert not IdempotencyKey.objects.filter(key=key).exists()
    corrected = feature(title="Nhà văn hóa thôn 1")
    created = send(head, URL, corrected, key)
    assert created.status_code == 201 and REPLAYED_HEADER not in created.headers
    assert send(head, URL, corrected, key).headers[REPLAYED_HEADER] == "true"
    connection.set_tenant(yen_phong)
    assert Proposal.objects.filter(title="Nhà văn hóa thôn 1").count() == 1


def test_a_forbidden_first_try_stores_nothing_either(yen_phong, client_for):
    key = uuid.uuid4()
    other_village = meeting(village=f"{CHO}-02", place="Thôn hai")
    assert send(client_for("thon.09193-01"), MEETINGS, other_village, key).status_code == 403
    connection.set_tenant(yen_phong)
    assert not IdempotencyKey.objects.filter(key=key).exists() and not VillageMeeting.objects.filter(place="Thôn hai").exists()


def test_the_same_key_with_another_body_is_refused_in_vietnamese_naming_the_header(yen_phong, client_for):
    head, key = client_for("thon.09193-01"), uuid.uuid4()
    assert send(head, MEETINGS, meeting(place="Lần một"), key).status_code == 201
    response = send(head, MEETINGS, meeting(place="Lần hai"), key)
    assert response.status_code == 422
    assert list(response.json()) == [HEADER]
    assert "Idempotency-Key" in response.json()[HEADER][0] and "khác" in response.json()[HEADER][0]
    english = send(head, MEETINGS, meeting(place="Lần hai"), key, language="en")
    assert english.status_code == 422 and "different request" in english.json()[HEADER][0]
    # Another route with the same key is another request too.
    assert send(head, URL, feature(title="Lần ba"), key).status_code == 422
    connection.set_tenant(yen_phong)
    assert VillageMeeting.objects.filter(place__startswith="Lần").count() == 1
    assert not Proposal.objects.filter(title="Lần ba").exists()


@pytest.mark.parametrize("bad", ["123", "not-a-uuid", "3f2b8c1e-6a4d-4e0f-9b7a-1c2d3e4f5a6", " "])
def test_a_key_that_is_not_a_uuid_is_a_400_naming_the_header(yen_phong, client_for, bad):
    response = send(client_for("thon.09193-01"), MEETINGS, meeting(place="Khóa hỏng"), bad)
    assert response.status_code == 400
    assert list(response.json()) == [HEADER] and "UUID" in response.json()[HEADER][0]
    assert "phải" in response.json()[HEADER][0]  # Vietnamese by default
    connection.set_tenant(yen_phong)
    assert not VillageMeeting.objects.filter(place="Khóa hỏng").exists()


def test_keys_belong_to_their_user(yen_phong, client_for):
    key = uuid.uuid4()
    assert send(client_for("thon.09193-01"), URL, feature(title="Cùng khóa"), key).status_code == 201
    other = send(client_for("xa.09193"), URL, feature(title="Cùng khóa"), key)
    assert other.status_code == 201 and REPLAYED_HEADER not in other.headers
    connection.set_tenant(yen_phong)
    assert Proposal.objects.filter(title="Cùng khóa").count() == 2


def test_a_report_and_an_evidence_photo_sent_twice_are_created_once(yen_phong, client_for):
    plan = approved_plan(yen_phong)
    team, head = client_for("xa.09193"), client_for("thon.09193-01")
    me_plan = approved_me_plan(team, plan)
    q1 = next(p for p in monitoring_services.periods_ensure(year=me_plan["year"]) if p.kind == "quarter" and p.number == 1)
    body, key = {"me_plan": me_plan["id"], "period": q1.pk, "village": f"{CHO}-01"}, uuid.uuid4()
    first, again = send(head, MONITORING + "reports/", body, key), send(head, MONITORING + "reports/", body, key)
    assert (first.status_code, again.status_code) == (201, 201), first.content
    assert again.headers[REPLAYED_HEADER] == "true" and again.json() == first.json()
    report = first.json()["id"]
    point = json.dumps({"type": "Point", "coordinates": inside(f"{CHO}-01")})
    photo_key = uuid.uuid4()
    photos = [send(head, MONITORING + "evidence/", {"me_plan": me_plan["id"], "report": report, "geometry": point, "caption": "Cổng làng",
                                                   "photo": SimpleUploadedFile("a.png", PNG, content_type="image/png")}, photo_key, multipart=True)
              for _ in range(2)]
    assert [p.status_code for p in photos] == [201, 201], photos[0].content
    assert photos[1].headers[REPLAYED_HEADER] == "true"
    submit_key = uuid.uuid4()
    submitted = [send(head, MONITORING + f"reports/{report}/submit/", {}, submit_key) for _ in range(2)]
    # Without the key the second submit is a 400 ("already submitted"); with it, the first answer again.
    assert [s.status_code for s in submitted] == [200, 200] and submitted[1].headers[REPLAYED_HEADER] == "true"
    connection.set_tenant(yen_phong)
    assert PeriodicReport.objects.filter(me_plan_id=me_plan["id"], village__code=f"{CHO}-01").count() == 1
    assert EvidencePhoto.objects.filter(caption="Cổng làng").count() == 1


def test_keys_expire_after_the_setting_and_an_expired_key_is_a_new_key(yen_phong, client_for, settings):
    settings.IDEMPOTENCY_KEY_DAYS = 30
    head, key = client_for("thon.09193-01"), uuid.uuid4()
    assert send(head, URL, feature(title="Cũ"), key).status_code == 201
    connection.set_tenant(yen_phong)
    IdempotencyKey.objects.filter(key=key).update(created_at=timezone.now() - timedelta(days=31))
    # Not yet swept: the expired key is free again, so this is a new item.
    again = send(head, URL, feature(title="Cũ"), key)
    assert again.status_code == 201 and REPLAYED_HEADER not in again.headers
    connection.set_tenant(yen_phong)
    assert Proposal.objects.filter(title="Cũ").count() == 2
    IdempotencyKey.objects.filter(key=key).update(created_at=timezone.now() - timedelta(days=31))
    fresh = uuid.uuid4()
    assert send(head, URL, feature(title="Mới"), fresh).status_code == 201
    connection.set_tenant(yen_phong)
    assert keys_expire() == 1
    assert list(IdempotencyKey.objects.filter(key__in=[key, fresh]).values_list("key", flat=True)) == [fresh]


def test_no_header_keeps_the_old_behaviour(yen_phong, client_for):
    head = client_for("thon.09193-01")
    assert [send(head, URL, feature(title="Không khóa"), None).status_code for _ in range(2)] == [201, 201]
    connection.set_tenant(yen_phong)
    assert Proposal.objects.filter(title="Không khóa").count() == 2


def test_the_daily_sweep_removes_expired_keys_in_every_district(yen_phong, client_for, district):
    from io import StringIO

    from django.core.management import call_command

    head, old, fresh = client_for("thon.09193-01"), uuid.uuid4(), uuid.uuid4()
    assert send(head, URL, feature(title="Quét cũ"), old).status_code == 201
    assert send(head, URL, feature(title="Quét mới"), fresh).status_code == 201
    connection.set_tenant(yen_phong)
    IdempotencyKey.objects.filter(key=old).update(created_at=timezone.now() - timedelta(days=31))
    out = StringIO()
    call_command("idempotency_expire", stdout=out)
    assert out.getvalue().startswith("1 ")
    connection.set_tenant(yen_phong)
    assert list(IdempotencyKey.objects.filter(key__in=[old, fresh]).values_list("key", flat=True)) == [fresh]
    assert Proposal.objects.filter(title__startswith="Quét").count() == 2  # the items stay

"""The refusals a phone shows next to a queued item (issue 16): each is JSON with a status the phone can act on, in
Vietnamese by default (English second), naming the field; never a redirect to the login page, never a 500."""
import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from proposals.models import Proposal, VillageMeeting
from tests.idempotency.test_keys import MEETINGS, MONITORING, meeting, send
from tests.monitoring.factories import approved_plan
from tests.monitoring.test_chain import approved_me_plan
from tests.monitoring.test_refusals import PNG
from tests.proposals.conftest import CHO, DUNG_LIET, URL, feature, inside

pytestmark = pytest.mark.django_db


def both_languages(client, url, body, **kwargs):
    """(Vietnamese answer, English answer) of the same refused request, each with a new key."""
    return (send(client, url, body, uuid.uuid4(), language="vi", **kwargs),
            send(client, url, body, uuid.uuid4(), language="en", **kwargs))


def assert_refused(answers, status, field):
    vi, en = answers
    assert vi.status_code == en.status_code == status, vi.content
    assert vi["Content-Type"].startswith("application/json")
    assert field in vi.json() and field in en.json()
    assert vi.json()[field] != en.json()[field]  # a Vietnamese message, not the English one


@pytest.mark.parametrize("how", ["no session", "session ended", "bad token"])
def test_a_signed_out_phone_gets_a_json_401_it_can_show_not_the_login_page(district, client_for, how):
    if how == "session ended":
        client = client_for("thon.09193-01")
        client.logout()
        headers = {}
    else:
        client = Client()
        headers = {"HTTP_AUTHORIZATION": "Token 0123456789abcdef0123456789abcdef"} if how == "bad token" else {}
    for url in (MEETINGS, URL, MONITORING + "evidence/", "/d/yen-phong/api/me/offline/"):
        vi = client.post(url, json.dumps(meeting()), content_type="application/json", HTTP_ACCEPT_LANGUAGE="vi",
                         HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()), **headers)
        en = client.post(url, json.dumps(meeting()), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en", **headers)
        assert vi.status_code == en.status_code == 401, (url, vi.status_code)
        assert vi["Content-Type"].startswith("application/json") and "Location" not in vi
        assert vi.json()["detail"] and vi.json()["detail"] != en.json()["detail"]
    connection.set_tenant(district("yen-phong"))
    assert not VillageMeeting.objects.filter(place="Nhà văn hóa thôn 1").exists()


def test_a_place_outside_the_commune_is_a_400_naming_geometry(district, client_for):
    outside = feature(title="Ngoài xã", coordinates=inside(f"{DUNG_LIET}-01"))
    assert_refused(both_languages(client_for("thon.09193-01"), URL, outside), 400, "geometry")
    connection.set_tenant(district("yen-phong"))
    assert not Proposal.objects.filter(title="Ngoài xã").exists()


def test_another_village_or_commune_is_refused_in_vietnamese(district, client_for):
    head = client_for("thon.09193-01")
    answers = both_languages(head, MEETINGS, meeting(village=f"{CHO}-02", place="Thôn khác"))
    vi, en = answers
    assert vi.status_code == en.status_code == 403 and vi.json()["detail"] != en.json()["detail"]
    assert_refused(both_languages(head, MEETINGS, meeting(village=f"{DUNG_LIET}-01", place="Xã khác")), 400, "village")


def test_a_proposal_decided_meanwhile_refuses_the_queued_change_naming_status(district, client_for):
    head, team = client_for("thon.09193-01"), client_for("xa.09193")
    created = send(head, URL, feature(title="Sửa sau khi quyết định"), uuid.uuid4()).json()
    assert team.post(f"{URL}{created['id']}/accept/", {"reason": ""}, content_type="application/json").status_code == 200
    change = feature(title="Đã sửa ngoại tuyến")
    assert_refused(both_languages(head, f"{URL}{created['id']}/", change, method="patch"), 400, "status")
    connection.set_tenant(district("yen-phong"))
    assert Proposal.objects.get(pk=created["id"]).title == "Sửa sau khi quyết định"


def test_a_report_already_submitted_refuses_a_queued_photo_and_change(district, client_for):
    yen_phong = district("yen-phong")
    plan = approved_plan(yen_phong)
    team, head = client_for("xa.09193"), client_for("thon.09193-01")
    me_plan = approved_me_plan(team, plan)
    from monitoring import services

    q1 = next(p for p in services.periods_ensure(year=me_plan["year"]) if p.kind == "quarter" and p.number == 1)
    report = send(head, MONITORING + "reports/", {"me_plan": me_plan["id"], "period": q1.pk, "village": f"{CHO}-01"}, uuid.uuid4()).json()
    assert send(head, MONITORING + f"reports/{report['id']}/submit/", {}, uuid.uuid4()).status_code == 200
    assert_refused(both_languages(head, MONITORING + f"reports/{report['id']}/", {"problems": "viết sau"}, method="patch"), 400, "status")
    point = json.dumps({"type": "Point", "coordinates": inside(f"{CHO}-01")})
    vi = send(head, MONITORING + "evidence/", {"me_plan": me_plan["id"], "report": report["id"], "geometry": point,
                                              "photo": SimpleUploadedFile("a.png", PNG, content_type="image/png")}, uuid.uuid4(), multipart=True)
    en = send(head, MONITORING + "evidence/", {"me_plan": me_plan["id"], "report": report["id"], "geometry": point,
                                              "photo": SimpleUploadedFile("a.png", PNG, content_type="image/png")}, uuid.uuid4(),
              multipart=True, language="en")
    assert_refused((vi, en), 400, "report")

"""The phone's offline bundle, GET /d/<slug>/api/me/offline/ (issue 16): its content per role, nothing of another village,
commune or district, EPSG:4326 lon/lat, and a cheap revalidation (ETag → 304) while staying no-store."""
import json

import pytest
from django.db import connection

from geo.models import AdministrativeUnit
from proposals.models import Proposal, VillageMeeting
from tests.proposals.conftest import CHO, DUNG_LIET, URL, feature

pytestmark = pytest.mark.django_db
BUNDLE = "/d/yen-phong/api/me/offline/"
MEETINGS = "/d/yen-phong/api/village-meetings/"


def post(client, url, body):
    response = client.post(url, json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def meeting(village, place):
    return {"commune": village[:5], "village": village, "held_on": "05/03/2026", "place": place, "chair": "Trưởng thôn",
            "participants": 30, "women": 12, "poor_households": 3}


@pytest.fixture
def captured(district, client_for):
    """Proposals and meetings of two villages of Thị trấn Chờ, the commune team and Dũng Liệt."""
    yen_phong = district("yen-phong")
    head1, head2, team, other = (client_for(u) for u in ("thon.09193-01", "thon.09193-02", "xa.09193", "xa.09196"))
    rows = {
        "head1": post(head1, URL, feature(title="Đường thôn Một"))["id"],
        "head2": post(head2, URL, feature(title="Đường thôn Hai", village=f"{CHO}-02"))["id"],
        "team": post(team, URL, feature(title="Trường mầm non xã", coordinates=None))["id"],
        "other": post(other, URL, feature(commune=DUNG_LIET, title="Đường Dũng Liệt"))["id"],
        "meeting1": post(head1, MEETINGS, meeting(f"{CHO}-01", "Nhà văn hóa Một"))["id"],
        "meeting2": post(head2, MEETINGS, meeting(f"{CHO}-02", "Nhà văn hóa Hai"))["id"],
    }
    connection.set_tenant(yen_phong)
    return rows


def bundle(client, **headers):
    response = client.get(BUNDLE, **headers)
    assert response.status_code == 200, response.content
    return response, response.json()


def test_a_village_head_keeps_its_village_its_proposals_and_the_code_lists(captured, client_for):
    response, data = bundle(client_for("thon.09193-01"))
    assert data["user"] == {"username": "thon.09193-01", "role": "village", "village_code": f"{CHO}-01", "commune_code": CHO,
                            "village_id": AdministrativeUnit.objects.get(code=f"{CHO}-01").pk,
                            "commune_id": AdministrativeUnit.objects.get(code=CHO).pk}
    assert data["commune"]["id"] == CHO and data["commune"]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert [f["id"] for f in data["villages"]["features"]] == [f"{CHO}-01"]
    # The village's proposals, the demo's and the one just sent, newest first; nothing of village 02 or the team.
    village_ones = list(Proposal.objects.filter(village__code=f"{CHO}-01").order_by("-created_at", "-pk").values_list("pk", flat=True))
    assert [f["id"] for f in data["proposals"]["features"]] == village_ones and village_ones[0] == captured["head1"]
    first = data["proposals"]["features"][0]["properties"]
    assert (first["title"], first["status"], first["status_label"]) == ("Đường thôn Một", "submitted", "Đã gửi")
    assert sorted(m["id"] for m in data["meetings"]) == sorted(VillageMeeting.objects.filter(village__code=f"{CHO}-01").values_list("pk", flat=True))
    assert captured["meeting1"] in {m["id"] for m in data["meetings"]}
    assert {"code": "transport", "label": "Giao thông"} in data["vocabularies"]["sectors"]
    assert {s["code"] for s in data["vocabularies"]["capital_sources"]} >= {"central_budget", "commune_budget"}
    assert data["limits"]["upload_max_bytes"] > 0 and data["limits"]["upload_max_pixels"] > 0
    assert "image/jpeg" in data["limits"]["photo_types"]
    text = response.content.decode()
    for leak in ("Đường thôn Hai", "Trường mầm non xã", "Đường Dũng Liệt", "Nhà văn hóa Hai", f'"{CHO}-02"', DUNG_LIET):
        assert leak not in text


def test_a_commune_team_keeps_every_village_of_its_commune_and_its_own_proposals(captured, client_for):
    response, data = bundle(client_for("xa.09193"))
    villages = sorted(AdministrativeUnit.objects.filter(parent__code=CHO, level="village", is_current=True).values_list("code", flat=True))
    assert len(villages) > 1
    assert [f["id"] for f in data["villages"]["features"]] == villages
    assert all(f["properties"]["parent"] == CHO for f in data["villages"]["features"])
    assert [f["id"] for f in data["proposals"]["features"]] == [captured["team"]]
    assert sorted(m["id"] for m in data["meetings"]) == sorted(VillageMeeting.objects.filter(commune__code=CHO).values_list("pk", flat=True))
    assert {captured["meeting1"], captured["meeting2"]} <= {m["id"] for m in data["meetings"]}
    assert data["user"]["village_id"] is None and data["user"]["role"] == "commune"
    text = response.content.decode()
    assert DUNG_LIET not in text and "Đường Dũng Liệt" not in text


def test_another_commune_sees_nothing_of_cho(captured, client_for):
    response, data = bundle(client_for("xa.09196"))
    assert data["commune"]["id"] == DUNG_LIET
    assert [f["id"] for f in data["proposals"]["features"]] == [captured["other"]]
    assert all(f["id"].startswith(DUNG_LIET) for f in data["villages"]["features"])
    text = response.content.decode()
    assert f'"{CHO}' not in text and "Đường thôn Một" not in text and "Nhà văn hóa Một" not in text


@pytest.mark.parametrize("username, status", [("huyen.yen-phong", 403), ("hdnd.09193", 403), ("huyen.que-vo", 404), ("xa.09247", 404)])
def test_who_may_not_download_it(captured, client_for, username, status):
    response = client_for(username).get(BUNDLE)
    assert response.status_code == status
    assert "Đường thôn Một" not in response.content.decode()


def test_signed_out_it_is_a_json_401_not_a_redirect(client_for):
    response = client_for(None).get(BUNDLE)
    assert response.status_code == 401 and response["Content-Type"].startswith("application/json")
    assert "detail" in response.json()


def test_geometries_are_lon_lat_in_epsg_4326_and_simplified(captured, client_for):
    _response, data = bundle(client_for("xa.09193"))
    unit = AdministrativeUnit.objects.get(code=CHO)
    ring = data["commune"]["geometry"]["coordinates"][0][0] if data["commune"]["geometry"]["type"] == "MultiPolygon" \
        else data["commune"]["geometry"]["coordinates"][0]
    lon, lat = ring[0]
    assert 105.5 < lon < 106.5 and 20.8 < lat < 21.4  # Bắc Ninh: longitude first
    assert len(json.dumps(data["commune"]["geometry"])) <= len(unit.geom.geojson)
    sent = data["proposals"]["features"][0]["geometry"]["coordinates"]
    assert 105.5 < sent[0] < 106.5 and 20.8 < sent[1] < 21.4


def test_unchanged_it_is_revalidated_with_a_304_and_stays_no_store(captured, client_for):
    head = client_for("thon.09193-01")
    response, _data = bundle(head)
    assert "no-store" in response["Cache-Control"]
    etag = response["ETag"]
    again = head.get(BUNDLE, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    post(head, URL, feature(title="Đề xuất mới"))
    changed = head.get(BUNDLE, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and "Đề xuất mới" in changed.content.decode()


def test_the_cycle_says_whether_meetings_and_proposals_are_its_work(captured, client_for, district):
    from plans.models import PlanCycle

    _response, data = bundle(client_for("xa.09193"))
    cycle = PlanCycle.objects.filter(commune__code=CHO).order_by("-plan_year").first()
    if cycle is None:
        assert data["cycle"] is None
    else:
        assert (data["cycle"]["plan_year"], data["cycle"]["step"]) == (cycle.plan_year, cycle.step)
        assert data["cycle"]["proposals_open"] is (cycle.step in ("team", "proposals"))

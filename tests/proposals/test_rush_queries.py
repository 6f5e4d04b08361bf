"""The hottest requests of the deadline rush (bench/rush_locust.py, issue 18 part 3) keep a pinned number of queries.

Signed in with an API token as the load script is, through every middleware. A change that adds a query per
row (an N+1) or per request makes these fail: look at the new query, and pin the new count only if it is needed.
Each count is taken with several proposals, attachments and events in the commune, so a per-row query shows.
"""
import io
import math

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from knox.models import AuthToken
from PIL import Image

from accounts.models import User
from tests.proposals.conftest import URL, feature, inside

pytestmark = pytest.mark.django_db


def token_client(username):
    _, key = AuthToken.objects.create(User.objects.get(username=username))
    return Client(HTTP_AUTHORIZATION=f"Token {key}", HTTP_ACCEPT_LANGUAGE="en")


def jpeg():
    out = io.BytesIO()
    Image.effect_noise((320, 240), 40).convert("RGB").save(out, "JPEG")
    return SimpleUploadedFile("anh.jpg", out.getvalue(), content_type="image/jpeg")


def tile_xy(lon, lat, z):
    """The Web Mercator tile holding a WGS 84 point (the load script's map view; not imported: locust patches sockets)."""
    n = 2**z
    return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def queries(call):
    with CaptureQueriesContext(connection) as captured:
        answer = call()
    assert answer.status_code in (200, 201), answer.content[:500]
    return len(captured), answer


@pytest.fixture
def busy_commune(yen_phong):
    """Six proposals of a village head in Thị trấn Chờ, each with a photo; two already decided."""
    head = token_client("thon.09193-01")
    ids = []
    for i in range(6):
        pid = head.post(URL, feature(title=f"Đề xuất {i}"), content_type="application/json").json()["id"]
        head.post(f"{URL}{pid}/attachments/", {"file": jpeg()})
        ids.append(pid)
    team = token_client("xa.09193")
    for pid in ids[:2]:
        team.post(f"{URL}{pid}/accept/", {"reason": ""}, content_type="application/json")
    return ids


def test_village_head_proposal_with_photo(busy_commune):
    head = token_client("thon.09193-01")
    n, answer = queries(lambda: head.post(URL, feature(title="Giờ chót"), content_type="application/json"))
    assert n == POST_PROPOSAL, n
    pid = answer.json()["id"]
    n, _ = queries(lambda: head.post(f"{URL}{pid}/attachments/", {"file": jpeg()}))
    assert n == POST_PHOTO, n


def test_commune_team_reads_and_decides(busy_commune):
    team = token_client("xa.09193")
    n, answer = queries(lambda: team.get(URL, {"commune": "09193", "status": "submitted", "page_size": 50}))
    assert n == GET_LIST and len(answer.json()["features"]) >= 4, n
    n, _ = queries(lambda: team.post(f"{URL}{busy_commune[3]}/accept/", {"reason": ""}, content_type="application/json"))
    assert n == POST_DECISION, n


def test_district_reads_the_proposals_layer_and_tiles(busy_commune):
    staff = token_client("huyen.yen-phong")
    n, answer = queries(lambda: staff.get(URL, {"page_size": 1000}))
    assert n == GET_LAYER and answer.json()["count"] >= 6, n
    x, y = tile_xy(*inside("09193-01"), 13)
    n, answer = queries(lambda: staff.get(f"/d/yen-phong/tiles/proposals/13/{x}/{y}.pbf"))
    assert n == GET_TILE and len(answer.content) > 0, n


# POST_PROPOSAL was 25 when pinned; issue 14's notice of new work (frontend.reminders.new_work_announced) reads the
# commune team's recipients once per write, not per row, so it is 26 (seen as an extra SELECT on accounts_user).
POST_PROPOSAL, POST_PHOTO, GET_LIST, POST_DECISION, GET_LAYER, GET_TILE = 26, 18, 10, 23, 9, 9

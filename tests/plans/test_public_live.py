"""The public-comment limit holds across the live server's gunicorn workers (it let 15 through with three).

The live server runs in its own processes, so the draft open for comment is made through its API and
committed; it uses a plan year no other test uses (in Yên Phong) and every row of that year is removed
through a connection of its own.
"""
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import psycopg
import pytest
from django.conf import settings

from geo.models import AdministrativeUnit
from tests.accounts.test_live import call, database
from tests.conftest import DEMO_PASSWORD
from tests.plans.factories import TEAM, remove_plan_year

pytestmark = pytest.mark.django_db
YEAR = 2047
BASE = "/d/yen-phong/api/plans"


@pytest.fixture
def year_removed():
    db = settings.DATABASES["default"]
    assert db["NAME"].startswith("test"), db["NAME"]
    yield
    remove_plan_year(YEAR)
    with psycopg.connect(dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"]) as conn:
        conn.execute("DELETE FROM public.sedp_cache WHERE cache_key LIKE %s", ["%public-comment:203.0.113.120"])


def draft_open_for_comment(live_url):
    """Through the live server's API: a cycle of Thị trấn Chờ at step 5 with its revised draft open for comment."""
    tokens = {name: call(live_url + "/api/auth/token/", "POST", {"username": name, "password": DEMO_PASSWORD})[2]
              for name in ("xa.09193", "huyen.yen-phong")}
    auth = {name: {"Authorization": f"Token {json.loads(body)['token']}"} for name, body in tokens.items()}

    def api(who, method, path, data=None):
        status, _, body = call(live_url + BASE + path, method, data if data is not None else {}, auth[who])
        assert status in (200, 201), (path, status, body[:300])
        return json.loads(body) if body else None

    cycle = api("xa.09193", "POST", "/cycles/", {"commune": "09193", "plan_year": YEAR})["id"]
    api("xa.09193", "PUT", f"/cycles/{cycle}/team/", {"members": TEAM})
    for step in ("team", "proposals"):
        api("xa.09193", "POST", f"/cycles/{cycle}/steps/{step}/complete/")
    orientation = api("huyen.yen-phong", "POST", "/orientations/", {"plan_year": YEAR, "title": f"Định hướng {YEAR}"})["id"]
    api("huyen.yen-phong", "POST", f"/orientations/{orientation}/publish/")
    api("huyen.yen-phong", "POST", f"/cycles/{cycle}/steps/orientation/complete/")
    v1 = api("xa.09193", "POST", f"/cycles/{cycle}/draft/", {"from_accepted": False})["id"]
    point = AdministrativeUnit.objects.get(code="09193").geom.point_on_surface
    api("xa.09193", "POST", f"/{v1}/items/", {"type": "Feature", "geometry": {"type": "Point", "coordinates": [point.x, point.y]},
                                              "properties": {"title": "Đường trục xã", "sector": "transport"}})
    api("xa.09193", "POST", f"/cycles/{cycle}/conferences/", {"kind": "consultation", "held_on": "2026-06-20", "participants": 40, "summary": "ok"})
    api("xa.09193", "POST", f"/cycles/{cycle}/steps/draft/complete/")
    api("huyen.yen-phong", "POST", f"/{v1}/feedback/", {"no_comments": True})
    api("huyen.yen-phong", "POST", f"/cycles/{cycle}/steps/district_feedback/complete/")
    v2 = api("xa.09193", "POST", f"/{v1}/new-version/", {"kind": "revised"})["id"]
    api("xa.09193", "POST", f"/{v2}/consultation/", {"closes_on": (date.today() + timedelta(days=7)).isoformat()})
    for headers in auth.values():
        assert call(live_url + "/api/auth/logout/", "POST", {}, headers)[0] == 204
    return v2


def test_the_comment_limit_holds_across_the_server_workers(live_url, year_removed):
    plan = draft_open_for_comment(live_url)
    url = f"{live_url}/d/yen-phong/api/public/plans/{plan}/comments/"

    def comment(i):  # nginx in front adds the client's address
        return call(url, "POST", {"author_name": "Dân", "body": f"ý kiến {i}"}, {"X-Forwarded-For": "203.0.113.120"})[0]

    with ThreadPoolExecutor(max_workers=4) as pool:
        codes = list(pool.map(comment, range(12)))
    assert sorted(codes) == [202] * 5 + [429] * 7
    with database() as conn:
        stored = conn.execute("SELECT count(*) FROM d258.plans_publiccomment WHERE plan_id = %s", [plan]).fetchone()[0]
    assert stored == 5

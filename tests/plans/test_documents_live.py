"""PDF conversions never stall the real server (issue 15 review, finding 1): through the live gunicorn, with the worker
class and threads of deploy/up (deploy/gunicorn.conf.py), /healthz answers while every conversion slot is converting.

The old server ran sync workers and held a worker waiting for a slot: with as many conversions as workers, /healthz
waited in gunicorn's backlog until a conversion ended. The data is made through the live server's API in a plan year
no other test uses, and removed after (tests/plans/factories.py remove_plan_year).
"""
import json
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from geo.models import AdministrativeUnit
from tests.accounts.test_live import call, database
from tests.conftest import DEMO_PASSWORD, ROOT
from tests.plans.factories import TEAM, remove_plan_year

pytestmark = pytest.mark.django_db
YEAR = 2049
BASE = "/d/yen-phong/api/plans"


@pytest.fixture
def year_removed():
    assert settings.DATABASES["default"]["NAME"].startswith("test")
    yield
    remove_plan_year(YEAR)


def converting(folder: Path) -> int:
    """How many LibreOffice conversions of the live server run now (their files are under the server's TMPDIR)."""
    count = 0
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                line = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            if b"soffice" in line and b"--convert-to" in line and str(folder).encode() in line:
                count += 1
    return count


def get(url, headers, timeout=120):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def test_healthz_answers_while_every_conversion_slot_converts(live_url, year_removed):
    token = json.loads(call(live_url + "/api/auth/token/", "POST", {"username": "xa.09193", "password": DEMO_PASSWORD})[2])["token"]
    huyen = json.loads(call(live_url + "/api/auth/token/", "POST", {"username": "huyen.yen-phong", "password": DEMO_PASSWORD})[2])["token"]
    auth = {"xa": {"Authorization": f"Token {token}"}, "huyen": {"Authorization": f"Token {huyen}"}}

    def api(who, method, path, data=None):
        status, _, body = call(live_url + BASE + path, method, data if data is not None else {}, auth[who])
        assert status in (200, 201), (path, status, body[:300])
        return json.loads(body) if body else None

    cycle = api("xa", "POST", "/cycles/", {"commune": "09193", "plan_year": YEAR})["id"]
    api("xa", "PUT", f"/cycles/{cycle}/team/", {"members": TEAM})
    for step in ("team", "proposals"):
        api("xa", "POST", f"/cycles/{cycle}/steps/{step}/complete/")
    orientation = api("huyen", "POST", "/orientations/", {"plan_year": YEAR, "title": f"Định hướng {YEAR}"})["id"]
    api("huyen", "POST", f"/orientations/{orientation}/publish/")
    api("huyen", "POST", f"/cycles/{cycle}/steps/orientation/complete/")
    v1 = api("xa", "POST", f"/cycles/{cycle}/draft/", {"from_accepted": False})["id"]
    point = AdministrativeUnit.objects.get(code="09193").geom.point_on_surface
    api("xa", "POST", f"/{v1}/items/", {"type": "Feature", "geometry": {"type": "Point", "coordinates": [point.x, point.y]},
                                        "properties": {"title": "Đường trục xã", "sector": "transport"}})
    with database() as conn:  # nothing of this year is converted yet, whatever ran before
        conn.execute("DELETE FROM public.sedp_document_cache")

    # As many uncached documents as there are slots, plus one more: two convert, the third is answered 503 at once.
    urls = [f"{live_url}{BASE}/{v1}/document.pdf", f"{live_url}{BASE}/cycles/{cycle}/team/decision.pdf",
            f"{live_url}{BASE}/{v1}/document.pdf?lang=en"]
    assert len(urls) > settings.DOCUMENT_PDF_SLOTS == 2
    answers = {}

    def download(url):
        answers[url] = get(url, auth["xa"])

    threads = [threading.Thread(target=download, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    folder = ROOT / "var" / f"test-server-tmp-{live_url.rsplit(':', 1)[1]}"
    deadline = time.monotonic() + 60
    while converting(folder) < 1 and time.monotonic() < deadline:  # wait until a conversion runs (polling, no threshold)
        time.sleep(0.05)
    assert converting(folder) >= 1, "no conversion started"
    health, _ = get(live_url + "/healthz", {})
    converted_before_healthz = [status for status, _ in list(answers.values()) if status == 200]
    for thread in threads:
        thread.join()
    assert health == 200
    # /healthz answered before any conversion ended: the conversions held no worker it needed (the sync workers
    # answered it only once a conversion had finished and freed one).
    assert converted_before_healthz == []
    codes = sorted(status for status, _ in answers.values())
    assert codes.count(200) >= 1 and set(codes) <= {200, 503}
    assert all(body.startswith(b"%PDF") for status, body in answers.values() if status == 200)

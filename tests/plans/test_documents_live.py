"""PDF conversions never stall the real server (issue 15 review, finding 1): through the live gunicorn, with the worker
class and threads of deploy/up (deploy/gunicorn.conf.py), /healthz answers while every conversion slot is converting.

The old server ran sync workers and held a worker waiting for a slot: with as many conversions as workers, /healthz
waited in gunicorn's backlog until a conversion ended. Here every running conversion is paused (SIGSTOP to its process
group) while /healthz is asked, so the order is certain: /healthz answers while every slot's conversion is in flight, or
(the old server) not at all within 30 s. The data is made through the live server's API in a plan year
no other test uses, and removed after (tests/plans/factories.py remove_plan_year).
"""
import json
import os
import re
import signal
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from geo import documents
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


def conversions(folder: Path) -> dict[str, list[int]]:
    """The live server's LibreOffice conversions now: {conversion folder: [process ids]} (each conversion runs in a
    temporary folder of its own under the server's TMPDIR, named in the command line of its every process)."""
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                line = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            match = re.search(re.escape(str(folder).encode()) + rb"/(sedp-pdf-[^/\0]+)", line)
            if match and b"--convert-to" in line:
                found.setdefault(match.group(1).decode(), []).append(int(entry.name))
    return found


def pause(pids: list[int], sig: int) -> None:
    """Send `sig` (SIGSTOP, SIGCONT) to one conversion: its whole process group when it has one of its own (the
    launcher leads it, geo/documents.py `_run_in_own_group`), else each of its processes (never the server's group)."""
    for pid in pids:
        try:
            if os.getpgid(pid) == pid:
                os.killpg(pid, sig)
            else:
                os.kill(pid, sig)
        except ProcessLookupError:
            pass


def get(url, headers, timeout=120):
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def plan_of_year(live_url, year=YEAR):
    """(auth headers by who, plan version id, cycle id) of a draft plan of `year` made through the live server's API,
    with nothing converted yet."""
    token = json.loads(call(live_url + "/api/auth/token/", "POST", {"username": "xa.09193", "password": DEMO_PASSWORD})[2])["token"]
    huyen = json.loads(call(live_url + "/api/auth/token/", "POST", {"username": "huyen.yen-phong", "password": DEMO_PASSWORD})[2])["token"]
    auth = {"xa": {"Authorization": f"Token {token}"}, "huyen": {"Authorization": f"Token {huyen}"}}

    def api(who, method, path, data=None):
        status, _, body = call(live_url + BASE + path, method, data if data is not None else {}, auth[who])
        assert status in (200, 201), (path, status, body[:300])
        return json.loads(body) if body else None

    cycle = api("xa", "POST", "/cycles/", {"commune": "09193", "plan_year": year})["id"]
    api("xa", "PUT", f"/cycles/{cycle}/team/", {"members": TEAM})
    for step in ("team", "proposals"):
        api("xa", "POST", f"/cycles/{cycle}/steps/{step}/complete/")
    orientation = api("huyen", "POST", "/orientations/", {"plan_year": year, "title": f"Định hướng {year}"})["id"]
    api("huyen", "POST", f"/orientations/{orientation}/publish/")
    api("huyen", "POST", f"/cycles/{cycle}/steps/orientation/complete/")
    v1 = api("xa", "POST", f"/cycles/{cycle}/draft/", {"from_accepted": False})["id"]
    point = AdministrativeUnit.objects.get(code="09193").geom.point_on_surface
    api("xa", "POST", f"/{v1}/items/", {"type": "Feature", "geometry": {"type": "Point", "coordinates": [point.x, point.y]},
                                        "properties": {"title": "Đường trục xã", "sector": "transport"}})
    with database() as conn:  # nothing of this year is converted yet, whatever ran before
        conn.execute("DELETE FROM public.sedp_document_cache")
    return auth, v1, cycle


def test_healthz_answers_while_every_conversion_slot_converts(live_url, year_removed):
    auth, v1, cycle = plan_of_year(live_url)
    # As many uncached documents as there are slots, plus one more (three different documents: in the same language
    # whatever the request's, the plan asked twice would be one document): two convert, the third is answered 503 at once.
    urls = [f"{live_url}{BASE}/{v1}/document.pdf", f"{live_url}{BASE}/cycles/{cycle}/team/decision.pdf",
            f"{live_url}{BASE}/{v1}/district-approval/decision.pdf"]
    assert len(urls) > settings.DOCUMENT_PDF_SLOTS == 2
    answers = {}

    def download(url):
        answers[url] = get(url, auth["xa"])

    threads = [threading.Thread(target=download, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    folder = ROOT / "var" / f"test-server-tmp-{live_url.rsplit(':', 1)[1]}"
    # Each conversion is paused (SIGSTOP) as soon as it appears, so none can end before /healthz is asked: the order is
    # certain, not a race (the first version of this test asked /healthz once one conversion ran and required it to
    # answer before any ended; on a loaded machine one could end first, see the commit message).
    paused = {}
    try:
        while len(paused) < settings.DOCUMENT_PDF_SLOTS and any(thread.is_alive() for thread in threads):
            for name, pids in conversions(folder).items():
                if name not in paused:
                    pause(pids, signal.SIGSTOP)
                    paused[name] = pids
            time.sleep(0.05)  # polling /proc, not a threshold
        # Every slot converts and no conversion can end: the old sync workers were all held, and /healthz waited.
        assert len(paused) == settings.DOCUMENT_PDF_SLOTS, (paused, answers)
        for pids in paused.values():  # what started before the pause is stopped too (a child forked meanwhile)
            pause(pids, signal.SIGSTOP)
        converted_before = [status for status, _ in list(answers.values()) if status == 200]
        health, _ = get(live_url + "/healthz", {}, timeout=30)
        converted_meanwhile = [status for status, _ in list(answers.values()) if status == 200]
    finally:
        for pids in paused.values():
            pause(pids, signal.SIGCONT)
        for thread in threads:
            thread.join()
    assert health == 200
    assert converted_before == converted_meanwhile == []  # /healthz answered while every conversion was in flight
    codes = sorted(status for status, _ in answers.values())
    assert codes.count(200) == settings.DOCUMENT_PDF_SLOTS and codes.count(503) == len(urls) - settings.DOCUMENT_PDF_SLOTS, codes
    assert all(body.startswith(b"%PDF") for status, body in answers.values() if status == 200)


def waiting_for_the_same_document(conn) -> int:
    """How many of the server's database sessions are waiting for a document another request is making: their last
    statement polls its lock (geo/documents.py `one_at_a_time`) and they hold no lock of that class."""
    return conn.execute(
        "SELECT count(*) FROM pg_stat_activity a WHERE a.datname = current_database() AND a.state LIKE 'idle%%'"
        " AND a.query LIKE %s AND NOT EXISTS (SELECT 1 FROM pg_locks l WHERE l.pid = a.pid AND l.locktype = 'advisory'"
        " AND l.classid = %s AND l.granted)",
        [f"SELECT pg_try_advisory_lock({documents.SAME_LOCK_CLASS}, %", documents.SAME_LOCK_CLASS]).fetchone()[0]


def test_parallel_downloads_of_one_document_share_one_build(live_url, year_removed):
    """Review rv15d, finding 2: 30 parallel GETs of two unbuilt PDFs gave 13×503, each miss taking a slot of its own.
    Now N parallel downloads of one uncached PDF: its one conversion is paused (SIGSTOP) until the N-1 others wait for
    it (seen in pg_stat_activity), so the order is certain; then all N answer 200 with the same PDF and only one
    conversion ever ran. The old code answered the requests beyond the slots 503 at once (and converted twice)."""
    auth, v1, _cycle = plan_of_year(live_url)
    url = f"{live_url}{BASE}/{v1}/document.pdf"
    n = 3  # one build and DOCUMENT_WAITERS (WEB_THREADS 4 - 2) waiters: every request is served even if one worker takes them all
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(get(url, auth["xa"]))) for _ in range(n)]
    for thread in threads:
        thread.start()
    folder = ROOT / "var" / f"test-server-tmp-{live_url.rsplit(':', 1)[1]}"
    seen, paused, waiting = set(), {}, 0
    try:
        with database() as conn:
            while any(thread.is_alive() for thread in threads) and not (paused and waiting >= n - 1):
                for name, pids in conversions(folder).items():
                    seen.add(name)
                    if name not in paused:
                        pause(pids, signal.SIGSTOP)
                        paused[name] = pids
                waiting = waiting_for_the_same_document(conn)
                time.sleep(0.05)  # polling, not a threshold
    finally:
        for pids in paused.values():
            pause(pids, signal.SIGCONT)
    while any(thread.is_alive() for thread in threads):
        seen.update(conversions(folder))
        time.sleep(0.05)
    assert waiting >= n - 1, (waiting, [status for status, _ in answers])
    assert [status for status, _ in answers] == [200] * n
    assert len({body for _, body in answers}) == 1 and answers[0][1].startswith(b"%PDF")
    assert len(seen) == 1, seen  # one conversion, shared by the n downloads

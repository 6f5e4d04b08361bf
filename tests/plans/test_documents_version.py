"""A document is built once per content version, read in one REPEATABLE READ snapshot (geo/documents.py `cached_docx`).

Requests here run as in the deployed server: in autocommit, outside any transaction. pytest-django's `db` fixture wraps
a test in one, where `cached_docx` cannot open its snapshot, so that path never ran in a test: the requests run in a
thread of their own, whose database connection is not the test's. The data is committed through the API in a plan
year no other test uses, and removed after (tests/plans/factories.py remove_plan_year). Builds are
counted by wrapping the real `official_docx` the plan's exports call.
"""
import io
import json
import threading

import pytest
from django.db import connection
from django.test import Client
from docx import Document

from accounts.models import User
from plans import exports
from tests.plans.factories import TEAM, inside_point, remove_plan_year

YEAR = 2048
D = "/d/yen-phong/api/plans"
pytestmark = pytest.mark.django_db


@pytest.fixture
def committed():
    """What the requests commit stays: it is removed after the test, through a connection of its own."""
    from django.conf import settings

    assert settings.DATABASES["default"]["NAME"].startswith("test")
    yield
    remove_plan_year(YEAR)


def in_own_thread(test):
    """Run `test()` in a thread (its own database connection, in autocommit as a server's), re-raising what it raised."""
    failure = []

    def run():
        try:
            test()
        except BaseException as exc:  # handed to the test's thread
            failure.append(exc)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if failure:
        raise failure[0]


@pytest.fixture
def builds(monkeypatch):
    """Every Word build of the plan's exports: (kind, the transaction's isolation level, in a transaction or not)."""
    seen = []
    real = exports.official_docx

    def counted(**kwargs):
        with connection.cursor() as cursor:
            cursor.execute("SHOW transaction_isolation")
            seen.append((kwargs["kind"], cursor.fetchone()[0], connection.in_atomic_block))
        return real(**kwargs)

    monkeypatch.setattr(exports, "official_docx", counted)
    return seen


def signed_in(username):
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def call(client, method, url, data=None):
    response = getattr(client, method)(url, json.dumps(data or {}), content_type="application/json")
    assert response.status_code in (200, 201), (url, response.status_code, response.content[:300])
    return response.json()


def text(response):
    assert response.status_code == 200, response.content[:300]
    doc = Document(io.BytesIO(response.content))
    return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for row in t.rows for c in row.cells])


def test_a_changed_plan_gives_a_new_document_and_an_unchanged_one_the_cached_bytes(committed, builds):
    """Issue 15 (review rv15c finding 2): a download whose plan did not change answers the bytes built before and builds
    nothing; an item edited, the plan's status changed, the letter's number recorded each give a new document. Every
    build runs in a REPEATABLE READ transaction of its own (the snapshot its content version is read in)."""
    in_own_thread(lambda: downloads_and_changes(builds))


def downloads_and_changes(builds):
    assert not connection.in_atomic_block  # as in the server: no transaction around the request
    xa, huyen = signed_in("xa.09193"), signed_in("huyen.yen-phong")
    cycle = call(xa, "post", f"{D}/cycles/", {"commune": "09193", "plan_year": YEAR})["id"]
    call(xa, "put", f"{D}/cycles/{cycle}/team/", {"members": TEAM})
    for step in ("team", "proposals"):
        call(xa, "post", f"{D}/cycles/{cycle}/steps/{step}/complete/")
    orientation = call(huyen, "post", f"{D}/orientations/", {"plan_year": YEAR, "title": f"Định hướng {YEAR}"})["id"]
    call(huyen, "post", f"{D}/orientations/{orientation}/publish/")
    call(huyen, "post", f"{D}/cycles/{cycle}/steps/orientation/complete/")
    v1 = call(xa, "post", f"{D}/cycles/{cycle}/draft/", {"from_accepted": False})["id"]
    point, _ = inside_point("09193")
    item = call(xa, "post", f"{D}/{v1}/items/", {"type": "Feature", "geometry": point,
                                                 "properties": {"title": "Đường trục xã RV15", "sector": "transport"}})["id"]
    url = f"{D}/{v1}/document.docx"

    first = xa.get(url)
    assert "Đường trục xã RV15" in text(first)
    assert builds == [("plan", "repeatable read", True)]
    again = xa.get(url)
    assert again.content == first.content and len(builds) == 1  # the cached bytes, no build
    assert huyen.get(url).content == first.content and len(builds) == 1  # whoever downloads it

    # An item edited: a new document with the new title.
    call(xa, "patch", f"{D}/items/{item}/", {"type": "Feature", "properties": {"title": "Đường trục xã RV15 đã sửa"}})
    edited = xa.get(url)
    assert "Đường trục xã RV15 đã sửa" in text(edited) and len(builds) == 2
    assert xa.get(url).content == edited.content and len(builds) == 2

    # The plan's status: the draft reported to the district (step 2 complete) is another version of the document.
    call(xa, "post", f"{D}/cycles/{cycle}/conferences/", {"kind": "consultation", "held_on": first_day(), "participants": 30, "summary": "ok"})
    before = len(builds)
    call(xa, "post", f"{D}/cycles/{cycle}/steps/draft/complete/")
    assert xa.get(f"{D}/{v1}/").json()["status"] != "working"
    xa.get(url)
    assert len(builds) == before + 1
    xa.get(url)
    assert len(builds) == before + 1

    # The district's letter: built once, rebuilt when its number is recorded (printed), then cached again.
    call(huyen, "post", f"{D}/{v1}/feedback/", {"no_comments": True})
    letter_url = f"{D}/{v1}/feedback.docx"
    letter = huyen.get(letter_url)
    assert "Số:      /UBND-TCKH" in text(letter)
    count = len(builds)
    assert huyen.get(letter_url).content == letter.content and len(builds) == count
    call(huyen, "put", f"{D}/{v1}/feedback-number/", {"document_number": "31"})
    numbered = huyen.get(letter_url)
    assert "Số: 31/UBND-TCKH" in text(numbered) and len(builds) == count + 1
    assert huyen.get(letter_url).content == numbered.content and len(builds) == count + 1
    assert all(isolation == "repeatable read" and atomic for _kind, isolation, atomic in builds), builds


def first_day():
    from django.utils import timezone

    return timezone.localdate().isoformat()

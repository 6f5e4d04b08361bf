"""Concurrent duplicates (issue 16): the same item sent twice at the same moment, on two real database connections
through the whole middleware, is created exactly once; the second answer replays the first.

Each thread has its own Django database connection in autocommit, as two gunicorn workers do, so what they write is
committed: the test removes it afterwards through a connection of its own (like tests/accounts/test_live.py).
"""
import json
import threading
import uuid

import psycopg
import pytest
from django.conf import settings
from django.db import connections
from django.test import Client

from idempotency.keys import REPLAYED_HEADER
from tests.idempotency.test_keys import MEETINGS, meeting

pytestmark = pytest.mark.django_db


def database():
    db = settings.DATABASES["default"]
    assert db["NAME"].startswith("test"), db["NAME"]
    return psycopg.connect(dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"], autocommit=True)


def at_once(username, url, body, key, *, sessions, copies=2):
    """Send `copies` identical requests from as many threads, released together by a barrier; [(status, headers, json)].
    The session keys the threads made are added to `sessions` (for the clean-up)."""
    from accounts.models import User

    barrier, answers, errors = threading.Barrier(copies), [None] * copies, []

    def run(i):
        try:
            client = Client()
            client.force_login(User.objects.get(username=username))  # committed: this thread's connection autocommits
            sessions.append(client.session.session_key)
            barrier.wait(timeout=30)
            headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": str(key)}
            response = client.post(url, json.dumps(body), content_type="application/json", **headers)
            answers[i] = (response.status_code, response.headers, response.json())
        except Exception as exc:  # noqa: BLE001 (reported by the main thread)
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(copies)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return answers


@pytest.fixture
def committed(district):
    """Removes what the threads committed: rows of Yên Phong's schema [(table, column, value)] and the sessions."""
    schema = district("yen-phong").schema_name
    rows, sessions = [], []
    yield rows, sessions
    with database() as conn:
        for table, column, value in rows:
            conn.execute(f'DELETE FROM "{schema}".{table} WHERE {column} = %s', [value])
        conn.execute("DELETE FROM public.django_session WHERE session_key = ANY(%s)", [sessions])


def count(district, table, column, value):
    with database() as conn:
        return conn.execute(f'SELECT count(*) FROM "{district("yen-phong").schema_name}".{table} WHERE {column} = %s', [value]).fetchone()[0]


@pytest.mark.parametrize("copies", [2, 2, 3])
def test_a_meeting_sent_at_once_from_two_connections_is_recorded_once(district, committed, copies):
    rows, sessions = committed
    key, place = uuid.uuid4(), f"Nhà văn hóa {uuid.uuid4().hex[:8]}"
    rows += [("idempotency_idempotencykey", "key", key), ("proposals_villagemeeting", "place", place)]
    answers = at_once("thon.09193-01", MEETINGS, meeting(place=place), key, sessions=sessions, copies=copies)
    assert [a[0] for a in answers] == [201] * copies
    # One answer made the meeting; every other one replays it, body for body.
    assert sorted(a[1].get(REPLAYED_HEADER, "") for a in answers) == [""] + ["true"] * (copies - 1)
    assert all(a[2] == answers[0][2] for a in answers)
    assert count(district, "proposals_villagemeeting", "place", place) == 1
    assert count(district, "idempotency_idempotencykey", "key", key) == 1


def test_without_a_key_the_same_meeting_sent_at_once_is_recorded_twice(district, committed):
    """The control: what the phone's retries did before keys (and still do without the header)."""
    rows, sessions = committed
    place = f"Không khóa {uuid.uuid4().hex[:8]}"
    rows.append(("proposals_villagemeeting", "place", place))
    answers = at_once("thon.09193-01", MEETINGS, meeting(place=place), key=None, sessions=sessions)
    assert [a[0] for a in answers] == [201, 201]
    assert count(district, "proposals_villagemeeting", "place", place) == 2

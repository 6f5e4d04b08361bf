"""Requests waiting for a document another request is making (geo.document_slots.one_at_a_time) are bounded per process:
each holds a gthread thread, and 40 anonymous requests for one uncached public PDF held every thread of the server,
so /healthz waited for the build (review rv15e, finding A)."""

import psycopg
import pytest
from django.db import connection

from geo import document_slots


@pytest.fixture
def held_elsewhere(db):
    """The lock of document "rv15e" held by another session, as a request building it would hold it."""
    params = connection.get_connection_params()
    other = psycopg.connect(**{k: v for k, v in params.items() if k in ("dbname", "user", "password", "host", "port")}, autocommit=True)
    number = int.from_bytes(document_slots.hashlib.sha256(b"rv15e").digest()[:4], "big", signed=True)
    other.execute("SELECT pg_advisory_lock(%s, %s)", [document_slots.SAME_LOCK_CLASS, number])
    yield other
    other.close()


def test_a_request_beyond_the_waiting_places_is_a_503_at_once(settings, held_elsewhere, monkeypatch):
    settings.DOCUMENT_WAITERS = 1
    settings.DOCUMENT_SAME_WAIT = 30
    monkeypatch.setattr(document_slots, "_waiting", 1)  # the one place taken by another thread of this process

    def no_waiting(seconds):
        raise AssertionError("a request beyond the waiting places waited")

    monkeypatch.setattr(document_slots.time, "sleep", no_waiting)
    with pytest.raises(document_slots.BuildsBusy), document_slots.one_at_a_time("rv15e"):
        pass
    assert document_slots._waiting == 1  # the place it did not take is not given back either


def test_a_waiting_request_takes_a_place_and_gives_it_back(settings, held_elsewhere):
    settings.DOCUMENT_WAITERS = 1
    settings.DOCUMENT_SAME_WAIT = 0  # gives up at once after its first try: still a waiter while it tries
    seen = []
    real_try = document_slots._try_lock

    def watching(lock_class, number):
        seen.append(document_slots._waiting)
        return real_try(lock_class, number)

    document_slots._try_lock = watching
    try:
        with pytest.raises(document_slots.BuildsBusy), document_slots.one_at_a_time("rv15e"):
            pass
    finally:
        document_slots._try_lock = real_try
    assert seen[0] == 0 and seen[1:] and all(n == 1 for n in seen[1:])
    assert document_slots._waiting == 0


def test_the_lock_free_takes_no_waiting_place(settings, db):
    settings.DOCUMENT_WAITERS = 0  # no place at all: a document nobody else makes is still made
    with document_slots.one_at_a_time("rv15e-free"):
        assert document_slots._waiting == 0

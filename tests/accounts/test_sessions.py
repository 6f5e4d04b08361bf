"""The idle clock of a session is written at most once a minute (accounts/sessions.py), never later than the idle timeout."""
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _session_writes(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("UPDATE \"django_session\"", "INSERT INTO \"django_session\""))]


def test_a_session_free_answer_neither_reads_nor_pushes_the_session(client_for):
    """The administrative units are the same for everybody: their view marks its answer `session_free`, and a signed-in
    visitor's request reads no session and writes none, even with a clock a minute behind."""
    browser = client_for("tinh")
    url = "/api/admin-units/?level=district"
    browser.get("/api/me/inbox/")
    session = Session.objects.get(session_key=browser.session.session_key)
    behind = timezone.now() + timedelta(minutes=28, seconds=50)
    Session.objects.filter(pk=session.pk).update(expire_date=behind)
    with CaptureQueriesContext(connection) as captured:
        assert browser.get(url).status_code == 200
    assert not any("django_session" in q["sql"] for q in captured.captured_queries)
    assert Session.objects.get(pk=session.pk).expire_date == behind


def test_requests_within_a_minute_write_no_session_and_an_older_clock_is_pushed_forward(client_for):
    browser = client_for("tinh")
    url = "/api/me/inbox/"  # signed in (the administrative units are session-free: accounts.sessions.SessionMiddleware)
    browser.get(url)
    session = Session.objects.get(session_key=browser.session.session_key)
    # A request a moment later: nothing changed in the session and its end moves by less than a minute, no write.
    assert _session_writes(browser, url) == []
    assert Session.objects.get(pk=session.pk).expire_date == session.expire_date
    # Its end a minute and more behind: the request pushes it to the full idle timeout again.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() + timedelta(minutes=28, seconds=50))
    assert len(_session_writes(browser, url)) == 1
    assert Session.objects.get(pk=session.pk).expire_date - timezone.now() > timedelta(minutes=29, seconds=50)
    # Past its end the session is over whatever the clock's granularity.
    Session.objects.filter(pk=session.pk).update(expire_date=timezone.now() - timedelta(seconds=1))
    assert browser.get("/d/yen-phong/").status_code == 302

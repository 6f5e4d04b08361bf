"""Dates on pages are Vietnam's, whatever the browser's own time zone (review rv13e, tested in rv15e): the projects
page's history (investment/js/projects.js) and the printed map's date (frontend/js/maps.js `today()`).

Real Chromium in Pacific/Kiritimati (UTC+14): at 19:47 in Vietnam on 30/11/2026 it is already 01/12/2026 there, so a
date written in the browser's zone would say 01/12.
"""
from datetime import datetime, timedelta, timezone

import pytest
from django.db import connection

from tests.frontend.test_every_page import DESKTOP
from tests.investment.test_pages import committed_project  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.browser]
VIETNAM = timezone(timedelta(hours=7))
EVENING_IN_VIETNAM = datetime(2026, 11, 30, 19, 47, tzinfo=VIETNAM)  # 01/12/2026 02:47 in Kiritimati


@pytest.fixture
def page(browser, live_url):
    """A browser far east of Vietnam: its own date is a day ahead of Vietnam's from 10:00 to 24:00 UTC."""
    context = browser.new_context(base_url=live_url, locale="vi-VN", timezone_id="Pacific/Kiritimati", viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def event_in_the_evening(committed_project, django_db_blocker):  # noqa: F811
    """The committed project with one history row at 19:47 on 30/11/2026 in Vietnam, its other rows (written when the
    project was, i.e. today) moved to 01/11/2026: written after 17:00 UTC they fell on the next day in Vietnam and were
    rightly shown so, failing the test by the clock of the run."""
    from accounts.models import User
    from investment.models import ProjectEvent

    yen_phong, project = committed_project
    with django_db_blocker.unblock():
        connection.set_tenant(yen_phong)
        event = ProjectEvent.objects.create(project=project, action="created", actor=User.objects.get(username="huyen.yen-phong"))
        ProjectEvent.objects.filter(pk=event.pk).update(at=EVENING_IN_VIETNAM)
        ProjectEvent.objects.filter(project=project).exclude(pk=event.pk).update(at=EVENING_IN_VIETNAM - timedelta(days=29))
        connection.set_schema_to_public()
        connection.close()
    return project


def test_the_projects_history_shows_the_vietnam_date(event_in_the_evening, page, login):
    login("huyen.yen-phong", next_url="/d/yen-phong/investment/projects/")
    page.click(f"tr[data-id='{event_in_the_evening.pk}'] td.clickable")
    history = page.locator("#project-detail [data-part=history] li")
    history.first.wait_for()
    assert page.evaluate("new Date('2026-11-30T19:47:00+07:00').getDate()") == 1  # the browser's zone is a day ahead
    texts = history.all_inner_texts()
    assert sum(text.startswith("30/11/2026 · ") for text in texts) == 1, texts
    assert not any("01/12/2026" in text for text in texts), texts


@pytest.mark.django_db(transaction=False)  # also makes pytest-django create the test database for a run of this module
def test_the_printed_map_is_dated_in_vietnam(page, login):
    page.clock.set_fixed_time(EVENING_IN_VIETNAM)
    login("tinh", next_url="/province/compare/")
    page.wait_for_selector("#compare-map[data-ready='1']")
    assert page.evaluate("new Date().getDate()") == 1  # the browser's own date: 01/12
    page.click("#compare-map [data-testid=print-map]")
    page.locator("[data-testid=print-dialog] [data-testid=print-preview]").click()
    page.wait_for_selector("[data-testid=print-frame][data-ready='1']")
    assert page.inner_text("[data-testid=print-date]").endswith(": 30/11/2026")

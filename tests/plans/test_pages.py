"""The cycle page and the district dashboard in Debian's Chromium against a live server.

The live server runs in its own process, so the data these tests make is committed; they use a
plan year no other test uses and remove what they made through a connection of their own. The
django_db marker makes sure the test database exists even when these tests run alone (without any
database test in the session, pytest-django would leave the connection on the real database).
"""
import psycopg
import pytest
from django.conf import settings

from tests.plans.factories import TEAM

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
YEAR = 2035


def api(page, method, path, data=None):
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.fetch(path, method=method, data=data, headers={"X-CSRFToken": csrf, "Referer": page.url})
    return response


@pytest.fixture
def cleanup():
    db = settings.DATABASES["default"]
    assert db["NAME"].startswith("test"), db["NAME"]
    yield
    with psycopg.connect(dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"]) as conn:
        cycles = "SELECT id FROM d258.plans_plancycle WHERE plan_year = %s"
        conn.execute(f"DELETE FROM d258.plans_teammember WHERE team_id IN (SELECT id FROM d258.plans_planningteam WHERE cycle_id IN ({cycles}))", [YEAR])
        for table in ("plans_planningteam", "plans_cycletransition", "plans_stepevidence"):
            conn.execute(f"DELETE FROM d258.{table} WHERE cycle_id IN ({cycles})", [YEAR])
        conn.execute("DELETE FROM d258.plans_plancycle WHERE plan_year = %s", [YEAR])


def test_cycle_page_shows_steps_and_completes_one(page, login, cleanup):
    login("xa.09193", next_url="/d/yen-phong/")
    r = api(page, "POST", "/d/yen-phong/api/plans/cycles/", {"commune": "09193", "plan_year": YEAR})
    assert r.status == 201, r.text()
    cycle = r.json()["id"]
    page.goto(f"/d/yen-phong/plans/cycles/{cycle}/")
    assert "Thị trấn Chờ" in page.inner_text("h1")
    rows = page.locator("table.steps tbody tr")
    assert rows.count() == 7
    assert page.locator("tr[data-step=team] td").nth(2).inner_text() == f"05/05/{YEAR - 1}"
    assert page.locator("tr[data-step=team]").get_attribute("data-state") == "in_progress"
    page.click("button.complete-step[data-step=team]")  # no team yet: the reason shows, nothing changes
    error = page.wait_for_selector("[data-testid=step-error]:not([hidden])")
    assert "Tổ" in error.inner_text() or "team" in error.inner_text()
    assert api(page, "PUT", f"/d/yen-phong/api/plans/cycles/{cycle}/team/", {"members": TEAM}).status == 200
    page.click("button.complete-step[data-step=team]")
    page.wait_for_selector("tr[data-step=team][data-state=done]")
    assert page.locator("tr[data-step=proposals]").get_attribute("data-state") == "in_progress"
    assert page.locator("button.complete-step").count() == 1
    assert "xa.09193" in page.inner_text("ol.history") or "Tổ KH" in page.inner_text("ol.history")


def test_district_dashboard_colours_the_communes(page, login, cleanup):
    login("xa.09193", next_url="/d/yen-phong/")
    assert api(page, "POST", "/d/yen-phong/api/plans/cycles/", {"commune": "09193", "plan_year": YEAR}).status == 201
    page.context.clear_cookies()
    login("huyen.yen-phong", next_url=f"/d/yen-phong/plans/?plan_year={YEAR}")
    page.wait_for_selector("#cycles-map[data-ready='1']")
    assert page.locator("path.cycle-shape").count() == 14
    assert page.locator("path.state-in_progress").count() == 1
    assert page.locator("path.state-no_cycle").count() == 13
    assert page.locator("table.cycles tbody tr[data-state=in_progress]").inner_text().startswith("Thị trấn Chờ")

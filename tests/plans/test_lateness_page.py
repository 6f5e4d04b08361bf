"""Issue 14, part 3, in Chromium: the commune team enters the date its step was decided on the cycle page, and the page
says how late a step was done ("hoàn thành muộn N ngày") and how overdue the cycle is.

The live server runs in its own process, so what this test makes is committed; it uses a plan year no other test uses
(2025 in Yên Phong) and removes its rows through a connection of its own.
"""
import pytest

from tests.plans.factories import TEAM, remove_plan_year

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
YEAR = 2025  # planned during 2024: every due date has passed
BASE = "/d/yen-phong/api/plans"


def api(page, method, path, data=None):
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    return page.request.fetch(path, method=method, data=data, headers={"X-CSRFToken": csrf, "Referer": page.url})


@pytest.fixture
def cleanup():
    yield
    remove_plan_year(YEAR)


def mark_done(page, step, on):
    """Enter the decision date and mark the step done, confirming the page's dialog (an irreversible step, issue 15)."""
    row = page.locator(f"tr[data-step={step}]")
    row.locator("input.decided-on").fill(on)
    row.locator("button.complete-step").click()
    page.wait_for_selector("dialog[data-testid=ask][open]")
    with page.expect_navigation():
        page.click("[data-testid=ask-ok]")
    return page.locator(f"tr[data-step={step}]")


def opened_on(cycle, day):
    """Backdate when the cycle was opened, through a connection of its own (the live server must see it): a decision
    may not be dated before the cycle was opened (core.deadlines.refuse_before), and this cycle is planned in 2024."""
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    assert db["NAME"].startswith("test"), db["NAME"]
    with psycopg.connect(dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"]) as conn:
        conn.execute("UPDATE d258.plans_plancycle SET created_at = %s WHERE id = %s", [day, cycle])


def test_the_team_dates_its_decisions_and_sees_lateness_kept(page, login, cleanup):
    login("xa.09196", next_url="/d/yen-phong/")
    cycle = api(page, "POST", f"{BASE}/cycles/", {"commune": "09196", "plan_year": YEAR}).json()["id"]
    assert api(page, "PUT", f"{BASE}/cycles/{cycle}/team/", {"members": TEAM}).status == 200
    opened_on(cycle, "2024-04-01T08:00:00+07:00")
    page.goto(f"/d/yen-phong/plans/cycles/{cycle}/")

    team = mark_done(page, "team", "2024-05-01")  # due 05/05/2024: in time
    assert team.get_attribute("data-state") == "done" and "01/05/2024" in team.inner_text()
    assert team.locator("[data-testid=lateness]").count() == 0

    proposals = mark_done(page, "proposals", "2024-06-09")  # due 10/05/2024: 30 days late
    assert proposals.get_attribute("data-state") == "done"
    assert proposals.locator("[data-testid=lateness]").inner_text() == "(hoàn thành muộn 30 ngày)"
    # The district's orientation (due 31/05/2024) is still open: the cycle reads overdue, in days.
    assert page.locator("[data-testid=cycle-lateness]").inner_text().startswith("quá hạn ")
    assert page.locator("tr[data-step=orientation]").get_attribute("data-state") == "overdue"

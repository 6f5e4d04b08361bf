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
    row = page.locator(f"tr[data-step={step}]")
    row.locator("input.decided-on").fill(on)
    with page.expect_navigation():
        row.locator("button.complete-step").click()
    return page.locator(f"tr[data-step={step}]")


def test_the_team_dates_its_decisions_and_sees_lateness_kept(page, login, cleanup):
    login("xa.09196", next_url="/d/yen-phong/")
    cycle = api(page, "POST", f"{BASE}/cycles/", {"commune": "09196", "plan_year": YEAR}).json()["id"]
    assert api(page, "PUT", f"{BASE}/cycles/{cycle}/team/", {"members": TEAM}).status == 200
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

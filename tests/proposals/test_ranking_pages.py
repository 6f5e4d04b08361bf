"""Issue 15, part 2, on the step-1 page in Chromium: the table in rank order past ten, "move up" moving the right row,
drag-and-drop ranking (SortableJS, served locally), and the rejection's reason asked in a dialog, not a prompt box.

The live server sees committed rows only: the proposals are made through the API as the commune team and removed
afterwards through a connection of the test's own (as tests/plans/test_pages.py does)."""
import psycopg
import pytest
from django.conf import settings

from tests.plans.test_pages import api
from tests.proposals.conftest import inside

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
COMMUNE = "09196"  # Xã Dũng Liệt, Yên Phong
PAGE = "/d/yen-phong/proposals/"
PREFIX = "(xếp hạng) "


@pytest.fixture
def cleanup():
    db = settings.DATABASES["default"]
    assert db["NAME"].startswith("test"), db["NAME"]
    yield
    with psycopg.connect(dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"]) as conn:
        ids = "SELECT id FROM d258.proposals_proposal WHERE title LIKE %s"
        conn.execute(f"DELETE FROM d258.proposals_proposalevent WHERE proposal_id IN ({ids})", [PREFIX + "%"])
        conn.execute("DELETE FROM d258.proposals_proposal WHERE title LIKE %s", [PREFIX + "%"])


def titles(page):
    return [t.split(" · ")[0] for t in page.locator("#proposal-rows tr td.clickable").all_inner_texts()]


def ranks(page):
    return [int(t.strip("⠿ ").strip() or 0) for t in page.locator("#proposal-rows tr td.rank").all_inner_texts()]


def test_ranks_in_order_move_up_drag_and_reject_in_a_dialog(page, login, cleanup):
    login(f"xa.{COMMUNE}", next_url=PAGE)
    lon, lat = inside(COMMUNE)
    made = []
    for n in range(13):
        body = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {"commune": COMMUNE, "title": f"{PREFIX}{n:02d}", "sector": "transport", "estimated_cost": 100_000_000}}
        response = api(page, "POST", "/d/yen-phong/api/proposals/", body)
        assert response.status == 201, response.text()
        made.append(response.json()["id"])
    listed = api(page, "GET", f"/d/yen-phong/api/proposals/?commune={COMMUNE}&page_size=5000").json()["features"]
    others = [f["id"] for f in listed if f["id"] not in made and f["properties"]["status"] != "merged"]
    order = list(reversed(made)) + others
    assert api(page, "POST", "/d/yen-phong/api/proposals/rank/", {"commune": COMMUNE, "order": order}).status == 200
    page.goto(PAGE)
    page.wait_for_selector("#proposal-map[data-ready='1']")
    shown = ranks(page)
    assert shown[:len(order)] == list(range(1, len(order) + 1))  # 1, 2, 3… (was 1, 12, 2, 3…)
    assert titles(page)[:3] == [f"{PREFIX}12", f"{PREFIX}11", f"{PREFIX}10"]

    # "Move up" on the fifth row puts that proposal fourth, and only it moves.
    fifth = titles(page)[4]
    page.locator("#proposal-rows tr").nth(4).locator("button[data-action=up]").click()
    page.wait_for_function("t => document.querySelectorAll('#proposal-rows td.clickable')[3].textContent.startsWith(t)", arg=fifth)
    assert titles(page)[:5] == [f"{PREFIX}12", f"{PREFIX}11", f"{PREFIX}10", fifth, f"{PREFIX}09"]
    assert ranks(page)[:5] == [1, 2, 3, 4, 5]

    # Drag the first row below the third.
    first = titles(page)[0]
    page.locator("#proposal-rows tr").nth(0).locator(".drag").drag_to(page.locator("#proposal-rows tr").nth(2), target_position={"x": 10, "y": 20})
    # Saved and reloaded: the third row is the dragged one, now ranked 3.
    page.wait_for_function("t => { const row = document.querySelectorAll('#proposal-rows tr')[2];"
                           " return row.querySelector('td.clickable').textContent.startsWith(t) && row.querySelector('td.rank').textContent.endsWith('3'); }",
                           arg=first)
    assert ranks(page)[:len(order)] == list(range(1, len(order) + 1))

    # Reject: the reason is asked in the page's dialog (no window.prompt), and is shown with the status.
    page.on("dialog", lambda d: (_ for _ in ()).throw(AssertionError("a browser prompt box opened")))
    rejected = page.locator("#proposal-rows tr").nth(0).get_attribute("data-id")
    page.locator("#proposal-rows tr").nth(0).locator("button", has_text="Không chấp nhận").click()
    page.wait_for_selector("dialog[data-testid=ask][open]")
    page.click("[data-testid=ask-ok]")  # empty: refused in the dialog itself
    assert page.inner_text("dialog[data-testid=ask] [data-error-for=answer]").strip()
    page.fill("dialog[data-testid=ask] textarea", "Trùng với dự án tỉnh")
    page.click("[data-testid=ask-ok]")
    page.wait_for_selector(f"#proposal-rows tr[data-id='{rejected}'] td.status-rejected")
    assert "Trùng với dự án tỉnh" in page.inner_text(f"#proposal-rows tr[data-id='{rejected}']")
    assert page.wait_for_selector("[data-testid=flash]:not([hidden])").inner_text().strip()

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
    page.click("button.complete-step[data-step=team]")  # irreversible: asked first (issue 15); cancelling does nothing
    page.wait_for_selector("dialog[data-testid=ask][open]")
    page.click("[data-testid=ask-cancel]")
    assert page.locator("dialog[data-testid=ask]").count() == 0
    assert page.locator("[data-testid=step-error]").is_hidden()
    page.click("button.complete-step[data-step=team]")  # no team yet: the reason shows, nothing changes
    page.click("[data-testid=ask-ok]")
    error = page.wait_for_selector("[data-testid=step-error]:not([hidden])")
    assert "Tổ" in error.inner_text() or "team" in error.inner_text()
    assert api(page, "PUT", f"/d/yen-phong/api/plans/cycles/{cycle}/team/", {"members": TEAM}).status == 200
    page.click("button.complete-step[data-step=team]")
    page.click("[data-testid=ask-ok]")
    page.wait_for_selector("tr[data-step=team][data-state=done]")
    assert page.wait_for_selector("[data-testid=flash]:not([hidden])").inner_text().strip()  # the success is said
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


@pytest.fixture
def que_vo_cleanup():
    """The public-page test commits a whole cycle in Quế Võ's schema; no other test commits plans there.

    Investment reviews and project links refer to plan items, so their tables go too (nothing else commits them in Quế Võ).
    """
    db = settings.DATABASES["default"]
    assert db["NAME"].startswith("test"), db["NAME"]
    yield
    tables = ["investment_investmentproject_plan_items", "investment_reviewanswer", "investment_review_communes", "investment_review",
              "plans_actiontask", "plans_actionprogramme", "plans_publiccomment", "plans_districtfeedback", "plans_conference",
              "plans_planitem_proposals", "plans_planitem", "plans_socioeconomictarget", "plans_planevent", "plans_communeplan",
              "plans_teammember", "plans_planningteam", "plans_cycletransition", "plans_stepevidence", "plans_resourceenvelope",
              "plans_orientationdocument", "plans_orientation", "plans_plancycle"]
    with psycopg.connect(dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"]) as conn:
        # CASCADE: later apps (monitoring) keep rows that point at plans; they go too.
        conn.execute("TRUNCATE " + ", ".join(f"d259.{t}" for t in tables) + " CASCADE")


def test_public_plan_page_draws_the_works_and_takes_a_comment(page, login, que_vo_cleanup):
    from datetime import timedelta

    from django.utils import timezone

    from geo.models import AdministrativeUnit

    base = "/d/que-vo/api/plans"
    point = AdministrativeUnit.objects.get(code="09247").geom.point_on_surface
    login("huyen.que-vo", next_url="/d/que-vo/")
    cycle = api(page, "POST", f"{base}/cycles/", {"commune": "09247", "plan_year": 2036}).json()["id"]
    orientation = api(page, "POST", f"{base}/orientations/", {"plan_year": 2036, "title": "Định hướng 2036"}).json()["id"]
    assert api(page, "POST", f"{base}/orientations/{orientation}/publish/").status == 200
    page.context.clear_cookies()
    login("xa.09247", next_url="/d/que-vo/")
    assert api(page, "PUT", f"{base}/cycles/{cycle}/team/", {"members": TEAM}).status == 200
    for step in ("team", "proposals"):
        assert api(page, "POST", f"{base}/cycles/{cycle}/steps/{step}/complete/", {}).status == 200
    page.context.clear_cookies()
    login("huyen.que-vo", next_url="/d/que-vo/")
    assert api(page, "POST", f"{base}/cycles/{cycle}/steps/orientation/complete/", {}).status == 200
    page.context.clear_cookies()
    login("xa.09247", next_url="/d/que-vo/")
    v1 = api(page, "POST", f"{base}/cycles/{cycle}/draft/", {}).json()["id"]
    r = api(page, "POST", f"{base}/{v1}/items/", {"type": "Feature", "geometry": {"type": "Point", "coordinates": [point.x, point.y]},
                                                  "properties": {"title": "Trường mầm non Phố Mới", "sector": "education", "estimated_cost": 3_000_000_000}})
    assert r.status == 201, r.text()
    api(page, "POST", f"{base}/cycles/{cycle}/conferences/", {"kind": "consultation", "held_on": "2026-06-20", "participants": 30, "summary": "ok"})
    assert api(page, "POST", f"{base}/cycles/{cycle}/steps/draft/complete/", {}).status == 200
    page.context.clear_cookies()
    login("huyen.que-vo", next_url="/d/que-vo/")
    assert api(page, "POST", f"{base}/{v1}/feedback/", {"no_comments": True}).status == 201
    assert api(page, "POST", f"{base}/cycles/{cycle}/steps/district_feedback/complete/", {}).status == 200
    page.context.clear_cookies()
    login("xa.09247", next_url="/d/que-vo/")
    v2 = api(page, "POST", f"{base}/{v1}/new-version/", {"kind": "revised"}).json()["id"]
    closes = (timezone.localdate() + timedelta(days=5)).isoformat()
    assert api(page, "POST", f"{base}/{v2}/consultation/", {"closes_on": closes}).status == 200

    # A resident, not logged in, opens the draft, sees the work on the map, and comments.
    page.context.clear_cookies()
    page.goto(f"/d/que-vo/public/plans/{v2}/")
    page.wait_for_selector("#public-works-map[data-ready='1']")
    assert page.locator("#public-works-map").get_attribute("data-works") == "1"
    assert page.locator("path.work-shape").count() == 1
    assert "Trường mầm non Phố Mới" in page.inner_text("table.works")
    page.fill("input[name=author_name]", "Trần Văn Dân")
    page.fill("textarea[name=body]", "Đề nghị xây thêm sân chơi")
    page.click("#comment-form button[type=submit]")
    page.wait_for_selector("[data-testid=comment-status]:not([hidden])")
    page.reload()
    assert "Đề nghị xây thêm sân chơi" not in page.inner_text("ul.comments")  # waits for moderation


def test_province_page_maps_every_commune_by_its_cycle(page, login, cleanup):
    login("xa.09193", next_url="/d/yen-phong/")
    assert api(page, "POST", "/d/yen-phong/api/plans/cycles/", {"commune": "09193", "plan_year": YEAR}).status == 201
    page.context.clear_cookies()
    login("tinh", next_url=f"/plans/?plan_year={YEAR}")
    page.wait_for_selector("#cycles-map[data-ready='1']")
    assert page.locator("path.cycle-shape").count() == 121
    assert page.locator("path.state-in_progress").count() == 1
    assert page.locator("path.state-no_cycle").count() == 120
    assert "0 xã quá hạn" in page.inner_text("p.legend")
    page.locator("path.state-in_progress").click()
    page.wait_for_url(f"**/d/yen-phong/plans/?plan_year={YEAR}")

"""The province comparison page in Debian's Chromium against a live server on the test database."""
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PAGE = "/province/compare/"
COLOURS = {"#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704"}


def test_comparison_map_colours_every_district_shows_the_legend_and_compares_two(page, login):
    login("tinh", next_url=PAGE)
    assert page.url.endswith(PAGE)
    page.wait_for_selector("#compare-map[data-ready='1']")
    shapes = page.locator("path.unit-shape")
    assert shapes.count() == 8
    fills = [shapes.nth(i).get_attribute("fill") for i in range(8)]
    assert set(fills) <= COLOURS, fills
    assert page.locator("[data-testid=legend]").is_visible()
    assert "Tổng mức đầu tư" in page.inner_text("[data-testid=legend]")
    assert page.inner_text("[data-testid=as-of]").startswith("Số liệu tính đến")
    page.wait_for_selector("[data-testid=lorenz]")
    assert "Hệ số Gini" in page.inner_text("[data-testid=gini]")
    # Two districts side by side.
    shapes.nth(0).click(force=True)
    shapes.nth(1).click(force=True)
    page.wait_for_selector("[data-testid=compare-table]")
    assert page.locator("[data-testid=compare-table] thead th").count() == 3
    assert page.locator("[data-testid=compare-chart] rect").count() == 4
    # Communes: every commune of the province, drawn from vector tiles (tests/province/test_tiles_page.py).
    page.select_option("#compare-filters select[name=level]", "commune")
    page.wait_for_selector("#compare-map[data-ready='1'][data-level='commune'][data-features='121'][data-tiles='1']")
    assert page.locator("path.unit-shape").count() >= 121


@pytest.mark.parametrize("username, status", [("tinh", 200), ("huyen.yen-phong", 403), ("xa.09193", 403)])
def test_comparison_page_is_for_province_staff(client_for, username, status):
    assert client_for(username).get(PAGE).status_code == status


def test_anonymous_visitors_are_sent_to_log_in(client_for):
    response = client_for(None).get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_figures_as_of_are_vietnam_time_whatever_the_browsers_zone(browser, live_url):
    """rv13d finding 7: a browser in UTC showed 11:38 for 18:38 +07:00; the page shows Vietnam time (Asia/Ho_Chi_Minh)."""
    import re

    from tests.conftest import DEMO_PASSWORD

    context = browser.new_context(base_url=live_url, locale="vi-VN", timezone_id="UTC", viewport={"width": 1280, "height": 800})
    try:
        page = context.new_page()
        page.set_default_timeout(15000)
        page.goto(f"/accounts/login/?next={PAGE}")
        page.fill("input[name=username]", "tinh")
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("form[action='/accounts/login/'] button[type=submit]")
        page.wait_for_selector("#compare-map[data-ready='1']")
        refreshed = page.request.get("/api/province/investment-distribution/?level=district").json()["refreshed_at"]
        match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):\d{2}\+07:00", refreshed)
        assert match, refreshed
        year, month, day, hour, minute = match.groups()
        assert page.evaluate("new Date().getTimezoneOffset()") == 0  # the browser does live in UTC
        assert page.inner_text("[data-testid=as-of]") == f"Số liệu tính đến: {day}/{month}/{year} {hour}:{minute}"
    finally:
        context.close()

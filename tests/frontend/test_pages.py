"""The map pages in Debian's Chromium against a live server."""
import pytest

# django_db: so that a run of this file alone still gets a test database (see tests/conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.django_db]


def test_home_page_draws_the_eight_districts_and_the_communes(page):
    page.goto("/")
    page.wait_for_selector("#province-map[data-ready='1']")
    assert page.locator("path.district-shape").count() == 8
    assert page.locator("path.commune-shape").count() == 121
    assert page.locator("html").get_attribute("lang") == "vi"
    assert "Huyện Yên Phong" in page.inner_text("aside")


def test_district_names_show_on_hover(page):
    page.goto("/")
    page.wait_for_selector("#province-map[data-ready='1']")
    page.locator("path.district-shape").first.hover(force=True)
    tooltip = page.wait_for_selector(".leaflet-tooltip")
    assert tooltip.inner_text().strip() != ""


def test_login_then_district_page_draws_its_communes(page, login):
    login("huyen.yen-phong", next_url="/d/yen-phong/")
    assert page.url.endswith("/d/yen-phong/")
    assert "huyen.yen-phong" in page.inner_text("[data-testid=who]") or "Yên Phong" in page.inner_text("[data-testid=who]")
    page.wait_for_selector("#district-map[data-ready='1']")
    assert page.locator("path.commune-shape").count() == 14
    rows = page.locator("table.communes tbody tr").all_inner_texts()
    assert len(rows) == 14
    assert rows.index(next(r for r in rows if "Dũng Liệt" in r)) < rows.index(next(r for r in rows if "Đông Phong" in r))


def test_wrong_password_shows_an_error(page, login):
    login("huyen.yen-phong", password="wrong")
    assert page.locator("[role=alert]").count() == 1


def test_logout(page, login):
    login("tinh")
    with page.expect_navigation():  # the sign-out first checks the phone's queue (signout.js), then submits
        page.click("form[action='/accounts/logout/'] button")
    assert page.locator("[data-testid=who]").count() == 0
    page.goto("/d/yen-phong/")
    assert "/accounts/login/" in page.url


def test_language_switch_to_english_and_back(page):
    page.goto("/")
    page.click("button[name=language][value=en]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Districts" in page.inner_text("aside")
    page.click("button[name=language][value=vi]")
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "vi"

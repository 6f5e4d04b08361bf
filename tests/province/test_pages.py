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

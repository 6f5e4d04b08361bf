"""Issue 15, part 5: the framed 403 and 400 pages were tested only with the test client. In Chromium, a village head
refused a page and a page asked for with a value it cannot read show the site's page in Vietnamese, with the menu and
a way back, and axe-core finds no serious or critical violation on them."""
import pytest

from tests.frontend import test_every_page as every
from tests.frontend.test_every_page import serious_violations, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=False)]
axe_page = every.axe_page  # the fixture: a page that lets the test inject axe-core


def assert_framed(page, response, status, title):
    assert response.status == status
    assert page.get_attribute("html", "lang") == "vi"
    assert page.inner_text("main h1") == title
    assert page.locator("[data-testid=menu] a").count() > 0  # the role's menu, as on every page
    back = page.locator("main a[href='/']")
    assert back.inner_text() == "Về bản đồ tỉnh" and back.is_visible()
    assert page.inner_text("[data-testid=refusal]").strip()
    assert serious_violations(page) == []


def test_a_village_head_refused_a_page_sees_the_framed_403(axe_page):
    page = axe_page
    sign_in(page, "thon.09193-01")
    response = page.goto("/d/yen-phong/investment/projects/")
    assert_framed(page, response, 403, "Không được phép")
    page.click("main a[href='/']")  # the way back works
    page.wait_for_url("**/")


def test_a_bad_query_parameter_on_a_page_is_the_framed_400(axe_page):
    page = axe_page
    sign_in(page, "huyen.yen-phong")
    response = page.goto("/d/yen-phong/monitoring/?year=abc")
    assert_framed(page, response, 400, "Địa chỉ không hợp lệ")
    assert page.get_attribute("[data-testid=refusal]", "data-field") == "year"
    page.click("main a[href='/d/yen-phong/monitoring/']")  # the page again, without the bad value
    page.wait_for_url("**/d/yen-phong/monitoring/")

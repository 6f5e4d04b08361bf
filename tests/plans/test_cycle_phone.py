"""The cycle page on a phone (issue 15, part 5: it was 472 px wide on a 390 px screen, the decision buttons clipped).

The live server runs in its own process: the cycle is opened through the page and removed afterwards (a plan
year no other test uses).
"""
import pytest
from django.conf import settings

from tests.plans.factories import remove_plan_year

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
YEAR = 2047
MEASURE = """() => ({
    width: document.documentElement.scrollWidth,
    header: document.querySelector('header.topbar').getBoundingClientRect().height,
    buttons: [...document.querySelectorAll('main button')]
      .filter(b => b.offsetParent !== null && !b.closest('.leaflet-control-container, details:not([open])'))
      .map(b => { const r = b.getBoundingClientRect(); return [b.textContent.trim(), r.left, r.right]; }),
})"""


@pytest.fixture
def cleanup():
    assert settings.DATABASES["default"]["NAME"].startswith("test")
    yield
    remove_plan_year(YEAR)


@pytest.mark.parametrize("viewport", [{"width": 390, "height": 844}, {"width": 1280, "height": 800}], ids=["phone", "desktop"])
def test_the_cycle_page_fits_the_screen_with_its_decision_buttons(page, login, cleanup, viewport):
    login("xa.09193", next_url=f"/d/yen-phong/plans/?plan_year={YEAR}")
    page.select_option("#open-cycle-form select[name=commune]", "09193")
    page.click("#open-cycle-form button[type=submit]")
    page.wait_for_url("**/plans/cycles/*/")
    page.set_viewport_size(viewport)
    page.reload()
    page.wait_for_load_state("networkidle")
    measured = page.evaluate(MEASURE)
    assert measured["width"] <= viewport["width"]
    assert measured["header"] <= 90
    assert measured["buttons"], "the page shows its decision buttons"
    outside = [b for b in measured["buttons"] if b[1] < 0 or b[2] > viewport["width"] + 0.5]
    assert outside == []
    # Dates are typed dd/mm/yyyy: no native date field (mm/dd/yyyy in some browsers).
    assert page.locator("input[type=date]").count() == 0
    assert page.locator("input.decided-on").first.get_attribute("placeholder") == "dd/mm/yyyy"

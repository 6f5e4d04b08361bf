"""The pages that need an M&E plan (the demo has none) in the every-page run of tests/frontend/test_every_page.py
(issue 15, part 5): the commune team's M&E plan and the village head's report, reached from the role's menu, with
no serious or critical axe-core violation, on a desktop and on a phone (no wider than the screen).

No `django_db` mark here: the plan is committed for the live server by the fixture (tests/monitoring/test_pages.py),
which a test transaction would hide from it."""
import pytest

from tests.frontend.test_every_page import DESKTOP, PHONE, axe_page, serious_violations, sign_in, visit  # noqa: F401  (axe_page: a fixture)
from tests.monitoring.test_pages import committed_me_plan  # noqa: F401  (the fixture)

pytestmark = pytest.mark.browser

# The pages that need an M&E plan (the demo has none): the commune team's M&E plan and the village head's report, both
# reached from the role's menu once the plan exists (tests.monitoring.factories builds it, committed for the live server).
ME_ROLES = {"xa.09193": "me-plan", "thon.09193-01": "village-report"}


@pytest.mark.parametrize(("username", "viewport"), [
    pytest.param(name, size, id=f"{name}-{label}") for name in ME_ROLES for label, size in (("desktop", DESKTOP), ("phone", PHONE))])
def test_axe_and_the_phone_on_the_me_plan_and_village_report_pages(committed_me_plan, axe_page, username, viewport):  # noqa: F811
    page = axe_page
    page.set_viewport_size(viewport)
    sign_in(page, username)
    link = page.locator(f"[data-testid=menu] a[data-page={ME_ROLES[username]}]")
    path = link.get_attribute("href") if link.count() else None
    assert path == f"/d/yen-phong/monitoring/plans/{committed_me_plan.pk}/"
    visit(page, path)
    assert serious_violations(page) == []
    if viewport is PHONE:
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

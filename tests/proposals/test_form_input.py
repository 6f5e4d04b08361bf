"""The proposal form in Chromium as offices type into it (issue 12, parts 3 and 4).

Before: a double click created two identical proposals; "A valid integer is required." appeared at the
top of the sidebar, in English, instead of next to its field; "300.000" was sent as 300.
"""
import pytest
from django.db import connection

from proposals.models import Proposal
from tests.proposals.test_pages import PAGE, draw_point, point_in

# No django_db marker: the live server commits, so this file reads and cleans committed rows itself.
pytestmark = [pytest.mark.browser]
TITLE = "Đèn đường xóm Đông (nhập kiểu văn phòng)"


@pytest.fixture(autouse=True)
def no_leftovers(django_db_blocker, live_url):
    """The live server commits what the browser saves: remove this file's proposals before and after each test."""
    from tenants.models import District

    def clean():
        with django_db_blocker.unblock():
            connection.set_tenant(District.objects.get(slug="yen-phong"))
            Proposal.objects.filter(title=TITLE).delete()
            connection.set_schema_to_public()
            connection.close()
    clean()
    yield
    clean()


def saved_costs(django_db_blocker):
    from tenants.models import District

    with django_db_blocker.unblock():
        connection.set_tenant(District.objects.get(slug="yen-phong"))
        costs = list(Proposal.objects.filter(title=TITLE).values_list("estimated_cost", flat=True))
        connection.set_schema_to_public()
        connection.close()
    return costs


def open_form(page, login, django_db_blocker):
    with django_db_blocker.unblock():
        where = point_in("09193-01")
        connection.close()
    login("thon.09193-01", next_url=PAGE)
    page.wait_for_selector("#proposal-map[data-ready='1']")
    draw_point(page, *where)
    page.fill("input[name=title]", TITLE)
    page.select_option("select[name=sector]", "electricity")


def test_the_understood_value_shows_before_saving_and_a_refusal_sits_next_to_its_field_in_vietnamese(page, login, django_db_blocker):
    open_form(page, login, django_db_blocker)
    page.fill("input[name=estimated_cost]", "300.000.000")
    assert page.inner_text("[data-echo-for=estimated_cost]") == "= 300.000.000 đồng"
    page.fill("input[name=estimated_cost]", "150,000")
    assert "không đọc được" in page.inner_text("[data-echo-for=estimated_cost]")
    page.fill("input[name=priority]", "hai")
    page.click("[data-testid=submit-proposal]")
    cost = page.wait_for_selector("[data-error-for=estimated_cost]:not(:empty)").inner_text()
    assert "150.000" in cost and "dấu thập phân" in cost
    priority = page.inner_text("[data-error-for=priority]")
    assert "không phải là số nguyên" in priority or "không phải là số" in priority
    assert page.inner_text("[data-error-for=detail]") == ""
    # Nothing typed is lost.
    assert (page.input_value("input[name=title]"), page.input_value("input[name=estimated_cost]"), page.input_value("input[name=priority]")) == (
        TITLE, "150,000", "hai")
    assert saved_costs(django_db_blocker) == []


def test_a_double_click_saves_one_proposal_of_the_amount_typed(page, login, django_db_blocker):
    open_form(page, login, django_db_blocker)
    page.fill("input[name=estimated_cost]", "300.000")
    page.dblclick("[data-testid=submit-proposal]")
    page.wait_for_selector(".saved:not(:empty)")
    page.wait_for_timeout(500)  # let a second request, if one was sent, reach the server
    assert saved_costs(django_db_blocker) == [300_000]

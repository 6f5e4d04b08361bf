"""Issue 15, part 5: date fields were text fields in dd/mm/yyyy with no calendar. Every date field now opens a calendar
(flatpickr, served locally, in Vietnamese): the picked date reads dd/mm/yyyy, the record saves with that date, and the
field still takes typing — as a desktop and as a phone."""
from datetime import date

import pytest
from django.db import connection

from proposals.models import VillageMeeting
from tenants.models import District

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=False)]
PAGE = "/d/yen-phong/proposals/"


def pick_the_first_of_the_month_and_save(page, place):
    page.wait_for_selector("#proposal-map[data-ready='1']")
    page.click("details.new-meeting summary")
    field = page.locator("#meeting-form input[name=held_on]")
    assert field.get_attribute("type") in (None, "text") and field.get_attribute("readonly") is None  # typing still works
    field.click()
    calendar = page.locator(".flatpickr-calendar.open")
    calendar.wait_for()
    assert calendar.get_attribute("data-testid") == "date-picker"
    assert "CN" in calendar.inner_text() and "Th" in calendar.inner_text()  # Vietnamese weekdays (CN = Chủ nhật)
    today = date.today()  # the browser's day: the calendar opens on its month
    calendar.locator(".flatpickr-day:not(.prevMonthDay):not(.nextMonthDay)", has_text="1").first.click()
    chosen = date(today.year, today.month, 1)
    assert field.input_value() == chosen.strftime("%d/%m/%Y")
    page.fill("#meeting-form input[name=place]", place)
    page.fill("#meeting-form input[name=chair]", "Trần Thị Bình")
    page.fill("#meeting-form input[name=participants]", "50")
    page.fill("#meeting-form input[name=women]", "20")
    page.click("#meeting-form button[type=submit]")
    page.wait_for_selector("#meeting-form .saved:not(:empty)")
    assert chosen.strftime("%d/%m/%Y") in page.inner_text("#proposal-form select[name=meeting]")
    connection.set_tenant(District.objects.get(slug="yen-phong"))
    assert VillageMeeting.objects.get(place=place).held_on == chosen
    connection.set_schema_to_public()


def test_a_desktop_picks_a_meeting_date_on_the_calendar(page, login):
    login("thon.09193-03", next_url=PAGE)
    pick_the_first_of_the_month_and_save(page, "Nhà văn hóa (lịch, máy tính)")
    # typing still works, and a day that does not exist stays as typed for the server to refuse (not 03/03/2026)
    if not page.is_visible("#meeting-form input[name=held_on]"):
        page.click("details.new-meeting summary")
    page.fill("#meeting-form input[name=held_on]", "31/02/2026")
    page.press("#meeting-form input[name=held_on]", "Tab")
    assert page.input_value("#meeting-form input[name=held_on]") == "31/02/2026"
    page.fill("#meeting-form input[name=held_on]", "05/01/2026")
    page.press("#meeting-form input[name=held_on]", "Tab")
    assert page.input_value("#meeting-form input[name=held_on]") == "05/01/2026"


def test_a_phone_picks_a_meeting_date_on_the_same_calendar(phone):
    from geo.models import AdministrativeUnit

    p = AdministrativeUnit.objects.get(code="09193").geom.point_on_surface
    page = phone(p.y, p.x)
    phone.sign_in(page, "thon.09193-04", PAGE)
    pick_the_first_of_the_month_and_save(page, "Nhà văn hóa (lịch, điện thoại)")

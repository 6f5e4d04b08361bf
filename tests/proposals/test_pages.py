"""The step-1 map page in Chromium: a village head pins a proposal; a pin outside the commune is refused on the form."""
import pytest

from geo.models import AdministrativeUnit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=False)]
PAGE = "/d/yen-phong/proposals/"


def point_in(code):
    p = AdministrativeUnit.objects.get(code=code).geom.point_on_surface
    return p.y, p.x


def click_map_at(page, lat, lon):
    x, y = page.evaluate(f"(() => {{ const p = window.proposalMap.latLngToContainerPoint([{lat}, {lon}]); return [p.x, p.y]; }})()")
    box = page.locator("#proposal-map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def draw_point(page, lat, lon):
    page.click(".leaflet-draw-draw-marker")
    click_map_at(page, lat, lon)
    page.wait_for_selector("#proposal-form[data-has-geometry='1']")


def test_village_head_draws_a_point_submits_and_sees_it(page, login):
    login("thon.09193-01", next_url=PAGE)
    page.wait_for_selector("#proposal-map[data-ready='1']")
    before = int(page.get_attribute("#proposal-map", "data-proposals"))
    draw_point(page, *point_in("09193-01"))
    page.fill("input[name=title]", "Lát gạch ngõ xóm Đông (trình duyệt)")
    page.select_option("select[name=sector]", "transport")
    page.fill("input[name=estimated_cost]", "250.000.000")
    page.fill("input[name=residents_cash]", "25.000.000")
    page.click("#proposal-form button[type=submit]")
    page.wait_for_selector(".saved:not(:empty)")
    page.wait_for_function(f"() => Number(document.getElementById('proposal-map').dataset.proposals) === {before + 1}")
    assert "Lát gạch ngõ xóm Đông (trình duyệt)" in page.inner_text("#proposal-rows")
    assert page.locator("path.proposal-shape").count() >= before + 1


def test_a_point_outside_the_commune_shows_the_error_and_keeps_the_form(page, login):
    login("thon.09193-01", next_url=PAGE)
    page.wait_for_selector("#proposal-map[data-ready='1']")
    page.evaluate("window.proposalMap.setZoom(12)")
    lat, lon = point_in("09196")  # Xã Dũng Liệt, next door
    page.evaluate(f"window.proposalMap.setView([{lat}, {lon}], 13)")
    draw_point(page, lat, lon)
    page.fill("input[name=title]", "Ngoài xã")
    page.fill("input[name=estimated_cost]", "1000000")
    page.click("#proposal-form button[type=submit]")
    error = page.wait_for_selector("[data-error-for=geometry]:not(:empty)")
    assert "Thị trấn Chờ" in error.inner_text()
    assert page.input_value("input[name=title]") == "Ngoài xã"
    assert page.input_value("input[name=estimated_cost]") == "1000000"


def test_one_tap_uses_the_phones_position(browser, live_url, login):
    lat, lon = point_in("09193-01")
    context = browser.new_context(base_url=live_url, geolocation={"latitude": lat, "longitude": lon}, permissions=["geolocation"])
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(f"/accounts/login/?next={PAGE}")
    page.fill("input[name=username]", "thon.09193-01")
    page.fill("input[name=password]", "demo-2026")
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_selector("#proposal-map[data-ready='1']")
    page.click("#use-my-position")
    page.wait_for_selector("#proposal-form[data-has-geometry='1']")
    page.fill("input[name=title]", "Tại chỗ")
    page.fill("input[name=estimated_cost]", "5000000")
    page.click("#proposal-form button[type=submit]")
    page.wait_for_selector(".saved:not(:empty)")
    context.close()


def test_planning_team_accepts_from_the_table(page, login):
    login("xa.09193", next_url=PAGE)
    page.wait_for_selector("#proposal-map[data-ready='1']")
    row = page.locator("#proposal-rows tr", has=page.locator(".status-submitted")).first
    row_id = row.get_attribute("data-id")
    page.on("dialog", lambda dialog: dialog.accept())
    row.locator("button").first.click()
    page.wait_for_selector(f"#proposal-rows tr[data-id='{row_id}'] .status-accepted")


def test_village_head_records_a_meeting_then_links_a_proposal_to_it(page, login):
    login("thon.09193-02", next_url=PAGE)
    page.wait_for_selector("#proposal-map[data-ready='1']")
    page.click("details.new-meeting summary")
    page.fill("#meeting-form input[name=held_on]", "31/02/2026")
    page.fill("#meeting-form input[name=place]", "Nhà văn hóa thôn Đoài")
    page.fill("#meeting-form input[name=chair]", "Trần Thị Bình")
    page.fill("#meeting-form input[name=participants]", "72")
    page.fill("#meeting-form input[name=women]", "30")
    page.click("#meeting-form button[type=submit]")
    page.wait_for_function("() => document.querySelector('#meeting-form [data-error-for=held_on]').textContent.length > 0")
    assert page.input_value("#meeting-form input[name=place]") == "Nhà văn hóa thôn Đoài"  # nothing typed is lost
    page.fill("#meeting-form input[name=held_on]", "28/04/2026")
    page.click("#meeting-form button[type=submit]")
    page.wait_for_selector("#meeting-form .saved:not(:empty)")
    selected = page.input_value("#proposal-form select[name=meeting]")
    assert selected and "28/04/2026" in page.inner_text("#proposal-form select[name=meeting]")


def test_citizens_see_published_proposals_without_logging_in(page):
    from django.db import connection

    from proposals.models import Proposal
    from tenants.models import District

    connection.set_tenant(District.objects.get(slug="yen-phong"))
    published = Proposal.objects.filter(is_published=True).count()
    connection.set_schema_to_public()
    page.goto("/d/yen-phong/public/proposals/")
    page.wait_for_selector("#public-map[data-ready='1']")
    assert int(page.get_attribute("#public-map", "data-proposals")) == published > 0
    assert page.locator("#public-rows tr").count() == published
    assert "/accounts/login/" not in page.url


def test_citizens_reach_a_published_proposals_own_page_from_the_table_by_keyboard(page):
    """The public detail page (photos, history, decision) was linked from nowhere: its title is now a link."""
    page.goto("/d/yen-phong/public/proposals/")
    page.wait_for_selector("#public-map[data-ready='1']")
    link = page.locator("[data-testid=public-proposal-link]").first
    title = link.inner_text().split(" · ")[0]
    href = link.get_attribute("href")
    assert href.startswith("/d/yen-phong/public/proposals/") and href.endswith("/")
    link.focus()
    page.keyboard.press("Enter")  # the photos beside the map, with the page's link
    page.wait_for_selector("[data-testid=proposal-detail]:not([hidden])")
    assert page.get_attribute("[data-testid=public-proposal-page-link]", "href") == href
    page.click("[data-testid=public-proposal-page-link]")
    page.wait_for_url(f"**{href}")
    assert title in page.inner_text("main")
    assert "/accounts/login/" not in page.url

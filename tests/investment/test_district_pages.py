"""Issue 15, part 1: the district's investment work on screens (plans, projects, allocations, disbursements).

Access through real requests; the flows in Debian's Chromium against the live server (rows the test commits are
removed afterwards, as in tests/investment/test_pages.py)."""
import pytest
from django.db import connection

from investment.models import InvestmentProject, PublicInvestmentPlan
from tests.investment.factories import CHO, make_plan, make_project

PLANS = "/d/yen-phong/investment/plans/"
PROJECTS = "/d/yen-phong/investment/projects/"


@pytest.mark.django_db
@pytest.mark.parametrize("path", [PLANS, PROJECTS])
@pytest.mark.parametrize("username, status", [("huyen.yen-phong", 200), ("tinh", 200), ("xa.09193", 403), ("thon.09193-01", 403), ("huyen.que-vo", 404)])
def test_the_pages_are_the_district_and_province_staffs(client_for, path, username, status):
    assert client_for(username).get(path).status_code == status


@pytest.mark.django_db
def test_province_staff_read_without_forms(client_for, district):
    make_plan(district("yen-phong"), name="Kế hoạch đọc (thử)")
    connection.set_schema_to_public()
    html = client_for("tinh").get(PLANS).content.decode()
    assert "Kế hoạch đọc (thử)" in html and "projects.xlsx" in html
    assert 'data-testid="new-plan"' not in html and 'data-testid="edit-plan"' not in html
    office = client_for("huyen.yen-phong").get(PLANS).content.decode()
    assert 'data-testid="new-plan"' in office and 'data-testid="edit-plan"' in office


@pytest.mark.django_db
def test_the_allocations_by_year_are_in_millions_as_their_heading_says(client_for, district):
    plan = make_plan(district("yen-phong"), name="Kế hoạch đơn vị (thử)")
    make_project(district("yen-phong"), plan=plan, total=3_000_000_000)  # 1.500.000.000 đồng allocated in 2026
    connection.set_schema_to_public()
    html = client_for("huyen.yen-phong").get(f"{PLANS}?plan={plan.pk}").content.decode()
    assert "Vốn bố trí theo năm (triệu đồng)" in html
    assert 'data-testid="year-total">1.500</td>' in html  # 1.500 million, not "1.500.000.000 đ" under a heading in millions
    assert "1.500.000.000" not in html


@pytest.fixture
def cleanup(django_db_setup, django_db_blocker, live_url):
    """Removes, after the test, the plans and projects whose names start with "(trình duyệt)" in Yên Phong."""
    from django.conf import settings

    from tenants.models import District

    assert settings.DATABASES["default"]["NAME"].startswith("test_"), "refusing to write outside the test database"
    yield
    with django_db_blocker.unblock():
        connection.set_tenant(District.objects.get(slug="yen-phong"))
        InvestmentProject.objects.filter(name__startswith="(trình duyệt)").delete()
        PublicInvestmentPlan.objects.filter(name__startswith="(trình duyệt)").delete()
        connection.set_schema_to_public()
        connection.close()


def answer_dialog(page, text=None):
    page.wait_for_selector("dialog[data-testid=ask][open]")
    if text is not None:
        page.fill("dialog[data-testid=ask] textarea", text)
    page.click("[data-testid=ask-ok]")


@pytest.mark.browser
def test_district_office_creates_submits_and_approves_a_plan(cleanup, page, login):
    login("huyen.yen-phong", next_url=PLANS)
    page.locator("[data-testid=new-plan]").evaluate("details => { details.open = true; }")
    form = "[data-testid=new-plan] form"
    page.fill(f"{form} input[name=name]", "(trình duyệt) Kế hoạch ĐTC năm 2027")
    page.select_option(f"{form} select[name=kind]", "annual")
    page.fill(f"{form} input[name=start_year]", "hai nghìn")
    page.click("[data-testid=create-plan]")
    assert page.wait_for_selector(f"{form} [data-error-for=start_year]:not(:empty)")  # the refusal next to its field
    assert page.input_value(f"{form} input[name=name]") == "(trình duyệt) Kế hoạch ĐTC năm 2027"
    page.fill(f"{form} input[name=start_year]", "2027")
    page.click("[data-testid=create-plan]")
    page.wait_for_selector("[data-testid=plan-detail][data-state=draft]")
    assert "plan=" in page.url
    assert page.wait_for_selector("[data-testid=flash]:not([hidden])").inner_text().strip()  # the success is said
    # Submitting asks first; cancelling changes nothing.
    page.click("[data-testid=submit-plan]")
    page.wait_for_selector("dialog[data-testid=ask][open]")
    page.click("[data-testid=ask-cancel]")
    assert page.get_attribute("[data-testid=plan-detail]", "data-state") == "draft"
    page.click("[data-testid=submit-plan]")
    answer_dialog(page)
    page.wait_for_selector("[data-testid=plan-detail][data-state=submitted]")
    # Approving without the decision: the refusal names both fields, next to them.
    page.click("[data-testid=approve-plan] button[type=submit]")
    answer_dialog(page)
    page.wait_for_selector("[data-testid=approve-plan] [data-error-for=decision_number]:not(:empty)")
    assert page.inner_text("[data-testid=approve-plan] [data-error-for=decision_date]").strip()
    page.fill("[data-testid=approve-plan] input[name=decision_number]", "15/QĐ-UBND")
    page.fill("[data-testid=approve-plan] input[name=decision_date]", "20/11/2026")
    page.click("[data-testid=approve-plan] button[type=submit]")
    answer_dialog(page)
    page.wait_for_selector("[data-testid=plan-detail][data-state=approved]")
    assert "15/QĐ-UBND" in page.inner_text("[data-testid=plan-list]")
    # An approved plan changes only with a reason: refused next to the field without it.
    page.fill("[data-testid=edit-plan] textarea[name=notes]", "Điều chỉnh")
    page.click("[data-testid=save-plan]")
    assert page.wait_for_selector("[data-testid=edit-plan] [data-error-for=reason]:not(:empty)")


def draw_marker(page, lonlat):
    page.click(".leaflet-draw-draw-marker")
    x, y = page.evaluate("([lat, lon]) => { const p = window.projectMap.latLngToContainerPoint([lat, lon]); return [p.x, p.y]; }", [lonlat[1], lonlat[0]])
    box = page.locator("#project-map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_selector("#project-form[data-has-geometry='1']")


@pytest.fixture
def committed_plan(cleanup, django_db_blocker):
    from tenants.models import District

    with django_db_blocker.unblock():
        plan = make_plan(District.objects.select_related("unit").get(slug="yen-phong"), name="(trình duyệt) Trung hạn 2026–2030")
        connection.set_schema_to_public()
        connection.close()
    return plan


@pytest.mark.browser
def test_district_office_creates_a_project_on_the_map_moves_it_and_pays(committed_plan, page, login):
    login("huyen.yen-phong", next_url=PROJECTS)
    page.wait_for_selector("#project-map[data-ready='1']")
    page.click("[data-testid=new-project]")
    page.evaluate(f"window.projectMap.setView([{CHO[1]}, {CHO[0]}], 15, {{animate: false}})")
    form = "#project-form"
    page.fill(f"{form} input[name=code]", "TD-01")
    page.fill(f"{form} input[name=name]", "(trình duyệt) Đường trục xã Chờ")
    page.fill(f"{form} input[name=investor]", "UBND huyện Yên Phong")
    page.fill(f"{form} input[name=total_investment]", "3.000.000.000")
    page.fill(f"{form} input[name=start_year]", "2026")
    page.fill(f"{form} input[name=end_year]", "2027")
    page.fill(f"{form} [data-list=sources] input[name=amount]", "2.000.000.000")
    page.select_option(f"{form} [data-list=allocations] select[name=plan]", str(committed_plan.pk))
    page.fill(f"{form} [data-list=allocations] input[name=year]", "2026")
    page.fill(f"{form} [data-list=allocations] input[name=amount]", "500.000.000")
    # Without a location: refused on the form, never saved silently off the map.
    page.click("[data-testid=save-project]")
    assert page.wait_for_selector(f"{form} [data-error-for=geometry]:not(:empty)")
    draw_marker(page, CHO)
    # Sources that do not add up to the total: the refusal next to the sources.
    page.click("[data-testid=save-project]")
    assert "3.000.000.000" in page.wait_for_selector(f"{form} [data-error-for=sources]:not(:empty)").inner_text()
    page.fill(f"{form} [data-list=sources] input[name=amount]", "3.000.000.000")
    page.click("[data-testid=save-project]")
    page.wait_for_selector("[data-testid=project-detail]:not([hidden])")
    assert page.wait_for_selector("[data-testid=flash]:not([hidden])").inner_text().strip()
    assert "(trình duyệt) Đường trục xã Chờ" in page.inner_text("[data-testid=project-list]")
    assert "2026" in page.inner_text("[data-testid=project-allocations]")
    # A transition asks first, then says it.
    page.click("[data-testid=project-detail] button[data-action=prepare]")
    answer_dialog(page)
    page.wait_for_selector("[data-testid=project-detail][data-status=preparation]")
    # Suspending asks for the reason in a dialog, not a prompt box.
    page.click("[data-testid=project-detail] button[data-action=suspend]")
    answer_dialog(page, "Chờ giải phóng mặt bằng")
    page.wait_for_selector("[data-testid=project-detail][data-status=suspended]")
    assert "Chờ giải phóng mặt bằng" in page.inner_text("[data-testid=project-detail] [data-part=history]")
    # The plan's Excel export is linked once a plan is chosen.
    page.select_option("#project-filters select[name=plan]", str(committed_plan.pk))
    href = page.wait_for_selector("[data-testid=projects-xlsx]").get_attribute("href")
    assert href.endswith(f"/investment-plans/{committed_plan.pk}/projects.xlsx")
    assert page.request.get(href).status == 200


@pytest.mark.browser
@pytest.mark.parametrize("path", [PLANS, PROJECTS])
def test_the_new_pages_fit_a_phone(browser, live_url, path):
    from tests.conftest import DEMO_PASSWORD

    context = browser.new_context(base_url=live_url, locale="vi-VN", viewport={"width": 390, "height": 844})
    phone = context.new_page()
    try:
        phone.goto(f"/accounts/login/?next={path}")
        phone.fill("input[name=username]", "huyen.yen-phong")
        phone.fill("input[name=password]", DEMO_PASSWORD)
        phone.click("form[action='/accounts/login/'] button[type=submit]")
        phone.wait_for_selector("[data-testid=menu]")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        assert phone.locator("[data-testid=menu] a[data-page=investment-projects]").count() == 1
    finally:
        context.close()

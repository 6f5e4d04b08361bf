"""The proposals import form on the step-1 page in Chromium: a commune team previews a CSV (one valid row, one
refused), imports it (exactly one proposal written), and a second import reports the row as a duplicate. Before,
the page had no form: the import existed only in the API. District staff, who may not import, see no form."""
import pytest
from django.db import connection

from geo.models import AdministrativeUnit
from proposals.models import Proposal

# No django_db marker: the live server commits, so the test reads and cleans committed rows itself.
pytestmark = [pytest.mark.browser]
PAGE = "/d/yen-phong/proposals/"
TITLE = "Nạo vét mương thôn (nhập từ tệp, thử trình duyệt)"


def in_district(django_db_blocker, action):
    from tenants.models import District

    with django_db_blocker.unblock():
        connection.set_tenant(District.objects.get(slug="yen-phong"))
        try:
            return action()
        finally:
            connection.set_schema_to_public()
            connection.close()


@pytest.fixture
def sheet(django_db_setup, django_db_blocker, live_url):
    from django.conf import settings

    assert settings.DATABASES["default"]["NAME"].startswith("test_"), "refusing to write outside the test database"
    with django_db_blocker.unblock():
        point = AdministrativeUnit.objects.get(code="09193-01").geom.point_on_surface
        connection.close()
    text = ("Tên đề xuất;Lĩnh vực;Kinh phí dự kiến;Kinh độ;Vĩ độ;Thôn\n"
            f"{TITLE};Thủy lợi;150.000.000;{point.x:.6f};{point.y:.6f};09193-01\n"
            "Dòng thiếu kinh phí;Thủy lợi;không rõ;105.95;21.2;09193-01\n")
    yield [{"name": "de-xuat.csv", "mimeType": "text/csv", "buffer": text.encode("utf-8-sig")}]
    in_district(django_db_blocker, lambda: Proposal.objects.filter(title=TITLE).delete())


def written(django_db_blocker):
    return in_district(django_db_blocker, lambda: list(Proposal.objects.filter(title=TITLE).values_list("commune__code", flat=True)))


def statuses(page):
    rows = page.locator("[data-testid=import-report] tbody tr")
    return [rows.nth(i).get_attribute("data-status") for i in range(rows.count())]


def test_preview_import_then_a_second_import_is_a_duplicate(sheet, page, login, django_db_blocker):
    login("xa.09193", next_url=PAGE)
    page.wait_for_selector("#proposal-map[data-ready='1']")
    before = int(page.get_attribute("#proposal-map", "data-proposals"))
    page.click("[data-testid=proposal-import] summary")
    assert page.is_disabled("[data-testid=import-apply]")  # nothing to import before a preview
    page.set_input_files("#import-form input[type=file]", files=sheet)
    page.click("[data-testid=import-preview]")
    page.wait_for_selector("[data-testid=import-summary][data-preview='1']")
    assert statuses(page) == ["created", "refused"]
    rows = page.locator("[data-testid=import-report] tbody tr")
    assert TITLE in rows.nth(0).inner_text()
    assert "Kinh phí dự kiến" in rows.nth(1).inner_text()  # the message names the column as the sheet does
    assert written(django_db_blocker) == []
    assert page.is_enabled("[data-testid=import-apply]")

    page.dblclick("[data-testid=import-apply]")
    page.wait_for_selector("[data-testid=import-summary][data-preview='0']")
    assert page.inner_text("[data-testid=import-summary]") == "Đã nhập 1 đề xuất; 1 dòng bị từ chối; 0 dòng trùng"
    page.wait_for_function(f"() => Number(document.getElementById('proposal-map').dataset.proposals) === {before + 1}")
    assert TITLE in page.inner_text("#proposal-rows")
    assert written(django_db_blocker) == ["09193"]
    assert page.is_disabled("[data-testid=import-apply]")  # a new preview is needed before importing again

    page.click("[data-testid=import-preview]")
    page.wait_for_selector("[data-testid=import-summary][data-preview='1']")
    assert statuses(page) == ["unchanged", "refused"]
    page.click("[data-testid=import-apply]")
    page.wait_for_selector("[data-testid=import-summary][data-preview='0']")
    assert statuses(page) == ["unchanged", "refused"]
    assert page.inner_text("[data-testid=import-summary]") == "Đã nhập 0 đề xuất; 1 dòng bị từ chối; 1 dòng trùng"
    assert written(django_db_blocker) == ["09193"]


@pytest.mark.django_db  # also makes pytest-django create the test database when this file runs alone
def test_the_form_is_absent_for_district_staff(page, login):
    login("huyen.yen-phong", next_url=PAGE + "?commune=09193")
    page.wait_for_selector("#proposal-map[data-ready='1']")
    assert page.locator("#import-form").count() == 0
    assert page.locator("[data-testid=proposal-import]").count() == 0

"""The district's progress sheet in Chromium: preview shows every row and writes nothing; import writes them; a
double click on import writes once (before, the page had no preview and a second click imported again)."""
import pytest
from django.db import connection

from investment.models import Disbursement, InvestmentProject, PublicInvestmentPlan
from tests.monitoring.factories import project_in_commune

# No django_db marker: the live server commits, so the fixture writes and cleans committed rows itself.
pytestmark = [pytest.mark.browser]
PAGE = "/d/yen-phong/monitoring/"
SHEET = "Mã dự án;Ngày;Giá trị giải ngân (đồng);Tiến độ thực hiện (%)\nBR-IM-1;31/03/2026;400.000.000;20\nKHONG-CO;31/03/2026;1.000;5\n"


@pytest.fixture
def committed_project(django_db_setup, django_db_blocker, live_url):
    from django.conf import settings

    from tenants.models import District

    assert settings.DATABASES["default"]["NAME"].startswith("test_"), "refusing to write outside the test database"
    with django_db_blocker.unblock():
        yen_phong = District.objects.select_related("unit").get(slug="yen-phong")
        connection.set_tenant(yen_phong)
        project = project_in_commune(yen_phong, code="BR-IM-1")
        plan_id = project.allocations.first().plan_id
        connection.set_schema_to_public()
        connection.close()
    try:
        yield yen_phong, project
    finally:
        with django_db_blocker.unblock():
            connection.set_tenant(yen_phong)
            InvestmentProject.objects.filter(pk=project.pk).delete()
            PublicInvestmentPlan.objects.filter(pk=plan_id).delete()
            connection.set_schema_to_public()
            connection.close()


def disbursed(django_db_blocker, district, project):
    with django_db_blocker.unblock():
        connection.set_tenant(district)
        amounts = list(Disbursement.objects.filter(project_id=project.pk).values_list("amount", flat=True))
        connection.set_schema_to_public()
        connection.close()
    return amounts


def test_preview_then_import_then_a_double_click_changes_nothing_more(committed_project, page, login, django_db_blocker):
    yen_phong, project = committed_project
    login("huyen.yen-phong", next_url=PAGE)
    files = [{"name": "giai-ngan.csv", "mimeType": "text/csv", "buffer": SHEET.encode("utf-8-sig")}]
    form = "[data-testid=progress-import]"
    page.set_input_files(f"{form} input[type=file]", files=files)
    page.click("[data-testid=import-preview]")
    page.wait_for_selector("[data-testid=import-result] p[data-preview='1']")
    rows = page.locator("[data-testid=import-result] tbody tr")
    assert [rows.nth(i).get_attribute("data-status") for i in range(rows.count())] == ["created", "refused"]
    assert "Mã dự án" in rows.nth(1).inner_text()  # the message names the column as the sheet does
    assert disbursed(django_db_blocker, yen_phong, project) == []
    page.dblclick("[data-testid=import-apply]")
    page.wait_for_selector("[data-testid=import-result] p[data-preview='0']")
    page.wait_for_function("!document.querySelector('[data-testid=progress-import] button').disabled")
    assert disbursed(django_db_blocker, yen_phong, project) == [400_000_000]
    # Sent once more: reported unchanged, the money is not doubled.
    page.click("[data-testid=import-apply]")
    page.wait_for_selector("[data-testid=import-result] tr[data-status='unchanged']")
    assert disbursed(django_db_blocker, yen_phong, project) == [400_000_000]

"""The commune report in Chromium: consolidating the villages' reports, and investment project progress with its refusals.

The live server sees only committed rows: the fixture commits an approved M&E plan, a project serving the
commune, two submitted village reports and the commune's draft report for the second quarter, and removes
them afterwards (the pattern of tests/investment/test_pages.py).
"""
import pytest
from django.db import connection

from accounts.models import User
from investment.models import InvestmentProject, PublicInvestmentPlan
from monitoring import services
from monitoring.models import MEPlan, PeriodicReport, ProjectProgress, ReportingPeriod
from plans.models import PlanCycle
from tests.monitoring.factories import VILLAGES, me_plan_with_report, project_in_commune

# Not `pytestmark = [browser, django_db]`: under django_db the fixture's rows would sit in the test's
# transaction, unseen by the live server. The browser tests hold no test transaction (their fixture commits);
# the module's django_db test makes pytest-django create the test database (as in tests/monitoring/test_forms.py).


@pytest.mark.django_db
def test_only_the_commune_report_offers_consolidation_and_project_lines(district, client_for):
    me_plan = me_plan_with_report(district())
    project_in_commune(district(), code="BR-ME-0")
    connection.set_tenant(district())
    q2 = next(p for p in services.periods_ensure(year=me_plan.year) if p.kind == "quarter" and p.number == 2)
    head = User.objects.get(username="thon.09193-01")
    services.report_create(actor=head, me_plan=me_plan, period=q2, village=head.unit)
    services.report_create(actor=User.objects.get(username="thongke.09193"), me_plan=me_plan, period=q2)
    connection.set_schema_to_public()
    village_html = client_for("thon.09193-01").get(f"/d/yen-phong/monitoring/plans/{me_plan.pk}/").content.decode()
    commune_html = client_for("thongke.09193").get(f"/d/yen-phong/monitoring/plans/{me_plan.pk}/").content.decode()
    assert "consolidate-report" not in village_html and 'data-row="project_progress"' not in village_html
    assert commune_html.count('data-testid="consolidate-report"') == 1 and commune_html.count('data-row="project_progress"') == 1


@pytest.fixture
def committed_q2(django_db_setup, django_db_blocker, live_url):
    from django.conf import settings

    from tenants.models import District

    assert settings.DATABASES["default"]["NAME"].startswith("test_"), "refusing to write outside the test database"
    with django_db_blocker.unblock():
        yen_phong = District.objects.select_related("unit").get(slug="yen-phong")
        connection.set_tenant(yen_phong)
        me_plan = me_plan_with_report(yen_phong)
        project = project_in_commune(yen_phong, code="BR-ME-1")
        connection.set_tenant(yen_phong)
        q2 = next(p for p in services.periods_ensure(year=me_plan.year) if p.kind == "quarter" and p.number == 2)
        road = me_plan.activities.order_by("order", "id").first()
        for code, share, problem in zip(VILLAGES, (45, 65), ("Thiếu đá dăm", "Mưa kéo dài")):
            head = User.objects.get(username=f"thon.{code}")
            report = services.report_create(actor=head, me_plan=me_plan, period=q2, village=head.unit)
            services.report_update(actor=head, report=report, activity_progress=[{"activity": road.pk, "share_done": share}], problems=problem)
            services.report_submit(actor=head, report=report)
        commune_report = services.report_create(actor=User.objects.get(username="thongke.09193"), me_plan=me_plan, period=q2)
        cycle_id, plan_id = me_plan.plan.cycle_id, project.allocations.first().plan_id
        connection.set_schema_to_public()
        connection.close()
    try:
        yield {"district": yen_phong, "me_plan": me_plan, "project": project, "report": commune_report, "road": road}
    finally:
        with django_db_blocker.unblock():
            connection.set_tenant(yen_phong)
            PeriodicReport.objects.filter(me_plan=me_plan).delete()
            MEPlan.objects.filter(pk=me_plan.pk).delete()
            PlanCycle.objects.filter(pk=cycle_id).delete()
            ReportingPeriod.objects.all().delete()
            InvestmentProject.objects.filter(pk=project.pk).delete()
            PublicInvestmentPlan.objects.filter(pk=plan_id).delete()
            connection.set_schema_to_public()
            connection.close()


@pytest.fixture
def read(django_db_blocker):
    """Read committed rows in the district schema from a browser test."""

    def do(district, query):
        with django_db_blocker.unblock():
            connection.set_tenant(district)
            try:
                return query()
            finally:
                connection.set_schema_to_public()

    return do


@pytest.mark.browser
def test_commune_officer_consolidates_the_village_reports_and_sees_the_values(committed_q2, page, login, read):
    data = committed_q2
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login("thongke.09193", next_url=f"/d/yen-phong/monitoring/plans/{data['me_plan'].pk}/")
    form = f"form[data-testid=village-report-{data['report'].pk}]"
    share = page.locator(f"{form} [data-testid=share-{data['road'].pk}]")
    assert share.input_value() == ""  # nothing reported by the commune yet
    with page.expect_navigation():
        page.click(f"{form} [data-testid=consolidate-report]")
    # The page reloads with the consolidated report: the furthest village progress and the villages' problems.
    share = page.locator(f"{form} [data-testid=share-{data['road'].pk}]")
    assert share.input_value() == "65"
    problems = page.input_value(f"{form} textarea[name=problems]")
    assert "Thiếu đá dăm" in problems and "Mưa kéo dài" in problems
    report = read(data["district"], lambda: PeriodicReport.objects.get(pk=data["report"].pk))
    assert report.status == "draft"
    assert read(data["district"], lambda: sorted(report.village_reports.values_list("village__code", flat=True))) == VILLAGES
    assert read(data["district"], lambda: list(report.events.values_list("action", flat=True))) == ["created", "edited", "consolidated"]
    assert not errors


@pytest.mark.browser
def test_commune_officer_reports_project_progress_without_money_after_a_refusal(committed_q2, page, login, read):
    data = committed_q2
    login("thongke.09193", next_url=f"/d/yen-phong/monitoring/plans/{data['me_plan'].pk}/")
    form = f"form[data-testid=village-report-{data['report'].pk}]"
    row = f"{form} [data-testid=project-{data['project'].pk}]"
    progress = page.locator(f"{row} input[name=physical_progress]")
    progress.fill("150")
    page.fill(f"{row} input[name=paid_on]", f"{data['me_plan'].year}-06-20")
    page.fill(f"{form} textarea[name=recommendations]", "Đề nghị huyện ứng vốn")
    page.click(f"{form} button[data-action=save]")
    error = page.locator(f"{row} [data-error-for=physical_progress]")
    error.wait_for(state="visible")
    assert "100" in error.inner_text()
    assert progress.input_value() == "150" and progress.get_attribute("aria-invalid") == "true"  # what was typed stays
    assert page.input_value(f"{form} textarea[name=recommendations]") == "Đề nghị huyện ứng vốn"
    assert not read(data["district"], lambda: ProjectProgress.objects.exists())
    progress.fill("40")
    with page.expect_navigation():
        page.click(f"{form} button[data-action=save]")
    line = read(data["district"], lambda: ProjectProgress.objects.get(report=data["report"]))
    assert (line.physical_progress, line.disbursed, line.paid_on.isoformat()) == (40, 0, f"{data['me_plan'].year}-06-20")
    assert page.locator(f"{row} input[name=physical_progress]").input_value() == "40"
    # The project itself moves when the district accepts the report, not before.
    assert read(data["district"], lambda: InvestmentProject.objects.get(pk=data["project"].pk).physical_progress) == 0


@pytest.mark.browser
def test_the_me_plan_and_the_commune_report_are_linked_as_word_and_pdf_on_the_page(committed_q2, page, login):
    """Issue 15, part 4: the M&E plan's and the period report's documents were reachable only by typing their API
    address; the commune dashboard links both, as Word and as PDF, and each Word link downloads the document."""
    data = committed_q2
    login("thongke.09193", next_url=f"/d/yen-phong/monitoring/plans/{data['me_plan'].pk}/")
    page.wait_for_selector("#me-map[data-ready='1']")
    plan_links = page.locator("[data-testid=me-plan-documents] a")
    assert plan_links.all_inner_texts() == ["Word", "PDF"]
    assert [plan_links.nth(i).get_attribute("href") for i in range(2)] == [
        f"/d/yen-phong/api/monitoring/plans/{data['me_plan'].pk}/document.{kind}" for kind in ("docx", "pdf")]
    report = f"/d/yen-phong/api/monitoring/reports/{data['report'].pk}/document"
    hrefs = page.eval_on_selector_all("#reporting-table a[data-testid^=report-document-]", "links => links.map(a => a.getAttribute('href'))")
    assert {report + ".docx", report + ".pdf"} <= set(hrefs), hrefs  # the second quarter's draft (the first quarter's too)
    for link in (plan_links.first, page.locator(f"#reporting-table a[href='{report}.docx']")):
        with page.expect_download() as download:
            link.click()
        assert download.value.suggested_filename.endswith(".docx")

"""The M&E forms on the commune dashboard: shown only to the role that may use them, and used in Chromium.

The forms call the monitoring API; a refusal (400) is shown next to its field with what was typed kept.
The live server sees only committed rows: the fixture commits an M&E plan and removes it afterwards.
"""
import pytest
from django.db import connection

from accounts.models import User
from monitoring import services
from monitoring.models import EvidencePhoto, MEPlan, PeriodicReport, ReportingPeriod
from plans.models import PlanCycle
from tests.monitoring.factories import me_plan_with_report

# The browser tests are not django_db: their rows must be committed for the live server (the fixture does it);
# the module's django_db test makes pytest-django create the test database.


def _submitted_commune_report(district, me_plan):
    """The commune's second-quarter report (its office-statistics officer's, Đ10.2b), submitted for the district to decide."""
    connection.set_tenant(district)
    team = User.objects.get(username="thongke.09193")
    q2 = next(p for p in services.periods_ensure(year=me_plan.year) if p.kind == "quarter" and p.number == 2)
    report = services.report_create(actor=team, me_plan=me_plan, period=q2)
    services.report_update(actor=team, report=report, problems="Thiếu vốn đối ứng")
    return services.report_submit(actor=team, report=report)


@pytest.mark.django_db
@pytest.mark.parametrize("username, village_form, decide_form", [
    ("thon.09193-01", True, False), ("xa.09193", False, False), ("huyen.yen-phong", False, True), ("tinh", False, False),
    ("thongke.09193", False, False), ("hdnd.09193", False, False), ("phong.yen-phong.gddt", False, False),
])
def test_each_form_is_shown_only_to_the_role_that_may_use_it(district, client_for, username, village_form, decide_form):
    me_plan = me_plan_with_report(district())
    _submitted_commune_report(district(), me_plan)
    connection.set_schema_to_public()
    html = client_for(username).get(f"/d/yen-phong/monitoring/plans/{me_plan.pk}/").content.decode()
    assert ('data-testid="village-report-forms"' in html) is village_form
    assert ('data-testid="evidence-form"' in html) is village_form
    assert ('data-testid="commune-reports-to-decide"' in html) is decide_form
    assert ("monitoring/js/forms.js" in html) is (village_form or decide_form or username in ("xa.09193", "thongke.09193", "hdnd.09193"))
    # Đ10.2b: the office-statistics officer writes the commune report; Đ11.2: the People's Council records its own
    # evaluation. The planning team does neither any more.
    assert ('data-testid="commune-report-forms"' in html) is (username == "thongke.09193")
    assert ('data-testid="council-evaluation"' in html) is (username == "hdnd.09193")
    # The commune team adds evidence photos of works too, optionally for its open report.
    assert ('data-testid="commune-evidence-form"' in html) is (username == "xa.09193")
    assert 'data-testid="me-plan-draft"' not in html  # the plan is approved


@pytest.mark.django_db
@pytest.mark.parametrize("username, shown", [("xa.09193", True), ("huyen.yen-phong", False), ("thon.09193-01", False)])
def test_a_draft_me_plan_is_built_by_the_commune_team_only(district, client_for, username, shown):
    from tests.monitoring.factories import approved_plan

    plan = approved_plan(district())
    me_plan = services.me_plan_create(actor=User.objects.get(username="xa.09193"), plan=plan)
    connection.set_schema_to_public()
    html = client_for(username).get(f"/d/yen-phong/monitoring/plans/{me_plan.pk}/").content.decode()
    assert ('data-testid="me-plan-edit"' in html) is shown
    assert ('data-testid="me-plan-approve"' in html) is shown
    assert 'data-testid="commune-report-forms"' not in html  # no report before approval


@pytest.mark.django_db
@pytest.mark.parametrize("username, shown", [("xa.09193", True), ("huyen.yen-phong", False), ("thon.09193-01", False), ("xa.09196", None)])
def test_submitted_village_reports_are_decided_by_the_commune_team_only(district, client_for, username, shown):
    me_plan = me_plan_with_report(district())
    head = User.objects.get(username="thon.09193-01")
    q2 = next(p for p in services.periods_ensure(year=me_plan.year) if p.kind == "quarter" and p.number == 2)
    report = services.report_create(actor=head, me_plan=me_plan, period=q2, village=head.unit)
    services.report_submit(actor=head, report=report)
    connection.set_schema_to_public()
    response = client_for(username).get(f"/d/yen-phong/monitoring/plans/{me_plan.pk}/")
    if shown is None:
        assert response.status_code == 404  # another commune's team does not see the plan at all
        return
    assert (f'data-testid="decide-report-{report.pk}"' in response.content.decode()) is shown


@pytest.mark.django_db
@pytest.mark.parametrize("username, shown", [("huyen.yen-phong", True), ("xa.09193", False), ("thon.09193-01", False), ("tinh", False)])
def test_progress_import_form_is_shown_to_the_district_office_only(client_for, username, shown):
    html = client_for(username).get("/d/yen-phong/monitoring/").content.decode()
    assert ('data-testid="progress-import"' in html) is shown


@pytest.fixture
def committed_forms_plan(django_db_setup, django_db_blocker, live_url):
    from django.conf import settings

    from tenants.models import District

    assert settings.DATABASES["default"]["NAME"].startswith("test_"), "refusing to write outside the test database"
    with django_db_blocker.unblock():
        yen_phong = District.objects.select_related("unit").get(slug="yen-phong")
        connection.set_tenant(yen_phong)
        me_plan = me_plan_with_report(yen_phong)
        commune_report = _submitted_commune_report(yen_phong, me_plan)
        cycle_id = me_plan.plan.cycle_id
        connection.set_schema_to_public()
        connection.close()
    try:
        yield me_plan, commune_report, yen_phong
    finally:
        with django_db_blocker.unblock():
            connection.set_tenant(yen_phong)
            for photo in EvidencePhoto.objects.filter(me_plan=me_plan):
                photo.photo.delete(save=False)  # the file the browser test uploaded
            PeriodicReport.objects.filter(me_plan=me_plan).delete()
            MEPlan.objects.filter(pk=me_plan.pk).delete()
            PlanCycle.objects.filter(pk=cycle_id).delete()
            ReportingPeriod.objects.all().delete()
            connection.set_schema_to_public()
            connection.close()


@pytest.fixture
def read(django_db_blocker):
    """Read committed rows in the district schema from a browser test (which holds no test transaction)."""

    def do(district, query):
        with django_db_blocker.unblock():
            connection.set_tenant(district)
            try:
                return query()
            finally:
                connection.set_schema_to_public()

    return do


@pytest.mark.browser
def test_village_head_submits_a_report_after_a_refused_progress(committed_forms_plan, page, login, read):
    me_plan, _commune_report, yen_phong = committed_forms_plan
    url = f"/d/yen-phong/monitoring/plans/{me_plan.pk}/"
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login("thon.09193-01", next_url=url)
    page.click("[data-testid=open-village-report] button[type=submit]")
    page.wait_for_selector("[data-testid=submit-report]")
    report = read(yen_phong, lambda: PeriodicReport.objects.get(me_plan=me_plan, village__code="09193-01"))
    road = read(yen_phong, lambda: me_plan.activities.order_by("pk").first())
    share = page.locator(f"[data-testid=share-{road.pk}]")
    share.fill("150")
    page.fill(f"[data-testid=village-report-{report.pk}] textarea[name=problems]", "Mưa kéo dài")
    page.click("[data-testid=submit-report]")
    error = page.locator("[data-testid=activity-progress-error]")
    error.wait_for(state="visible")
    assert "100" in error.inner_text()  # "... từ 0 đến 100"
    assert share.input_value() == "150"  # what was typed stays
    assert share.get_attribute("aria-invalid") == "true"
    assert page.locator(f"[data-testid=village-report-{report.pk}] textarea[name=problems]").input_value() == "Mưa kéo dài"
    report = read(yen_phong, lambda: PeriodicReport.objects.get(pk=report.pk))
    assert report.status == "draft" and not read(yen_phong, lambda: list(report.activity_progress.all()))
    share.fill("60")
    page.click("[data-testid=submit-report]")
    page.wait_for_selector(f"p[data-testid=village-report-{report.pk}] .state-submitted")
    report = read(yen_phong, lambda: PeriodicReport.objects.get(pk=report.pk))
    assert report.status == "submitted" and report.problems == "Mưa kéo dài"
    assert read(yen_phong, lambda: [float(p.share_done) for p in report.activity_progress.all()]) == [60.0]
    assert not errors


@pytest.mark.browser
def test_district_returns_a_commune_report_with_a_comment(committed_forms_plan, page, login, read):
    me_plan, commune_report, yen_phong = committed_forms_plan
    url = f"/d/yen-phong/monitoring/plans/{me_plan.pk}/"
    login("huyen.yen-phong", next_url=url)
    form = f"[data-testid=decide-report-{commune_report.pk}]"
    page.click(f"{form} [data-testid=return-report]")  # no comment: refused next to the comment
    page.locator(f"{form} [data-testid=comment-error]").wait_for(state="visible")
    assert read(yen_phong, lambda: PeriodicReport.objects.get(pk=commune_report.pk).status) == "submitted"
    page.fill(f"{form} [data-testid=decision-comment]", "Bổ sung số liệu giải ngân")
    page.click(f"{form} [data-testid=return-report]")
    page.wait_for_selector(form, state="detached")
    report = read(yen_phong, lambda: PeriodicReport.objects.get(pk=commune_report.pk))
    assert report.status == "returned" and report.review_comment == "Bổ sung số liệu giải ngân"


@pytest.mark.browser
def test_district_imports_progress_and_sees_each_row(live_url, page, login):
    login("huyen.yen-phong", next_url="/d/yen-phong/monitoring/")
    sheet = "Mã dự án;Ngày;Giá trị giải ngân;Tiến độ thực hiện\nKHONG-CO;30/06/2026;100000000;10\n"
    page.set_input_files("[data-testid=progress-import] input[type=file]",
                         files=[{"name": "giai-ngan.csv", "mimeType": "text/csv", "buffer": sheet.encode("utf-8")}])
    page.click("[data-testid=progress-import] button[type=submit]")
    row = page.locator("[data-testid=import-result] tbody tr")
    row.first.wait_for()
    assert row.count() == 1
    assert row.first.get_attribute("data-row") == "2"
    assert "KHONG-CO" in row.first.inner_text() and "state-returned" in row.first.get_attribute("class")


@pytest.fixture
def committed_draft_me_plan(django_db_setup, django_db_blocker, live_url):
    from django.conf import settings

    from tenants.models import District
    from tests.monitoring.factories import approved_plan

    assert settings.DATABASES["default"]["NAME"].startswith("test_"), "refusing to write outside the test database"
    with django_db_blocker.unblock():
        yen_phong = District.objects.select_related("unit").get(slug="yen-phong")
        connection.set_tenant(yen_phong)
        plan = approved_plan(yen_phong)
        me_plan = services.me_plan_create(actor=User.objects.get(username="xa.09193"), plan=plan)
        connection.set_schema_to_public()
        connection.close()
    try:
        yield me_plan, yen_phong
    finally:
        with django_db_blocker.unblock():
            connection.set_tenant(yen_phong)
            MEPlan.objects.filter(plan=plan).delete()
            PlanCycle.objects.filter(pk=plan.cycle_id).delete()
            connection.set_schema_to_public()
            connection.close()


@pytest.mark.browser
def test_commune_team_fills_and_approves_the_me_plan(committed_draft_me_plan, page, login, read):
    me_plan, yen_phong = committed_draft_me_plan
    login("xa.09193", next_url=f"/d/yen-phong/monitoring/plans/{me_plan.pk}/")
    page.fill("[data-testid=me-plan-approve] input[name=decision_number]", "12/QĐ-UBND")
    page.click("[data-testid=me-plan-approve] button[type=submit]")  # nobody responsible yet: refused
    error = page.locator("[data-testid=me-plan-approve] [data-error-for=responsible]")
    error.wait_for(state="visible")
    assert page.input_value("[data-testid=me-plan-approve] input[name=decision_number]") == "12/QĐ-UBND"
    for field in page.locator("[data-testid=me-plan-edit] input[name=responsible]").all():
        field.fill("Văn phòng - Thống kê")
    page.locator("[data-testid=me-plan-edit] input[name=data_source]").first.fill("Chi cục Thống kê")
    with page.expect_navigation():  # saved: the page reloads
        page.click("[data-testid=me-plan-edit] button[type=submit]")
    assert read(yen_phong, lambda: set(me_plan.indicators.values_list("responsible", flat=True))) == {"Văn phòng - Thống kê"}
    page.fill("[data-testid=me-plan-approve] input[name=decision_number]", "12/QĐ-UBND")
    page.click("[data-testid=me-plan-approve] button[type=submit]")
    page.wait_for_selector("[data-testid=commune-team-forms]")
    saved = read(yen_phong, lambda: MEPlan.objects.get(pk=me_plan.pk))
    assert saved.status == "approved" and saved.decision_number == "12/QĐ-UBND"


@pytest.mark.browser
def test_commune_team_records_a_supervision_finding_with_a_located_photo(committed_forms_plan, page, login, read):
    from tests.investment.factories import CHO
    from tests.monitoring.test_refusals import PNG

    me_plan, _commune_report, yen_phong = committed_forms_plan
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation({"longitude": CHO[0], "latitude": CHO[1]})
    login("xa.09193", next_url=f"/d/yen-phong/monitoring/plans/{me_plan.pk}/")
    form = "[data-testid=finding-form]"
    page.fill(f"{form} input[name=found_on]", f"{me_plan.year}-05-20")
    page.fill(f"{form} textarea[name=finding]", "Nắp hố ga bị vỡ")
    page.click(f"{form} button[type=submit]")  # no place yet: refused next to the location
    page.locator(f"{form} [data-error-for=geometry]").wait_for(state="visible")
    assert page.input_value(f"{form} textarea[name=finding]") == "Nắp hố ga bị vỡ"
    page.click(f"{form} [data-locate]")
    page.wait_for_function("() => document.querySelector('[data-testid=finding-form] [data-geometry]').value !== ''")
    # A "photo" that is not an image: refused next to the photo, and the finding is not saved either.
    page.set_input_files(f"{form} input[type=file]", files=[{"name": "ho-ga.png", "mimeType": "image/png", "buffer": b"not a photo"}])
    page.click(f"{form} button[type=submit]")
    page.locator(f"{form} [data-testid=finding-photo-error]").wait_for(state="visible")
    assert page.input_value(f"{form} textarea[name=finding]") == "Nắp hố ga bị vỡ"
    assert page.input_value(f"{form} input[name=found_on]") == f"{me_plan.year}-05-20"
    assert not read(yen_phong, lambda: me_plan.findings.filter(finding="Nắp hố ga bị vỡ").exists())
    page.set_input_files(f"{form} input[type=file]", files=[{"name": "ho-ga.png", "mimeType": "image/png", "buffer": PNG}])
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")
    finding = read(yen_phong, lambda: me_plan.findings.get(finding="Nắp hố ga bị vỡ"))
    assert [round(c, 4) for c in finding.location.coords] == CHO
    assert read(yen_phong, lambda: list(EvidencePhoto.objects.filter(finding=finding).values_list("content_type", flat=True))) == ["image/png"]
    assert read(yen_phong, lambda: me_plan.findings.filter(finding="Nắp hố ga bị vỡ").count()) == 1  # one finding, not two


@pytest.mark.browser
def test_commune_team_builds_the_me_plan_from_the_approved_plan(committed_draft_me_plan, page, login, read):
    me_plan, yen_phong = committed_draft_me_plan
    read(yen_phong, lambda: MEPlan.objects.filter(pk=me_plan.pk).delete())  # the approved plan without its M&E plan
    login("xa.09193", next_url=f"/d/yen-phong/monitoring/?year={me_plan.year}")
    with page.expect_navigation():
        page.click("[data-testid=build-me-plan] button[type=submit]")
    built = read(yen_phong, lambda: MEPlan.objects.get(plan_id=me_plan.plan_id))
    assert page.url.endswith(f"/d/yen-phong/monitoring/plans/{built.pk}/")
    page.wait_for_selector("[data-testid=me-plan-edit]")
    assert page.locator("[data-testid=me-plan-edit] fieldset[data-row=indicators]").count() == 2

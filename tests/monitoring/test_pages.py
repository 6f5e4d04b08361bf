"""The M&E dashboards: served inside the district, and in Debian's Chromium with the map and the charts drawn.

The live server sees only committed rows, so the browser test commits its plan and removes it afterwards
(the pattern of tests/investment/test_pages.py).
"""
import pytest
from django.db import connection

from monitoring.models import MEPlan, PeriodicReport, ReportingPeriod
from plans.models import PlanCycle
from tests.monitoring.factories import me_plan_with_report


@pytest.mark.django_db
@pytest.mark.parametrize("username, status", [("huyen.yen-phong", 200), ("tinh", 200), ("xa.09193", 200), ("thon.09193-01", 200),
                                              ("xa.09196", 404), ("huyen.que-vo", 404)])
def test_commune_dashboard_is_served_to_those_who_see_the_commune(district, client_for, username, status):
    me_plan = me_plan_with_report(district())
    connection.set_schema_to_public()
    response = client_for(username).get(f"/d/yen-phong/monitoring/plans/{me_plan.pk}/")
    assert response.status_code == status
    if status == 200:
        assert b'id="me-map"' in response.content and b"me-config" in response.content


@pytest.mark.django_db
def test_district_dashboard_lists_every_commune_with_its_reporting_status(district, client_for):
    me_plan = me_plan_with_report(district())
    connection.set_schema_to_public()
    connection.set_tenant(district())
    q1 = ReportingPeriod.objects.get(kind="quarter", year=me_plan.year, number=1)
    connection.set_schema_to_public()
    response = client_for("huyen.yen-phong").get(f"/d/yen-phong/monitoring/?year={me_plan.year}&period={q1.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<tr data-commune=") == 14
    assert f'href="/d/yen-phong/monitoring/plans/{me_plan.pk}/"' in html
    assert "94,7 %" in html or "94.7 %" in html  # 62.5 of 66 for the one indicator reported
    assert '"share_done": 70.0' in html  # the located work, for the map
    assert client_for("xa.09193").get("/d/yen-phong/monitoring/").content.decode().count("<tr data-commune=") == 1


@pytest.fixture
def committed_me_plan(django_db_setup, django_db_blocker, live_url):
    from django.conf import settings

    from tenants.models import District

    assert settings.DATABASES["default"]["NAME"].startswith("test_"), "refusing to write outside the test database"
    with django_db_blocker.unblock():
        yen_phong = District.objects.select_related("unit").get(slug="yen-phong")
        connection.set_tenant(yen_phong)
        me_plan = me_plan_with_report(yen_phong)
        cycle_id = me_plan.plan.cycle_id
        connection.set_schema_to_public()
        connection.close()
    try:
        yield me_plan
    finally:
        with django_db_blocker.unblock():
            connection.set_tenant(yen_phong)
            PeriodicReport.objects.filter(me_plan=me_plan).delete()
            MEPlan.objects.filter(pk=me_plan.pk).delete()
            PlanCycle.objects.filter(pk=cycle_id).delete()
            ReportingPeriod.objects.all().delete()
            connection.set_schema_to_public()
            connection.close()


@pytest.mark.browser
def test_commune_dashboard_draws_the_works_by_progress_and_the_charts(committed_me_plan, page, login):
    url = f"/d/yen-phong/monitoring/plans/{committed_me_plan.pk}/"
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    login("xa.09193", next_url=url)
    assert page.url.endswith(url)
    page.wait_for_selector("#me-map[data-ready='1']", timeout=8000) if not errors else None
    assert not errors
    assert page.locator("path.commune-shape").count() == 1
    assert page.locator(".work-shape").count() == 1  # the located work; the training has no place
    assert page.locator(".finding-marker").count() == 1
    # Charts: one bar per indicator and per activity, coloured by the share.
    indicator_rows = page.locator("#indicator-chart svg g.bar-row")
    assert indicator_rows.count() == 2
    assert indicator_rows.nth(0).get_attribute("data-percent") == "94.7"
    assert indicator_rows.nth(1).get_attribute("data-percent") == ""
    activity_rows = page.locator("#activity-chart svg g.bar-row")
    assert [activity_rows.nth(i).get_attribute("data-percent") for i in range(2)] == ["70", "20"]
    assert activity_rows.nth(0).locator("rect.bar").get_attribute("fill") == "#1b7d3a"
    assert activity_rows.nth(1).locator("rect.bar").get_attribute("fill") == "#b00020"
    work_colour = page.locator(".work-shape").first.get_attribute("fill")
    assert work_colour == "#1b7d3a"
    assert "đã chấp nhận" in page.inner_text("[data-testid=reporting-table]").lower()


@pytest.mark.browser
def test_district_dashboard_colours_communes_by_reporting_status_and_draws_the_works(committed_me_plan, page, login):
    login("huyen.yen-phong", next_url="/d/yen-phong/monitoring/")
    page.wait_for_selector("#me-district-map[data-ready='1']")
    assert page.locator("path.commune-shape").count() == 14
    assert page.locator(".work-shape").count() == 1
    assert page.locator("#status-chart svg g.bar-row").count() >= 1
    # Review rv15d: a long status ("chưa có kế hoạch theo dõi, đánh giá được phê duyệt") was cut to "chưa có kế hoạch
    # theo d…". Every label is whole, over as many lines as it needs, each line within the label column (150 px).
    labels = page.eval_on_selector_all("#status-chart text.bar-label", """texts => texts.map(t => ({
        lines: [...t.querySelectorAll('tspan')].map(s => s.textContent), full: t.querySelector('title').textContent,
        widest: Math.max(...[...t.querySelectorAll('tspan')].map(s => s.getComputedTextLength()))}))""")
    assert labels and all(" ".join(label["lines"]) == label["full"] and label["widest"] <= 150 for label in labels), labels
    assert not any("…" in line for label in labels for line in label["lines"])


@pytest.mark.django_db
def test_people_council_evaluations_are_shown_on_the_commune_dashboard(district, client_for):
    from datetime import date

    from accounts.models import User
    from monitoring import services

    me_plan = me_plan_with_report(district())
    url = f"/d/yen-phong/monitoring/plans/{me_plan.pk}/"
    connection.set_schema_to_public()
    assert "Chưa có" in client_for("thon.09193-01").get(url).content.decode()  # none yet
    connection.set_tenant(district())
    half = ReportingPeriod.objects.get(kind="half", year=me_plan.year, number=1)
    services.council_evaluation_record(actor=User.objects.get(username="hdnd.09193"), me_plan=me_plan, period=half,
                                       held_on=date(me_plan.year, 7, 20), assessment="Đạt 95% chỉ tiêu thu nhập", resolution_number="08/NQ-HĐND")
    connection.set_schema_to_public()
    for username in ("thon.09193-01", "huyen.yen-phong"):
        section = client_for(username).get(url).content.decode().split('data-testid="council-evaluations"')[1].split("</ul>")[0]
        assert "Đạt 95% chỉ tiêu thu nhập" in section and "08/NQ-HĐND" in section and f"20/07/{me_plan.year}" in section


# The text of the legend from "66–100" through its "%", as the page lays it out: the height of its box and the line
# height of its element (review rv15e: "66–100" ended a line and "%" began the next).
RANGE_BOX = """(legend) => {
    const walker = document.createTreeWalker(legend, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const at = n.textContent.indexOf('66–100');
        if (at < 0) continue;
        const range = document.createRange();
        range.setStart(n, at);
        range.setEnd(n, n.textContent.indexOf('%', at) + 1);
        const box = range.getBoundingClientRect();
        return {height: box.height, line: parseFloat(getComputedStyle(n.parentElement).lineHeight), text: range.toString()};
    }
    return null;
}"""


@pytest.mark.browser
def test_the_commune_map_legend_keeps_each_range_on_one_line(committed_me_plan, page, login):
    url = f"/d/yen-phong/monitoring/plans/{committed_me_plan.pk}/"
    login("xa.09193", next_url=url)
    page.wait_for_selector("#me-map[data-ready='1']")
    legend = page.locator("#me-map [data-testid=legend]")
    broken = {}
    # the legend at every width from a phone's narrowest to its own widest: wherever the words wrap, never in a range
    for width in range(60, 260, 4):
        legend.evaluate("(el, w) => { el.style.maxWidth = 'none'; el.style.width = w + 'px'; }", width)
        box = legend.evaluate(RANGE_BOX)
        assert box and box["text"].replace("\u00a0", " ") == "66–100 %" and box["line"] > 0, box
        if box["height"] > 1.5 * box["line"]:
            broken[width] = box
    assert broken == {}

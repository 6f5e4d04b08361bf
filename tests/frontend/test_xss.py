"""Issue 11, part 1: text typed by one user never runs as code in another user's page.

Payloads go into every free-text field a role writes (through the APIs and services, as people would),
then Chromium opens every page that shows them as the roles that read them, hovers and clicks the map
features and table rows, and checks that no dialog opened, that no element was made from the payload
(so the escaping holds even without the Content-Security-Policy), that the text is shown literally, and
that the browser reported no CSP violation. The live server sees only committed rows: the fixture
commits them in Yên Phong (Thị trấn Chờ) and removes them afterwards.
"""
import json
import re

import pytest
from django.db import connection
from django.test import Client

from tests.conftest import DEMO_PASSWORD
from tests.investment.factories import CHO, make_draft_item, make_plan, make_project, point

# Every test asks for the test database, so that a browser-only run (-m browser) makes one too.
pytestmark = pytest.mark.django_db

IMG = "<img src=x onerror=alert(1)>"
SVG = '"><svg onload=alert(2)>'
JS_URL = "javascript:alert(3)"
D = "/d/yen-phong"
API = f"{D}/api"
NEAR_CHO = [CHO[0] + 0.002, CHO[1] + 0.001]
PLAN_YEAR = 2031  # a year no other test opens a cycle for


def _client(username):
    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _post(client, url, body):
    response = client.post(url, json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code in (200, 201), (url, response.status_code, response.content[:500])
    return response.json() if response.content else None


def _seed_proposals():
    """Two proposals of a village head (payloads in title, problem, solution, beneficiaries); the commune
    team accepts one, rejects the other with a payload as its reason, and publishes."""
    from geo.models import AdministrativeUnit

    village = AdministrativeUnit.objects.get(code="09193-01").geom.point_on_surface
    thon, xa = _client("thon.09193-01"), _client("xa.09193")
    ids = []
    for title in (IMG, SVG):
        body = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [village.x, village.y]},
                "properties": {"commune": "09193", "village": "09193-01", "title": title, "sector": "transport",
                               "estimated_cost": 700_000_000, "problem": SVG, "solution": IMG, "beneficiaries": SVG}}
        ids.append(_post(thon, f"{API}/proposals/", body)["id"])
    _post(xa, f"{API}/proposals/{ids[0]}/accept/", {"reason": ""})
    _post(xa, f"{API}/proposals/{ids[1]}/reject/", {"reason": IMG})
    _post(xa, f"{API}/proposals/publish/", {"commune": "09193"})
    return ids


def _seed_investment(district, proposal_id):
    """A project named with a payload, a work of a commune's draft plan titled with one, a pinned note."""
    from investment.models import InvestmentProject

    plan = make_plan(district, name=f"Kế hoạch {IMG}")
    project = make_project(district, code="XSS-1", plan=plan, geometry=point(CHO), proposals=[proposal_id])
    InvestmentProject.objects.filter(pk=project.pk).update(name=SVG, investor=IMG)
    item = make_draft_item(district, plan_year=PLAN_YEAR, title=IMG, lonlat=NEAR_CHO)
    note = _post(_client("huyen.yen-phong"), f"{API}/reviews/",
                 {"type": "Feature", "geometry": point([CHO[0] - 0.002, CHO[1] - 0.001]), "properties": {"comment": IMG}})
    return plan, project, item, note["id"]


def _seed_orientation(district):
    """The district's orientation (payloads in title, summary, programmes and a document title), published,
    plus a javascript: link written straight to the table, as one saved before the API refused them."""
    from plans.models import Orientation, OrientationDocument

    huyen = _client("huyen.yen-phong")
    created = _post(huyen, f"{API}/plans/orientations/", {
        "plan_year": PLAN_YEAR, "title": SVG, "summary": IMG, "expected_programmes": SVG,
        "documents": [{"title": IMG, "url": "https://example.org/cv.pdf"}]})
    orientation = Orientation.objects.get(pk=created["id"])
    OrientationDocument.objects.create(orientation=orientation, title="legacy link", url=JS_URL)
    _post(huyen, f"{API}/plans/orientations/{orientation.pk}/publish/", {})
    return orientation


def _seed_monitoring(district):
    """An approved M&E plan whose work is titled with a payload, a submitted commune report with payloads as
    problems and recommendations, and a supervision finding with payloads as board and finding."""
    from django.utils import timezone

    from accounts.models import User
    from monitoring import services
    from plans.models import CommunePlan, PlanItem, PublicComment
    from tests.monitoring.factories import approved_plan

    plan = approved_plan(district)
    PlanItem.objects.filter(plan=plan, kind="work").update(title=IMG)
    # Announced, so that the public plan page shows it, with a resident's published comment.
    CommunePlan.objects.filter(pk=plan.pk).update(announced_at=timezone.now())
    PublicComment.objects.create(plan=plan, item=PlanItem.objects.get(plan=plan, kind="work"), author_name=SVG, body=IMG,
                                 answer=SVG, status=PublicComment.Status.PUBLISHED)
    PlanItem.objects.filter(plan=plan, kind="activity").update(title=SVG)
    team = User.objects.get(username="xa.09193")
    me_plan = services.me_plan_create(actor=team, plan=plan)
    services.me_plan_update(actor=team, me_plan=me_plan,
                            indicators=[{"id": i.pk, "responsible": "VP"} for i in me_plan.indicators.all()],
                            activities=[{"id": a.pk, "responsible": "Ban QLDA"} for a in me_plan.activities.all()])
    me_plan = services.me_plan_approve(actor=team, me_plan=me_plan, decision_number="45/QĐ-UBND")
    q1 = next(p for p in services.periods_ensure(year=me_plan.year) if p.kind == "quarter" and p.number == 1)
    officer = User.objects.get(username="thongke.09193")  # the commune report is the statistics officer's (Đ10.2b)
    report = services.report_create(actor=officer, me_plan=me_plan, period=q1)
    road = me_plan.activities.get(title=IMG)
    services.report_update(actor=officer, report=report, problems=SVG, recommendations=IMG,
                           activity_progress=[{"activity": road.pk, "share_done": 40}])
    services.report_submit(actor=officer, report=report)
    services.finding_record(actor=team, activity=road, board=SVG, found_on=q1.ends_on, finding=IMG, location=road.geom)
    return plan, me_plan


def _remove_seeded():
    """Delete what the seeding writes, found by its payloads and markers (also what a seeding that failed
    half-way left behind)."""
    from investment.models import InvestmentProject, PublicInvestmentPlan, Review
    from monitoring.models import MEPlan, PeriodicReport, ReportingPeriod, SupervisionFinding
    from plans.models import Orientation, PlanCycle, PlanItem
    from proposals.models import Proposal

    cycles = set(PlanItem.objects.filter(title__in=[IMG, SVG]).values_list("plan__cycle_id", flat=True))
    me_plans = MEPlan.objects.filter(plan__cycle_id__in=cycles)
    SupervisionFinding.objects.filter(activity__me_plan__in=me_plans).delete()
    PeriodicReport.objects.filter(me_plan__in=me_plans).delete()
    if me_plans.exists():
        me_plans.delete()
        ReportingPeriod.objects.all().delete()
    Review.objects.filter(comment=IMG).delete()
    Review.objects.filter(project__code="XSS-1").delete()
    InvestmentProject.objects.filter(code="XSS-1").delete()
    PublicInvestmentPlan.objects.filter(name=f"Kế hoạch {IMG}").delete()
    PlanCycle.objects.filter(pk__in=cycles).delete()
    Orientation.objects.filter(plan_year=PLAN_YEAR).delete()
    Proposal.objects.filter(title__in=[IMG, SVG]).delete()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, live_url):
    from django.conf import settings

    from tenants.models import District

    assert settings.DATABASES["default"]["NAME"].startswith("test_"), "refusing to write outside the test database"
    made = {}
    with django_db_blocker.unblock():
        yen_phong = District.objects.select_related("unit").get(slug="yen-phong")
    try:
        with django_db_blocker.unblock():
            connection.set_tenant(yen_phong)
            _remove_seeded()
            made["proposals"] = _seed_proposals()
            connection.set_tenant(yen_phong)
            made["plan"], made["project"], item, made["note"] = _seed_investment(yen_phong, made["proposals"][0])
            made["cycle"] = item.plan.cycle_id
            made["orientation"] = _seed_orientation(yen_phong)
            connection.set_tenant(yen_phong)
            made["me_source"], made["me_plan"] = _seed_monitoring(yen_phong)
            connection.set_schema_to_public()
            connection.close()
        yield made
    finally:
        with django_db_blocker.unblock():
            connection.set_tenant(yen_phong)
            _remove_seeded()
            connection.set_schema_to_public()
            connection.close()


@pytest.fixture
def watched(page):
    """The page with a record of every dialog (dismissed), every CSP violation and every console error."""
    seen = {"dialogs": [], "console": []}

    def on_dialog(dialog):
        seen["dialogs"].append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on("console", lambda m: seen["console"].append(m.text) if m.type == "error" else None)
    # Runs before any page script; Playwright injects it outside the page's CSP.
    page.add_init_script("window.__csp = []; document.addEventListener('securitypolicyviolation', function (e) {"
                         " window.__csp.push(e.violatedDirective + ' ' + e.blockedURI); });")
    return page, seen


def _no_code_ran(page, seen):
    violations = page.evaluate("window.__csp || []")
    assert seen["dialogs"] == [], seen["dialogs"]
    assert violations == [], violations
    assert [m for m in seen["console"] if "Content Security Policy" in m] == []
    # Nothing was built from a payload: no <img src=x>, no <svg onload>, no live javascript: link.
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("svg[onload]").count() == 0
    assert page.locator("[onerror], [onload]").count() == 0
    assert page.locator("a[href^='javascript' i]").count() == 0


def _hover_all(page, selector, limit=40):
    """Move the pointer onto every map feature matching the selector, so each opens its tooltip; a mouseover
    sent to the shape itself, since features may overlap or lie outside the view. Returns the tooltips' texts."""
    shown = []
    for i in range(min(page.locator(selector).count(), limit)):
        page.locator(selector).nth(i).dispatch_event("mouseover")
        shown.append(" ".join(page.locator(".leaflet-tooltip").all_inner_texts()))
    return shown


def _click_until(page, selector, target, text):
    """Click the features matching the selector one by one until `target` shows `text`."""
    features = page.locator(selector)
    for i in range(features.count()):
        features.nth(i).dispatch_event("click")
        try:
            page.wait_for_selector(f"{target}:has-text({json.dumps(text)})", timeout=2000)
            return
        except Exception:  # Playwright's TimeoutError: not this feature
            continue
    raise AssertionError(f"no {selector} opened {target} with {text!r}")


def _tooltips_text(page):
    return " ".join(page.locator(".leaflet-tooltip").all_inner_texts())


@pytest.mark.browser
@pytest.mark.parametrize("username", ["xa.09193", "huyen.yen-phong", "thon.09193-01"])
def test_proposals_page_shows_payloads_as_text(seeded, watched, login, username):
    page, seen = watched
    login(username, next_url=f"{D}/proposals/?commune=09193")
    page.wait_for_selector("#proposal-map[data-ready='1']")
    rows = page.locator("#proposal-rows tr")
    rejected = rows.filter(has_text=SVG)
    assert rejected.count() == 1 and IMG in rejected.inner_text()  # the rejection reason, as text
    assert rows.filter(has_text=IMG + " · ").count() == 1
    # Zoomed in, every proposal is a shape with a tooltip; hovering a row opens its feature's tooltip.
    page.evaluate("window.proposalMap.setZoom(14)")
    page.wait_for_function("document.querySelectorAll('path.proposal-shape').length > 0")
    for i in range(rows.count()):
        rows.nth(i).hover()
    tips = _tooltips_text(page)
    assert IMG in tips and SVG in tips, tips
    tips = _hover_all(page, "path.proposal-shape")
    assert any(IMG in t for t in tips) and any(SVG in t for t in tips), tips
    _no_code_ran(page, seen)


@pytest.mark.browser
def test_public_proposals_page_shows_payloads_as_text(seeded, watched):
    page, seen = watched
    page.goto(f"{D}/public/proposals/")
    page.wait_for_selector("#public-map[data-ready='1']")
    page.select_option("#public-commune", "09193")
    page.wait_for_selector("#public-rows tr", state="attached")
    page.wait_for_load_state("networkidle")
    page.wait_for_function("(text) => document.querySelector('#public-rows').innerText.includes(text)", arg=IMG)
    assert page.locator("#public-rows tr").filter(has_text=SVG).count() == 1
    tips = _hover_all(page, "path.proposal-shape")
    assert any(IMG in t for t in tips) and any(SVG in t for t in tips), tips
    _no_code_ran(page, seen)


@pytest.mark.browser
@pytest.mark.parametrize("username", ["huyen.yen-phong", "xa.09193", "tinh"])
def test_review_map_shows_project_plan_item_and_note_as_text(seeded, watched, login, username):
    page, seen = watched
    login(username, next_url=f"{D}/investment/review/")
    page.wait_for_selector("#review-map[data-ready='1']")
    # The project (its name is a payload) and its panel.
    tips = _hover_all(page, "path.project-shape")
    assert any(SVG in t for t in tips), tips
    _click_until(page, "path.project-shape", "[data-testid=project-title]", SVG)
    assert IMG in page.inner_text("#project-panel")  # the investor
    # The work of the draft plan and the pinned note.
    tips = _hover_all(page, "path.plan-item-shape", limit=60)
    assert any(IMG in t for t in tips), tips
    _click_until(page, "path.plan-item-shape", "[data-testid=plan-item-title]", IMG)
    tips = _hover_all(page, "path.review-note", limit=60)
    assert any(IMG in t for t in tips), tips
    assert IMG in page.inner_text("#review-list")
    _no_code_ran(page, seen)


@pytest.mark.browser
@pytest.mark.parametrize("username", ["xa.09193", "huyen.yen-phong"])
def test_cycle_page_shows_orientation_and_items_as_text_and_no_javascript_link(seeded, watched, login, username):
    page, seen = watched
    login(username, next_url=f"{D}/plans/cycles/{seeded['cycle']}/")
    page.wait_for_selector("#works-map[data-ready='1']")
    orientation = page.locator(".orientation")
    assert SVG in orientation.inner_text() and IMG in orientation.inner_text()
    assert orientation.locator("a[href='https://example.org/cv.pdf']").inner_text() == IMG
    # The javascript: link saved before the check is shown as its title, without a link.
    assert orientation.get_by_text("legacy link").count() == 1
    assert orientation.locator("a", has_text="legacy link").count() == 0
    assert IMG in page.inner_text("table.items")
    tips = _hover_all(page, "#works-map path.work-shape")
    assert any(IMG in t for t in tips), tips
    _no_code_ran(page, seen)


@pytest.mark.browser
def test_plans_dashboard_lists_the_orientation_as_text(seeded, watched, login):
    page, seen = watched
    login("huyen.yen-phong", next_url=f"{D}/plans/?plan_year={PLAN_YEAR}")
    page.wait_for_selector("#cycles-map[data-ready='1']")
    assert SVG in page.inner_text("ul.orientations")
    _hover_all(page, "path.cycle-shape", limit=5)
    _no_code_ran(page, seen)


@pytest.mark.browser
@pytest.mark.parametrize("username", ["xa.09193", "huyen.yen-phong"])
def test_commune_dashboard_shows_activity_finding_and_report_as_text(seeded, watched, login, username):
    page, seen = watched
    login(username, next_url=f"{D}/monitoring/plans/{seeded['me_plan'].pk}/")
    page.wait_for_selector("#me-map[data-ready='1']")
    # A long label wraps over lines (one <tspan> a line, MECharts.bars): read each label's lines joined by spaces.
    labels = page.eval_on_selector_all("#activity-chart text.bar-label",
                                       "ts => ts.map(t => Array.from(t.querySelectorAll('tspan'), s => s.textContent).join(' '))")
    assert IMG in labels, labels
    assert IMG in page.locator("#activity-chart text.bar-label title").all_text_contents()  # the whole label on hover
    tips = _hover_all(page, "path.work-shape")
    assert any(IMG in t for t in tips), tips
    findings = page.locator("path.finding-marker")
    assert findings.count() >= 1
    findings.first.dispatch_event("click")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert SVG in popup.inner_text() and IMG in popup.inner_text()
    if username == "huyen.yen-phong":  # the submitted report waits for the district's decision, problems shown
        section = page.locator("[data-testid=commune-reports-to-decide]")
        assert SVG in section.inner_text() and IMG in section.inner_text()
    _no_code_ran(page, seen)


@pytest.mark.browser
def test_public_plan_page_shows_works_and_comments_as_text(seeded, watched):
    page, seen = watched
    page.goto(f"{D}/public/plans/{seeded['me_source'].pk}/")
    page.wait_for_selector("#public-works-map[data-ready='1']")
    assert IMG in page.inner_text("table.works")
    comments = page.inner_text("ul.comments")
    assert SVG in comments and IMG in comments
    tips = _hover_all(page, "#public-works-map path.work-shape")
    assert any(IMG in t for t in tips), tips
    _no_code_ran(page, seen)


@pytest.mark.browser
def test_district_dashboard_shows_works_as_text(seeded, watched, login):
    page, seen = watched
    login("huyen.yen-phong", next_url=f"{D}/monitoring/")
    page.wait_for_selector("#me-district-map[data-ready='1']")
    tips = _hover_all(page, "path.work-shape")
    assert any(IMG in t for t in tips), tips
    _hover_all(page, "path.commune-shape", limit=3)
    _no_code_ran(page, seen)


PAGES = [
    ("/", None), (f"{D}/", "huyen.yen-phong"), (f"{D}/proposals/", "xa.09193"), (f"{D}/public/proposals/", None),
    (f"{D}/public/plans/", None), (f"{D}/plans/", "huyen.yen-phong"), ("/plans/", "tinh"), ("/province/compare/", "tinh"),
    (f"{D}/investment/review/", "huyen.yen-phong"), (f"{D}/monitoring/", "huyen.yen-phong"), ("/accounts/login/", None),
]


@pytest.mark.browser
@pytest.mark.parametrize("url, username", PAGES)
def test_every_page_runs_under_the_policy_without_a_violation(watched, login, live_url, url, username):
    page, seen = watched
    if username:
        login(username, next_url=url)
    else:
        page.goto(url)
    page.wait_for_load_state("networkidle")
    map_ready = page.locator(".map[data-ready='1']")
    if page.locator(".map").count():
        map_ready.first.wait_for()
    _no_code_ran(page, seen)


@pytest.mark.browser
def test_admin_and_its_map_widget_run_under_the_policy(watched, login):
    page, seen = watched
    login("admin", next_url="/admin/")
    page.goto("/admin/geo/administrativeunit/?level__exact=district")
    page.locator("#result_list tbody tr a").first.click()
    page.wait_for_selector(".leaflet-container")
    page.wait_for_load_state("networkidle")
    assert page.locator(".leaflet-container path, .leaflet-container .leaflet-interactive").count() >= 1
    _no_code_ran(page, seen)


# --- headers ----------------------------------------------------------------------------------------

def _directives(header):
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.django_db
@pytest.mark.parametrize("url, username", [
    ("/", None), (f"{D}/proposals/", "xa.09193"), (f"{D}/public/proposals/", None), ("/accounts/login/", None),
    (f"{D}/investment/review/", "huyen.yen-phong"), ("/admin/", "admin"), (f"{API}/proposals/?commune=09193", "xa.09193"),
])
def test_every_answer_carries_the_security_headers(client_for, url, username):
    response = client_for(username).get(url)
    assert response.status_code == 200, (url, response.status_code)
    policy = _directives(response["Content-Security-Policy"])
    assert policy["script-src"][0] == "'self'"
    assert not {"'unsafe-inline'", "'unsafe-eval'"} & set(policy["script-src"])
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]
    assert policy["object-src"] == ["'none'"] and policy["base-uri"] == ["'self'"]
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert re.search(r"geolocation=\(self\)", response["Permissions-Policy"])


@pytest.mark.django_db
@pytest.mark.parametrize("url, username, no_store", [
    (f"{API}/proposals/?commune=09193", "xa.09193", True),
    (f"{API}/investment-projects/", "huyen.yen-phong", True),
    ("/api/admin-units/?level=district", "tinh", True),
    (f"{API}/public/proposals/", None, False),
])
def test_authenticated_api_answers_are_not_stored(client_for, url, username, no_store):
    response = client_for(username).get(url)
    assert response.status_code == 200, response.content[:300]
    assert ("no-store" in response.get("Cache-Control", "")) is no_store


@pytest.mark.django_db
def test_a_token_caller_gets_no_store_too(client_for):
    from knox.models import AuthToken

    from accounts.models import User

    _instance, token = AuthToken.objects.create(user=User.objects.get(username="xa.09193"))
    response = Client().get(f"{API}/proposals/?commune=09193", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_the_token_answer_is_not_stored():
    """The token endpoint answers a secret to a caller not yet signed in: no cache may keep it."""
    response = Client().post("/api/auth/token/", json.dumps({"username": "xa.09193", "password": DEMO_PASSWORD}),
                             content_type="application/json")
    assert response.status_code == 200 and response.json()["token"]
    assert response["Cache-Control"] == "no-store"


@pytest.mark.django_db
def test_the_api_docs_run_under_the_policy():
    """Swagger UI's start-up script is a file (the split view), so /api/docs/ needs no exemption from the CSP."""
    response = Client().get("/api/docs/")
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert b"<script>" not in response.content


# --- orientation document links (server side) --------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("url", [JS_URL, "JavaScript:alert(1)", "java\tscript:alert(1)", " javascript:alert(1)",
                                 "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "//evil.example/x",
                                 "/\\evil.example", "file:///etc/passwd"])
def test_orientation_api_refuses_a_link_that_is_not_http_or_relative(client_for, district, url):
    from plans.models import Orientation

    connection.set_tenant(district("yen-phong"))
    before = Orientation.objects.count()
    response = client_for("huyen.yen-phong").post(f"{API}/plans/orientations/", json.dumps({
        "plan_year": PLAN_YEAR, "title": "Định hướng", "documents": [{"title": "Công văn", "url": url}]}),
        content_type="application/json")
    assert response.status_code == 400, response.content
    assert "Đường dẫn phải là địa chỉ http:// hoặc https://" in json.dumps(response.json()["documents"], ensure_ascii=False)
    assert Orientation.objects.count() == before


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["https://example.org/cv.pdf", "http://example.org/a?b=c#d", "/d/yen-phong/plans/", "cv.pdf", ""])
def test_orientation_api_takes_http_and_relative_links(client_for, district, url):
    connection.set_tenant(district("yen-phong"))
    response = client_for("huyen.yen-phong").post(f"{API}/plans/orientations/", json.dumps({
        "plan_year": PLAN_YEAR, "title": "Định hướng", "documents": [{"title": "Công văn", "url": url}]}),
        content_type="application/json")
    assert response.status_code == 201, response.content


@pytest.mark.django_db
def test_orientation_service_refuses_a_javascript_link_and_saves_nothing(district):
    from django.core.exceptions import ValidationError

    from accounts.models import User
    from plans import services
    from plans.models import Orientation

    yen_phong = district("yen-phong")
    connection.set_tenant(yen_phong)
    before = Orientation.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.orientation_create(actor=User.objects.get(username="huyen.yen-phong"), district_unit=yen_phong.unit,
                                    plan_year=PLAN_YEAR, title="x", documents=[{"title": "a", "url": JS_URL}])
    assert "documents" in refused.value.message_dict
    assert Orientation.objects.count() == before


def test_safe_link_filter_drops_a_javascript_address():
    from django.template import engines

    template = engines["django"].from_string("{% load links %}[{{ a|safe_link }}][{{ b|safe_link }}]")
    assert template.render({"a": JS_URL, "b": "https://example.org/x"}) == "[][https://example.org/x]"

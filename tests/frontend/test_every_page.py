"""Every page of every role, as its menu lists them (frontend/navigation.py), in real Chromium (issue 15, part 5).

- axe-core (npm, node_modules/axe-core, injected by the test only: never served to users) finds no serious or
  critical violation, on a desktop and on a phone;
- at 390×844 the page is no wider than the screen, the header stays low, every visible button of the page
  (the decision buttons included) lies within the viewport, and no date field is a native `<input type=date>`
  (which shows mm/dd/yyyy in some browsers: dates are typed dd/mm/yyyy and read by the server's one date rule).
"""
import re
from pathlib import Path

import psycopg
import pytest
from django.conf import settings

from tests.conftest import DEMO_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=False)]
AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
ROLES = {"huyen.yen-phong": "/d/yen-phong/", "xa.09193": "/d/yen-phong/proposals/", "thon.09193-01": "/d/yen-phong/proposals/", "tinh": "/"}
# The other roles of the README's demo accounts (council, office-statistics officer, the commune units: the
# kindergarten and the health station, sector office, department, the superuser): their pages are mostly the ones
# above, so a desktop run is enough. The commune units were missing, and their map answered 500 (review rv15d).
MORE_ROLES = {"hdnd.09193": "/", "thongke.09193": "/", "donvi.09193.1": "/", "donvi.09193.2": "/", "phong.yen-phong.gddt": "/",
              "so.khdt": "/", "admin": "/"}
LANDING = ROLES | MORE_ROLES
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
HEADER_MAX_PX = 90  # it wrapped to 108 px
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]


@pytest.fixture
def axe_page(browser, live_url):
    """A page whose Content-Security-Policy lets the test inject axe-core (the site's own pages keep theirs: the
    `page` fixture and every user see the policy unchanged)."""
    context = browser.new_context(base_url=live_url, locale="vi-VN", viewport=DESKTOP, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def sign_in(page, username):
    page.goto(f"/accounts/login/?next={LANDING[username]}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form[action='/accounts/login/'] button[type=submit]")
    page.wait_for_load_state("networkidle")


MENU_LINKS = "links => links.map(a => a.getAttribute('href'))"


def pages_of(page, login, username):
    """The menu's addresses as this user lands. Province staff and the superuser land on "/", which links each
    district ("/d/<slug>/") but whose menu holds none of the district's own pages (proposals, investment, review map, monitoring, duties):
    those of Yên Phong's menu are added, so that their district pages are walked too (review rv15f)."""
    login(username, next_url=LANDING[username])
    paths = page.eval_on_selector_all("[data-testid=menu] a", MENU_LINKS) or [LANDING[username]]
    districts = [path for path in page.eval_on_selector_all("a[href^='/d/']", MENU_LINKS) if re.fullmatch(r"/d/[^/]+/", path)]
    if districts:
        page.goto("/d/yen-phong/" if "/d/yen-phong/" in districts else districts[0])
        paths += [path for path in page.eval_on_selector_all("[data-testid=menu] a", MENU_LINKS) if path not in paths]
    return paths


# Pages reached from the menu's pages but not in the menu (a cycle, a proposal, an investment plan): a link of the
# page's main part whose address names a record by its number. One of each kind (its numbers ignored) is visited.
DETAIL_LINKS = """() => [...document.querySelectorAll('main a[href]')].map(a => new URL(a.href))
    .filter(u => u.origin === location.origin).map(u => u.pathname + u.search)
    .filter(h => /\\/\\d+\\/(\\?|$)|[?&]plan=\\d+/.test(h) && !/\\/(api|media|files|static)\\//.test(h))
    // a proposal's page is linked from its row's panel once the row is chosen: its address is the list's plus its id
    .concat(location.pathname.endsWith('/proposals/')
            ? [...document.querySelectorAll('main tr[data-id]')].slice(0, 1).map(tr => location.pathname + tr.dataset.id + '/') : [])"""


def every_page(page, paths):
    """The menu's pages, then one page of each detail kind their links lead to, each visited (yields its path)."""
    kinds = {}
    for path in paths:
        visit(page, path)
        yield path
        for link in page.evaluate(DETAIL_LINKS):
            kinds.setdefault(re.sub(r"\d+", "N", link), link)
    for link in kinds.values():
        if link not in paths:
            visit(page, link)
            yield link


# A page is ready when its maps say so: each page script sets data-ready="1" on its map once its data is drawn
# (a map that never does fails here, by name). Network idle instead waited 0.5 s of silence after every request.
MAPS_READY = "() => [...document.querySelectorAll('.leaflet-container')].every(m => m.dataset.ready === '1')"


def visit(page, path):
    page.goto(path, wait_until="load")
    page.wait_for_function(MAPS_READY, timeout=30000)  # the comparison map took 20 s on a loaded machine


def serious_violations(page):
    """axe-core's serious and critical violations on the whole page (nothing excluded), WCAG 2.0/2.1 A and AA and
    axe's best practices; the rules of no standard (experimental, AAA) are left out as the issue asks."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async (tags) => (await axe.run(document, {resultTypes: ['violations'], runOnly: {type: 'tag', values: tags}})).violations"
                           ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
                           ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))", AXE_TAGS)
    return result


@pytest.mark.parametrize(("username", "viewport"), [
    *(pytest.param(name, size, id=f"{name}-{label}") for name in ROLES for label, size in (("desktop", DESKTOP), ("phone", PHONE))),
    *(pytest.param(name, DESKTOP, id=f"{name}-desktop") for name in MORE_ROLES),
])
def test_axe_finds_no_serious_violation_on_any_page_of_the_role(axe_page, username, viewport):
    page = axe_page
    page.set_viewport_size(viewport)
    found, visited = {}, []
    for path in every_page(page, pages_of(page, lambda name, next_url: sign_in(page, name), username)):
        visited.append(path)
        violations = serious_violations(page)
        if violations:
            found[path] = violations
    assert found == {}
    for kind in DETAIL_KINDS.get(username, ()):  # the pages outside the menu were reached, not skipped
        assert any(re.search(kind, path) for path in visited), (kind, visited)


# The detail pages each district role reaches from its menu's pages in the demo data (load_demo has no plan cycle:
# the cycle page has its own test below).
DETAIL_KINDS = {"huyen.yen-phong": [r"/proposals/\d+/$"], "xa.09193": [r"/proposals/\d+/$"]}
CYCLE_YEAR = 2036  # no other test commits a cycle of this plan year


@pytest.fixture
def cycle_cleanup():
    """The live server reads committed data: the cycle made here is removed through a connection of our own."""
    db = settings.DATABASES["default"]
    assert db["NAME"].startswith("test"), db["NAME"]
    yield
    with psycopg.connect(dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"]) as conn:
        cycles = "SELECT id FROM d258.plans_plancycle WHERE plan_year = %s"
        for table in ("plans_planningteam", "plans_cycletransition", "plans_stepevidence"):
            conn.execute(f"DELETE FROM d258.{table} WHERE cycle_id IN ({cycles})", [CYCLE_YEAR])
        conn.execute("DELETE FROM d258.plans_plancycle WHERE plan_year = %s", [CYCLE_YEAR])


def test_axe_finds_no_serious_violation_on_the_cycle_page(axe_page, cycle_cleanup):
    """The cycle page is reached from the plans dashboard, not the menu: its "Đang thực hiện" step was 4.32:1 (#1f6feb
    on #f6f7f9, axe colour-contrast, serious) for the commune team and the district office alike."""
    page = axe_page
    sign_in(page, "xa.09193")
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    made = page.request.post("/d/yen-phong/api/plans/cycles/", data={"commune": "09193", "plan_year": CYCLE_YEAR},
                             headers={"X-CSRFToken": csrf, "Referer": page.url})
    assert made.status == 201, made.text()
    path = f"/d/yen-phong/plans/cycles/{made.json()['id']}/"
    found = {}
    for username in ("xa.09193", "huyen.yen-phong"):
        page.context.clear_cookies()
        sign_in(page, username)
        visit(page, path)
        assert page.locator("td.state-in_progress").count() >= 1
        found[username] = serious_violations(page)
    assert found == {"xa.09193": [], "huyen.yen-phong": []}


@pytest.mark.parametrize("username", list(ROLES))
def test_every_page_of_the_role_fits_a_phone(page, login, username):
    page.set_viewport_size(PHONE)
    problems = {}
    for path in pages_of(page, login, username):
        visit(page, path)
        measured = page.evaluate("""() => {
            const header = document.querySelector('header.topbar');
            const outside = [...document.querySelectorAll('main button, main input[type=submit]')]
              .filter(b => b.offsetParent !== null && !b.closest('.leaflet-control-container, dialog, details:not([open])'))
              .map(b => [b, b.getBoundingClientRect()])
              .filter(([b, r]) => r.width > 0 && (r.left < 0 || r.right > window.innerWidth + 0.5))
              .map(([b, r]) => (b.textContent || b.value || '').trim().slice(0, 40) + ' @' + Math.round(r.right));
            return {width: document.documentElement.scrollWidth, header: header ? header.getBoundingClientRect().height : 0, outside,
                    dateInputs: document.querySelectorAll('input[type=date]').length};
        }""")
        wrong = []
        if measured["width"] > PHONE["width"]:
            wrong.append(f"page {measured['width']} px wide")
        if measured["header"] > HEADER_MAX_PX:
            wrong.append(f"header {measured['header']:.0f} px high")
        if measured["outside"]:
            wrong.append("buttons outside the screen: " + ", ".join(measured["outside"]))
        if measured["dateInputs"]:
            wrong.append("native date inputs (mm/dd/yyyy in some browsers)")
        if wrong:
            problems[path] = wrong
    assert problems == {}



@pytest.mark.parametrize("username", list(LANDING))
def test_every_menu_item_is_visible_on_a_1366_screen(page, login, username):
    """Review rv15d: on a 1366 px screen the menu ran off the right edge after "Thư viện tài liệu" with no sign that
    more items followed. Now the menu wraps: every item lies inside the screen, none hidden."""
    page.set_viewport_size({"width": 1366, "height": 768})
    login(username, next_url=LANDING[username])
    outside = page.eval_on_selector_all("[data-testid=menu] a", """links => links.filter(a => {
        const r = a.getBoundingClientRect();
        return r.width === 0 || r.left < 0 || r.right > document.documentElement.clientWidth + 0.5;
    }).map(a => a.textContent.trim())""")
    assert page.locator("[data-testid=menu] a").count() > 0 and outside == []

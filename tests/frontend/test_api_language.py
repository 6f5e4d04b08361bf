"""Every request a page's script makes carries the page's language (issue 15, review rv15e finding B).

Pages ignore the browser's language (Vietnamese unless the person chose English), but the API answers a machine in
its Accept-Language (frontend/middleware.py): a script's fetch without the page's language made an English browser
(navigator language en-US) read "Quarter 1/2026" on a Vietnamese page that says "Quý". Real Chromium with locale
en-US and no header set by the test: the browser's own Accept-Language is English. Every fetch goes through UI.get
or UI.send (frontend/js/ui.js), which send <html lang>.
"""
import pytest

from tests.frontend.test_every_page import DESKTOP
from tests.monitoring.test_pages import committed_me_plan  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.browser]


@pytest.fixture
def page(browser, live_url):
    """An English browser: its Accept-Language is en-US, unless a script sends the page's."""
    context = browser.new_context(base_url=live_url, locale="en-US", viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def script_requests(page):
    """The fetches the page's scripts make, as they are sent (collected from now on)."""
    requests = []
    page.on("request", lambda r: requests.append(r) if r.resource_type in ("fetch", "xhr") else None)
    return requests


def languages(requests):
    return {r.url.split("?")[0]: r.all_headers().get("accept-language") for r in requests}


def choose(page, live_url, language):
    if language:
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_url}])


PAGES = [  # (who, address, the element whose data-ready says the scripts are done)
    ("tinh", "/province/compare/", "#compare-map[data-ready='1']"),
    ("huyen.yen-phong", "/d/yen-phong/investment/review/", "#review-map[data-ready='1']"),
    ("xa.09193", "/d/yen-phong/proposals/", "#proposal-map[data-ready='1']"),
]


@pytest.mark.django_db(transaction=False)  # also makes pytest-django create the test database for a run of this module
@pytest.mark.parametrize("language", [None, "en"])
@pytest.mark.parametrize("username, path, ready", PAGES)
def test_every_fetch_of_a_map_page_sends_the_page_language(page, login, live_url, language, username, path, ready):
    choose(page, live_url, language)
    requests = script_requests(page)
    login(username, next_url=path)
    page.wait_for_selector(ready)
    page_language = page.evaluate("document.documentElement.lang")
    assert page_language == (language or "vi")
    sent = languages(requests)
    assert sent and set(sent.values()) == {page_language}, sent


@pytest.mark.parametrize("language, shown, not_shown", [(None, "Quý 1/", "Quarter"), ("en", "Quarter 1/", "Quý")])
def test_the_commune_dashboard_names_periods_in_the_page_language_not_the_browser(committed_me_plan, page, login,  # noqa: F811
                                                                                   live_url, language, shown, not_shown):
    url = f"/d/yen-phong/monitoring/plans/{committed_me_plan.pk}/"
    choose(page, live_url, language)
    requests = script_requests(page)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: errors.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    login("xa.09193", next_url=url)
    assert not errors
    page.wait_for_selector("#me-map[data-ready='1']")
    table = page.inner_text("[data-testid=reporting-table]")
    assert shown in table and not_shown not in table, table
    assert set(languages(requests).values()) == {language or "vi"}


# ---- download links (review rv15f) --------------------------------------------------------------------------------
# A page's download link (the investment plan's projects.xlsx, the comparison map's PNG) is a
# plain <a href> under /api/: the browser follows it with its own Accept-Language, so an English browser on a
# Vietnamese page downloaded English files ("Investment plan", "Total investment by district"). A navigation
# (Sec-Fetch-Mode: navigate) now reads the language as pages do; machines keep their Accept-Language.


@pytest.mark.django_db
def test_a_navigation_to_a_machine_route_speaks_the_pages_language_and_a_machine_keeps_its_own(client):
    hamlet = "/api/admin-units/?level=hamlet"  # a refusal naming the level, in the answer's language
    machine = client.get(hamlet, HTTP_ACCEPT_LANGUAGE="en")
    followed = client.get(hamlet, HTTP_ACCEPT_LANGUAGE="en", HTTP_SEC_FETCH_MODE="navigate")
    assert machine["Content-Language"] == "en" and followed["Content-Language"] == "vi"
    assert machine.json()["level"] != followed.json()["level"]
    assert "Sec-Fetch-Mode" in followed["Vary"]
    client.cookies["django_language"] = "en"  # chosen on the site: the page and its links are English
    assert client.get(hamlet, HTTP_ACCEPT_LANGUAGE="vi", HTTP_SEC_FETCH_MODE="navigate")["Content-Language"] == "en"


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("language", [None, "en"])
def test_the_comparison_maps_png_link_downloads_in_the_page_language(page, login, live_url, language):
    choose(page, live_url, language)
    login("tinh", next_url="/province/compare/")
    page.wait_for_selector("#compare-map[data-ready='1']")
    href = page.get_attribute("[data-testid=export-png]", "href")
    with page.expect_download() as download:  # followed by the browser with its own (English) Accept-Language
        page.click("[data-testid=export-png]")
    # The image is the one drawn in the page's language, not the other (its title, legend and source line).
    image = open(download.value.path(), "rb").read()
    drawn = {code: page.request.get(f"{href}&lang={code}").body() for code in ("vi", "en")}
    assert drawn["vi"] != drawn["en"]
    assert image == drawn[language or "vi"]

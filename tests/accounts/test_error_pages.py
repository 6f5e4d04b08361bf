"""Refused pages and pages asked for with bad values answer the site's framed page (menu, Vietnamese first) with the
reason, not Django's bare English 403 or a text/plain line (issue 15 review)."""
import re

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

D = "/d/yen-phong"


def framed(response, status):
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("text/html")
    html = response.content.decode()
    assert '<html lang="vi">' in html and 'data-testid="menu"' in html, html[:500]
    return html


def refusal(html):
    return re.search(r'data-testid="refusal"[^>]*>([^<]*)<', html).group(1).strip()


@pytest.mark.parametrize("path", [f"{D}/investment/projects/", f"{D}/investment/plans/", "/province/compare/"])
def test_a_refused_page_is_the_framed_403_with_its_reason(client_for, district, path):
    district("yen-phong")
    html = framed(client_for("xa.09193").get(path, HTTP_ACCEPT_LANGUAGE="vi"), 403)
    assert "Không được phép" in html and "403 Forbidden" not in html
    reason = refusal(html)
    assert reason and reason != "Tài khoản của bạn không được mở trang này.", reason  # the reason given to access.require()


def test_the_403_page_speaks_english_second(client_for, district):
    district("yen-phong")
    client = client_for("xa.09193")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(f"{D}/investment/projects/")
    assert response.status_code == 403 and '<html lang="en">' in response.content.decode() and "Not allowed" in response.content.decode()


def test_an_api_refusal_stays_json(client_for, district):
    district("yen-phong")
    response = client_for("xa.09193").get(f"{D}/api/investment/projects/", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code in (403, 404) and response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("query, field", [("plan=-1", "plan"), ("year=abc", "year")])
def test_a_bad_value_on_a_page_is_the_framed_400_naming_the_field(client_for, district, query, field):
    district("yen-phong")
    html = framed(client_for("huyen.yen-phong").get(f"{D}/monitoring/?{query}", HTTP_ACCEPT_LANGUAGE="vi"), 400)
    assert f'data-field="{field}"' in html
    reason = refusal(html)
    assert reason.startswith(f"{field} ") and ("số" in reason or "năm" in reason), reason  # named once (6fb66ce)


def test_a_login_post_without_its_csrf_token_is_the_framed_vietnamese_403(district):
    """Review rv15c finding 10: a form posted without its token (a tab left open past the session) got Django's bare
    English "Forbidden (403) CSRF verification failed". Now the framed page, Vietnamese first, with a way back."""
    from django.test import Client

    district("yen-phong")
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/login/", {"username": "xa.09193", "password": "x"}, HTTP_ACCEPT_LANGUAGE="vi")
    html = framed(response, 403)
    assert "CSRF verification failed" not in html
    assert refusal(html) == "Phiên làm việc đã hết hạn hoặc biểu mẫu đã cũ, hãy tải lại trang rồi thử lại."
    assert 'href="/accounts/login/"' in html and "Tải lại trang" in html
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # pages follow the language switch, not the browser
    english = client.post("/accounts/login/", {"username": "xa.09193"}).content.decode()
    assert "Your session has expired or the form is out of date" in english


def test_an_api_write_with_a_session_but_no_csrf_token_is_refused_in_vietnamese(district):
    """DRF's own refusal was {"detail": "CSRF Failed: CSRF token missing."}, English whatever the user's language."""
    from django.test import Client

    from accounts.models import User

    district("yen-phong")
    client = Client(enforce_csrf_checks=True)
    client.force_login(User.objects.get(username="xa.09193"))
    url = f"{D}/api/plans/999999/document-number/"
    response = client.put(url, {"document_number": "1"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 403 and response["Content-Type"].startswith("application/json"), response.content
    assert response.json() == {"detail": "Phiên làm việc đã hết hạn hoặc biểu mẫu đã cũ, hãy tải lại trang rồi thử lại."}
    english = client.put(url, {"document_number": "1"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["detail"].startswith("Your session has expired")


@pytest.mark.parametrize("cookie", [None, "xx"])
def test_a_page_refused_before_the_language_middleware_ignores_the_browsers_language(cookie):
    """Review rv13e (failing): a request Django refuses before `frontend.middleware.LanguageMiddleware` ran (a Host not in
    ALLOWED_HOSTS: `DisallowedHost`, raised by the tenant middleware) reaches `accounts.errors.bad_request` without
    `request.LANGUAGE_CODE`; its fallback, Django's `get_language_from_request`, reads Accept-Language, so the page is
    English for an English browser. Pages ignore the browser's language (accounts.language.language_for; it was
    Vietnamese before e7f568e, which rendered Django's page). An API route may honour it."""
    from django.test import Client

    client = Client()
    if cookie:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    response = client.get("/", HTTP_HOST="evil.example", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert '<html lang="vi">' in response.content.decode(), response.content[:120]


def test_an_unknown_districts_page_is_the_framed_404_in_the_persons_language_and_session(client_for):
    """Stop 23's note, left then: `/d/nowhere/…` is refused by the tenant middleware before the session, the language and
    the user are read, so its 404 page was Vietnamese whatever the language switch chose and offered "Đăng nhập" (log
    in) to a signed-in person; a known district's missing page followed both. Now both follow the person (pages still
    ignore the browser's Accept-Language), and the API's 404 there takes `lang` like every other answer."""
    staff = client_for("huyen.yen-phong")
    staff.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    for path in ("/d/nowhere/proposals/", f"{D}/no-such-page/"):
        page = staff.get(path)
        assert page.status_code == 404 and page["Content-Language"] == "en", path
        html = page.content.decode()
        assert '<html lang="en">' in html and "Page not found" in html, (path, html[:300])
        assert 'action="/accounts/logout/"' in html and "/accounts/login/" not in html, (path, html[:1500])
    browser = client_for(None).get("/d/nowhere/proposals/", HTTP_ACCEPT_LANGUAGE="en")
    html = framed(browser, 404)
    assert "Không tìm thấy trang" in html and "/accounts/login/" in html
    api = client_for(None).get("/d/nowhere/api/proposals/", {"lang": "en"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert api.status_code == 404 and api.json() == {"detail": "Not found."}
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in api["Vary"].split(",")}, api.get("Vary")  # review rv23


@pytest.mark.parametrize("path", ["/d/nowhere/proposals/", "/plans/"])
def test_a_session_cookie_holding_a_nul_is_no_500(path):
    """Review rv23 (failing): a session cookie written quoted with an octal escape (`sessionid="abcdefgh\\000ijklmnop"`,
    what curl or any client may send) is unquoted by Django's cookie parser into a key holding NUL; the session store
    looks it up and PostgreSQL refuses NUL in text (DataError): a 500. The unknown district's 404 page now reads the
    session too (f9785af), so it fails the same way. A key that cannot be a session key is no session: anonymous."""
    from django.test import Client

    client = Client(raise_request_exception=False)
    response = client.get(path, HTTP_COOKIE='sessionid="abcdefgh\\000ijklmnop"')
    assert response.status_code in (302, 404), response.status_code

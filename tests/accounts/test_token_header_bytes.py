"""Review rv23b (failing): an `Authorization: Token …` header whose bytes are not UTF-8 (`Token \\xe9`, one latin-1 byte,
which gunicorn passes on: only control characters are refused in a header value) is a 500 on the province API's
authenticated routes. knox's TokenAuthentication decodes the key as UTF-8 (`token.decode("utf-8")`) and the
UnicodeDecodeError escapes DRF. The district API and the OGC routes answer 401, since accounts.tokens.user_for_token
(which DistrictAccessMiddleware asks first) catches UnicodeError; the province API reaches knox directly."""
import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method, path", [("get", "/api/me/inbox/"), ("post", "/api/auth/logout/"),
                                          ("get", "/d/yen-phong/api/proposals/")])
def test_a_token_header_that_is_not_utf8_is_a_401_not_a_500(method, path):
    # WSGI gives header values decoded as latin-1: "\xe9" here is the single byte 0xE9 on the wire
    response = getattr(Client(raise_request_exception=False), method)(path, HTTP_AUTHORIZATION="Token \xe9\xff")
    assert response.status_code == 401, (response.status_code, response.content[:200])


@pytest.mark.parametrize("path", ["/api/me/inbox/", "/d/yen-phong/api/proposals/", "/d/yen-phong/ogc/collections"])
def test_a_token_holding_a_nul_is_a_401_not_a_500(path):
    """Review rv23b: `Token \\x00abc` reached PostgreSQL (a DataError, a 500) through knox's lookup and
    accounts.tokens.user_for_token. gunicorn refuses a NUL in a header itself; the application must not rely on it."""
    response = Client(raise_request_exception=False).get(path, HTTP_AUTHORIZATION="Token \x00abc")
    assert response.status_code == 401, (response.status_code, response.content[:200])


@pytest.mark.parametrize("path", ["/api/me/inbox/", "/d/yen-phong/api/proposals/", "/d/yen-phong/ogc/collections"])
def test_a_token_header_beyond_latin1_is_a_401_not_a_500(path):
    """Review rv23c: a character above U+00FF (only a test client or an ASGI bridge can send one) failed DRF's
    `get_authorization_header` (UnicodeEncodeError, a 500) on the province API."""
    response = Client(raise_request_exception=False).get(path, HTTP_AUTHORIZATION="Token \u0101bc")
    assert response.status_code == 401, (response.status_code, response.content[:200])

"""Review rv23c (failing): the district gate and DRF read `Authorization` differently. knox (DRF) splits the header on
any ASCII whitespace, so `Token<TAB><key>` is a token; `accounts.access.token_in_header` partitions on a space only, so
for the gate it is no token at all and the session's user is checked. gunicorn passes a TAB in a header value (RFC 9110
allows it; only the other control characters are refused). A village head of Yên Phong signed in, sending a Quế Võ
official's token after a TAB, passes the gate as the village head and DRF serves the request as the official: review
rv13b again (every Yên Phong proposal instead of the village head's own)."""
import pytest
from knox.models import AuthToken

from accounts.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("route", ["/d/yen-phong/api/proposals/", "/d/yen-phong/api/village-meetings/"])
def test_another_districts_token_after_a_tab_beside_a_session_gets_nothing(client_for, route):
    thon = client_for("thon.09193-01")
    key = AuthToken.objects.create(user=User.objects.get(username="huyen.que-vo"))[1]
    assert thon.get(route, HTTP_AUTHORIZATION=f"Token {key}").status_code == 404  # with a space: refused (rv13b)
    other = thon.get(route, HTTP_AUTHORIZATION=f"Token\t{key}")
    assert other.status_code == 404, (route, other.status_code, other.content[:120])


def test_a_token_after_a_tab_opens_the_district_api_as_it_opens_the_provinces(client):
    """The same header, no session: the province API (knox) serves it, the district gate answered 401."""
    key = AuthToken.objects.create(user=User.objects.get(username="huyen.yen-phong"))[1]
    assert client.get("/api/me/inbox/", HTTP_AUTHORIZATION=f"Token\t{key}").status_code == 200
    assert client.get("/d/yen-phong/api/proposals/", HTTP_AUTHORIZATION=f"Token\t{key}").status_code == 200

"""A token beside a session (review rv13b): the district gate checks the user DRF serves the request as, in DRF's order
(knox's token first, then the session: `accounts.access.user_from_request`). The gate used to check the session's
user, so a village head of Yên Phong signed in, sending a Quế Võ official's token, read every Yên Phong proposal, draft
and plan work as that official."""
import pytest
from knox.models import AuthToken

from accounts.models import User

pytestmark = pytest.mark.django_db

ROUTES = ["/d/yen-phong/api/proposals/", "/d/yen-phong/api/village-meetings/", "/d/yen-phong/api/investment-projects/",
          "/d/yen-phong/api/downloads/proposals.geojson", "/d/yen-phong/api/downloads/plan-works.csv",
          "/d/yen-phong/tiles/proposals/8/203/112.pbf", "/d/yen-phong/ogc/collections/proposals/items"]


def _key(username):
    return AuthToken.objects.create(user=User.objects.get(username=username))[1]


@pytest.mark.parametrize("route", ROUTES)
def test_another_districts_token_beside_a_session_of_this_district_gets_nothing(client_for, route):
    thon = client_for("thon.09193-01")
    assert thon.get(route).status_code == 200  # the session alone: the village head's own scope
    other = thon.get(route, HTTP_AUTHORIZATION=f"Token {_key('huyen.que-vo')}")
    assert other.status_code == 404, (route, other.status_code, other.content[:200])


@pytest.mark.parametrize("route", ROUTES)
def test_the_token_not_the_session_is_who_reads(client_for, route):
    """This district's own official's token beside a village head's session reads as the official (as DRF serves it),
    and an unknown token beside the session is a 401, never the session's rows."""
    thon = client_for("thon.09193-01")
    assert thon.get(route, HTTP_AUTHORIZATION=f"Token {_key('huyen.yen-phong')}").status_code == 200
    assert thon.get(route, HTTP_AUTHORIZATION="Token 0123456789abcdef").status_code == 401


@pytest.mark.parametrize("scheme", ["token", "TOKEN", "Token"])
def test_the_token_scheme_is_read_in_any_case(client, scheme):
    """RFC 9110: an authentication scheme is case-insensitive, and knox reads it so; the gate refused `token <key>`."""
    answer = client.get("/d/yen-phong/api/proposals/", HTTP_AUTHORIZATION=f"{scheme} {_key('huyen.yen-phong')}")
    assert answer.status_code == 200, answer.content[:200]


@pytest.mark.parametrize("header", ["Bearer abc", "Basic eHg6eXk=", "x"])
def test_other_schemes_beside_a_session_are_refused_on_the_gis_routes(client_for, header):
    thon = client_for("thon.09193-01")
    for route in ("/d/yen-phong/api/downloads/proposals.geojson", "/d/yen-phong/tiles/proposals/8/203/112.pbf",
                  "/d/yen-phong/ogc/collections/proposals/items"):
        assert thon.get(route, HTTP_AUTHORIZATION=header).status_code == 401, (route, header)

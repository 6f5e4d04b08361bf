"""Tenants never leak: every district route refuses other districts' users, citizens and anonymous callers.

The routes are read from the district URL configuration, so a route added later is covered
without touching this file.
"""
import re

import pytest
from django.urls import URLPattern, URLResolver

from accounts.models import Role, User
from config import urls_district
from geo.models import AdministrativeUnit

OWN = "yen-phong"
OTHER = "que-vo"


# Values for the named groups of regular-expression routes, so that each is a path the view really serves.
REGEX_FILL = {"layer_id": "proposals", "fmt": "geojson", "layer": "proposals", "z": "10", "x": "813", "y": "454"}


def district_routes(patterns=urls_district.urlpatterns, prefix=""):
    """Every district route as a concrete path (path parameters filled with 1)."""
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from district_routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            route = re.sub(r"\(\?P<(\w+)>[^)]*\)", lambda group: REGEX_FILL.get(group[1], "1"), route)
            yield re.sub(r"<(?:\w+:)?\w+>", "1", route).replace("^", "").replace("$", "").replace("\\", "")


def is_public_route(route):
    """The public surface bypasses the gate by design (accounts.middleware.is_public_path); tested on its own. The OGC
    API (ogc/…), the layer downloads (api/downloads/…, accounts.access.is_layer_download_path) and the vector tiles
    (tiles/…: the published proposals) let anonymous callers read published layers; they are tested with the public
    surface here, and in tests/geo/test_ogc.py, tests/geo/test_downloads.py and tests/geo/test_tiles.py."""
    return route.startswith(("api/public/", "public/", "ogc", "api/downloads/", "tiles/"))


ALL_ROUTES = sorted(set(district_routes()))
ROUTES = [r for r in ALL_ROUTES if not is_public_route(r)]
PUBLIC_ROUTES = [r for r in ALL_ROUTES if is_public_route(r)]


def outsiders():
    """Users who must not enter Yên Phong: staff, commune and village of another district, a citizen."""
    que_vo_commune = AdministrativeUnit.objects.filter(parent__code="259", level="commune").first()
    que_vo_village = AdministrativeUnit.objects.filter(parent=que_vo_commune, level="village").first()
    citizen, _ = User.objects.get_or_create(username="citizen.test", defaults={"role": Role.CITIZEN})
    return ["huyen.que-vo", f"xa.{que_vo_commune.code}", f"thon.{que_vo_village.code}", citizen.username]


def test_the_grid_covers_the_known_routes():
    assert "" in ROUTES and "api/district/" in ROUTES and "api/proposals/1/accept/" in ROUTES
    assert "api/public/proposals/" in PUBLIC_ROUTES


@pytest.mark.django_db
def test_public_proposals_are_read_only_and_serve_only_published_ones(client):
    from django.db import connection

    from proposals.models import Proposal
    from tenants.models import District

    route = "api/public/proposals/"
    assert client.get(f"/d/{OWN}/{route}").status_code == 200
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)(f"/d/{OWN}/{route}").status_code in (401, 403, 405), method
    connection.set_tenant(District.objects.get(slug=OWN))
    published = set(Proposal.objects.filter(is_published=True).values_list("id", flat=True))
    served = {f["id"] for f in client.get(f"/d/{OWN}/{route}", {"page_size": 5000}).json()["features"]}
    assert served and served <= published
    assert Proposal.objects.filter(is_published=False).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_callers_are_refused(client, route):
    response = client.get(f"/d/{OWN}/{route}")
    if "api/" in route:
        assert response.status_code == 401
    else:
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert b"Y\xc3\xaan Phong" not in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("route", ROUTES)
def test_users_of_another_district_and_citizens_get_404_and_see_nothing(client_for, route):
    own_names = [c.name.encode() for c in AdministrativeUnit.objects.filter(parent__code="258", level="commune")]
    for username in outsiders():
        for method in ("get", "post", "put", "patch", "delete"):
            response = getattr(client_for(username), method)(f"/d/{OWN}/{route}")
            assert response.status_code == 404, (username, method, route, response.status_code)
            assert not any(name in response.content for name in own_names), (username, route)


@pytest.mark.django_db
def test_own_district_province_and_superuser_enter(client_for):
    for username in ["huyen.yen-phong", "xa.09193", "thon.09193-01", "tinh", "admin"]:
        assert client_for(username).get(f"/d/{OWN}/api/district/").status_code == 200, username
        assert client_for(username).get(f"/d/{OWN}/").status_code == 200, username


@pytest.mark.django_db
def test_token_of_another_district_is_refused(client):
    from knox.models import AuthToken

    _instance, token = AuthToken.objects.create(user=User.objects.get(username="huyen.que-vo"))
    response = client.get(f"/d/{OWN}/api/district/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 404
    assert client.get(f"/d/{OTHER}/api/district/", HTTP_AUTHORIZATION=f"Token {token}").status_code == 200


@pytest.mark.django_db
def test_summary_holds_only_its_own_district(client_for):
    body = client_for("tinh").get(f"/d/{OWN}/api/district/").json()
    assert body["code"] == "258"
    codes = {c["code"] for c in body["communes"]}
    assert len(codes) == 14
    assert codes == set(AdministrativeUnit.objects.filter(parent__code="258", level="commune").values_list("code", flat=True))
    assert body["counts"]["communes"] == 14
    assert body["counts"]["villages"] == AdministrativeUnit.objects.filter(parent__parent__code="258", level="village").count()


@pytest.mark.django_db
def test_unknown_district_is_404(client_for):
    assert client_for("tinh").get("/d/no-such-district/api/district/").status_code == 404


@pytest.mark.django_db
def test_inactive_user_is_refused(client_for):
    client = client_for("huyen.yen-phong")
    User.objects.filter(username="huyen.yen-phong").update(is_active=False)
    assert client.get(f"/d/{OWN}/api/district/").status_code in (401, 404)


@pytest.mark.django_db
def test_cache_keys_are_per_tenant(district):
    from django.core.cache import cache
    from django.db import connection

    connection.set_tenant(district("yen-phong"))
    cache.set("summary", "yen-phong's")
    connection.set_tenant(district("que-vo"))
    assert cache.get("summary") is None
    connection.set_tenant(district("yen-phong"))
    assert cache.get("summary") == "yen-phong's"


SECRET = "UNPUBLISHED-MARKER-4711"


@pytest.fixture
def unpublished_draft(client_for, district):
    """A working (unpublished) v1 of Thị trấn Chờ whose item comes from an accepted, unpublished proposal, both titled SECRET."""
    import json

    from tests.plans.factories import TEAM, accepted_proposal, proposals_decided

    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    plans = f"/d/{OWN}/api/plans"

    def post(client, url, data=None, method="post"):
        response = getattr(client, method)(url, json.dumps(data or {}), content_type="application/json")
        assert response.status_code in (200, 201), (url, response.content)
        return response.json()

    proposal = accepted_proposal(district(OWN), title=SECRET)
    cycle = post(xa, f"{plans}/cycles/", {"commune": "09193", "plan_year": 2027})["id"]
    post(xa, f"{plans}/cycles/{cycle}/team/", {"members": TEAM}, "put")
    proposals_decided(district(OWN))
    for step in ("team", "proposals"):
        post(xa, f"{plans}/cycles/{cycle}/steps/{step}/complete/")
    orientation = post(huyen, f"{plans}/orientations/", {"plan_year": 2027, "title": "Định hướng"})["id"]
    post(huyen, f"{plans}/orientations/{orientation}/publish/")
    post(huyen, f"{plans}/cycles/{cycle}/steps/orientation/complete/")
    plan = post(xa, f"{plans}/cycles/{cycle}/draft/")["id"]
    # The marker is really there for the team: a public route that showed it would fail the test below.
    assert SECRET in xa.get(f"{plans}/{plan}/").content.decode()
    assert SECRET in xa.get(f"/d/{OWN}/api/proposals/{proposal.pk}/").content.decode()
    return {"plan": plan, "proposal": proposal.pk}


@pytest.mark.django_db
@pytest.mark.parametrize("route", PUBLIC_ROUTES)
def test_public_routes_are_read_only_and_show_nothing_unpublished(client, route, unpublished_draft):
    """Anonymous callers may read the public surface; nothing there changes data except posting a moderated comment,
    and no unpublished proposal or working plan version shows through it, even asked for by its id."""
    # An id in a proposal route is the unpublished proposal's, in a plan route the working version's (the ids of two
    # tables: a plan's id used as a proposal's could name a published proposal, depending on what earlier tests made).
    target = unpublished_draft["proposal" if "proposals/" in route else "plan"]
    path = f"/d/{OWN}/{route}".replace("/1/", f"/{target}/")
    response = client.get(path)
    assert response.status_code in (200, 404), (path, response.status_code)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert SECRET.encode() not in body, path
    if f"/{target}/" in path:
        assert response.status_code == 404, path  # an unpublished proposal, a working version: not public
    for method in ("put", "patch", "delete"):
        assert getattr(client, method)(path).status_code in (404, 405)

"""A control character or bytes that are not UTF-8 anywhere in the path are a 404, never a 500 (review rv17c, 1).

`/d/yen-phong%00/api/proposals/` answered 500: django-tenants looked the slug up and PostgreSQL refuses a NUL in text
(`DataError`). The check is in `tenants.middleware.DistrictSubfolderMiddleware`, before any lookup, so it covers the
district slug and every later segment a view would look up (`<str:step>`, ids). The walk reads both URL
configurations, as tests/geo/test_params.py does, so a route added later is covered too."""
import http.client
import re
from urllib.parse import urlsplit

import pytest

from tests.geo.test_params import DISTRICT_ROUTES, PUBLIC_ROUTES

pytestmark = pytest.mark.django_db

ISSUE_PATHS = ["/d/yen-phong%00/api/proposals/", "/d/a%00b/", "/d/%00/proposals/"]
BAD = ["%00", "%0A", "%1F", "%7F", "%C2%85"]  # NUL, a line break, a control, DEL, a C1 control (NEL) in UTF-8
NOT_UTF8 = ["/d/%FF/api/proposals/", "/d/yen-phong/api/proposals/%C3%28/", "/api/admin-units/%FF/", "/%FE%FF"]


def hostile(route, bad):
    """The route with `bad` inside each of its parameters, or appended to its first segment when it has none."""
    if "1" in route.split("/"):
        return re.sub(r"(?<=/)1(?=/|$)", "1" + bad, route)
    head, _, rest = route.partition("/")
    return f"{head}{bad}/{rest}"


@pytest.mark.parametrize("path", ISSUE_PATHS + [p.replace("%00", b) for p in ISSUE_PATHS for b in BAD[1:]] + NOT_UTF8)
def test_the_issue_paths_are_a_404(client, client_for, path):
    assert client_for("huyen.yen-phong").get(path).status_code == 404, path
    # Anonymous: a 404 too, or the district gate's 401 that comes first on a known district's API.
    assert client.get(path).status_code == (401 if path.startswith("/d/yen-phong/api/") else 404), path


def test_a_control_character_in_any_route_is_a_404(client_for, district):
    district("yen-phong")
    staff, province = client_for("huyen.yen-phong"), client_for("tinh")
    answers = {}
    for route in DISTRICT_ROUTES:
        for url in (f"/d/yen-phong/{hostile(route, '%00')}", f"/d/yen-phong%00/{route}"):
            answers[url] = staff.get(url).status_code
    for route in PUBLIC_ROUTES:
        url = "/" + hostile(route, "%00")
        answers[url] = province.get(url).status_code
    assert len(answers) > 200
    assert {url: code for url, code in answers.items() if code != 404} == {}


def test_the_step_segment_is_covered(client_for, district):
    """`<str:step>` reaches the database as text: a NUL in it is a 404 like an unknown step."""
    district("yen-phong")
    staff = client_for("huyen.yen-phong")
    assert staff.post("/d/yen-phong/api/plans/cycles/1/steps/draft%00/complete/").status_code == 404


def test_over_real_http_the_issue_paths_are_a_404(live_url):
    where = urlsplit(live_url)
    for path in ISSUE_PATHS + NOT_UTF8 + ["/d/yen-phong/api/plans/cycles/1/steps/a%00/complete/"]:
        connection = http.client.HTTPConnection(where.hostname, where.port, timeout=30)
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        connection.close()
        # Anonymous: the district gate's 401 comes first on a known district's API, as through the Django client.
        assert response.status == (401 if path.startswith("/d/yen-phong/api/") and "%00" not in path else 404), path

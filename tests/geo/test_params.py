"""Every route's query parameters pass one check (geo.params): hostile values are a 400 naming the parameter, never a 500.

The routes are read from both URL configurations, as tests/accounts/test_isolation.py does, so a
route added later is covered without touching this file. The issue's examples (`?q=%00`,
`?commune=%00`, anonymous `/api/admin-units/?parent=%00`, `?plan_year=abc`, `?plan_year=-25`,
`?page=99999999999999999999`) answered 500 on many lists before.
"""
import re

import pytest
from django.urls import URLPattern, URLResolver

from config import urls_district, urls_public
from geo.params import ParameterRefused, check_query

HOSTILE = [
    ("q", "\x00"), ("commune", "\x00"), ("village", "09193-01\x00"), ("parent", "\x00"), ("plan_year", "abc"),
    ("plan_year", "-25"), ("year", "99999"), ("page", "99999999999999999999"), ("page", "0"), ("page_size", "100000"),
    ("zoom", "-1"), ("bbox", "1,2,3"), ("period", "99999999999999"), ("sector", "x\x00"),
    ("me_plan", "²"), ("finding", "99999999999"), ("plan", "١٢"),
]


def routes(patterns, prefix=""):
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield re.sub(r"<(?:\w+:)?\w+>", "1", route).lstrip("^").rstrip("$")


DISTRICT_ROUTES = sorted(set(routes(urls_district.urlpatterns)))
PUBLIC_ROUTES = sorted(r for r in set(routes(urls_public.urlpatterns)) if not r.startswith(("static", "media")))


def test_the_walk_finds_the_lists():
    assert {"api/proposals/", "api/investment-projects/", "api/public/proposals/"} <= set(DISTRICT_ROUTES)
    assert {"api/admin-units/", "api/province/projects/"} <= set(PUBLIC_ROUTES)


@pytest.mark.parametrize("name, value", HOSTILE)
def test_the_rule_refuses_each_hostile_value_by_name(name, value):
    with pytest.raises(ParameterRefused) as refused:
        check_query({name: [value]})
    assert refused.value.name == name


@pytest.mark.parametrize("params", [
    {"page": ["2"], "page_size": ["5000"], "plan_year": ["2026,2027"], "commune": ["09193,09196"], "village": ["09193-01"],
     "q": ["Đường thôn Đông"], "bbox": ["105.9,21.1,106.0,21.2"], "zoom": ["12"], "late": ["1"], "parent": ["258"]},
])
def test_ordinary_values_pass(params):
    check_query(params)


REFUSALS = {401, 403, 404, 405}


def _check(client, url, name, value):
    """None when the route answers the 400 naming the parameter, or, on a read of the API, the refusal it gives this
    caller without the parameter (docs/SECURITY.md, "Tenancy and access": "a refusal comes before any 400"); else what it answered."""
    response = client.get(url, {name: value})
    body = response.content.decode("utf-8", "replace")
    ok = response.status_code == 400 and name in body
    if not ok and "/api/" in url and response.status_code in REFUSALS:
        ok = client.get(url).status_code == response.status_code
    return None if ok else (url, name, repr(value), response.status_code, body[:120])


@pytest.mark.django_db
@pytest.mark.parametrize("name, value", HOSTILE)
def test_no_district_route_answers_500_to_hostile_parameters(client_for, name, value):
    client = client_for("huyen.yen-phong")
    failures = [f for route in DISTRICT_ROUTES if (f := _check(client, f"/d/yen-phong/{route}", name, value))]
    assert not failures, failures


@pytest.mark.django_db
@pytest.mark.parametrize("name, value", HOSTILE)
def test_no_province_route_answers_500_to_hostile_parameters(client, client_for, name, value):
    failures = [f for route in PUBLIC_ROUTES for c in (client, client_for("tinh")) if (f := _check(c, f"/{route}", name, value))]
    assert not failures, failures


@pytest.mark.django_db
def test_the_issue_examples_are_a_400_in_vietnamese_naming_the_parameter(client, client_for):
    response = client.get("/api/admin-units/", {"parent": "\x00"})
    assert response.status_code == 400 and response.json() == {"parent": ["parent chứa ký tự điều khiển (như NUL)."]}
    staff = client_for("huyen.yen-phong")
    assert staff.get("/d/yen-phong/api/proposals/", {"page": "99999999999999999999"}).json() == {
        "page": ["page phải là số nguyên từ 1 đến 1.000.000."]}
    assert staff.get("/d/yen-phong/api/proposals/", {"plan_year": "-25"}, HTTP_ACCEPT_LANGUAGE="en").json() == {
        "plan_year": ["plan_year must be a year from 1900 to 2100."]}
    # The gate still decides first: another district's user gets 404, an anonymous caller 401.
    assert client_for("huyen.que-vo").get("/d/yen-phong/api/proposals/", {"q": "\x00"}).status_code == 404
    assert client.get("/d/yen-phong/api/proposals/", {"q": "\x00"}).status_code == 401
    assert staff.get("/d/yen-phong/api/proposals/", {"page": "1", "plan_year": "2026"}).status_code == 200
    # A caller the view refuses gets the refusal, not the 400 (issue 14: the department publications of the province).
    assert client_for("xa.09193").get("/d/yen-phong/api/plans/department-publications/", {"plan_year": "-1' OR 1=1"}).status_code == 403

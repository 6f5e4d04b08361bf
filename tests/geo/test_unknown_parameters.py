"""An API read refuses a query parameter its route does not declare, and every route reads paging by one rule (issue 17).

`?statu=approved` (a typo of `status`) used to answer the unfiltered list to a caller who believed it filtered; a negative
`offset` on `/api/admin-units/` was accepted. Now both are a 400 naming the parameter, in Vietnamese or English, for
every documented list and detail route (real HTTP through the middleware, each route called by a user who may read it).
"""
import pytest
from django.test import Client

from geo.params import ALWAYS_ACCEPTED, ParameterRefused, paging_number
from tests.core.test_openapi import QUERIES, caller_of, json_routes


@pytest.fixture(scope="module")
def document(api_schema):
    """The OpenAPI document as a client gets it (tests/conftest.py, `api_schema`)."""
    return api_schema


def declared(document, path):
    return {p["name"] for p in document["paths"][path]["get"].get("parameters", []) if p["in"] == "query"}


def _url(path, query=""):
    base = QUERIES.get(path, [""])[0]
    glue = "&" if base else "?"
    return path.replace("{district}", "yen-phong") + base + (glue + query if query else "")


@pytest.mark.django_db
def test_every_list_route_refuses_an_unknown_parameter_and_bad_paging(document, client_for):
    walked, wrong = [], []
    for path, _media in json_routes(document):
        client = client_for(caller_of(path))
        if client.get(_url(path)).status_code != 200:
            continue  # a route this caller may not read answers its refusal whatever the parameters
        walked.append(path)
        for query, name in [("statu=approved", "statu"), ("offset=-1", "offset"), ("limit=0", "limit"), ("page_size=abc", "page_size"),
                            ("page=0", "page")]:
            answer = client.get(_url(path, query))
            if answer.status_code != 400 or name not in answer.json():
                wrong.append(f"{_url(path, query)}: {answer.status_code} {answer.content[:200]!r}")
    assert wrong == [], "\n".join(wrong)
    assert len(walked) > 35
    assert {"/d/{district}/api/proposals/", "/api/admin-units/", "/api/province/projects/"} <= set(walked)


@pytest.mark.django_db
def test_every_list_route_takes_what_it_declares(document, client_for):
    """The other side: every declared parameter (with an empty value) and the everywhere ones are accepted."""
    wrong = []
    for path, _media in json_routes(document):
        client = client_for(caller_of(path))
        if client.get(_url(path)).status_code != 200:
            continue
        for name in sorted(declared(document, path) | ALWAYS_ACCEPTED - {"format"}):
            answer = client.get(_url(path, f"{name}="))
            if answer.status_code == 400 and name not in answer.json():
                wrong.append(f"{_url(path, name + '=')}: {answer.status_code} {answer.content[:200]!r}")
    assert wrong == [], "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("lang,words", [("vi", "Không nhận tham số statu"), ("en", "Unknown parameter statu")])
def test_a_typo_in_a_filter_is_a_400_naming_it(client_for, lang, words):
    answer = client_for("huyen.yen-phong").get("/d/yen-phong/api/proposals/?statu=approved", HTTP_ACCEPT_LANGUAGE=lang)
    assert answer.status_code == 400
    assert list(answer.json()) == ["statu"]
    assert words in answer.json()["statu"][0] and "status" in answer.json()["statu"][0]  # names what the route takes


@pytest.mark.django_db
def test_detail_routes_refuse_unknown_parameters_too(client_for, district):
    from django_tenants.utils import tenant_context

    from proposals.models import Proposal

    with tenant_context(district("yen-phong")):
        pk = Proposal.objects.values_list("pk", flat=True).first()
    client = client_for("huyen.yen-phong")
    assert client.get(f"/d/yen-phong/api/proposals/{pk}/").status_code == 200
    answer = client.get(f"/d/yen-phong/api/proposals/{pk}/?fields=title")
    assert answer.status_code == 400 and list(answer.json()) == ["fields"]
    assert client.get(f"/d/yen-phong/api/proposals/{pk}/?lang=en").status_code == 200
    assert client.get(f"/d/yen-phong/api/proposals/{pk}/?offset=0").status_code == 400  # limit/offset: the OGC API's only


@pytest.mark.django_db
def test_a_refusal_still_comes_before_the_400(client_for):
    assert Client().get("/d/yen-phong/api/proposals/?statu=approved").status_code == 401
    assert client_for("huyen.que-vo").get("/d/yen-phong/api/proposals/?statu=approved").status_code == 404


@pytest.mark.django_db
def test_the_everywhere_parameters_are_few_and_accepted(client_for):
    assert ALWAYS_ACCEPTED == {"lang", "format", "page", "page_size"}
    client = client_for("huyen.yen-phong")
    assert client.get("/d/yen-phong/api/proposals/?lang=en&page_size=5").status_code == 200
    assert client.get("/d/yen-phong/api/proposals/?format=json&page_size=5").status_code == 200
    assert client.get("/d/yen-phong/api/proposals/?_=1700000000000").status_code == 400  # no cache-buster: our pages send none


@pytest.mark.django_db
def test_the_reviewers_example_a_negative_offset_on_admin_units(client_for):
    for lang in ("vi", "en"):
        answer = Client().get("/api/admin-units/?level=commune&offset=-5", HTTP_ACCEPT_LANGUAGE=lang)
        assert answer.status_code == 400 and list(answer.json()) == ["offset"], answer.content


@pytest.mark.parametrize("name,text,expected", [
    ("page", "3", 3), ("page", "", 1), ("page_size", "5000", 5000), ("limit", "1", 1), ("offset", "0", 0),
    ("offset", "1000000000", 1_000_000_000),
])
def test_paging_numbers_inside_their_bounds(name, text, expected):
    assert paging_number(name, text, 1) == expected


@pytest.mark.parametrize("name,text", [
    ("page", "0"), ("page", "-1"), ("page_size", "5001"), ("page_size", "abc"), ("limit", "0"), ("offset", "-1"),
    ("offset", "1000000001"), ("offset", "²"), ("limit", "1.5"),
])
def test_paging_numbers_outside_their_bounds_are_refused_by_name(name, text):
    with pytest.raises(ParameterRefused) as refused:
        paging_number(name, text, 1)
    assert refused.value.name == name

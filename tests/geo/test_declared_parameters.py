"""A query parameter's declaration is its rule (issue 17, house item 1).

Views declare `query_parameters` (OpenAPI parameters with an `enum` or a type); `geo.params.QueryParamsMiddleware` used to
check only their names, and each view re-checked (or forgot to check) its values by hand. Now the middleware reads the
declaration: a value outside an enum, a non-number for an integer, a non-boolean for a boolean is a 400 naming the
parameter in the request's language, for every route, walked from the schema (real HTTP through the middleware).
"""
import pytest
from django.test import Client
from django_tenants.utils import tenant_context

from tests.core.test_openapi import QUERIES, caller_of, json_routes

BOGUS = {"string": "khong-co-gia-tri-nay", "integer": "abc", "boolean": "maybe", "number": "x1"}


@pytest.fixture(scope="module")
def document(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def _url(path, query=""):
    base = QUERIES.get(path, [""])[0]
    glue = "&" if base else "?"
    return path.replace("{district}", "yen-phong") + base + (glue + query if query else "")


def _typed(document, path):
    """(name, schema) of each query parameter of the GET at `path` declared with an enum or a checked type."""
    for parameter in document["paths"][path]["get"].get("parameters", []):
        schema = parameter.get("schema", {})
        if parameter["in"] == "query" and (schema.get("enum") or schema.get("type") in ("integer", "boolean", "number")):
            yield parameter["name"], schema


@pytest.mark.django_db
def test_every_enum_parameter_refuses_a_value_outside_it(document, client_for):
    walked, wrong = set(), []
    for path, _media in json_routes(document):
        enums = [(name, schema) for name, schema in _typed(document, path) if schema.get("enum")]
        if not enums:
            continue
        client = client_for(caller_of(path))
        if client.get(_url(path)).status_code != 200:
            continue
        for name, _schema in enums:
            walked.add((path, name))
            answer = client.get(_url(path, f"{name}=khong-co-gia-tri-nay"))
            if answer.status_code != 400 or name not in answer.json():
                wrong.append(f"{_url(path, name + '=khong-co-gia-tri-nay')}: {answer.status_code} {answer.content[:200]!r}")
    assert wrong == [], "\n".join(wrong)
    assert {("/api/admin-units/", "level"), ("/d/{district}/api/monitoring/reports/", "level"),
            ("/api/province/projects/", "status"), ("/api/province/library/", "kind")} <= walked, walked


@pytest.mark.django_db
def test_every_typed_parameter_refuses_a_value_not_of_its_type(document, client_for):
    walked, wrong = set(), []
    for path, _media in json_routes(document):
        typed = [(name, schema) for name, schema in _typed(document, path)
                 if not schema.get("enum") and name not in ("page", "page_size", "limit", "offset")]
        if not typed:
            continue
        client = client_for(caller_of(path))
        if client.get(_url(path)).status_code != 200:
            continue
        for name, schema in typed:
            walked.add((path, name))
            bogus = BOGUS[schema["type"]]
            answer = client.get(_url(path, f"{name}={bogus}"))
            if answer.status_code != 400 or name not in answer.json():
                wrong.append(f"{_url(path, name + '=' + bogus)}: {answer.status_code} {answer.content[:200]!r}")
    assert wrong == [], "\n".join(wrong)
    assert len(walked) > 10


@pytest.mark.django_db
@pytest.mark.parametrize("lang,words", [("vi", "level: “xa” không phải là một trong các lựa chọn"), ("en", "level: “xa” is not one of the choices")])
def test_the_refusal_names_the_parameter_and_its_values_in_the_users_language(client_for, lang, words):
    answer = client_for("huyen.yen-phong").get("/d/yen-phong/api/monitoring/reports/?level=xa", HTTP_ACCEPT_LANGUAGE=lang)
    assert answer.status_code == 400
    assert list(answer.json()) == ["level"]
    assert words in answer.json()["level"][0] and "village, unit, commune" in answer.json()["level"][0]


@pytest.mark.django_db
def test_a_refusal_still_comes_before_a_badly_typed_value():
    assert Client().get("/d/yen-phong/api/monitoring/reports/?level=xa").status_code == 401


@pytest.mark.django_db
def test_a_write_with_a_bad_boolean_is_refused_before_it_writes(client_for, district):
    """`?preview=maybe` on an import must not be read as "no preview" and import the file."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from investment.models import InvestmentProject

    sheet = "Mã dự án;Tên dự án\nDA-H17X-1;Đường thôn Đông\n".encode()
    with tenant_context(district("yen-phong")):
        before = InvestmentProject.objects.count()
    answer = client_for("huyen.yen-phong").post("/d/yen-phong/api/investment-projects/import/?preview=maybe",
                                                {"file": SimpleUploadedFile("du-an.csv", sheet, "text/csv")})
    assert answer.status_code == 400 and list(answer.json()) == ["preview"], answer.content
    with tenant_context(district("yen-phong")):
        assert InvestmentProject.objects.count() == before

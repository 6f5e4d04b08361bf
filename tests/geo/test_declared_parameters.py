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
def document(api_schema):
    """The OpenAPI document as a client gets it (tests/conftest.py, `api_schema`)."""
    return api_schema


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


def _lists(document, path):
    """(name, parameter) of each query parameter of the GET at `path` declared as a comma list of allowed values."""
    for parameter in document["paths"][path]["get"].get("parameters", []):
        schema = parameter.get("schema", {})
        if parameter["in"] == "query" and schema.get("type") == "array" and schema.get("items", {}).get("enum"):
            yield parameter["name"], parameter


@pytest.mark.django_db
def test_every_list_filter_with_allowed_values_refuses_a_bogus_one_as_a_single_value_parameter_does(document, client_for):
    """Finding 5 of issue 17: comma-list layer filters (proposals' status, sector, source…) declare their allowed values
    in the schema (an array of enum items, style=form, explode=false) and are refused with the one wording of
    geo.params.check_choices, naming the refused value only; a list of allowed values still answers 200."""
    walked, wrong = set(), []
    for path, _media in json_routes(document):
        lists = list(_lists(document, path))
        if not lists:
            continue
        client = client_for(caller_of(path))
        if client.get(_url(path)).status_code != 200:
            continue
        for name, parameter in lists:
            walked.add((path, name))
            allowed = [str(choice) for choice in parameter["schema"]["items"]["enum"]]
            if parameter.get("style") != "form" or parameter.get("explode") is not False:
                wrong.append(f"{path} {name}: declared {parameter}")
            good = client.get(_url(path, f"{name}={','.join(allowed[:2])}"))
            if good.status_code != 200:
                wrong.append(f"{_url(path, name + '=' + ','.join(allowed[:2]))}: {good.status_code} {good.content[:200]!r}")
            answer = client.get(_url(path, f"{name}={allowed[0]},khong-co"), HTTP_ACCEPT_LANGUAGE="en")
            words = f"{name}: “khong-co” is not one of the choices: "  # the choices in the model's order (the schema sorts them)
            said = (answer.json().get(name) or [""])[0] if answer.status_code == 400 else ""
            if not said.startswith(words) or sorted(said[len(words):].rstrip(".").split(", ")) != sorted(allowed):
                wrong.append(f"{_url(path, name + '=' + allowed[0] + ',khong-co')}: {answer.status_code} {answer.content[:300]!r}")
    assert wrong == [], "\n".join(wrong)
    assert {("/d/{district}/api/proposals/", "status"), ("/d/{district}/api/proposals/", "sector")} <= walked, walked


def test_a_single_value_and_a_list_filter_are_refused_in_the_same_words(client_for, db):
    single = client_for("tinh").get("/api/province/projects/?status=xa").json()["status"][0]
    listed = client_for("huyen.yen-phong").get("/d/yen-phong/api/proposals/?status=xa").json()["status"][0]
    assert single.startswith("status: “xa” không phải là một trong các lựa chọn: "), single
    assert listed.startswith("status: “xa” không phải là một trong các lựa chọn: "), listed


@pytest.mark.django_db
def test_every_integer_parameter_naming_a_row_is_an_id(document):
    """Every integer query parameter that is not a year, a page or a zoom names a related row and takes the id rule
    (geo.params.is_id_parameter: 1 to 2 147 483 647), so `?plan_item=-5` is a 400 like `?project=-5`."""
    from geo.params import _YEAR_PARAMS, PAGING, is_id_parameter

    integers = {p["name"] for path in document["paths"] for operation in document["paths"][path].values()
                if isinstance(operation, dict) for p in operation.get("parameters", [])
                if p.get("in") == "query" and p.get("schema", {}).get("type") == "integer"}
    not_ids = sorted(name for name in integers if name not in PAGING and name not in _YEAR_PARAMS and name != "zoom" and not is_id_parameter(name))
    assert not_ids == []
    assert {"plan_item", "project"} <= integers


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["plan_item", "project"])
@pytest.mark.parametrize("value,words", [("-5", "is out of range: it must be from 1 to 2,147,483,647"),
                                         ("2147483648", "is out of range: it must be from 1 to 2,147,483,647"),
                                         ("abc", "must be a whole number (an id)")])
def test_an_id_out_of_range_says_so(client_for, name, value, words):
    answer = client_for("huyen.yen-phong").get(f"/d/yen-phong/api/reviews/?{name}={value}", HTTP_ACCEPT_LANGUAGE="en")
    assert answer.status_code == 400, answer.content
    assert answer.json() == {name: [f"{name} {words}."]}

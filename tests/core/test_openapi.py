"""The OpenAPI document (`/api/schema/`, core.openapi) is the API reference: every operation documents its 2xx body
and the errors it really gives, and the answers built in SQL or from dicts have exactly the keys it documents."""
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection

from province.services import rollup_rebuild
from tests.investment.factories import make_orientation, make_plan, make_project
from tests.monitoring.factories import me_plan_with_report

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "patch", "delete")
ERROR_REF = {"$ref": "#/components/schemas/FieldErrors"}
DETAIL_REF = {"$ref": "#/components/schemas/Detail"}


@pytest.fixture(scope="module")
def document(django_db_setup, django_db_blocker):
    """The document as a client gets it: real HTTP through the middleware (the served URLconf, province and district routes)."""
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def operations(document):
    return [(path, method, op) for path, ops in document["paths"].items() for method, op in ops.items() if method in METHODS]


def resolve(document, schema):
    """The schema behind `$ref` (and behind drf-spectacular's `allOf: [$ref]` of a nullable nested object)."""
    while "$ref" in schema or "allOf" in schema:
        schema = schema["allOf"][0] if "allOf" in schema else document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    return schema


def described(document, schema) -> bool:
    """A body a client can rely on: an object with named properties, a list of described items, or a file."""
    schema = resolve(document, schema)
    if schema.get("format") == "binary":
        return True
    if schema.get("type") == "array":
        return described(document, schema["items"])
    return bool(schema.get("properties"))


def test_every_operation_documents_its_success_body(document):
    ops = operations(document)
    assert len(ops) > 120
    undocumented = []
    for path, method, op in ops:
        success = {code: r for code, r in op["responses"].items() if code.startswith("2")}
        if list(success) == ["204"]:
            assert "content" not in success["204"], (method, path)
            continue
        bodies = [c["schema"] for r in success.values() for c in r.get("content", {}).values()]
        if not bodies or not all(described(document, b) for b in bodies):
            undocumented.append(f"{method.upper()} {path}")
    assert undocumented == []


def test_every_request_body_is_described(document):
    undescribed = [f"{method.upper()} {path}" for path, method, op in operations(document) if "requestBody" in op
                   and not all(described(document, c["schema"]) for c in op["requestBody"]["content"].values())]
    assert undescribed == []


def test_every_operation_documents_the_errors_it_gives(document):
    missing = []
    for path, method, op in operations(document):
        responses = op["responses"]
        takes_input = "requestBody" in op or any(p["in"] == "query" for p in op.get("parameters", []))
        expected = {}
        if takes_input:
            expected["400"] = ERROR_REF
        if "{" in path:  # unknown district, another district's row, a row the caller may not read
            expected["404"] = DETAIL_REF
        # Every signed-in route refuses (403); the public surface of a district and the token route are open to anyone.
        if path.startswith("/d/{district}/api/") and not path.startswith("/d/{district}/api/public/"):
            expected["403"] = DETAIL_REF
        for code, ref in expected.items():
            schema = responses.get(code, {}).get("content", {}).get("application/json", {}).get("schema")
            if schema != ref:
                missing.append(f"{method.upper()} {path} {code}")
    assert missing == []


def test_the_error_components_have_the_shape_of_the_real_errors(document, client_for):
    errors = document["components"]["schemas"]["FieldErrors"]
    assert errors["additionalProperties"] == {"type": "array", "items": {"type": "string"}}
    assert document["components"]["schemas"]["Detail"]["required"] == ["detail"]
    staff = client_for("huyen.yen-phong")
    refused = staff.get("/d/yen-phong/api/plans/dashboard/?plan_year=next")
    assert refused.status_code == 400
    assert all(isinstance(m, str) for messages in refused.json().values() for m in messages) and "plan_year" in refused.json()
    absent = staff.get("/d/yen-phong/api/investment-plans/999999/")
    assert absent.status_code == 404 and set(absent.json()) == {"detail"}
    forbidden = client_for("xa.09193").get("/api/province/equity/")
    assert forbidden.status_code == 403 and set(forbidden.json()) == {"detail"}


@pytest.mark.parametrize("urlconf", [None, "config.urls_openapi"])
def test_the_document_validates_without_a_warning(urlconf, tmp_path):
    # drf-spectacular raises SchemaGenerationError on any warning, and validates against the OpenAPI 3 JSON schema.
    options = {"urlconf": urlconf} if urlconf else {}
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"), **options)
    assert (tmp_path / "schema.yaml").read_text().startswith("openapi:")


# ---- answers built in SQL or from dicts: their keys are those the document gives --------------------------

def assert_shape(document, schema, value, where="body"):
    """`value` has exactly the documented keys (all required ones, no undocumented one), recursively."""
    if value is None:
        assert schema.get("nullable") is True, f"{where} is null but not documented as nullable"
        return
    schema = resolve(document, schema)
    if schema.get("type") == "array":
        assert isinstance(value, list), where
        for n, item in enumerate(value[:20]):
            assert_shape(document, schema["items"], item, f"{where}[{n}]")
    elif "properties" in schema:
        assert isinstance(value, dict), where
        documented, required = set(schema["properties"]), set(schema.get("required", []))
        assert set(value) <= documented, f"{where}: undocumented {sorted(set(value) - documented)}"
        assert required <= set(value), f"{where}: documented but missing {sorted(required - set(value))}"
        for key, item in value.items():
            assert_shape(document, schema["properties"][key], item, f"{where}.{key}")


def answer_schema(document, path, method="get", code="200"):
    """The documented body of an answer, which must name its properties (a bare `object` documents nothing)."""
    schema = document["paths"][path][method]["responses"][code]["content"]["application/json"]["schema"]
    assert described(document, schema), f"{method.upper()} {path} documents no properties"
    return schema


@pytest.fixture
def province_data(district):
    connection.set_schema_to_public()
    rollup_rebuild()
    yp = district("yen-phong")
    plan = make_plan(yp, approve=True)
    make_project(yp, code="OA-1", plan=plan, total=3_000_000_000, sector="transport", communes=["09193"])
    connection.set_schema_to_public()
    return yp


@pytest.mark.parametrize("documented, url", [
    ("/api/plans/cycles/", "/api/plans/cycles/?plan_year=2027"),
    ("/api/province/plan-compliance/", "/api/province/plan-compliance/?year=2027"),
    ("/api/province/equity/", "/api/province/equity/"),
    ("/api/province/compare/", "/api/province/compare/?units=258,259"),
])
def test_province_rollups_have_their_documented_keys(document, client_for, province_data, documented, url):
    response = client_for("tinh").get(url)
    assert response.status_code == 200
    assert_shape(document, answer_schema(document, documented), response.json())


@pytest.mark.parametrize("username", ["huyen.yen-phong", "xa.09193"])  # with and without the district-wide counts
def test_the_district_summary_has_its_documented_keys(document, client_for, username):
    response = client_for(username).get("/d/yen-phong/api/district/")
    assert response.status_code == 200 and response.json()["communes"]
    assert_shape(document, answer_schema(document, "/d/{district}/api/district/"), response.json())


def test_the_plan_dashboard_has_its_documented_keys(document, client_for, district):
    from accounts.models import User
    from geo.models import AdministrativeUnit
    from plans.services import cycle_create

    connection.set_tenant(district("yen-phong"))
    cycle = cycle_create(actor=User.objects.get(username="xa.09193"), commune=AdministrativeUnit.objects.get(code="09193"), plan_year=2032)
    connection.set_schema_to_public()
    staff = client_for("huyen.yen-phong")
    body = staff.get("/d/yen-phong/api/plans/dashboard/?plan_year=2032").json()
    assert {r["state"] != "no_cycle" for r in body["communes"]} == {True, False}  # rows with a cycle and rows without
    assert_shape(document, answer_schema(document, "/d/{district}/api/plans/dashboard/"), body)
    cycles = staff.get("/d/yen-phong/api/plans/cycles/?plan_year=2032")
    assert cycles.json()["count"] == 1
    assert_shape(document, answer_schema(document, "/d/{district}/api/plans/cycles/"), cycles.json())
    detail = staff.get(f"/d/yen-phong/api/plans/cycles/{cycle.pk}/")
    assert detail.status_code == 200 and detail.json()["steps"]
    assert_shape(document, answer_schema(document, "/d/{district}/api/plans/cycles/{id}/"), detail.json())


def test_investment_sums_have_their_documented_keys(document, client_for, province_data):
    plan = make_plan(province_data, kind="annual", start_year=2026, name="Kế hoạch năm 2026")
    make_project(province_data, code="OA-2", plan=plan, total=1_000_000_000, sector="education")
    make_orientation(province_data, plan_year=2026, envelopes=[("09193", "education", "district_budget", 500_000_000)])
    connection.set_schema_to_public()
    staff = client_for("huyen.yen-phong")
    base = f"/d/yen-phong/api/investment-plans/{plan.pk}/"
    for documented, url in [("allocations/", "allocations/?year=2026"), ("envelopes/", "envelopes/"), ("", "")]:
        response = staff.get(base + url)
        assert response.status_code == 200, url
        assert_shape(document, answer_schema(document, "/d/{district}/api/investment-plans/{id}/" + documented), response.json())


def test_monitoring_dashboard_and_reporting_status_have_their_documented_keys(document, client_for, district):
    me_plan = me_plan_with_report(district("yen-phong"), plan_year=date.today().year)
    period = me_plan.reports.first().period_id
    connection.set_schema_to_public()
    staff = client_for("huyen.yen-phong")
    dashboard = staff.get(f"/d/yen-phong/api/monitoring/plans/{me_plan.pk}/dashboard/")
    assert dashboard.status_code == 200 and dashboard.json()["indicators"]
    assert_shape(document, answer_schema(document, "/d/{district}/api/monitoring/plans/{id}/dashboard/"), dashboard.json())
    status = staff.get(f"/d/yen-phong/api/monitoring/status/?period={period}")
    assert status.status_code == 200 and status.json()["communes"]
    assert_shape(document, answer_schema(document, "/d/{district}/api/monitoring/status/"), status.json())
    report = staff.get(f"/d/yen-phong/api/monitoring/reports/{me_plan.reports.first().pk}/")
    assert report.status_code == 200 and report.json()["indicator_values"]
    assert_shape(document, answer_schema(document, "/d/{district}/api/monitoring/reports/{id}/"), report.json())
    detail = staff.get(f"/d/yen-phong/api/monitoring/plans/{me_plan.pk}/")
    assert detail.status_code == 200 and detail.json()["indicators"] and detail.json()["events"]
    assert_shape(document, answer_schema(document, "/d/{district}/api/monitoring/plans/{id}/"), detail.json())

"""The OpenAPI document (`/api/schema/`, core.openapi) is the API reference: every operation documents its 2xx body
and the errors it really gives, and the answers built in SQL or from dicts have exactly the keys it documents."""
import json
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


def described(document, schema, depth=0) -> bool:
    """A body a client can rely on: an object with named properties, a list of described items, or a file; each
    alternative of a `oneOf` described; and no free-form dict inside (a GeoJSON Feature's `properties` with none named)
    nor a list of free-form dicts anywhere (what a GeoJSON FeatureCollection, an object, documented as an array of
    objects looked like)."""
    schema = resolve(document, schema)
    if schema.get("format") == "binary":
        return True
    if "oneOf" in schema:
        return all(described(document, s, depth) for s in schema["oneOf"])
    if schema.get("type") == "array":
        return described(document, schema["items"], depth)
    return bool(schema.get("properties")) and not hides_free_form_features(document, schema, depth)


def hides_free_form_features(document, schema, depth=0) -> bool:
    """Whether a GeoJSON Feature's `properties` (or a collection's `features`) anywhere inside is left undescribed."""
    if depth > 8:
        return False
    schema = resolve(document, schema)
    if "oneOf" in schema:
        return any(hides_free_form_features(document, s, depth + 1) for s in schema["oneOf"])
    if schema.get("type") == "array":
        return hides_free_form_features(document, schema.get("items", {}), depth + 1)
    for key, inner in schema.get("properties", {}).items():
        if key in ("properties", "features") and not described(document, inner, depth + 1):
            return True
        if geojson_as_free_form_list(document, key, inner):
            return True
        if hides_free_form_features(document, inner, depth + 1):
            return True
    return False


def free_form(document, schema) -> bool:
    """An object that names no property and whose values are not described either (`DictField()`)."""
    schema = resolve(document, schema)
    values = schema.get("additionalProperties")
    return schema.get("type") == "object" and not schema.get("properties") and not (isinstance(values, dict) and values)


def geojson_as_free_form_list(document, key, schema) -> bool:
    """GeoJSON (a plan's `items`, a `features` list, anything described as GeoJSON) documented as a list of free-form
    objects: a FeatureCollection, an object, was so documented as an array, and a Feature's keys went unsaid."""
    schema = resolve(document, schema)
    geojson = key in ("items", "features") or "geojson" in (schema.get("description") or "").lower()
    return geojson and schema.get("type") == "array" and free_form(document, schema.get("items", {}))


def test_described_refuses_a_list_of_free_form_objects(document):
    # The old `items` of CommunePlanOutput: a FeatureCollection (an object) documented as an array of free-form objects.
    old = {"type": "object", "properties": {"id": {"type": "integer"}, "items": {
        "type": "array", "items": {"type": "object", "additionalProperties": {}}}}}
    assert not described(document, old)
    assert not described(document, {"type": "object", "properties": {"layer": {"description": "GeoJSON Features of the works",
                                                                               **old["properties"]["items"]}}})
    assert described(document, {"type": "object", "properties": {"id": {"type": "integer"}, "items": {
        "type": "array", "items": {"type": "object", "properties": {"id": {"type": "integer"}}}}}})
    plan = resolve(document, document["components"]["schemas"]["CommunePlanOutput"]["properties"]["items"])
    assert plan["type"] == "object" and set(plan["properties"]) == {"type", "features"}


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
        if takes_input or method in ("post", "put", "patch", "delete"):  # a service may refuse the row's state
            expected["400"] = ERROR_REF
        if "{" in path:  # unknown district, another district's row, a row the caller may not read
            expected["404"] = DETAIL_REF
        # Every signed-in route: 401 not signed in, 403 not allowed; the public surface of a district is open to anyone,
        # and so are its downloads (issue 13: anyone downloads the layers they may read, another layer is a 404).
        if path.startswith("/d/{district}/api/") and not path.startswith(("/d/{district}/api/public/", "/d/{district}/api/downloads/")) or path in (
                "/api/province/projects/", "/api/province/equity/", "/api/auth/logout/", "/api/plans/cycles/", "/api/geometry/check/"):
            expected["401"] = DETAIL_REF
            expected["403"] = DETAIL_REF
        if (path, method) in (("/api/auth/token/", "post"), ("/d/{district}/api/public/plans/{id}/comments/", "post")):
            expected["429"] = DETAIL_REF
        for code, ref in expected.items():
            schema = responses.get(code, {}).get("content", {}).get("application/json", {}).get("schema")
            if schema != ref:
                missing.append(f"{method.upper()} {path} {code}")
    assert missing == []


def test_the_error_components_have_the_shape_of_the_real_errors(document, client_for):
    errors = document["components"]["schemas"]["FieldErrors"]
    assert errors["additionalProperties"] == {"oneOf": [
        {"type": "array", "items": {"oneOf": [{"type": "string"}, ERROR_REF]}}, ERROR_REF]}  # nested input: nested errors
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

def shape_errors(document, schema, value, where="body") -> list:
    """How `value` differs from its documented schema: undocumented keys, documented required keys missing, a null
    not documented as nullable, a wrong type; recursively, `oneOf` matched by one of its alternatives."""
    if value is None:
        nullable = schema.get("nullable") or resolve(document, schema).get("nullable")
        return [] if nullable else [f"{where} is null but not documented as nullable"]
    schema = resolve(document, schema)
    if "oneOf" in schema:
        tries = [shape_errors(document, s, value, where) for s in schema["oneOf"]]
        return [] if any(not t for t in tries) else [f"{where} matches no alternative: " + " | ".join("; ".join(t[:3]) for t in tries)]
    kind = schema.get("type")
    types = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "array": list, "object": dict}
    if kind in types and (not isinstance(value, types[kind]) or (kind in ("integer", "number") and isinstance(value, bool))):
        return [f"{where} is {type(value).__name__}, documented {kind}"]
    errors = []
    if kind == "array":
        for n, item in enumerate(value[:20]):
            errors += shape_errors(document, schema.get("items", {}), item, f"{where}[{n}]")
    elif "properties" in schema and isinstance(value, dict):
        documented, required = set(schema["properties"]), set(schema.get("required", []))
        errors += [f"{where}: undocumented {key}" for key in sorted(set(value) - documented)]
        errors += [f"{where}: documented but missing {key}" for key in sorted(required - set(value))]
        for key in sorted(set(value) & documented):
            errors += shape_errors(document, schema["properties"][key], value[key], f"{where}.{key}")
    elif isinstance(schema.get("additionalProperties"), dict) and isinstance(value, dict):
        for key, item in value.items():
            errors += shape_errors(document, schema["additionalProperties"], item, f"{where}.{key}")
    return errors


def assert_shape(document, schema, value, where="body"):
    """`value` has exactly the documented keys (all required ones, no undocumented one), recursively."""
    errors = shape_errors(document, schema, value, where)
    assert errors == [], errors[:20]


def answer_schema(document, path, method="get", code="200", media_type="application/json"):
    """The documented body of an answer, which must name its properties (a bare `object` documents nothing)."""
    content = document["paths"][path][method]["responses"][code]["content"]
    schema = content[media_type if media_type in content else next(iter(content))]["schema"]
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


# ---- every list and layer route: a real answer equals its documented schema, recursively -------------------

# Routes whose answer depends on a query: the real request to make (the others are called bare).
QUERIES = {
    "/api/admin-units/": ["?level=commune&page_size=5", "?level=district"],
    "/api/province/investment-distribution/": ["?level=commune&page_size=5", "?level=district&measure=per_resident"],
    "/api/province/projects/": ["?zoom=8", "?zoom=13"],  # clusters, then points
    "/api/province/compare/": ["?units=258,259"],
    "/api/plans/cycles/": ["?plan_year=2027"],
    "/api/province/plan-compliance/": ["?year=2027"],
    "/d/{district}/api/plans/dashboard/": ["?plan_year=2027"],
}


def caller_of(path):
    if path.startswith("/d/{district}/api/public/") or path in ("/api/districts/", "/api/admin-units/"):
        return None
    return "huyen.yen-phong" if path.startswith("/d/{district}/") else "tinh"


def json_routes(document):
    """(documented path, media type) of every GET whose only path parameter is the district and whose 200 is JSON."""
    for path, ops in document["paths"].items():
        if "get" not in ops or "{" in path.replace("{district}", ""):
            continue
        content = ops["get"]["responses"].get("200", {}).get("content", {})
        media = next((m for m in content if "json" in m and content[m]["schema"].get("format") != "binary"), None)
        if media:
            yield path, media


def test_every_list_and_layer_route_answers_its_documented_schema(document, client_for, province_data):
    checked, mismatches, skipped = [], [], []
    for path, media in json_routes(document):
        client = client_for(caller_of(path))
        for query in QUERIES.get(path, [""]):
            url = path.replace("{district}", "yen-phong") + query
            response = client.get(url)
            if response.status_code != 200:
                skipped.append(f"{url} {response.status_code}")
                continue
            checked.append(url)
            if response["Content-Type"].split(";")[0] != media:
                mismatches.append(f"{url}: answers {response['Content-Type']}, documented {media}")
                continue
            mismatches += shape_errors(document, answer_schema(document, path, media_type=media), response.json(), url)
    assert mismatches == [], "\n".join(mismatches)
    # The reviewer's routes are among those compared, each with real rows.
    for url in ("/api/districts/", "/api/admin-units/?level=commune&page_size=5", "/api/province/projects/?zoom=8",
                "/api/province/projects/?zoom=13", "/api/province/investment-distribution/?level=commune&page_size=5",
                "/d/yen-phong/api/proposals/", "/d/yen-phong/api/investment-projects/", "/d/yen-phong/api/village-meetings/"):
        assert url in checked, skipped
    assert len(checked) > 35, skipped


def test_the_reviewers_routes_have_real_features_of_both_map_modes(client_for, province_data):
    # The comparison above compares real features, not empty lists.
    tinh = client_for("tinh")
    clusters = tinh.get("/api/province/projects/?zoom=8").json()
    points = tinh.get("/api/province/projects/?zoom=13").json()
    assert clusters["mode"] == "clusters" and clusters["features"] and clusters["features"][0]["properties"]["cluster"] is True
    assert points["mode"] == "points" and points["features"]
    distribution = tinh.get("/api/province/investment-distribution/?level=commune&page_size=5").json()
    assert distribution["features"] and distribution["legend"]["classes"]
    assert client_for(None).get("/api/districts/").json()["features"]


# ---- every detail route: a real answer about a real object equals its documented schema, recursively -------------

@pytest.fixture
def demo_rows(province_data):
    """Yên Phong with the demo's plan cycles (fixtures.demo_cycles, built through the services): cycles with transitions,
    versions with items, targets, district comments and public comments, approved plans with M&E plans and reports."""
    from fixtures.demo_cycles import demo_cycles_ensure

    assert demo_cycles_ensure(slugs=["yen-phong"]) > 0
    connection.set_schema_to_public()
    return province_data


def richest(queryset, *counted):
    """The row with the most related rows of `counted` (so that the lists compared are not empty)."""
    from django.db.models import Count

    return queryset.annotate(**{f"n_{c}": Count(c, distinct=True) for c in counted}).order_by(*[f"-n_{c}" for c in counted], "pk").first()


def detail_objects():
    """The path parameters of one real object per detail route of Yên Phong (read in its schema), the richest one."""
    from accounts.models import DepartmentPublication
    from investment.models import InvestmentProject, PublicInvestmentPlan
    from monitoring.models import MEPlan, PeriodicReport
    from plans.models import CommunePlan, PlanCycle, PlanItem
    from proposals.models import Attachment, CommuneUnit, Proposal, VillageMeeting

    cycle = richest(PlanCycle.objects.all(), "transitions", "versions")
    plan = richest(CommunePlan.objects.all(), "items", "targets", "feedback", "public_comments")
    two = richest(PlanCycle.objects.all(), "versions").versions.order_by("number")
    announced = richest(CommunePlan.objects.filter(announced_at__isnull=False), "items", "public_comments")
    investment = richest(PublicInvestmentPlan.objects.all(), "allocations")
    attachment = Attachment.objects.order_by("pk").first()
    publication = DepartmentPublication.objects.order_by("pk").first()
    ids = {
        "/api/province/publications/{id}/": publication and {"id": publication.pk},
        "/d/{district}/api/commune-units/{id}/": {"id": CommuneUnit.objects.order_by("pk").first().pk},
        "/d/{district}/api/investment-chain/proposals/{id}/": {"id": PlanItem.proposals.through.objects.order_by("pk").first().proposal_id},
        "/d/{district}/api/investment-plan-items/{id}/": {"id": richest(PlanItem.objects.all(), "proposals").pk},
        "/d/{district}/api/investment-projects/{id}/": {"id": InvestmentProject.objects.get(code="OA-1").pk},
        "/d/{district}/api/monitoring/plans/{id}/": {"id": richest(MEPlan.objects.all(), "indicators", "events").pk},
        "/d/{district}/api/monitoring/plans/{id}/dashboard/": {"id": richest(MEPlan.objects.all(), "indicators", "events").pk},
        "/d/{district}/api/monitoring/reports/{id}/": {"id": richest(PeriodicReport.objects.all(), "indicator_values").pk},
        "/d/{district}/api/plans/{id}/compare/{other}/": {"id": two.first().pk, "other": two.last().pk},
        "/d/{district}/api/plans/cycles/{id}/": {"id": cycle.pk},
        "/d/{district}/api/proposals/{id}/": {"id": Proposal.objects.order_by("pk").first().pk},
        "/d/{district}/api/public/plans/{id}/": {"id": announced.pk},
        "/d/{district}/api/public/proposals/{id}/attachments/": attachment and {"id": attachment.proposal_id},
        "/d/{district}/api/village-meetings/{id}/": {"id": VillageMeeting.objects.order_by("pk").first().pk},
    }
    for path in ("/d/{district}/api/investment-plans/{id}/", "/d/{district}/api/investment-plans/{id}/allocations/",
                 "/d/{district}/api/investment-plans/{id}/envelopes/", "/d/{district}/api/investment-plans/{id}/medium-term-check/",
                 "/d/{district}/api/investment-plans/{id}/projects.geojson"):
        ids[path] = {"id": investment.pk}
    ids["/d/{district}/api/investment-plans/{id}/envelopes/"]["query"] = f"?year={investment.start_year}"  # a year of the plan
    for path in ("/d/{district}/api/plans/{id}/", "/d/{district}/api/plans/{id}/comments/", "/d/{district}/api/plans/{id}/envelope-check/",
                 "/d/{district}/api/plans/{id}/feedback/", "/d/{district}/api/plans/{id}/items/", "/d/{district}/api/plans/{id}/targets/"):
        ids[path] = {"id": plan.pk}
    ids["/d/{district}/api/plans/cycles/{id}/orientation/"] = {"id": cycle.pk}
    ids["/d/{district}/api/public/plans/{id}/comments/"] = {"id": announced.pk}
    return ids


def detail_routes(document):
    """(documented path, media type) of every GET with a path parameter besides the district whose 200 is JSON."""
    for path, ops in document["paths"].items():
        if "get" not in ops or "{" not in path.replace("{district}", ""):
            continue
        content = ops["get"]["responses"].get("200", {}).get("content", {})
        media = next((m for m in content if "json" in m and content[m]["schema"].get("format") != "binary"), None)
        if media:
            yield path, media


def test_every_detail_route_answers_its_documented_schema(document, client_for, demo_rows):
    connection.set_tenant(demo_rows)
    objects = detail_objects()
    connection.set_schema_to_public()
    checked, mismatches = {}, []
    for path, media in detail_routes(document):
        assert path in objects, f"{path}: give the test a real object for this detail route"
        if objects[path] is None:  # no such row in the demo data (named below)
            continue
        url = path.replace("{district}", "yen-phong").format(**objects[path]) + objects[path].get("query", "")
        response = client_for(caller_of(path)).get(url)
        assert response.status_code == 200, (url, response.content[:300])
        if response["Content-Type"].split(";")[0] != media:
            mismatches.append(f"{url}: answers {response['Content-Type']}, documented {media}")
            continue
        checked[path] = response.json()
        mismatches += shape_errors(document, answer_schema(document, path, media_type=media), response.json(), url)
    assert mismatches == [], "\n".join(mismatches)
    assert set(objects) - set(checked) <= {"/api/province/publications/{id}/", "/d/{district}/api/public/proposals/{id}/attachments/"}
    # The reviewer's three: compared with rows in the lists that were wrong (an empty list shows nothing).
    cycle = checked["/d/{district}/api/plans/cycles/{id}/"]
    assert cycle["events"] and set(cycle["events"][0]["changes"]) == {"decided_on", "due_on"}
    plan = checked["/d/{district}/api/plans/{id}/"]
    assert plan["items"]["type"] == "FeatureCollection" and plan["items"]["features"] and plan["targets"]
    compared = checked["/d/{district}/api/plans/{id}/compare/{other}/"]
    assert compared["a"] != compared["b"] and (compared["items"] or compared["targets"])


# ---- single Features: the properties of a real answer are those documented ----------------------------------

def test_single_features_have_their_documented_properties(document, client_for, province_data):
    from investment.models import InvestmentProject as Project
    from proposals.models import Proposal, VillageMeeting

    connection.set_tenant(province_data)
    proposal = Proposal.objects.order_by("pk").first()
    meeting = VillageMeeting.objects.order_by("pk").first()
    project = Project.objects.get(code="OA-1")
    connection.set_schema_to_public()
    staff = client_for("huyen.yen-phong")
    for documented, url in [
        ("/d/{district}/api/proposals/{id}/", f"/d/yen-phong/api/proposals/{proposal.pk}/"),
        ("/d/{district}/api/village-meetings/{id}/", f"/d/yen-phong/api/village-meetings/{meeting.pk}/"),
        ("/d/{district}/api/investment-projects/{id}/", f"/d/yen-phong/api/investment-projects/{project.pk}/"),
    ]:
        response = staff.get(url)
        assert response.status_code == 200, url
        assert response.json()["properties"], url
        assert_shape(document, answer_schema(document, documented), response.json(), url)


# ---- the error answers, as documented -------------------------------------------------------------------------

@pytest.mark.parametrize("url, method", [
    ("/api/province/equity/", "get"), ("/api/province/investment-distribution/", "get"), ("/api/province/plan-compliance/", "get"),
    ("/api/plans/cycles/", "get"), ("/api/province/projects/", "get"), ("/api/geometry/check/", "post"),
    ("/api/auth/logout/", "post"), ("/d/yen-phong/api/proposals/", "get"), ("/d/yen-phong/api/district/", "get"),
])
def test_not_signed_in_is_a_401_with_a_challenge_everywhere(document, url, method):
    from django.test import Client

    response = getattr(Client(), method)(url)
    assert response.status_code == 401, url
    assert response["WWW-Authenticate"] == "Token"
    assert set(response.json()) == {"detail"}
    path = url.replace("/d/yen-phong/", "/d/{district}/")
    assert document["paths"][path][method]["responses"]["401"]["content"]["application/json"]["schema"] == DETAIL_REF


def test_signed_in_but_not_allowed_stays_a_403(client_for):
    commune = client_for("xa.09193")
    for url in ("/api/province/equity/", "/api/province/projects/", "/api/plans/cycles/?plan_year=2027"):
        response = commune.get(url)
        assert response.status_code == 403, url
        assert set(response.json()) == {"detail"}


@pytest.mark.parametrize("url", [
    "/d/nowhere/api/proposals/", "/d/yen-phong/api/proposals/abc/", "/api/no-such-route/", "/d/yen-phong/api/no-such-route/",
    "/tiles/no/such/route",  # the OGC API's unknown paths answer its own 404 shape (tests/geo/test_gis_query_parameters.py)
])
def test_api_routes_answer_a_json_404_in_the_users_language(client_for, url):
    staff = client_for("huyen.yen-phong")
    vietnamese = staff.get(url, HTTP_ACCEPT_LANGUAGE="vi")
    assert vietnamese.status_code == 404 and vietnamese["Content-Type"].startswith("application/json"), url
    assert vietnamese.json() == {"detail": "Không tìm thấy."}
    staff.cookies.pop("django_language", None)
    english = client_for("huyen.yen-phong").get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 404 and set(english.json()) == {"detail"}


def test_pages_still_answer_the_404_page(client_for):
    page = client_for("huyen.yen-phong").get("/d/nowhere/proposals/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")


def test_a_nested_400_has_the_documented_recursive_shape(document, client_for):
    errors = document["components"]["schemas"]["FieldErrors"]
    commune = client_for("xa.09193")
    feature = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [106.0, 21.2]},
               "properties": {"commune": "09193", "title": "Đường", "sector": "no-such-sector"}}
    refused = commune.post("/d/yen-phong/api/proposals/", feature, content_type="application/json")
    assert refused.status_code == 400
    body = refused.json()
    assert "sector" in body["properties"] and all(isinstance(m, str) for m in body["properties"]["sector"])
    assert_shape(document, errors, body)
    assert shape_errors(document, errors, {"order": {"0": ["A whole number."]}}) == []
    assert shape_errors(document, errors, {"order": {"0": [1]}}) != []  # the check can fail


def test_refusals_of_inputless_writes_and_rate_limits_are_documented(document):
    paths = document["paths"]
    for path, method in [("/d/{district}/api/plans/orientations/{id}/publish/", "post"), ("/d/{district}/api/plans/items/{id}/", "delete"),
                         ("/d/{district}/api/plans/targets/{id}/", "delete")]:
        assert paths[path][method]["responses"]["400"]["content"]["application/json"]["schema"] == ERROR_REF, path
    for path in ("/api/auth/token/", "/d/{district}/api/public/plans/{id}/comments/"):
        assert paths[path]["post"]["responses"]["429"]["content"]["application/json"]["schema"] == DETAIL_REF, path
    assert "429" not in paths["/d/{district}/api/public/plans/{id}/comments/"]["get"]["responses"]


# ---- one way to document a view: declarations read by core.openapi.AutoSchema, tags by app and step ---------------

def test_no_view_is_documented_by_a_decorator():
    """Views say what they take and answer with `Input`/`query_parameters`/`Output`/`operation_id` (docs/API.md), never
    with drf-spectacular's `@extend_schema`/`@extend_schema_view` or a function that decorates them from outside.
    (`@extend_schema_field` types a custom serializer field, not a view: it stays.)"""
    import ast

    from tests.conftest import ROOT

    found = []
    for path in sorted((ROOT / "platform").rglob("*.py")):
        tree = ast.parse(path.read_text(), filename=str(path))
        for node in ast.walk(tree):
            name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else None
            if name in ("extend_schema", "extend_schema_view"):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert found == []


def test_operations_are_grouped_by_app_and_plan_step(document):
    """Swagger UI groups operations by tag: each operation has one, its app, or for an app whose API is a package of
    modules (`plans/apis/<step>.py` by the Decision's steps, `investment/apis/<resource>.py`, `monitoring/apis/…`)
    the app and the module; province and district routes of one app share it."""
    from tests.conftest import ROOT
    from tests.core.test_layers import LAYER_OF

    tags = {path: {m: op["tags"] for m, op in ops.items() if m in METHODS} for path, ops in document["paths"].items()}
    assert all(len(t) == 1 for ops in tags.values() for t in ops.values())
    used = {t[0] for ops in tags.values() for t in ops.values()}
    steps = {f"{p.parts[-3]}: {p.stem.replace('_', ' ')}" for p in (ROOT / "platform").glob("*/apis/*.py") if p.stem not in ("__init__", "common")}
    assert used <= set(LAYER_OF) | steps, used - set(LAYER_OF) - steps
    assert tags["/d/{district}/api/proposals/"]["get"] == ["proposals"]
    assert tags["/api/plans/cycles/"]["get"] == ["province"]
    assert tags["/d/{district}/api/plans/cycles/"]["post"] == ["plans: cycle"]
    assert tags["/d/{district}/api/investment-plans/"]["get"] == ["investment: plans"]
    assert tags["/d/{district}/api/monitoring/reports/"]["get"] == ["monitoring: reports"]
    assert len(used) >= 15


MOST_OPERATIONS_A_TAG = 25  # one Swagger UI group a reader can scan; beyond it the app's API module is split


def test_each_api_module_of_a_package_has_its_own_tag_and_no_tag_is_a_heap(document):
    """Issue 17 (house item 5): investment's and monitoring's operations were each one tag of the whole app (40 and 27
    operations); now every module of an `apis` package (plans by step, investment and monitoring by resource) is its
    own tag, and no tag holds more than MOST_OPERATIONS_A_TAG operations."""
    from tests.conftest import ROOT

    by_tag = {}
    for _path, _method, op in operations(document):
        by_tag.setdefault(op["tags"][0], []).append(op["operationId"])
    modules = {f"{p.parts[-3]}: {p.stem.replace('_', ' ')}" for p in (ROOT / "platform").glob("*/apis/*.py")
               if p.stem not in ("__init__", "common")}
    assert modules <= set(by_tag), modules - set(by_tag)  # each module's operations under its own tag
    assert not {"investment", "monitoring", "plans"} & set(by_tag)  # no package app keeps a tag of the whole app
    heaps = {tag: len(ids) for tag, ids in by_tag.items() if len(ids) > MOST_OPERATIONS_A_TAG}
    assert heaps == {}


def test_swagger_lists_the_tags_in_the_order_of_the_decisions_steps(document):
    """Swagger UI shows the tags in the document's `tags` order (SPECTACULAR_SETTINGS["TAGS"]), not as they happen to
    come: every tag used is listed, the plan cycle's steps in the Decision's order, the workflow's apps in theirs."""
    names = [t["name"] for t in document["tags"]]
    used = {t for _path, _method, op in operations(document) for t in op["tags"]}
    assert used <= set(names), used - set(names)
    assert len(names) == len(set(names)) and all(t.get("description") for t in document["tags"])
    steps = [n.removeprefix("plans: ") for n in names if n.startswith("plans: ")]
    assert steps[:8] == ["cycle", "team", "orientation", "versions", "consultation", "feedback", "approval", "implementation"]
    order = [names.index(n) for n in ("accounts", "proposals", "plans: cycle", "plans: implementation", "investment: plans", "monitoring: me plan",
                                      "province")]
    assert order == sorted(order)


def test_plan_operations_keep_their_names(document):
    ids = {(path, m): op["operationId"] for path, ops in document["paths"].items() for m, op in ops.items() if m in METHODS}
    assert ids[("/d/{district}/api/plans/cycles/{id}/", "get")] == "plans_cycle_detail_get"
    assert ids[("/d/{district}/api/public/plans/{id}/document.pdf", "get")] == "plans_public_plan_document_get_pdf"
    plans = [op_id for (path, _m), op_id in ids.items() if "/api/plans/" in path and path.startswith("/d/")]
    assert plans and all(op_id.startswith("plans_") for op_id in plans)
    assert len(set(ids.values())) == len(ids)  # unique: no numeral suffixes from a collision


def test_declarations_by_method():
    """What a view declares, for all its methods or by method: the body (a serializer or `{media type: serializer}`),
    the query parameters of a POST, the answers, the operation's name (a template with `{view}` and `{method}`)."""
    from django.urls import path
    from drf_spectacular.generators import SchemaGenerator
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import OpenApiParameter
    from rest_framework import serializers
    from rest_framework.views import APIView

    class Title(serializers.Serializer):
        title = serializers.CharField()

    class Upload(serializers.Serializer):
        file = serializers.FileField()

    class ExampleThingApi(APIView):
        operation_id = {"get": "things_list", "post": "things_{view}_{method}"}
        Input = {"post": {"multipart/form-data": Upload}, "patch": Title}
        query_parameters = {"get": [OpenApiParameter("year", OpenApiTypes.INT)], "post": [OpenApiParameter("preview", OpenApiTypes.BOOL)]}
        Output = {"get": {200: Title(many=True)}, "post": {201: Title}, "patch": Title}

        def get(self, request):
            return None

        def post(self, request):
            return None

        def patch(self, request):
            return None

    schema = SchemaGenerator(patterns=[path("things/", ExampleThingApi.as_view())]).get_schema(request=None, public=True)
    ops = schema["paths"]["/things/"]
    assert [ops[m]["operationId"] for m in ("get", "post")] == ["things_list", "things_example_thing_post"]
    assert list(ops["post"]["requestBody"]["content"]) == ["multipart/form-data"]
    assert ops["patch"]["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/PatchedTitle"}
    assert [p["name"] for p in ops["get"]["parameters"]] == ["year"]
    assert [p["name"] for p in ops["post"]["parameters"]] == ["preview"]
    assert ops["get"]["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array"
    assert set(ops["post"]["responses"]) >= {"201", "400"} and "200" not in ops["post"]["responses"]
    assert ops["get"]["tags"] == ["tests"]  # the app of the view's module (here the tests package)


# ---- the document is built once per process, language and URLconf (core.schema_view) ---------------------------

def test_the_document_is_built_once_per_language_and_urlconf(monkeypatch):
    from django.test import Client, RequestFactory

    from core.schema_view import CachedSchemaView

    built = []

    class CountingGenerator(CachedSchemaView.generator_class):
        def get_schema(self, *args, **kwargs):
            built.append(self.urlconf)
            return super().get_schema(*args, **kwargs)

    monkeypatch.setattr(CachedSchemaView, "generator_class", CountingGenerator)
    monkeypatch.setattr(CachedSchemaView, "_documents", {})

    def fetch(language):
        response = Client().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json", HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        return response.json()

    first, second = fetch("vi"), fetch("vi")
    assert first == second and len(built) == 1  # the second request did not rebuild
    english = fetch("en")
    assert len(built) == 2 and fetch("en") == english and len(built) == 2
    # Each language keeps its own words (the choices' labels are translated).
    assert "Người dân" in first["components"]["schemas"]["AuthorKindEnum"]["description"]
    assert "Resident" in english["components"]["schemas"]["AuthorKindEnum"]["description"]
    # Another URLconf (the province's routes only) is another document, not the cached one.
    request = RequestFactory().get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    province = CachedSchemaView.as_view(urlconf="config.urls_public")(request).render()
    assert built[-1] == "config.urls_public" and len(built) == 3
    province_paths = set(json.loads(province.content)["paths"])
    assert province_paths and not any(p.startswith("/d/{district}/") for p in province_paths)
    assert any(p.startswith("/d/{district}/") for p in first["paths"])

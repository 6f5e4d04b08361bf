"""The layer kit (geo.layers): one declaration per layer, SQL-built GeoJSON, one pagination rule, documented keys."""
import json

import pytest
from django.db import connection

from geo.layers import MAX_LIMIT, PRECISION, collection_text, registry

DISTRICT = "yen-phong"


def _reader(username):
    from accounts.models import User

    return User.objects.get(username=username)


def _enter(district):
    if district is not None:
        connection.set_tenant(district)


def finding_point(me_plan):
    return me_plan.findings.first().location


def _one_row_of_each(place):
    """A row for each district layer the demo data leaves empty: an M&E plan with a finding (plan works), a
    project, a review note, a draft work, an evidence photo (its file name as the storage writes it), an announced plan."""
    import uuid

    from django.utils import timezone

    from accounts.models import User
    from investment import services as investment
    from monitoring.models import EvidencePhoto
    from tests.investment.factories import make_draft_item
    from tests.monitoring.factories import me_plan_with_report, project_in_commune

    me_plan = me_plan_with_report(place)
    project = project_in_commune(place)
    staff = User.objects.get(username=f"huyen.{DISTRICT}")
    connection.set_tenant(place)
    investment.review_create(district=place, actor=staff, project=project, plan_item=None, decision="", comment="Xem lại tuyến",
                             location=finding_point(me_plan))
    make_draft_item(place, plan_year=2030)
    connection.set_tenant(place)
    finding = me_plan.findings.first()
    EvidencePhoto.objects.create(me_plan=me_plan, finding=finding, photo=f"{place.schema_name}/evidence-photos/{uuid.uuid4().hex}.jpg",
                                 content_type="image/jpeg", caption="Rãnh", location=finding.location, uploaded_by=staff)
    me_plan.plan.__class__.objects.filter(pk=me_plan.plan_id).update(announced_at=timezone.now())
    connection.set_schema_to_public()


@pytest.mark.django_db
def test_every_layer_returns_exactly_its_declared_properties_with_their_types(district):
    """For every registered layer, the keys PostgreSQL writes are the declared (and OpenAPI-documented) ones, typed."""
    from province.services import rollup_rebuild
    from tenants.models import District

    _one_row_of_each(district(DISTRICT))
    rollup_rebuild()  # the all-projects layer reads the province's copy of every district's projects
    reader = _reader("tinh")
    types = {"string": str, "integer": int, "number": (int, float), "boolean": bool, "date": str, "datetime": str,
             "array": list, "object": dict}
    places = list(District.objects.exclude(schema_name="public").order_by("slug"))
    empty = []
    for layer in registry.all():
        documented = layer.openapi_schema()["properties"]["features"]["items"]["properties"]["properties"]["properties"]
        assert list(documented) == list(layer.properties)
        features = []
        for place in (places if layer.scope == "district" else [None]):
            _enter(place)
            text, matched, returned = layer.query(reader, place, limit=50)
            connection.set_schema_to_public()
            features = json.loads(collection_text(text))["features"]
            assert returned == len(features) <= matched
            if features:
                break
        if not features:
            empty.append(layer.id)
        for feature in features:
            assert list(feature["properties"]) == list(layer.properties), layer.id
            for name, value in feature["properties"].items():
                kind = layer.properties[name][0]
                assert value is None or (isinstance(value, types[kind]) and not (kind in ("integer", "number") and isinstance(value, bool))), \
                    (layer.id, name, value)
    assert {"proposals", "provinces", "districts", "communes", "villages"} <= {layer.id for layer in registry.all()}
    assert empty == [], f"layers with no demo rows to check: {empty}"


@pytest.mark.django_db
def test_coordinates_have_the_one_precision(client):
    body = client.get("/api/admin-units/?level=commune&page_size=3").json()
    ring = body["features"][0]["geometry"]["coordinates"][0][0]
    assert all(len(repr(n).split(".")[1]) <= PRECISION for point in ring for n in point)


@pytest.mark.django_db
def test_admin_units_answer_geojson_media_type_and_refuse_over_large_pages(client):
    ok = client.get("/api/admin-units/?level=commune&parent=258")
    assert ok["Content-Type"] == "application/geo+json"
    assert ok.json()["count"] == 14
    assert {f["id"] for f in ok.json()["features"]} == {f["properties"]["code"] for f in ok.json()["features"]}
    # Before the kit, DRF clamped page_size silently to 5000 here.
    refused = client.get(f"/api/admin-units/?level=commune&page_size={MAX_LIMIT + 1}")
    assert refused.status_code == 400
    assert "page_size" in refused.json()


@pytest.mark.django_db
def test_admin_units_page_through_with_next_links(client):
    first = client.get("/api/admin-units/?level=commune&page_size=50").json()
    assert first["count"] == 121 and len(first["features"]) == 50 and first["previous"] is None
    codes = [f["properties"]["code"] for f in first["features"]]
    url = first["next"]
    while url:
        body = client.get(url).json()
        codes += [f["properties"]["code"] for f in body["features"]]
        url = body["next"]
    assert len(codes) == len(set(codes)) == 121
    assert codes == sorted(codes)


@pytest.mark.django_db
def test_proposals_route_answers_through_the_kit(client_for):
    staff = client_for(f"huyen.{DISTRICT}")
    body = staff.get(f"/d/{DISTRICT}/api/proposals/", {"page_size": 5}).json()
    assert len(body["features"]) == 5 and body["count"] > 5
    assert "created_at" in body["features"][0]["properties"]
    assert staff.get(f"/d/{DISTRICT}/api/proposals/", {"page_size": MAX_LIMIT + 1}).status_code == 400


LAYER_ROUTES = [
    f"/d/{DISTRICT}/api/proposals/", f"/d/{DISTRICT}/api/public/proposals/", f"/d/{DISTRICT}/api/village-meetings/",
    f"/d/{DISTRICT}/api/investment-projects/", f"/d/{DISTRICT}/api/reviews/", f"/d/{DISTRICT}/api/investment-plan-items/",
    f"/d/{DISTRICT}/api/monitoring/evidence/", f"/d/{DISTRICT}/api/monitoring/findings/",
    "/api/districts/", "/api/admin-units/?level=commune", "/api/province/investment-distribution/?level=commune",
    "/api/province/projects/?zoom=14",
]


@pytest.mark.django_db
@pytest.mark.parametrize("route", LAYER_ROUTES)
def test_every_layer_route_has_one_media_type_and_one_page_rule(client_for, route):
    """Before the kit: application/json on most routes, and page_size=6000 silently clamped on investment projects,
    evidence, plan items and administrative units (a 400 on proposals)."""
    province = client_for("tinh")
    joiner = "&" if "?" in route else "?"
    ok = province.get(f"{route}{joiner}page_size=2")
    assert ok.status_code == 200, ok.content[:300]
    assert ok["Content-Type"] == "application/geo+json"
    body = json.loads(ok.content)
    assert body["type"] == "FeatureCollection" and len(body["features"]) <= 2 and "count" in body
    refused = province.get(f"{route}{joiner}page_size=6000")
    assert refused.status_code == 400
    assert "page_size" in refused.json()


def _bad_value(spec):
    """A value this filter must refuse: of the wrong type, outside its choices, or malformed."""
    if spec.type in ("integer", "number", "boolean", "date"):
        return "abc"
    if spec.choices:
        return "x,y,z"
    return "!!"


@pytest.mark.django_db
def test_every_filter_of_every_layer_refuses_a_malformed_value_naming_it(client_for, district):
    """No filter silently ignores a bad value (late=abc gave every proposal, status=x,y,z none): a 400 names it."""
    free = {(layer.id, name) for layer in registry.all() for name, spec in layer.filters.items() if spec.free_text()}
    assert free == {("proposals", "q"), ("published-proposals", "q")}  # only the proposals' search takes any text
    district(DISTRICT)
    connection.set_schema_to_public()
    checked = 0
    for client, base, layers in ((client_for("tinh"), "/ogc", registry.for_province()),
                                 (client_for(f"huyen.{DISTRICT}"), f"/d/{DISTRICT}/ogc", registry.for_district())):
        for layer in layers:
            for name, spec in layer.filters.items():
                if spec.free_text():
                    continue
                response = client.get(f"{base}/collections/{layer.id}/items", {name: _bad_value(spec)}, HTTP_ACCEPT_LANGUAGE="vi")
                assert response.status_code == 400, (layer.id, name, response.status_code)
                assert name in response.json(), (layer.id, name)
                checked += 1
    assert checked >= 30
    legacy = client_for(f"huyen.{DISTRICT}")
    for query in ("late=abc", "status=x,y,z", "sector=nothing"):
        response = legacy.get(f"/d/{DISTRICT}/api/proposals/?{query}")
        assert response.status_code == 400 and query.split("=")[0] in response.json(), query

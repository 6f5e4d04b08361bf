"""Province API: who gets in, bad parameters, comparison, equity, exports, plan compliance, OpenAPI."""
from io import BytesIO

import pytest
from django.db import connection
from openpyxl import load_workbook

from province.selectors import lorenz_and_gini
from province.services import rollup_rebuild
from tests.investment.factories import QUE_VO, make_plan, make_project, point

pytestmark = pytest.mark.django_db

ROUTES = [
    "/api/province/investment-distribution/",
    "/api/province/investment-distribution.geojson",
    "/api/province/investment-distribution.png",
    "/api/province/equity/",
    "/api/province/compare/?units=258,259",
    "/api/province/compare.xlsx?units=258,259",
    "/api/province/plan-compliance/?year=2027",
    "/province/compare/",
]


@pytest.fixture
def data(district):
    connection.set_schema_to_public()
    rollup_rebuild()
    yp, qv = district("yen-phong"), district("que-vo")
    make_project(yp, code="A-1", plan=make_plan(yp, approve=True), total=3_000_000_000, sector="transport")
    # Quế Võ's draft plan and proposed project: never to reach a district user of another district.
    make_project(qv, code="QV-DRAFT", plan=make_plan(qv, name="Nháp Quế Võ"), geometry=point(QUE_VO), total=7_777_000_000)
    connection.set_schema_to_public()
    return yp, qv


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("username", ["tinh", "admin"])
def test_province_staff_and_superusers_get_in(client_for, data, route, username):
    assert client_for(username).get(route).status_code == 200


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("username", ["huyen.yen-phong", "xa.09193", "thon.09193-01"])
def test_district_commune_and_village_users_are_refused_and_see_no_other_districts_draft(client_for, data, route, username):
    response = client_for(username).get(route)
    assert response.status_code == 403
    assert b"7777000000" not in response.content and b"7.777" not in response.content


@pytest.mark.parametrize("route", [r for r in ROUTES if r.startswith("/api/")])
def test_anonymous_callers_are_refused(client_for, route):
    assert client_for(None).get(route).status_code == 401  # not signed in: 401, never 403


def test_distribution_is_a_feature_per_unit_with_its_figures(client_for, data):
    yp, qv = data
    body = client_for("tinh").get("/api/province/investment-distribution/?measure=per_km2").json()
    assert body["type"] == "FeatureCollection" and len(body["features"]) == 8
    props = {f["properties"]["code"]: f["properties"] for f in body["features"]}
    assert props["259"]["total_investment"] >= 7_777_000_000  # province staff see every district, drafts included
    assert props["258"]["value"] == props["258"]["per_km2"]
    # The 2019 census is loaded with the units: per resident has a value for every district.
    assert props["258"]["population"] == 192674 and props["258"]["per_resident"] == round(props["258"]["total_investment"] / 192674)
    assert all(f["geometry"]["type"] == "MultiPolygon" for f in body["features"])
    assert body["refreshed_at"]
    communes = client_for("tinh").get("/api/province/investment-distribution/?level=commune&year=2026&sector=transport&source=district_budget").json()
    assert len(communes["features"]) > 100 and communes["level"] == "commune"
    export = client_for("tinh").get("/api/province/investment-distribution.geojson?level=commune")
    assert "attachment" in export["Content-Disposition"] and export.json()["type"] == "FeatureCollection"


def test_distribution_of_one_province(client_for, data):
    from geo.models import AdministrativeUnit

    tinh = client_for("tinh")
    districts = tinh.get("/api/province/investment-distribution/?province=27").json()
    communes = tinh.get("/api/province/investment-distribution/?province=27&level=commune&page_size=5000").json()
    assert len(districts["features"]) == 8 and len(communes["features"]) == 121
    # Another province (a unit with no district tenants here) has nothing to show, not Bắc Ninh's figures.
    AdministrativeUnit.objects.create(code="98", name="Tỉnh Khác", level="province", geom=AdministrativeUnit.objects.get(code="27").geom)
    other = tinh.get("/api/province/investment-distribution/?province=98&level=commune").json()
    assert other["features"] == [] and other["count"] == 0
    assert tinh.get("/api/province/investment-distribution.png?province=98").status_code == 200


@pytest.mark.parametrize("query, field", [
    ("level=village", "level"), ("measure=gdp", "measure"), ("year=abc", "year"), ("year=3000", "year"),
    ("sector=roads", "sector"), ("source=lottery", "source"), ("province=99", "province"), ("province=258", "province"),
])
def test_bad_distribution_parameters_are_400_naming_the_field(client_for, query, field):
    response = client_for("tinh").get(f"/api/province/investment-distribution/?{query}")
    assert response.status_code == 400 and field in response.json()


@pytest.mark.parametrize("query", ["", "units=258", "units=258,258", "units=258,99999", "units=258,09193", "units=258,259&year=x", "units=01,258"])
def test_bad_compare_parameters_are_400(client_for, query):
    response = client_for("tinh").get(f"/api/province/compare/?{query}")
    assert response.status_code == 400


def test_plan_compliance_of_one_province(client_for):
    from geo.models import AdministrativeUnit

    tinh = client_for("tinh")
    body = tinh.get("/api/province/plan-compliance/?year=2027&province=27").json()
    assert len(body["communes"]) == 121 and len(body["districts"]) == 8 and body["province"] == "27"
    AdministrativeUnit.objects.create(code="98", name="Tỉnh Khác", level="province", geom=AdministrativeUnit.objects.get(code="27").geom)
    other = tinh.get("/api/province/plan-compliance/?year=2027&province=98").json()
    assert other["communes"] == [] and other["districts"] == []
    assert tinh.get("/api/province/plan-compliance/?year=2027&province=258").status_code == 400


def test_bad_compliance_year_is_400(client_for):
    assert client_for("tinh").get("/api/province/plan-compliance/").status_code == 400
    assert client_for("tinh").get("/api/province/plan-compliance/?year=twenty").status_code == 400


def test_compare_two_districts_side_by_side_and_as_excel(client_for, data):
    body = client_for("tinh").get("/api/province/compare/?units=258,259").json()
    yp, qv = body["units"]
    assert (yp["code"], qv["code"]) == ("258", "259")
    assert yp["by_sector"]["transport"] >= 3_000_000_000
    assert sum(yp["by_source"].values()) == yp["total_investment"]
    assert yp["project_count"] >= 1 and yp["per_resident"] == round(yp["total_investment"] / 192674) and yp["per_km2"] > 0
    assert yp["village_proposals"] > 0 and yp["village_funded_share"] is not None  # the demo's village proposals
    communes = client_for("tinh").get("/api/province/compare/?units=09193,09217").json()["units"]
    assert [c["district"] for c in communes] == ["258", "258"]
    response = client_for("tinh").get("/api/province/compare.xlsx?units=258,259")
    sheet = load_workbook(BytesIO(response.content)).active
    header = [c.value for c in sheet[3]]
    assert header[1].endswith("(258)") and header[2].endswith("(259)")
    assert sheet.cell(4, 2).value == yp["total_investment"]


def test_equity_gives_the_lorenz_curve_gini_and_the_communes_far_below_the_median(client_for, data):
    body = client_for("tinh").get("/api/province/equity/").json()
    assert body["basis"] == "per_resident"  # every commune has its 2019 census population
    assert body["population_years"] == [2019] and "2019" in body["population_sources"][0]
    assert body["lorenz"][0] == [0.0, 0.0] and body["lorenz"][-1] == [1.0, 1.0]
    assert 0 < body["gini"] <= 1
    assert all(c["value"] < 0.5 * body["median"] for c in body["far_below"])


def test_gini_of_an_even_and_of_a_concentrated_spread():
    even = [{"amount": 10, "weight": 1}, {"amount": 20, "weight": 2}, {"amount": 30, "weight": 3}]
    assert lorenz_and_gini(even)[1] == 0
    one = [{"amount": 0, "weight": 1}] * 3 + [{"amount": 100, "weight": 1}]
    points, gini = lorenz_and_gini(one)
    assert gini == pytest.approx(0.75) and points[-2] == [0.75, 0.0]
    assert lorenz_and_gini([{"amount": 0, "weight": 1}]) == ([[0.0, 0.0], [1.0, 1.0]], None)


def test_plan_compliance_lists_every_commune_with_its_step(client_for, district):
    from accounts.models import User
    from geo.models import AdministrativeUnit
    from plans.services import cycle_create

    connection.set_tenant(district("yen-phong"))
    cycle_create(actor=User.objects.get(username="xa.09193"), commune=AdministrativeUnit.objects.get(code="09193"), plan_year=2031)
    connection.set_schema_to_public()
    body = client_for("tinh").get("/api/province/plan-compliance/?year=2031").json()
    rows = {r["code"]: r for r in body["communes"]}
    assert len(rows) == 121
    assert rows["09193"]["step"] == "team" and rows["09217"]["step"] == "not_opened"
    assert [d["cycles"] for d in body["districts"] if d["code"] == "258"] == [1]


def test_the_openapi_document_lists_the_province_routes(client_for):
    paths = client_for(None).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()["paths"]
    for route in ("/api/province/investment-distribution/", "/api/province/compare/", "/api/province/plan-compliance/", "/api/province/equity/"):
        assert route in paths

"""The province's all-projects map: province.ProjectPoint follows the districts' writes, clusters at province zoom, points closer in."""
from datetime import date

import pytest
from django.db import connection

from investment import services
from investment.models import InvestmentProject
from province.models import ProjectPoint
from province.services import rollup_rebuild
from tests.investment.factories import CHO, DONG_TIEN, QUE_VO, district_user, make_plan, make_project, point

pytestmark = pytest.mark.django_db

API = "/api/province/projects/"


@pytest.fixture
def clean_rollup(district):
    connection.set_schema_to_public()
    rollup_rebuild()
    return district


def district_projects():
    """{(district code, project id): (code, total, status)} straight from every district's schema."""
    from tenants.models import District

    out = {}
    for d in District.objects.exclude(schema_name="public").select_related("unit"):
        connection.set_tenant(d)
        for p in InvestmentProject.objects.all():
            out[(d.unit.code, p.pk)] = (p.code, p.total_investment, p.status)
    connection.set_schema_to_public()
    return out


def stored_points():
    connection.set_schema_to_public()
    return {(p.district_code, p.project_id): (p.code, p.total_investment, p.status) for p in ProjectPoint.objects.all()}


def all_points(client, **params):
    """Every page of the points mode (zoom 14)."""
    query = "&".join(f"{k}={v}" for k, v in {"zoom": 14, "page_size": 2, **params}.items())
    url, features, count = f"{API}?{query}", [], None
    while url:
        body = client.get(url).json()
        assert body["mode"] == "points"
        count = body["count"]
        features += body["features"]
        url = body["next"]
    assert len(features) == count
    return features


def test_points_equal_the_districts_projects_and_follow_a_write(clean_rollup, client_for):
    yp, qv = clean_rollup("yen-phong"), clean_rollup("que-vo")
    plan = make_plan(yp, approve=True)
    road = make_project(yp, code="M-1", plan=plan, total=3_000_000_001)
    make_project(yp, code="M-2", geometry=point(CHO), total=1_200_000_000, sector="education")
    make_project(qv, code="M-3", geometry=point(QUE_VO), total=5_000_000_000, sector="irrigation")
    assert stored_points() == district_projects() and len(stored_points()) >= 3

    tinh = client_for("tinh")
    features = {f["properties"]["code"]: f for f in all_points(tinh)}
    m1 = features["M-1"]["properties"]
    assert m1["district"] == yp.unit.code and m1["communes"] == ["09193", "09217"] and m1["total_investment"] == 3_000_000_001
    assert m1["planned"] == m1["allocated"] == 1_000_000_000 + 500_000_000  # half of each source, in the approved plan
    assert m1["status"] == "proposed" and m1["sources"] == ["commune_budget", "district_budget"]
    assert features["M-3"]["properties"]["district_name"] == qv.unit.name
    # The road's point lies on the road, between its two ends.
    lon, lat = features["M-1"]["geometry"]["coordinates"]
    assert CHO[0] <= lon <= DONG_TIEN[0] and CHO[1] <= lat <= DONG_TIEN[1]

    # A write in the district: new total, moved to one commune, approved, money paid. The point follows.
    connection.set_tenant(yp)
    actor = district_user()
    services.project_update(
        district=yp, project=road, actor=actor, total_investment=2_400_000_000, communes=["09217"],
        sources=[{"source": "district_budget", "amount": 2_400_000_000}],
        allocations=[{"plan": plan, "year": 2026, "source": "district_budget", "amount": 800_000_000}], reason="Điều chỉnh",
    )
    services.project_transition(project=road, actor=actor, action="prepare")
    services.project_transition(project=road, actor=actor, action="approve", decision_number="3/QĐ", decision_date=date(2026, 2, 1))
    services.disbursement_record(project=road, actor=actor, paid_on=date(2026, 5, 1), amount=300_000_000, physical_progress=40)
    assert stored_points() == district_projects()
    m1 = {f["properties"]["code"]: f["properties"] for f in all_points(tinh)}["M-1"]
    assert (m1["total_investment"], m1["allocated"], m1["disbursed"], m1["physical_progress"]) == (2_400_000_000, 800_000_000, 300_000_000, 40)
    assert m1["communes"] == ["09217"] and m1["commune"] == "09217" and m1["status"] == "approved"
    # Filters: status, sector, source, year.
    assert [f["properties"]["code"] for f in all_points(tinh, status="approved")] == ["M-1"]
    assert [f["properties"]["code"] for f in all_points(tinh, sector="education")] == ["M-2"]
    assert "M-2" not in {f["properties"]["code"] for f in all_points(tinh, source="district_budget", status="approved")}
    assert all_points(tinh, year=2031) == []
    # Incremental refreshes leave the same points as a rebuild from the schemas.
    before = {(p.district_code, p.project_id): (p.communes, p.planned, p.allocated, p.disbursed, p.geom.wkt)
              for p in ProjectPoint.objects.all()}
    rollup_rebuild()
    after = {(p.district_code, p.project_id): (p.communes, p.planned, p.allocated, p.disbursed, p.geom.wkt)
             for p in ProjectPoint.objects.all()}
    assert after == before


def test_clusters_at_province_zoom_count_every_project(clean_rollup, client_for):
    yp, qv = clean_rollup("yen-phong"), clean_rollup("que-vo")
    for i, lonlat in enumerate([CHO, DONG_TIEN, CHO]):
        make_project(yp, code=f"K-{i}", geometry=point(lonlat), total=1_000_000_000 * (i + 1), sector="education" if i else "transport")
    make_project(qv, code="K-Q", geometry=point(QUE_VO), total=7_000_000_000)
    projects = district_projects()
    tinh = client_for("tinh")
    body = tinh.get(f"{API}?zoom=9").json()
    assert body["mode"] == "clusters" and body["type"] == "FeatureCollection"
    assert all(f["properties"]["cluster"] and f["geometry"]["type"] == "Point" for f in body["features"])
    assert sum(f["properties"]["count"] for f in body["features"]) == body["count"] == len(projects)
    assert sum(f["properties"]["total_investment"] for f in body["features"]) == sum(v[1] for v in projects.values())
    assert len(body["features"]) < len(projects) or len(projects) <= 1  # Chờ and Đông Tiến share a cell at zoom 9
    # At zoom 1 everything in Bắc Ninh is one cluster; filters apply to clusters too.
    one = tinh.get(f"{API}?zoom=1").json()["features"]
    assert len(one) == 1 and one[0]["properties"]["count"] == len(projects)
    education = tinh.get(f"{API}?zoom=9&sector=education").json()
    assert education["count"] == sum(1 for k in ("K-1", "K-2")) and sum(f["properties"]["count"] for f in education["features"]) == 2
    # A bbox around Quế Võ only.
    qv_only = tinh.get(f"{API}?zoom=9&bbox=106.15,21.10,106.25,21.20").json()
    assert qv_only["count"] == 1 and qv_only["features"][0]["properties"]["total_investment"] == 7_000_000_000


@pytest.mark.parametrize("username, status", [
    ("tinh", 200), ("admin", 200), ("huyen.yen-phong", 403), ("xa.09193", 403), ("thon.09193-01", 403), (None, 401),
])
def test_only_province_staff_see_the_projects_map(clean_rollup, client_for, username, status):
    make_project(clean_rollup("que-vo"), code="SECRET-QV", geometry=point(QUE_VO), total=7_777_000_000)
    for zoom in (8, 14):
        response = client_for(username).get(f"{API}?zoom={zoom}")
        assert response.status_code == status
        if status != 200:
            assert b"SECRET-QV" not in response.content and b"7777000000" not in response.content


@pytest.mark.parametrize("query, field", [
    ("zoom=abc", "zoom"), ("zoom=23", "zoom"), ("zoom=-1", "zoom"), ("zoom=1.5", "zoom"),
    ("bbox=1,2,3", "bbox"), ("bbox=10,10,5,5", "bbox"), ("bbox=a,b,c,d", "bbox"), ("bbox=0,0,200,10", "bbox"),
    ("zoom=14&page=0", "page"), ("zoom=14&page_size=9999", "page_size"), ("status=finished", "status"), ("year=abc", "year"),
    ("sector=roads", "sector"), ("source=bank", "source"),
])
def test_bad_parameters_are_a_400_naming_the_field(client_for, query, field):
    response = client_for("tinh").get(f"{API}?{query}")
    assert response.status_code == 400, response.content
    assert field in response.json()

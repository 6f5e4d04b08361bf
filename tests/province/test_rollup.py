"""The province's investment rollup follows the districts' own data, in the same transaction as each write."""
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.db import connection

from geo.guard import parse_geometry
from investment import services
from investment.models import Allocation, Disbursement, InvestmentProject, ProjectSource
from province.models import InvestmentRollup, RollupRefresh
from province.selectors import investment_distribution
from province.services import rollup_rebuild
from tests.investment.factories import CHO, DONG_TIEN, QUE_VO, district_user, make_plan, make_project, make_proposal, point

pytestmark = pytest.mark.django_db


@pytest.fixture
def clean_rollup(district):
    """Start from a rollup rebuilt from the districts' data (browser tests elsewhere commit and delete rows directly)."""
    connection.set_schema_to_public()
    rollup_rebuild()
    return district


def district_truth(d):
    """Sums straight from one district's schema, through the ORM."""
    connection.set_tenant(d)
    projects = list(InvestmentProject.objects.all())
    truth = {
        "total_investment": sum(p.total_investment for p in projects),
        "planned": sum(a.amount for a in Allocation.objects.all()),
        "allocated": sum(a.amount for a in Allocation.objects.filter(plan__state="approved")),
        "disbursed": sum(x.amount for x in Disbursement.objects.all()),
        "project_count": len(projects),
    }
    connection.set_schema_to_public()
    return truth


def figures(level="district", **kw):
    connection.set_schema_to_public()
    return {f["properties"]["code"]: f["properties"] for f in investment_distribution(level=level, **kw)["features"]}


def test_province_figures_equal_the_sums_over_each_districts_own_data(clean_rollup):
    yp, qv = clean_rollup("yen-phong"), clean_rollup("que-vo")
    plan = make_plan(yp, approve=True)
    draft = make_plan(yp, name="Kế hoạch nháp", start_year=2026)
    make_project(yp, code="R-1", plan=plan, total=3_000_000_001)  # a road over two communes: an odd đồng to split
    make_project(yp, code="R-2", plan=draft, geometry=point(CHO), total=1_200_000_000, sector="education")
    qv_plan = make_plan(qv, approve=True)
    p3 = make_project(qv, code="Q-1", plan=qv_plan, geometry=point(QUE_VO), total=5_000_000_000, sector="irrigation")
    connection.set_tenant(qv)
    services.project_transition(project=p3, actor=district_user("que-vo"), action="prepare")
    services.project_transition(project=p3, actor=district_user("que-vo"), action="approve", decision_number="1/QĐ", decision_date=date(2026, 1, 5))
    services.disbursement_record(project=p3, actor=district_user("que-vo"), paid_on=date(2026, 3, 1), amount=700_000_000, physical_progress=20)

    districts = figures()
    assert len(districts) == 8
    for d in (yp, qv, clean_rollup("tien-du")):
        truth = district_truth(d)
        props = districts[d.unit.code]
        assert {k: props[k] for k in truth} == truth
    assert districts[yp.unit.code]["allocated"] < districts[yp.unit.code]["planned"]  # the draft plan is planned, not allocated
    # Communes add up to their district, the odd đồng included.
    communes = figures(level="commune")
    for d in (yp, qv):
        mine = [p for p in communes.values() if p["district"] == d.unit.code]
        for key in ("total_investment", "planned", "allocated", "disbursed"):
            assert sum(p[key] for p in mine) == districts[d.unit.code][key]
    assert communes["09193"]["project_count"] == 2 and communes["09217"]["project_count"] == 1
    # Per resident from the 2019 census loaded with the units; per km² is a number.
    assert districts[yp.unit.code]["per_resident"] == round(districts[yp.unit.code]["total_investment"] / 192674)
    assert districts[yp.unit.code]["per_km2"] > 0
    # A year and a filter: 2026 allocations of the approved plan, by sector and by source.
    y2026 = figures(year=2026)
    assert y2026[yp.unit.code]["planned"] == district_truth(yp)["planned"]  # every allocation was made for 2026
    assert figures(sector="education")[yp.unit.code]["total_investment"] == 1_200_000_000
    by_source = figures(source="district_budget")[yp.unit.code]
    connection.set_tenant(yp)
    assert by_source["total_investment"] == sum(s.amount for s in ProjectSource.objects.filter(source="district_budget"))


def test_a_change_to_a_project_is_followed_in_the_same_transaction(clean_rollup):
    yp = clean_rollup("yen-phong")
    before = figures()[yp.unit.code]
    plan = make_plan(yp, approve=True)
    project = make_project(yp, code="F-1", plan=plan, total=2_000_000_000, geometry=point(CHO))
    after_create = figures()[yp.unit.code]
    assert after_create["total_investment"] == before["total_investment"] + 2_000_000_000
    assert after_create["project_count"] == before["project_count"] + 1
    connection.set_tenant(yp)
    services.project_update(
        district=yp, project=project, actor=district_user(), total_investment=2_600_000_000,
        sources=[{"source": "district_budget", "amount": 2_600_000_000}],
        allocations=[{"plan": plan, "year": 2027, "source": "district_budget", "amount": 900_000_000}],
        communes=["09217"], reason="Điều chỉnh quy mô",
    )
    after = figures()
    assert after[yp.unit.code]["total_investment"] == before["total_investment"] + 2_600_000_000
    communes = figures(level="commune")
    assert communes["09217"]["total_investment"] >= 2_600_000_000
    assert figures(level="commune", year=2027)["09217"]["allocated"] >= 900_000_000
    connection.set_schema_to_public()
    assert RollupRefresh.objects.get(district_code=yp.unit.code).refreshed_at is not None


def test_a_project_deleted_without_the_services_leaves_the_province_figures(clean_rollup):
    """A queryset's delete (a cleanup, a shell) announces nothing: the project's post_delete refreshes the district
    (before, its 3 bn stayed in the province's figures of every later test: tests/frontend/test_xss.py's cleanup)."""
    yp = clean_rollup("yen-phong")
    before = figures()[yp.unit.code]
    communes_before = {code: f["total_investment"] for code, f in figures(level="commune").items()}
    project = make_project(yp, code="GONE-1", total=3_000_000_000, geometry=point(CHO))
    assert figures()[yp.unit.code]["total_investment"] == before["total_investment"] + 3_000_000_000
    connection.set_tenant(yp)
    InvestmentProject.objects.filter(pk=project.pk).delete()
    assert figures()[yp.unit.code]["total_investment"] == before["total_investment"]
    assert {code: f["total_investment"] for code, f in figures(level="commune").items()} == communes_before
    assert district_truth(yp)["total_investment"] == before["total_investment"]


def test_a_refused_write_leaves_the_province_figures_as_they_were(clean_rollup):
    yp = clean_rollup("yen-phong")
    plan = make_plan(yp, approve=True)
    project = make_project(yp, code="F-2", plan=plan, total=1_000_000_000, geometry=point(CHO))
    rows_before = sorted(InvestmentRollup.objects.filter(district_code=yp.unit.code).values_list(
        "commune_code", "year", "sector", "source", "total_investment", "planned", "allocated", "disbursed"), key=str)
    connection.set_tenant(yp)
    with pytest.raises(ValidationError):
        services.project_update(district=yp, project=project, actor=district_user(), total_investment=9_000_000_000)  # sources no longer add up
    connection.set_schema_to_public()
    rows_after = sorted(InvestmentRollup.objects.filter(district_code=yp.unit.code).values_list(
        "commune_code", "year", "sector", "source", "total_investment", "planned", "allocated", "disbursed"), key=str)
    assert rows_after == rows_before


def test_village_proposals_answered_by_a_project_are_counted(clean_rollup):
    yp = clean_rollup("yen-phong")
    answered = make_proposal(yp, title="Đường thôn được đầu tư")
    make_proposal(yp, title="Nhà văn hóa chưa có vốn")
    make_project(yp, code="V-1", geometry=point(CHO), proposals=[answered.pk])
    connection.set_schema_to_public()
    row = InvestmentRollup.objects.filter(district_code=yp.unit.code, commune_code="09193", year=None, source="")
    assert sum(r.village_proposals for r in row) >= 2
    assert sum(r.village_proposals_funded for r in row) >= 1


def test_rebuild_command_recomputes_a_district_from_its_schema(clean_rollup, capsys):
    yp = clean_rollup("yen-phong")
    make_project(yp, code="C-1", geometry=point(DONG_TIEN), total=4_000_000_000)
    connection.set_schema_to_public()
    good = figures()[yp.unit.code]
    InvestmentRollup.objects.filter(district_code=yp.unit.code).delete()
    assert figures()[yp.unit.code]["total_investment"] == 0
    call_command("rollup_rebuild", "yen-phong")
    assert "1 district" in capsys.readouterr().out
    assert {k: v for k, v in figures()[yp.unit.code].items() if k != "refreshed_at"} == {k: v for k, v in good.items() if k != "refreshed_at"}
    with pytest.raises(CommandError, match="no such district: no-such-district"):
        call_command("rollup_rebuild", "no-such-district")


def _rows(code):
    return sorted(
        InvestmentRollup.objects.filter(district_code=code).exclude(project_count=0, village_proposals=0).values_list(
            "commune_code", "year", "sector", "source", "total_investment", "planned", "allocated", "disbursed", "project_count",
            "progress_weight", "village_proposals", "village_proposals_funded"),
        key=str,
    )


def test_refreshing_only_the_communes_touched_gives_the_same_rows_as_a_full_rebuild(clean_rollup):
    yp = clean_rollup("yen-phong")
    plan = make_plan(yp, approve=True)
    road = make_project(yp, code="P-1", plan=plan, total=3_000_000_002)
    school = make_project(yp, code="P-2", plan=plan, geometry=point(CHO), total=900_000_000, sector="education")
    connection.set_tenant(yp)
    services.project_update(district=yp, project=road, actor=district_user(), communes=["09193", "09217", "09196"])
    services.project_transition(project=school, actor=district_user(), action="prepare")
    services.project_transition(project=school, actor=district_user(), action="approve", decision_number="2/QĐ", decision_date=date(2026, 2, 1))
    services.disbursement_record(project=school, actor=district_user(), paid_on=date(2027, 1, 9), amount=300_000_000, physical_progress=35)
    services.project_update(district=yp, project=school, actor=district_user(), geom=parse_geometry(point(DONG_TIEN)), communes=["09217"])
    connection.set_schema_to_public()
    incremental = _rows(yp.unit.code)
    rollup_rebuild()
    assert _rows(yp.unit.code) == incremental
    district_row = figures()[yp.unit.code]
    assert district_row["project_count"] == district_truth(yp)["project_count"]

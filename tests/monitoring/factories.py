"""Builders for monitoring tests: an approved commune plan (as the plan cycle leaves it) in a district schema."""
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from accounts.models import User
from geo.guard import parse_geometry
from geo.models import AdministrativeUnit
from plans.models import CommunePlan, PlanCycle, PlanItem, PlanKind, PlanStatus, SocioEconomicTarget
from tests.investment.factories import CHO, make_plan, make_project, point

COMMUNE = "09193"
VILLAGES = ["09193-01", "09193-02"]


def approved_plan(district, *, commune=COMMUNE, plan_year=None, status=PlanStatus.APPROVED):
    """A final commune plan version with two targets and two items (one work at a place inside the commune)."""
    connection.set_tenant(district)
    plan_year = plan_year or timezone.localdate().year
    unit = AdministrativeUnit.objects.get(code=commune)
    team = User.objects.get(username=f"xa.{commune}")
    cycle = PlanCycle.objects.create(commune=unit, plan_year=plan_year, step="published", created_by=team)
    plan = CommunePlan.objects.create(cycle=cycle, number=3, kind=PlanKind.FINAL, status=status, created_by=team, approved_at=timezone.now())
    SocioEconomicTarget.objects.create(plan=plan, indicator="Thu nhập bình quân đầu người", unit="triệu đồng", current_estimate=Decimal("60"),
                                       next_target=Decimal("66"), order=0)
    SocioEconomicTarget.objects.create(plan=plan, indicator="Tỷ lệ hộ nghèo", unit="%", current_estimate=Decimal("2.5"), next_target=Decimal("2"), order=1)
    geom = parse_geometry(point(CHO)) if commune == COMMUNE else unit.geom.point_on_surface
    PlanItem.objects.create(plan=plan, kind="work", title="Bê tông hóa đường thôn Đông", sector="transport", geom=geom,
                            estimated_cost=1_200_000_000, responsible_unit="Ban QLDA xã", order=0)
    PlanItem.objects.create(plan=plan, kind="activity", title="Tập huấn kỹ thuật trồng lúa", sector="agriculture", order=1)
    return plan


def project_in_commune(district, *, code="DA-ME-1", total=3_000_000_000):
    """An investment project under construction serving the commune (disbursements need an approved project)."""
    from investment import services

    plan = make_plan(district, name=f"Kế hoạch ĐTC {code}")
    project = make_project(district, code=code, plan=plan, geometry=point(CHO), total=total, communes=[COMMUNE])
    actor = User.objects.get(username=f"huyen.{district.slug}")
    services.project_transition(project=project, actor=actor, action="prepare")
    from datetime import date

    services.project_transition(project=project, actor=actor, action="approve", decision_number="1/QĐ", decision_date=date(2026, 1, 5))
    services.project_transition(project=project, actor=actor, action="start")
    project.refresh_from_db()
    return project


def me_plan_with_report(district, *, plan_year=None):
    """An approved M&E plan with an accepted first-quarter commune report (values, progress) and a supervision finding."""
    from monitoring import services

    plan = approved_plan(district, plan_year=plan_year)
    team = User.objects.get(username=f"xa.{COMMUNE}")
    me_plan = services.me_plan_create(actor=team, plan=plan)
    services.me_plan_update(actor=team, me_plan=me_plan,
                            indicators=[{"id": i.pk, "responsible": "Văn phòng - Thống kê"} for i in me_plan.indicators.all()],
                            activities=[{"id": a.pk, "responsible": "Ban QLDA xã"} for a in me_plan.activities.all()])
    me_plan = services.me_plan_approve(actor=team, me_plan=me_plan, decision_number="45/QĐ-UBND")
    q1 = next(p for p in services.periods_ensure(year=me_plan.year) if p.kind == "quarter" and p.number == 1)
    officer = User.objects.get(username=f"thongke.{COMMUNE}")  # the commune report is the statistics officer's (Đ10.2b)
    report = services.report_create(actor=officer, me_plan=me_plan, period=q1)
    income, poverty = me_plan.indicators.all()
    road, training = me_plan.activities.all()
    services.report_update(actor=officer, report=report, indicator_values=[{"indicator": income.pk, "value": "62.5"}],
                           activity_progress=[{"activity": road.pk, "share_done": 70}, {"activity": training.pk, "share_done": 20}])
    services.report_submit(actor=officer, report=report)
    services.report_accept(actor=User.objects.get(username=f"huyen.{district.slug}"), report=report)
    services.finding_record(actor=team, activity=road, board="Ban giám sát đầu tư cộng đồng", found_on=q1.ends_on,
                            finding="Rãnh thoát nước chưa làm", location=road.geom)
    return me_plan

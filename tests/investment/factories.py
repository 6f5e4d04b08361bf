"""Builders for investment tests: plans, projects and proposals written through the services, in a district schema."""
from django.db import connection

from accounts.models import User
from geo.guard import parse_geometry
from geo.models import AdministrativeUnit
from investment import services
from proposals.models import Proposal

# Points inside Yên Phong's communes (from their boundaries), and one in Quế Võ.
CHO = [105.9481, 21.1992]  # Thị trấn Chờ, 09193
DONG_TIEN = [105.9707, 21.2135]  # Xã Đông Tiến, 09217
DUNG_LIET = [106.0012, 21.2458]  # Xã Dũng Liệt, 09196
QUE_VO = [106.1998, 21.1433]
ROAD = {"type": "LineString", "coordinates": [CHO, DONG_TIEN]}


def point(lonlat):
    return {"type": "Point", "coordinates": list(lonlat)}


def in_district(district):
    connection.set_tenant(district)
    return district


def district_user(slug="yen-phong"):
    return User.objects.get(username=f"huyen.{slug}")


def make_plan(district, *, kind="medium_term", start_year=2026, name=None, approve=False):
    in_district(district)
    actor = district_user(district.slug)
    plan = services.plan_create(actor=actor, kind=kind, name=name or f"Kế hoạch {kind} {start_year}", start_year=start_year)
    if approve:
        services.plan_transition(plan=plan, actor=actor, action="submit")
        services.plan_transition(plan=plan, actor=actor, action="approve", decision_number="12/QĐ-UBND", decision_date=__import__("datetime").date(2025, 12, 20))
    return plan


def make_project(district, *, code="DA-01", plan=None, geometry=None, total=3_000_000_000, sector="transport", communes=None,
                 sources=None, allocations=None, proposals=()):
    in_district(district)
    sources = sources if sources is not None else [
        {"source": "district_budget", "amount": total * 2 // 3}, {"source": "commune_budget", "amount": total - total * 2 // 3}]
    if allocations is None:
        allocations = [{"plan": plan, "year": plan.start_year, "source": s["source"], "amount": s["amount"] // 2} for s in sources] if plan else []
    return services.project_create(
        district=district, actor=district_user(district.slug), code=code, name=f"Đường giao thông {code}", investor="UBND huyện",
        sector=sector, geom=parse_geometry(geometry or ROAD), total_investment=total, start_year=2026, end_year=2027,
        sources=sources, allocations=allocations, communes=communes, proposals=list(proposals),
    )


def make_proposal(district, *, commune="09193", title="Bê tông hóa đường thôn", lonlat=CHO):
    in_district(district)
    unit = AdministrativeUnit.objects.get(code=commune)
    return Proposal.objects.create(
        commune=unit, source_kind="village", plan_year=2026, title=title, sector="transport", estimated_cost=800_000_000,
        geom=parse_geometry(point(lonlat)), created_by=User.objects.get(username=f"xa.{commune}") if User.objects.filter(username=f"xa.{commune}").exists() else district_user(district.slug),
        status="accepted",
    )


def make_draft_item(district, *, commune="09193", plan_year=2027, title="Cứng hóa đường trục thôn", lonlat=CHO, cost=1_200_000_000,
                    status="working", number=1, proposals=(), kind="work", geometry=True, funding=None):
    """A work in a commune's plan version, written straight to the tables: the plan-cycle rules have their own tests."""
    from plans.models import CommunePlan, PlanCycle, PlanItem

    in_district(district)
    unit = AdministrativeUnit.objects.get(code=commune)
    actor = User.objects.get(username=f"xa.{commune}")
    cycle, _ = PlanCycle.objects.get_or_create(commune=unit, plan_year=plan_year, defaults={"step": "draft", "created_by": actor})
    plan, _ = CommunePlan.objects.get_or_create(
        cycle=cycle, number=number, defaults={"kind": "v1" if number == 1 else "revised", "status": status, "created_by": actor})
    item = PlanItem.objects.create(
        plan=plan, kind=kind, title=title, sector="transport", estimated_cost=cost, funding=funding or {"commune_budget": cost // 2},
        geom=parse_geometry(point(lonlat)) if geometry else None,
    )
    item.proposals.set(list(proposals))
    return item


def make_orientation(district, *, plan_year=2026, envelopes=(), publish=True):
    """Step 2 of the plan cycle: the district's orientation with envelopes [(commune, sector, source, VND)]."""
    from plans import services as plan_services

    in_district(district)
    actor = district_user(district.slug)
    orientation = plan_services.orientation_create(
        actor=actor, district_unit=district.unit, plan_year=plan_year, title=f"Định hướng {plan_year}",
        envelopes=[{"commune": c, "sector": s, "capital_source": src, "amount": a} for c, s, src, a in envelopes],
    )
    if publish:
        plan_services.orientation_publish(actor=actor, orientation=orientation)
    return orientation

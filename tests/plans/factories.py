"""Small builders for plan tests: they write in the district schema of the given tenant."""
from datetime import date

from django_tenants.utils import tenant_context

from accounts.models import User
from geo.models import AdministrativeUnit
from proposals.models import Proposal, ProposalStatus

TEAM = [
    {"full_name": "Nguyễn Văn An", "position": "Chủ tịch UBND xã", "is_leader": True, "is_commune_chairman": True},
    {"full_name": "Trần Thị Bình", "position": "Phó Chủ tịch UBND xã", "represents": "UBND xã"},
    {"full_name": "Lê Văn Cường", "position": "Công chức Tài chính - Kế toán", "represents": "Tài chính - Kế toán"},
    {"full_name": "Phạm Thị Dung", "position": "Chủ tịch Hội Phụ nữ", "represents": "Hội Liên hiệp Phụ nữ"},
    {"full_name": "Hoàng Văn Em", "position": "Bí thư Đoàn", "represents": "Đoàn Thanh niên"},
]


def inside_point(commune_code):
    """A point inside the commune, as GeoJSON and as GEOS."""
    geom = AdministrativeUnit.objects.get(code=commune_code).geom.point_on_surface
    return {"type": "Point", "coordinates": [geom.x, geom.y]}, geom


def accepted_proposal(district, *, commune_code="09193", plan_year=2027, title="Đường trục thôn Đông", cost=1_500_000_000):
    """An accepted proposal of the commune with a point inside it, as the planning team of issue 3 leaves it."""
    commune = AdministrativeUnit.objects.get(code=commune_code)
    _, geom = inside_point(commune_code)
    with tenant_context(district):
        return Proposal.objects.create(
            commune=commune, source_kind="village", plan_year=plan_year, title=title, sector="transport", estimated_cost=cost,
            commune_budget=500_000_000, residents_cash=100_000_000, geom=geom, status=ProposalStatus.ACCEPTED,
            created_by=User.objects.get(username=f"xa.{commune_code}"), commune_rank=1,
        )


def today_plus(days):
    from datetime import timedelta

    from django.utils import timezone

    return timezone.localdate() + timedelta(days=days)


def iso(d: date):
    return d.isoformat()


def remove_plan_year(year):
    """Delete, through a connection of its own, every row of Yên Phong's cycles and orientations of `year`, and their rows
    in the province's rollup: for tests that commit through a live server (their plan year is used by no other test)."""
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    assert db["NAME"].startswith("test"), db["NAME"]
    cycles = "SELECT id FROM d258.plans_plancycle WHERE plan_year = %s"
    plans = f"SELECT id FROM d258.plans_communeplan WHERE cycle_id IN ({cycles})"
    items = f"SELECT id FROM d258.plans_planitem WHERE plan_id IN ({plans})"
    orientations = "SELECT id FROM d258.plans_orientation WHERE plan_year = %s"
    with psycopg.connect(dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"]) as conn:
        for table in ("plans_districtfeedback", "plans_publiccomment"):
            conn.execute(f"DELETE FROM d258.{table} WHERE plan_id IN ({plans})", [year])
        conn.execute(f"DELETE FROM d258.plans_planitem_proposals WHERE planitem_id IN ({items})", [year])
        for table in ("plans_planitem", "plans_socioeconomictarget", "plans_planevent"):
            conn.execute(f"DELETE FROM d258.{table} WHERE plan_id IN ({plans})", [year])
        conn.execute(f"DELETE FROM d258.plans_communeplan WHERE cycle_id IN ({cycles})", [year])
        conn.execute(f"DELETE FROM d258.plans_teammember WHERE team_id IN (SELECT id FROM d258.plans_planningteam WHERE cycle_id IN ({cycles}))", [year])
        for table in ("plans_planningteam", "plans_cycletransition", "plans_stepevidence", "plans_conference"):
            conn.execute(f"DELETE FROM d258.{table} WHERE cycle_id IN ({cycles})", [year])
        conn.execute("DELETE FROM d258.plans_plancycle WHERE plan_year = %s", [year])
        for table in ("plans_resourceenvelope", "plans_orientationdocument"):
            conn.execute(f"DELETE FROM d258.{table} WHERE orientation_id IN ({orientations})", [year])
        conn.execute("DELETE FROM d258.plans_orientation WHERE plan_year = %s", [year])
        # The province's copy of the cycles (province.CycleRollup) follows the services, not raw deletes.
        conn.execute("DELETE FROM public.province_cyclerollup WHERE schema_name = 'd258' AND plan_year = %s", [year])


def proposals_decided(district, *, commune_code="09193", plan_year=2027):
    """Defer the commune's undecided proposals of the plan year (the demo's village proposals), as the team does before it
    closes step 1: step 1 completes only when every proposal of the plan year is decided (Đ5.1)."""
    with tenant_context(district):
        return Proposal.objects.filter(commune__code=commune_code, plan_year=plan_year, status=ProposalStatus.SUBMITTED).update(
            status=ProposalStatus.DEFERRED)

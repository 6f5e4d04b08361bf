"""Fixtures of the GIS tests (tests/geo)."""
import pytest
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection

from accounts.models import User
from geo.models import AdministrativeUnit


@pytest.fixture
def plan_works(district):
    """Nine located works of a Chờ draft plan (ids far from 1…9, so a renumbered file shows)."""
    from plans.models import CommunePlan, PlanCycle, PlanItem

    connection.set_tenant(district("yen-phong"))
    cho = AdministrativeUnit.objects.get(code="09193")
    author = User.objects.get(username="xa.09193")
    cycle = PlanCycle.objects.create(commune=cho, plan_year=2031, created_by=author)
    plan = CommunePlan.objects.create(cycle=cycle, number=1, kind="draft", created_by=author)
    x, y = cho.geom.point_on_surface.coords
    shapes = [f"POINT({x} {y})", f"LINESTRING({x} {y}, {x + 0.002} {y + 0.001})",
              f"POLYGON(({x} {y}, {x + 0.001} {y}, {x + 0.001} {y + 0.001}, {x} {y}))"]
    for i in range(9):
        PlanItem.objects.create(id=21 + i, plan=plan, title=f"Công trình thôn Đông số {i}", sector="transport", order=i,
                                geom=GEOSGeometry(shapes[i % 3], srid=4326), estimated_cost=3_000_000_000 + i)
    connection.set_schema_to_public()
    return plan

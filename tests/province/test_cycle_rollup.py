"""The province's copy of the plan cycles follows every write to a district's cycles, whatever makes it."""
import pytest
from django.db import connection

from accounts.models import User
from geo.models import AdministrativeUnit
from plans.models import PlanCycle
from province.models import CycleRollup

pytestmark = pytest.mark.django_db


def in_schemas():
    """The cycles as the district schemas hold them, read the slow way (a UNION over the schemas)."""
    from tenants.models import District

    rows = set()
    for district in District.objects.exclude(schema_name="public"):
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT %s, commune_id, plan_year, step FROM "{district.schema_name}".plans_plancycle', [district.schema_name])
            rows |= set(cursor.fetchall())
    return rows


def in_rollup():
    return set(CycleRollup.objects.values_list("schema_name", "commune_id", "plan_year", "step"))


def test_the_rollup_follows_creates_steps_and_deletes(district):
    actor = User.objects.get(username="xa.09193")
    connection.set_tenant(district("yen-phong"))
    cho = AdministrativeUnit.objects.get(code="09193")
    cycle = PlanCycle.objects.create(commune=cho, plan_year=2032, created_by=actor)  # not through a service
    PlanCycle.objects.bulk_create([
        PlanCycle(commune=AdministrativeUnit.objects.get(code=code), plan_year=2032, created_by=actor) for code in ("09196", "09199")
    ])
    PlanCycle.objects.filter(pk=cycle.pk).update(step="draft")
    PlanCycle.objects.filter(commune__code="09199", plan_year=2032).delete()
    connection.set_tenant(district("que-vo"))
    PlanCycle.objects.create(commune=AdministrativeUnit.objects.get(code="09238"), plan_year=2032, created_by=actor, step="approval")
    connection.set_schema_to_public()

    assert in_rollup() == in_schemas()
    assert CycleRollup.objects.get(commune=cho, plan_year=2032).step == "draft"
    assert CycleRollup.objects.get(commune__code="09238", plan_year=2032).schema_name == "d259"
    assert not CycleRollup.objects.filter(commune__code="09199", plan_year=2032).exists()


def test_a_step_completed_through_the_service_reaches_the_province_page(client_for, district):
    from plans.services import cycle_create

    connection.set_tenant(district("yen-phong"))
    cycle_create(actor=User.objects.get(username="xa.09196"), commune=AdministrativeUnit.objects.get(code="09196"), plan_year=2033)
    connection.set_schema_to_public()
    body = client_for("tinh").get("/api/province/plan-compliance/?year=2033").json()
    assert {r["code"]: r["step"] for r in body["communes"]}["09196"] == "team"
    page = client_for("tinh").get("/plans/?plan_year=2033")
    assert page.status_code == 200
    assert [d["cycles"] for d in body["districts"] if d["code"] == "258"] == [1]


def test_a_refused_write_leaves_the_rollup_as_it_was(district):
    from django.db import IntegrityError, transaction

    actor = User.objects.get(username="xa.09193")
    connection.set_tenant(district("yen-phong"))
    cho = AdministrativeUnit.objects.get(code="09193")
    PlanCycle.objects.create(commune=cho, plan_year=2034, created_by=actor)
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanCycle.objects.create(commune=cho, plan_year=2034, created_by=actor)  # one cycle per commune and year
    connection.set_schema_to_public()
    assert list(CycleRollup.objects.filter(commune=cho, plan_year=2034).values_list("step", flat=True)) == ["team"]


def test_truncating_a_districts_cycles_empties_its_rows_only(district):
    actor = User.objects.get(username="xa.09193")
    connection.set_tenant(district("que-vo"))
    PlanCycle.objects.create(commune=AdministrativeUnit.objects.get(code="09238"), plan_year=2037, created_by=actor)
    connection.set_tenant(district("yen-phong"))
    PlanCycle.objects.create(commune=AdministrativeUnit.objects.get(code="09193"), plan_year=2037, created_by=actor)
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the inserts' deferred checks, before a TRUNCATE in the same transaction
        cursor.execute("TRUNCATE plans_plancycle CASCADE")
    connection.set_schema_to_public()
    assert set(CycleRollup.objects.filter(plan_year=2037).values_list("schema_name", flat=True)) == {"d259"}
    assert in_rollup() == in_schemas()

"""The province's copy of the plan cycles follows the plan services' announcements (core.signals.cycle_changed) in
their transaction, like the investment rollup; `rollup_rebuild` catches up with writes nobody announced."""
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection, transaction

from accounts.models import User
from core import signals
from geo.models import AdministrativeUnit
from plans.models import PlanCycle
from plans.services import cycle_create, cycle_step_complete
from province.models import CycleRollup
from tenants.models import District
from tests.plans.factories import TEAM

pytestmark = pytest.mark.django_db


def in_schemas():
    """The cycles as the district schemas hold them, read the slow way (a UNION over the schemas)."""
    rows = set()
    for district in District.objects.exclude(schema_name="public"):
        with connection.cursor() as cursor:
            cursor.execute(f'SELECT %s, commune_id, plan_year, step FROM "{district.schema_name}".plans_plancycle', [district.schema_name])
            rows |= set(cursor.fetchall())
    return rows


def in_rollup():
    return set(CycleRollup.objects.values_list("schema_name", "commune_id", "plan_year", "step"))


def test_cycles_opened_and_moved_on_by_the_services_reach_the_province_in_their_transaction(district, client_for):
    connection.set_tenant(district("yen-phong"))
    cho = AdministrativeUnit.objects.get(code="09193")
    team = User.objects.get(username="xa.09193")
    cycle = cycle_create(actor=team, commune=cho, plan_year=2032)
    assert CycleRollup.objects.get(commune=cho, plan_year=2032).step == "team"
    client_for("xa.09193").put(f"/d/yen-phong/api/plans/cycles/{cycle.pk}/team/", {"members": TEAM}, content_type="application/json")
    connection.set_tenant(district("yen-phong"))
    cycle_step_complete(actor=team, cycle=cycle, step="team")
    row = CycleRollup.objects.get(commune=cho, plan_year=2032)
    assert (row.schema_name, row.step) == ("d258", "proposals")
    connection.set_tenant(district("que-vo"))
    cycle_create(actor=User.objects.get(username="huyen.que-vo"), commune=AdministrativeUnit.objects.get(code="09247"), plan_year=2032)
    connection.set_schema_to_public()
    assert in_rollup() == in_schemas()


def test_a_step_completed_through_the_service_reaches_the_province_page(client_for, district):
    connection.set_tenant(district("yen-phong"))
    cycle_create(actor=User.objects.get(username="xa.09196"), commune=AdministrativeUnit.objects.get(code="09196"), plan_year=2033)
    connection.set_schema_to_public()
    body = client_for("tinh").get("/api/province/plan-compliance/?year=2033").json()
    assert {r["code"]: r["step"] for r in body["communes"]}["09196"] == "team"
    page = client_for("tinh").get("/plans/?plan_year=2033")
    assert page.status_code == 200
    assert [d["cycles"] for d in body["districts"] if d["code"] == "258"] == [1]


def test_a_refused_write_leaves_the_rollup_as_it_was(district):
    actor = User.objects.get(username="xa.09193")
    connection.set_tenant(district("yen-phong"))
    cho = AdministrativeUnit.objects.get(code="09193")
    cycle = cycle_create(actor=actor, commune=cho, plan_year=2034)
    with pytest.raises(ValidationError) as refused:
        cycle_create(actor=actor, commune=cho, plan_year=2034)  # one cycle per commune and year
    assert set(refused.value.message_dict) == {"plan_year"}
    with pytest.raises(ValidationError) as refused:
        cycle_step_complete(actor=actor, cycle=cycle, step="team")  # no team recorded yet
    assert set(refused.value.message_dict) == {"team"}
    connection.set_schema_to_public()
    assert list(CycleRollup.objects.filter(commune=cho, plan_year=2034).values_list("step", flat=True)) == ["team"]


def test_the_cycle_and_its_copy_commit_or_roll_back_together(district):
    """A receiver runs inside the service's transaction: when it fails, the district's cycle is not written either."""
    connection.set_tenant(district("yen-phong"))
    cho = AdministrativeUnit.objects.get(code="09193")

    def broken(sender, **kwargs):
        raise RuntimeError("the province could not keep its copy")

    signals.cycle_changed.connect(broken, dispatch_uid="test.broken")
    try:
        with pytest.raises(RuntimeError, match="could not keep its copy"):
            cycle_create(actor=User.objects.get(username="xa.09193"), commune=cho, plan_year=2035)
    finally:
        signals.cycle_changed.disconnect(dispatch_uid="test.broken")
    assert not PlanCycle.objects.filter(commune=cho, plan_year=2035).exists()
    connection.set_schema_to_public()
    assert not CycleRollup.objects.filter(commune=cho, plan_year=2035).exists()


def test_the_rebuild_catches_up_with_writes_nobody_announced(district):
    """Bulk loads, a restore or SQL fixes bypass the services: `manage.py rollup_rebuild` recomputes both rollups."""
    actor = User.objects.get(username="xa.09193")
    connection.set_tenant(district("yen-phong"))
    cho = AdministrativeUnit.objects.get(code="09193")
    cycle = cycle_create(actor=actor, commune=cho, plan_year=2036)
    PlanCycle.objects.bulk_create([
        PlanCycle(commune=AdministrativeUnit.objects.get(code=code), plan_year=2036, created_by=actor) for code in ("09196", "09199")
    ])
    PlanCycle.objects.filter(pk=cycle.pk).update(step="draft")
    connection.set_tenant(district("que-vo"))
    PlanCycle.objects.create(commune=AdministrativeUnit.objects.get(code="09250"), plan_year=2036, created_by=actor, step="approval")
    with transaction.atomic():
        cycle_create(actor=User.objects.get(username="huyen.que-vo"), commune=AdministrativeUnit.objects.get(code="09247"),
                     plan_year=2036)
    connection.set_schema_to_public()
    assert in_rollup() != in_schemas()  # three cycles written around the services are not there yet
    call_command("rollup_rebuild")
    assert in_rollup() == in_schemas()
    assert CycleRollup.objects.get(commune=cho, plan_year=2036).step == "draft"
    assert CycleRollup.objects.get(commune__code="09250", plan_year=2036).schema_name == "d259"
    # A cycle deleted around the services leaves the copy at the next rebuild.
    connection.set_tenant(district("yen-phong"))
    PlanCycle.objects.filter(commune__code="09199", plan_year=2036).delete()
    connection.set_schema_to_public()
    call_command("rollup_rebuild", "yen-phong")
    assert not CycleRollup.objects.filter(commune__code="09199", plan_year=2036).exists()
    assert in_rollup() == in_schemas()

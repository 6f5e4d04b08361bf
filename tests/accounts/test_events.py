"""One event model: every workflow's audit row is an accounts.StateChange (who, when, what, from, to, note), same names, same lengths."""
import pytest
from django.apps import apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django_tenants.utils import tenant_context

from accounts.models import StateChange

SHARED = ("from_status", "to_status", "note", "actor", "at")
EVENT_MODELS = ["proposals.ProposalEvent", "investment.PlanEvent", "investment.ProjectEvent", "plans.PlanEvent",
                "monitoring.MEPlanEvent", "monitoring.ReportEvent", "plans.CycleTransition"]


def shape(model, name):
    field = model._meta.get_field(name)
    target = getattr(field.remote_field, "model", None)
    return type(field).__name__, field.max_length, field.blank, getattr(getattr(target, "_meta", None), "label", target)


@pytest.mark.parametrize("label", EVENT_MODELS)
def test_every_event_row_is_a_state_change_with_the_same_fields(label):
    model = apps.get_model(label)
    assert issubclass(model, StateChange)
    for name in SHARED:
        assert shape(model, name) == shape(StateChange, name), (label, name)
    assert not {"from_state", "to_state", "from_step", "to_step"} & {f.name for f in model._meta.get_fields()}
    assert list(model._meta.ordering) == ["at", "id"]


@pytest.mark.parametrize("label", EVENT_MODELS)
def test_every_event_row_says_what_was_done_in_one_length(label):
    """`action` is StateChange's (a model may give it choices, never another length)."""
    action = apps.get_model(label)._meta.get_field("action")
    assert (type(action).__name__, action.max_length) == shape(StateChange, "action")[:2]


def test_every_state_change_is_listed_here():
    concrete = {f"{m._meta.app_label}.{m.__name__}" for m in apps.get_models() if issubclass(m, StateChange)}
    assert concrete == set(EVENT_MODELS)


@pytest.mark.django_db
def test_investment_plan_events_keep_from_and_to_through_the_api(district, client_for):
    """The renamed columns (investment 0005: from_state/to_state → from_status/to_status) still carry each transition."""
    from tests.investment.factories import make_plan

    plan = make_plan(district("yen-phong"), approve=True)
    history = client_for("huyen.yen-phong").get(f"/d/yen-phong/api/investment-plans/{plan.pk}/").json()["events"]
    assert [(e["action"], e["from"], e["to"]) for e in history] == [
        ("created", "", "draft"), ("submitted", "draft", "submitted"), ("approved", "submitted", "approved")]


@pytest.mark.django_db
def test_cycle_transitions_go_through_the_api_as_state_changes(district, client_for):
    """Completing a step writes a CycleTransition with the shared names; the API and the cycle page read them."""
    from plans.models import CycleTransition
    from tests.plans.factories import TEAM

    xa, api = client_for("xa.09193"), "/d/yen-phong/api/plans/cycles/"
    cycle = xa.post(api, {"commune": "09193", "plan_year": 2027}, content_type="application/json").json()["id"]
    assert xa.put(f"{api}{cycle}/team/", {"members": TEAM}, content_type="application/json").status_code == 200
    done = xa.post(f"{api}{cycle}/steps/team/complete/", {"note": "QĐ 12/QĐ-UBND"}, content_type="application/json")
    assert done.status_code == 200, done.content
    detail = xa.get(f"{api}{cycle}/").json()
    assert [(t["action"], t["from"], t["to"], t["actor"]["username"], t["note"]) for t in detail["events"]] == [
        ("completed", "team", "proposals", "xa.09193", "QĐ 12/QĐ-UBND")]
    with tenant_context(district("yen-phong")):
        row = CycleTransition.objects.get(cycle_id=cycle)
        assert (row.action, row.from_status, row.to_status) == (CycleTransition.COMPLETED, "team", "proposals")
    page = xa.get(f"/d/yen-phong/plans/cycles/{cycle}/").content.decode()
    assert "Thành lập Tổ xây dựng kế hoạch (Điều 3) → Họp thôn" in page  # the history names both steps (get_*_status_display)


@pytest.mark.django_db
def test_the_rename_keeps_the_cycle_transitions(district, django_user_model):
    """plans 0005 renames from_step/to_step (RenameField, not a drop and an add): rows written before it keep their steps."""
    actor = django_user_model.objects.get(username="xa.09193")
    before, after = ("plans", "0004_files_district_layout"), ("plans", "0005_cycle_transition_is_a_state_change")
    with tenant_context(district("yen-phong")):
        executor = MigrationExecutor(connection)
        executor.migrate([before])
        old = executor.loader.project_state(before).apps
        cycle = old.get_model("plans", "PlanCycle").objects.create(commune_id=actor.unit_id, plan_year=2031, created_by_id=actor.pk)
        old.get_model("plans", "CycleTransition").objects.create(cycle=cycle, from_step="team", to_step="proposals", actor_id=actor.pk)
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no pending foreign-key checks under the ALTER TABLE
        executor = MigrationExecutor(connection)
        executor.migrate([after])
        new = executor.loader.project_state(after).apps
        row = new.get_model("plans", "CycleTransition").objects.get(cycle_id=cycle.pk)
        assert (row.action, row.from_status, row.to_status, row.actor_id) == ("completed", "team", "proposals", actor.pk)

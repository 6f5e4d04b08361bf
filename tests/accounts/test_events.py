"""One event model: every workflow's audit row is an accounts.StateChange (who, when, from, to, note), same names, same lengths."""
import pytest
from django.apps import apps

from accounts.models import StateChange

SHARED = ("from_status", "to_status", "note", "actor", "at")
EVENT_MODELS = ["proposals.ProposalEvent", "investment.PlanEvent", "investment.ProjectEvent", "plans.PlanEvent",
                "monitoring.MEPlanEvent", "monitoring.ReportEvent"]


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
    assert not {"from_state", "to_state"} & {f.name for f in model._meta.get_fields()}
    assert list(model._meta.ordering) == ["at", "id"]


def test_every_state_change_is_listed_here():
    concrete = {f"{m._meta.app_label}.{m.__name__}" for m in apps.get_models() if issubclass(m, StateChange)}
    assert concrete == set(EVENT_MODELS)


@pytest.mark.django_db
def test_investment_plan_events_keep_from_and_to_through_the_api(district, client_for):
    """The renamed columns (investment 0005: from_state/to_state → from_status/to_status) still carry each transition."""
    from tests.investment.factories import make_plan

    plan = make_plan(district("yen-phong"), approve=True)
    history = client_for("huyen.yen-phong").get(f"/d/yen-phong/api/investment-plans/{plan.pk}/").json()["history"]
    assert [(e["action"], e["from"], e["to"]) for e in history] == [
        ("created", "", "draft"), ("submitted", "draft", "submitted"), ("approved", "submitted", "approved")]

"""Deadlines come from the province calendar; overdue is computed around each of them."""
from datetime import date, timedelta

import pytest
from django_tenants.utils import tenant_context

from core.models import BAC_NINH_DEADLINES, PlanStep, StepDeadline
from core.selectors import step_due_date
from geo.models import AdministrativeUnit
from plans.models import CycleTransition, PlanCycle
from plans.selectors import StepState, cycle_steps, step_state

ONE = timedelta(days=1)


@pytest.mark.parametrize("step", list(PlanStep))
def test_overdue_around_each_deadline(step):
    month, day = BAC_NINH_DEADLINES[step]
    due = date(2026, month, day)
    args = {"step": step.value, "current_step": step.value, "done_on": None, "due_date": due}
    assert step_state(on=due - ONE, **args) == StepState.IN_PROGRESS
    assert step_state(on=due, **args) == StepState.IN_PROGRESS  # "by 10 May": the day itself is in time
    assert step_state(on=due + ONE, **args) == StepState.OVERDUE
    assert step_state(on=due + ONE, **{**args, "done_on": due}) == StepState.DONE
    assert step_state(on=due - ONE, **{**args, "current_step": "team" if step != PlanStep.TEAM else "draft"}) == StepState.NOT_STARTED


@pytest.mark.django_db
def test_cycle_steps_use_the_calendar_of_the_planning_year(district, django_user_model):
    tenant = district("yen-phong")
    actor = django_user_model.objects.get(username="xa.09193")
    with tenant_context(tenant):
        cycle = PlanCycle.objects.create(commune=AdministrativeUnit.objects.get(code="09193"), plan_year=2027, created_by=actor)
        CycleTransition.objects.create(cycle=cycle, action=CycleTransition.COMPLETED, from_status="team", to_status="proposals", actor=actor,
                                       decided_on=date(2026, 5, 4), due_on=date(2026, 5, 5))
        cycle.step = "proposals"
        cycle.save()
        cycle = PlanCycle.objects.prefetch_related("transitions__actor", "evidence").get(pk=cycle.pk)
        rows = {r["step"]: r for r in cycle_steps(cycle=cycle, on=date(2026, 5, 10))}
        assert rows["team"]["state"] == StepState.DONE and rows["team"]["done_by"].username == "xa.09193"
        assert rows["proposals"]["due_date"] == date(2026, 5, 10) and rows["proposals"]["state"] == StepState.IN_PROGRESS
        assert rows["orientation"]["state"] == StepState.NOT_STARTED
        rows = {r["step"]: r for r in cycle_steps(cycle=cycle, on=date(2026, 6, 1))}
        assert rows["proposals"]["state"] == StepState.OVERDUE and rows["orientation"]["state"] == StepState.OVERDUE
        assert rows["draft"]["state"] == StepState.NOT_STARTED
        assert rows["approval"]["due_date"] == date(2026, 12, 30)


@pytest.mark.django_db
def test_a_province_changes_next_years_calendar_without_code():
    assert step_due_date(step=PlanStep.DRAFT, plan_year=2028) == date(2027, 6, 30)
    StepDeadline.objects.create(step=PlanStep.DRAFT, month=7, day=15, from_plan_year=2028)
    assert step_due_date(step=PlanStep.DRAFT, plan_year=2027) == date(2026, 6, 30)
    assert step_due_date(step=PlanStep.DRAFT, plan_year=2028) == date(2027, 7, 15)
    assert step_due_date(step=PlanStep.DRAFT, plan_year=2029) == date(2028, 7, 15)

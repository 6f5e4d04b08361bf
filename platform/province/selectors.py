"""Reads of the province calendar."""
from province.models import PlanStep, StepDeadline


def step_due_date(*, step: PlanStep, plan_year: int):
    """The due date of a step for a plan year (made during the year before), or None if not set."""
    deadline = StepDeadline.objects.filter(step=step, from_plan_year__lte=plan_year).order_by("-from_plan_year").first()
    return deadline.due_for(plan_year) if deadline else None

"""Reads of the province calendar (public schema): the due dates of the Decision's steps for a plan year."""
from datetime import date

from core.models import PlanStep, StepDeadline


def deadlines_for(*, plan_year: int) -> dict[str, date]:
    """{step code: due date} from the province calendar for a plan year (made during plan_year − 1), in one query (Đ5)."""
    due = {}
    for deadline in StepDeadline.objects.filter(from_plan_year__lte=plan_year).order_by("step", "-from_plan_year"):
        due.setdefault(deadline.step, deadline.due_for(plan_year))
    return due


def step_due_date(*, step: PlanStep, plan_year: int) -> date | None:
    """The due date of a step for a plan year (made during the year before), or None if the calendar has none (Đ5)."""
    deadline = StepDeadline.objects.filter(step=step, from_plan_year__lte=plan_year).order_by("-from_plan_year").first()
    return deadline.due_for(plan_year) if deadline else None

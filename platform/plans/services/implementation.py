"""Đ7: action programmes with tasks assigned to named people or units."""
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.deadlines import refuse_future
from plans.models import (
    PUBLISHED,
    ActionProgramme,
    ActionTask,
    PlanCycle,
    PlanStatus,
)
from plans.services.common import _require_commune_team


@transaction.atomic
def action_programme_create(*, actor, cycle: PlanCycle, title: str, issued_by: str, issued_on: date, tasks: list) -> ActionProgramme:
    """An action programme of the announced plan, assigning tasks to named people or units with dates."""
    _require_commune_team(actor, cycle.commune)
    if cycle.step != PUBLISHED:
        raise ValidationError({"step": [_("Action programmes implement an announced plan.")]})
    if not tasks:
        raise ValidationError({"tasks": [_("An action programme assigns at least one task.")]})
    refuse_future(issued_on, field="issued_on")
    programme = ActionProgramme(cycle=cycle, title=title, issued_by=issued_by, issued_on=issued_on, created_by=actor)
    programme.full_clean(exclude=["cycle"])
    programme.save()
    plan = cycle.versions.filter(status=PlanStatus.APPROVED).order_by("-number").first()
    for t in tasks:
        item = t.get("item")
        if item is not None and (plan is None or item.plan_id != plan.pk):
            raise ValidationError({"tasks": [_("A task refers to an item of the approved plan.")]})
        task = ActionTask(programme=programme, item=item, task=t.get("task", ""), assignee=t.get("assignee", ""),
                          starts_on=t.get("starts_on"), due_on=t.get("due_on"))
        task.full_clean(exclude=["programme", "item"])
        if task.starts_on and task.due_on < task.starts_on:
            raise ValidationError({"tasks": [_("A task is due before it starts.")]})
        task.save()
    return programme

"""Đ7: action programmes."""
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.response import Response

from accounts import access
from core.openapi import valid_input
from geo.numbers import DateInputField
from plans import selectors, services
from plans.apis.common import CREATED, PlanApi
from plans.models import (
    PlanItem,
)


class ActionTaskInput(serializers.Serializer):
    """One task of an action programme (Đ7): lengths those of `plans.models.ActionTask`; `item` the id of a plan item
    of this cycle (checked by the view: another cycle's item is a 400 naming `tasks.<n>.item`)."""

    task = serializers.CharField(max_length=300)
    assignee = serializers.CharField(max_length=200)
    starts_on = DateInputField(required=False, allow_null=True, default=None)
    due_on = DateInputField()
    item = serializers.IntegerField(required=False, allow_null=True, default=None, min_value=1, max_value=2**31 - 1)


class ActionProgrammeApi(PlanApi):
    Output = CREATED

    class Input(serializers.Serializer):
        title = serializers.CharField(max_length=300)
        issued_by = serializers.CharField(max_length=200)
        issued_on = DateInputField()
        # A bad element is a 400 naming it and its key: {"tasks": {"2": {"due_on": [...]}}}.
        tasks = serializers.ListField(child=ActionTaskInput(), max_length=500)

    def post(self, request, pk):
        cycle = selectors.cycle_get(user=request.user, pk=pk)
        access.require(access.can_plan_for_commune(request.user, cycle.commune), _("Only the commune's planning team may do this."))
        data = valid_input(self.Input, request.data)
        tasks = []
        for i, t in enumerate(data.pop("tasks")):
            task = dict(t)
            if task["item"]:
                task["item"] = PlanItem.objects.filter(pk=task["item"], plan__cycle=cycle).first()
                if task["item"] is None:
                    return Response({"tasks": {i: {"item": [_("That item is not in this plan.")]}}}, status=400)
            tasks.append(task)
        programme = services.action_programme_create(actor=request.user, cycle=cycle, tasks=tasks, **data)
        return Response({"id": programme.pk}, status=201)

"""Đ3: the commune planning team."""
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.response import Response

from accounts import access
from core.openapi import valid_input
from geo.documents import DocumentNumberField
from geo.numbers import DateInputField
from plans import selectors, services
from plans.apis.common import CYCLE_OUTPUT, PlanApi, cycle_data


class TeamMemberInput(serializers.Serializer):
    """One member of the planning team (Đ3); lengths are those of `plans.models.TeamMember`."""

    full_name = serializers.CharField(max_length=200)
    position = serializers.CharField(max_length=200)
    represents = serializers.CharField(max_length=200, allow_blank=True, required=False, default="", help_text="the commune unit represented")
    is_leader = serializers.BooleanField(default=False)
    is_commune_chairman = serializers.BooleanField(default=False)


class TeamApi(PlanApi):
    """PUT the planning team of the cycle (Đ3): {decision_number, decision_date, members: [...]}."""

    Output = CYCLE_OUTPUT

    class Input(serializers.Serializer):
        decision_number = DocumentNumberField(max_length=50)
        decision_date = DateInputField(required=False, allow_null=True, default=None)
        # A bad element is a 400 naming it and its key: {"members": {"2": {"full_name": [...]}}}.
        members = serializers.ListField(child=TeamMemberInput(), max_length=50)

    def put(self, request, pk):
        cycle = selectors.cycle_get(user=request.user, pk=pk)
        access.require(access.can_plan_for_commune(request.user, cycle.commune), _("Only the commune's planning team may do this."))
        data = valid_input(self.Input, request.data)
        members = [dict(m) for m in data["members"]]
        services.team_set(actor=request.user, cycle=cycle, members=members, decision_number=data["decision_number"], decision_date=data["decision_date"])
        return Response(cycle_data(selectors.cycle_get(user=request.user, pk=pk), user=request.user))

"""The cycle (Đ3–Đ6): list, open, read, complete a step, step evidence, the district dashboard."""
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from accounts import access
from core.openapi import valid_input
from geo.models import AdministrativeUnit
from geo.numbers import DateInputField
from geo.parsers import SafeJSONParser
from plans import selectors, services
from plans.apis.common import CYCLE_LIST_OUTPUT, CYCLE_OUTPUT, PlanApi, _data, cycle_data
from plans.models import STEP_OWNER, Owner

PLAN_YEAR = OpenApiParameter("plan_year", OpenApiTypes.INT, description="plan year, e.g. 2027")
DASHBOARD_OUTPUT = inline_serializer("PlanDashboard", {
    "plan_year": serializers.IntegerField(),
    "communes": inline_serializer("PlanDashboardRow", {
        "commune": serializers.CharField(help_text="GSO code"), "commune_name": serializers.CharField(),
        "cycle": serializers.IntegerField(allow_null=True), "step": serializers.CharField(allow_null=True),
        "step_name": serializers.CharField(allow_null=True), "state": serializers.CharField(help_text="no_cycle, published, overdue or in_progress"),
        "overdue": serializers.BooleanField(help_text="an open step is past its due date"),
        "overdue_steps": serializers.ListField(child=serializers.CharField()),
        "late_steps": inline_serializer("PlanDashboardLateStep", {"step": serializers.CharField(), "days_late": serializers.IntegerField()}, many=True),
        "days_late": serializers.IntegerField(help_text="days the open step is overdue, else the most days a step was done late"),
        "lateness": serializers.CharField(help_text="the words: 'quá hạn N ngày' / 'hoàn thành muộn N ngày', or empty"),
    }, many=True),
})


class CycleListApi(PlanApi):
    """GET the cycles the user may see (`plan_year` filter); POST opens one: {commune, plan_year}."""

    Output = {"get": CYCLE_LIST_OUTPUT, "post": CYCLE_OUTPUT}
    query_parameters = [PLAN_YEAR]

    class Input(serializers.Serializer):
        commune = serializers.CharField()
        plan_year = serializers.IntegerField()

    def get(self, request):
        year = request.query_params.get("plan_year")
        if year is not None and not year.isdigit():
            return Response({"plan_year": [_("A year, e.g. 2027.")]}, status=400)
        cycles = selectors.cycle_list(user=request.user, district=request.tenant, plan_year=int(year) if year else None)
        deadlines = {}
        rows = []
        for cycle in cycles:
            due = deadlines.setdefault(cycle.plan_year, selectors.deadlines_for(plan_year=cycle.plan_year))
            rows.append({"id": cycle.pk, "commune": cycle.commune.code, "commune_name": cycle.commune.name, "plan_year": cycle.plan_year,
                         "step": cycle.step, **selectors.cycle_lateness(cycle=cycle, deadlines=due)})
        return Response({"count": len(rows), "results": rows})

    def post(self, request):
        data = valid_input(self.Input, request.data)
        commune = AdministrativeUnit.objects.filter(code=data["commune"], level="commune", parent=request.tenant.unit).first()
        if commune is None:
            return Response({"commune": [_("No such commune in this district.")]}, status=400)
        cycle = services.cycle_create(actor=request.user, commune=commune, plan_year=data["plan_year"])
        return Response(cycle_data(cycle, user=request.user), status=201)


class CycleDetailApi(PlanApi):
    Output = CYCLE_OUTPUT

    def get(self, request, pk):
        return Response(cycle_data(selectors.cycle_get(user=request.user, pk=pk), user=request.user))


class CycleStepCompleteApi(PlanApi):
    """POST completes the current step (if it is `step`) and moves on: {note, decided_on (date of the decision, default
    today, never in the future)}."""

    class Input(serializers.Serializer):
        note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
        decided_on = DateInputField(required=False, allow_null=True, default=None, help_text="the decision's date, dd/mm/yyyy or ISO; never in the future")

    Output = CYCLE_OUTPUT

    def post(self, request, pk, step):
        cycle = selectors.cycle_get(user=request.user, pk=pk)
        if step in STEP_OWNER:  # the owner is asked before the body is read: a refusal comes before any 400
            access.require(access.can_act_for_step_owner(request.user, cycle.commune, commune_owns=STEP_OWNER[step] == Owner.COMMUNE),
                           _("This step is done by the %(owner)s.") % {"owner": STEP_OWNER[step].label})
        data = valid_input(self.Input, _data(request))
        services.cycle_step_complete(actor=request.user, cycle=cycle, step=step, note=data["note"], decided_on=data["decided_on"])
        return Response(cycle_data(selectors.cycle_get(user=request.user, pk=pk), user=request.user))


class EvidenceApi(PlanApi):
    """POST (multipart or JSON) a document or meeting record for a step: {step, title, file}."""

    Output = inline_serializer("StepEvidenceCreated", {"id": serializers.IntegerField(), "title": serializers.CharField()})

    parser_classes = [MultiPartParser, FormParser, SafeJSONParser]
    Input = inline_serializer("StepEvidenceInput", {
        "step": serializers.CharField(max_length=40), "title": serializers.CharField(max_length=300),
        "file": serializers.FileField(required=False, help_text="multipart only")})

    def post(self, request, pk):
        cycle = selectors.cycle_get(user=request.user, pk=pk)
        access.require(access.can_act_in_cycle(request.user, cycle.commune), _("Your role does not own this action."))
        data = valid_input(self.Input, request.data)
        evidence = services.evidence_add(actor=request.user, cycle=cycle, step=data["step"], title=data["title"], file=data.get("file"))
        return Response({"id": evidence.pk, "title": evidence.title}, status=201)


class DashboardApi(PlanApi):
    """Every commune of the district with its cycle for a plan year (or none yet): step and state, for the table and the map."""

    Output = DASHBOARD_OUTPUT
    query_parameters = [PLAN_YEAR]

    def get(self, request):
        year = request.query_params.get("plan_year", "")
        if not year.isdigit():
            return Response({"plan_year": [_("A year, e.g. 2027.")]}, status=400)
        return Response({"plan_year": int(year), "communes": selectors.dashboard_rows(user=request.user, district=request.tenant, plan_year=int(year))})

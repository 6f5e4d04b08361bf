"""The district's public-investment plans (Đ2.2, Đ8): medium-term and annual plans, their transitions, allocations by
capital source, the step-2 envelopes, the medium-term check, Excel and GeoJSON exports.
"""
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from accounts.events import EventOutput, events_output
from core.openapi import valid_input
from geo.layers import MEDIA_TYPE, collection_text
from geo.numbers import DateInputField
from investment import exports, layers, selectors, services
from investment.apis.common import (
    XLSX,
    _Int,
    _Str,
    require_manager,
)
from investment.models import (
    PlanKind,
)

# ---- plans ------------------------------------------------------------------------------------

_PLAN = {
    "id": _Int(), "kind": _Str(), "kind_label": _Str(), "name": _Str(), "start_year": _Int(), "end_year": _Int(), "state": _Str(),
    "state_label": _Str(), "decision_number": _Str(), "decision_date": serializers.DateField(allow_null=True), "notes": _Str(),
}
PLAN_LIST = inline_serializer("InvestmentPlanList", {"results": inline_serializer("InvestmentPlanRow", {**_PLAN}, many=True)})
PLAN_DETAIL = inline_serializer("InvestmentPlanOutput", {
    **_PLAN,
    "allocations_by_year": serializers.DictField(
        child=serializers.DictField(child=_Int()), required=False,
        help_text="year → capital source → VND; district and province staff only"),
    "events": EventOutput(many=True),
})
ALLOCATIONS = inline_serializer("InvestmentPlanAllocations", {
    "plan": _Int(), "year": _Int(allow_null=True), "by_source": serializers.DictField(child=_Int(), help_text="capital source → VND"),
})
ENVELOPES = inline_serializer("InvestmentPlanEnvelopes", {
    "plan": _Int(), "year": _Int(), "orientation_published": serializers.BooleanField(),
    "rows": inline_serializer("EnvelopeComparison", {
        "source": _Str(), "label": _Str(), "allocated": _Int(help_text="VND"), "envelope": _Int(allow_null=True),
        "exceeds": serializers.BooleanField(), "excess": _Int(help_text="VND beyond the envelope, 0 within it")}, many=True),
    "exceeds": serializers.BooleanField(), "allocated": _Int(), "envelope": _Int(allow_null=True),
})


def plan_output(plan, *, user=None, detail=False, totals=True):
    """A plan as the API shows it; with `detail`, its events (`accounts.events`, as `user` may see them) and, with `totals` (district and province staff only,
    `accounts.access.can_read_district_totals`), its district-wide allocations by year and source (VND)."""
    body = {
        "id": plan.pk,
        "kind": plan.kind,
        "kind_label": plan.get_kind_display(),
        "name": plan.name,
        "start_year": plan.start_year,
        "end_year": plan.end_year,
        "state": plan.state,
        "state_label": plan.get_state_display(),
        "decision_number": plan.decision_number,
        "decision_date": plan.decision_date.isoformat() if plan.decision_date else None,
        "notes": plan.notes,
    }
    if detail and totals:
        body["allocations_by_year"] = {str(y): v for y, v in selectors.allocation_totals(plan=plan).items()}
    if detail:
        body["events"] = events_output(plan.events.select_related("actor"), user=user)
        if not totals:
            # An amendment records a project's allocations before and after, and its reason: a commune (its team,
            # council, units, villages) reads its own projects, not other communes' money (as `allocations_by_year`).
            for event in body["events"]:
                if event["changes"] and "allocations" in event["changes"]:
                    event["changes"], event["note"] = None, ""
    return body


class PlanInput(serializers.Serializer):
    kind = serializers.ChoiceField(choices=PlanKind.choices)
    name = serializers.CharField(max_length=300)
    start_year = serializers.IntegerField(min_value=2000, max_value=2100)
    end_year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    notes = serializers.CharField(required=False, allow_blank=True, default="")
    decision_number = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    decision_date = DateInputField(required=False, allow_null=True, default=None, help_text="never in the future")


class PlanUpdateInput(serializers.Serializer):
    name = serializers.CharField(max_length=300, required=False)
    start_year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    end_year = serializers.IntegerField(min_value=2000, max_value=2100, required=False)
    notes = serializers.CharField(required=False, allow_blank=True)
    decision_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    decision_date = DateInputField(required=False, allow_null=True)
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class PlanTransitionInput(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")
    decision_number = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    decision_date = DateInputField(required=False, allow_null=True, default=None)


class PlanListApi(APIView):
    """The district's public-investment plans (medium-term and annual). District staff create them."""

    operation_id = {"get": "investment_plans_list"}
    Output = {"get": {200: PLAN_LIST}, "post": {201: PLAN_DETAIL}}
    Input = PlanInput

    def get(self, request):
        return Response({"results": [plan_output(p) for p in selectors.plan_list()]})

    def post(self, request):
        require_manager(request)
        data = valid_input(PlanInput, request.data)
        plan = services.plan_create(actor=request.user, **data)
        return Response(plan_output(plan, user=request.user, detail=True), status=201)


class PlanDetailApi(APIView):
    """A plan with its sums by year and capital source and its history. Changing an approved plan needs a `reason`."""

    Output = {"get": {200: PLAN_DETAIL}, "patch": {200: PLAN_DETAIL}}
    Input = PlanUpdateInput

    def get(self, request, pk):
        plan = access.access_investment_plan_by_id(request.user, request.tenant, pk)
        return Response(plan_output(plan, user=request.user, detail=True, totals=access.can_read_district_totals(request.user, request.tenant)))

    def patch(self, request, pk):
        plan = access.access_investment_plan_by_id(request.user, request.tenant, pk, for_write=True)
        data = valid_input(PlanUpdateInput, request.data)
        fields = dict(data)
        reason = fields.pop("reason", "")
        plan = services.plan_update(plan=plan, actor=request.user, reason=reason, **fields)
        return Response(plan_output(plan, user=request.user, detail=True))


class PlanTransitionApi(APIView):
    """POST submit/, return/, approve/ (approve takes `decision_number` and `decision_date`)."""

    action = None

    Input = PlanTransitionInput
    Output = {200: PLAN_DETAIL}

    def post(self, request, pk):
        plan = access.access_investment_plan_by_id(request.user, request.tenant, pk, for_write=True)
        data = valid_input(PlanTransitionInput, request.data)
        plan = services.plan_transition(plan=plan, actor=request.user, action=self.action, **data)
        return Response(plan_output(plan, user=request.user, detail=True))


class PlanAllocationsApi(APIView):
    """Sums of a plan's allocations by capital source, for `year` or the whole plan (VND)."""

    query_parameters = [OpenApiParameter("year", OpenApiTypes.INT)]
    Output = {200: ALLOCATIONS}

    def get(self, request, pk):
        plan = access.access_investment_plan_by_id(request.user, request.tenant, pk)
        access.require(access.can_read_district_totals(request.user, request.tenant),
                       _("A commune sees its own projects, not the district's totals."))
        year = selectors.int_param(request, "year")
        if year is not None and year not in plan.years:
            raise ValidationError({"year": [_("Year %(year)s lies outside the plan's years.") % {"year": year}]})
        return Response({"plan": plan.pk, "year": year, "by_source": selectors.allocations_by_source(plan=plan, year=year)})


def _plan_year(request, plan):
    """`year` from the query, inside the plan's years; an annual plan's year by default."""
    year = selectors.int_param(request, "year")
    if year is None:
        if plan.start_year != plan.end_year:
            raise ValidationError({"year": [_("Give the year (%(start)s–%(end)s).") % {"start": plan.start_year, "end": plan.end_year}]})
        year = plan.start_year
    if year not in plan.years:
        raise ValidationError({"year": [_("Year %(year)s lies outside the plan's years.") % {"year": year}]})
    return year


class PlanEnvelopesApi(APIView):
    """The year's allocations by capital source against the district's step-2 envelope (published orientation of that
    plan year, summed over communes and sectors); `exceeds` flags each source where the plan goes beyond it."""

    query_parameters = [OpenApiParameter("year", OpenApiTypes.INT)]
    Output = {200: ENVELOPES}

    def get(self, request, pk):
        plan = access.access_investment_plan_by_id(request.user, request.tenant, pk)
        access.require(access.can_read_district_envelopes(request.user, request.tenant),
                       _("A commune sees its own envelopes on its plan cycle, not the district's."))
        return Response(selectors.plan_envelopes(plan=plan, year=_plan_year(request, plan)))


_MEDIUM_TERM_ROW = {
    "project": _Int(), "code": _Str(), "name": _Str(), "source": _Str(), "source_label": _Str(),
    "medium_term": _Int(allow_null=True, help_text="VND allowed by the medium-term plan; null: none"),
    "annual": _Int(help_text="VND in the annual plans"), "this_plan": _Int(help_text="VND in this plan"),
    "over": _Int(allow_null=True, help_text="VND above the medium-term amount"),
}
MEDIUM_TERM_CHECK = inline_serializer("MediumTermCheck", {
    "plan": _Int(),
    "medium_term": inline_serializer("MediumTermPlanShown", {
        "id": _Int(), "name": _Str(), "start_year": _Int(), "end_year": _Int(), "state": _Str()}, allow_null=True),
    "rows": inline_serializer("MediumTermRow", {**_MEDIUM_TERM_ROW}, many=True),
    "over": inline_serializer("MediumTermOver", {**_MEDIUM_TERM_ROW}, many=True),
    "not_in_medium_term": inline_serializer("NotInMediumTerm", {"project": _Int(), "code": _Str(), "name": _Str()}, many=True),
    "ok": serializers.BooleanField(),
})


class PlanMediumTermCheckApi(APIView):
    """An annual plan against the medium-term plan it belongs to (Đ2.2), per project and capital source: a warning list
    (`investment.selectors.medium_term_check`). District and province staff, like the district's envelopes."""

    Output = {200: MEDIUM_TERM_CHECK}

    def get(self, request, pk):
        plan = access.access_investment_plan_by_id(request.user, request.tenant, pk)
        access.require(access.can_read_district_envelopes(request.user, request.tenant),
                       _("A commune sees its own envelopes on its plan cycle, not the district's."))
        return Response(selectors.medium_term_check(plan=plan))


class PlanExcelApi(APIView):
    """The plan's project list as Excel, in the usual layout of Vietnamese investment plans (millions of VND)."""

    Output = {(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="the plan's projects as an Excel workbook")}

    def get(self, request, pk):
        plan = access.access_investment_plan_by_id(request.user, request.tenant, pk)
        projects = selectors.project_queryset(user=request.user, district=request.tenant)
        content = exports.plan_workbook(plan=plan, projects=projects, district=request.tenant)
        response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        response["Content-Disposition"] = f'attachment; filename="ke-hoach-dau-tu-cong-{plan.start_year}-{plan.end_year}.xlsx"'
        return response


class PlanGeoJSONApi(APIView):
    """The plan's projects as one GeoJSON file (every project with an allocation in the plan)."""

    Output = {(200, MEDIA_TYPE): layers.projects.openapi_schema(envelope="plain", extra={
        "name": {"type": "string", "description": "the plan's name"}, "count": {"type": "integer", "description": "projects in the file"}})}

    def get(self, request, pk):
        plan = access.access_investment_plan_by_id(request.user, request.tenant, pk)
        projects = selectors.project_queryset(user=request.user, district=request.tenant).filter(allocations__plan=plan)
        features, count, _returned = layers.projects.page(projects, limit=None, offset=0)
        response = HttpResponse(collection_text(features, name=plan.name, count=count), content_type=MEDIA_TYPE)
        response["Content-Disposition"] = f'attachment; filename="ke-hoach-dau-tu-cong-{plan.start_year}-{plan.end_year}.geojson"'
        return response

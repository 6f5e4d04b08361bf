"""The monitoring and evaluation plan (Đ9: kế hoạch theo dõi, đánh giá), made by the commune's planning team right
after the plan is approved and approved by the commune People's Committee: its indicators and activities, its
Decree 30 document and its dashboard.
"""
import json

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from accounts.events import EventActorOutput, EventOutput, events_output, person_output
from core.openapi import many, valid_input
from geo.documents import AnyAccept, DocumentNumberField, document_output, document_response
from geo.numbers import DateInputField, DecimalInputField
from geo.openapi import feature
from monitoring import documents, selectors, services
from monitoring.apis.common import (
    _STATUS_ROW,
    PERIOD,
    _Date,
    _Int,
    _Moment,
    _number,
    _Str,
    period_data,
)
from monitoring.models import Frequency
from plans.models import CommunePlan


def me_plan_data(me_plan, *, user=None, detail=False):
    data = {
        "id": me_plan.pk, "plan": me_plan.plan_id, "commune": me_plan.commune.code, "commune_name": me_plan.commune.name,
        "year": me_plan.year, "status": me_plan.status, "status_label": me_plan.get_status_display(),
        "decision_number": me_plan.decision_number, "decision_date": me_plan.decision_date,
        "approved_by": person_output(me_plan.approved_by, reader=user), "approved_at": me_plan.approved_at,
    }
    if detail:
        data["indicators"] = [
            {"id": i.pk, "target": i.target_id, "name": i.name, "unit": i.unit, "baseline": i.baseline, "target_value": i.target_value,
             "frequency": i.frequency, "data_source": i.data_source, "responsible": i.responsible}
            for i in me_plan.indicators.all()
        ]
        data["activities"] = [
            {"id": a.pk, "item": a.item_id, "project": a.project_id, "kind": a.kind, "title": a.title, "starts_on": a.starts_on,
             "ends_on": a.ends_on, "expected_volume": a.expected_volume, "volume_unit": a.volume_unit, "responsible": a.responsible,
             "geometry": json.loads(a.geom.geojson) if a.geom else None}
            for a in me_plan.activities.all()
        ]
        data["events"] = events_output(me_plan.events.select_related("actor"), user=user)
        data["council_evaluations"] = [
            {"id": c.pk, "period": str(c.period), "held_on": c.held_on, "resolution_number": c.resolution_number, "assessment": c.assessment,
             "recorded_by": person_output(c.recorded_by, reader=user)}
            for c in me_plan.council_evaluations.select_related("period", "recorded_by")
        ]
    return data


_ME_PLAN = {
    "id": _Int(), "plan": _Int(help_text="the commune plan version"), "commune": _Str(), "commune_name": _Str(), "year": _Int(),
    "status": _Str(), "status_label": _Str(), "decision_number": _Str(), "decision_date": _Date(allow_null=True),
    "approved_by": EventActorOutput(allow_null=True, help_text="who approved (accounts.events.person_output)"), "approved_at": _Moment(allow_null=True),
}
ME_PLAN = inline_serializer("MEPlanRow", {**_ME_PLAN})
ME_PLAN_DETAIL = inline_serializer("MEPlanOutput", {
    **_ME_PLAN,
    "indicators": inline_serializer("MEIndicatorOutput", {
        "id": _Int(), "target": _Int(allow_null=True), "name": _Str(), "unit": _Str(), "baseline": _number(allow_null=True),
        "target_value": _number(), "frequency": _Str(), "data_source": _Str(), "responsible": _Str()}, many=True),
    "activities": inline_serializer("MEActivityOutput", {
        "id": _Int(), "item": _Int(allow_null=True), "project": _Int(allow_null=True), "kind": _Str(), "title": _Str(),
        "starts_on": _Date(allow_null=True), "ends_on": _Date(allow_null=True), "expected_volume": _number(allow_null=True),
        "volume_unit": _Str(), "responsible": _Str(), "geometry": serializers.JSONField(allow_null=True, help_text="GeoJSON, EPSG:4326")},
        many=True),
    "events": EventOutput(many=True),
    "council_evaluations": inline_serializer("CouncilEvaluationOutput", {
        "id": _Int(), "period": _Str(), "held_on": _Date(), "resolution_number": _Str(), "assessment": _Str(),
        "recorded_by": EventActorOutput(help_text="who recorded it (accounts.events.person_output)")}, many=True),
})
DASHBOARD = inline_serializer("MEPlanDashboard", {
    "me_plan": ME_PLAN,
    "report": _Int(allow_null=True, help_text="the latest accepted commune report"), "period": _Str(allow_null=True),
    "indicators": inline_serializer("IndicatorAchievement", {
        "id": _Int(), "name": _Str(), "unit": _Str(), "baseline": _number(allow_null=True), "target": _number(),
        "value": _number(allow_null=True), "percent": serializers.FloatField(allow_null=True), "frequency": _Str(), "responsible": _Str(),
        "data_source": _Str()}, many=True),
    "activities": inline_serializer("ActivityAchievement", {
        "id": _Int(), "title": _Str(), "share_done": _number(allow_null=True), "responsible": _Str(), "starts_on": _Date(allow_null=True),
        "ends_on": _Date(allow_null=True), "project": _Int(allow_null=True)}, many=True),
    "works": inline_serializer("MEWorks", {
        "type": _Str(help_text="FeatureCollection"),
        "features": type(feature("MEWork", {
            "title": _Str(), "share_done": serializers.FloatField(allow_null=True, help_text="latest share done, 0–1"),
            "findings": _Int(help_text="supervision findings recorded on it")}))(many=True),
    }, help_text="the plan's located activities (monitoring.selectors.works_layer)"),
    "reporting": inline_serializer("PeriodReportingStatus", {"period": PERIOD, **_STATUS_ROW}, many=True),
})
# --- input ------------------------------------------------------------------------------------------


class MEIndicatorEdit(serializers.Serializer):
    id = serializers.IntegerField()
    baseline = DecimalInputField(max_digits=18, decimal_places=2, required=False, allow_null=True)
    target_value = DecimalInputField(max_digits=18, decimal_places=2, required=False)
    frequency = serializers.ChoiceField(choices=Frequency.choices, required=False)
    data_source = serializers.CharField(max_length=200, required=False, allow_blank=True)
    responsible = serializers.CharField(max_length=200, required=False, allow_blank=True)


class MEActivityEdit(serializers.Serializer):
    id = serializers.IntegerField()
    starts_on = DateInputField(required=False, allow_null=True)
    ends_on = DateInputField(required=False, allow_null=True)
    expected_volume = DecimalInputField(max_digits=18, decimal_places=2, required=False, allow_null=True)
    volume_unit = serializers.CharField(max_length=50, required=False, allow_blank=True)
    responsible = serializers.CharField(max_length=200, required=False, allow_blank=True)
    project = serializers.IntegerField(required=False, allow_null=True)


class MEPlanEdit(serializers.Serializer):
    indicators = MEIndicatorEdit(many=True, required=False)
    activities = MEActivityEdit(many=True, required=False)


class MEApproveInput(serializers.Serializer):
    decision_number = DocumentNumberField(max_length=50)
    decision_date = DateInputField(required=False, allow_null=True, default=None)


# --- M&E plans --------------------------------------------------------------------------------------


class MEPlanListApi(APIView):
    """M&E plans the caller may read; POST `{plan}` (an approved commune plan version) builds one (the commune team)."""
    operation_id = {"get": "monitoring_plans_list"}
    query_parameters = [OpenApiParameter("year", OpenApiTypes.INT)]
    Output = {"get": {200: many(ME_PLAN)}, "post": {201: ME_PLAN_DETAIL}}
    Input = inline_serializer("MEPlanCreate", {"plan": _Int(help_text="an approved commune plan version")})

    def get(self, request):
        plans = selectors.me_plan_queryset(user=request.user, district=request.tenant)
        if request.query_params.get("year"):  # a year 1900–2100: geo.params reads the declaration
            plans = plans.filter(year=int(request.query_params["year"]))
        return Response([me_plan_data(p, user=request.user) for p in plans])

    def post(self, request):
        plan_id = request.data.get("plan") if isinstance(request.data, dict) else None
        if not isinstance(plan_id, int) or isinstance(plan_id, bool):
            raise ApiValidationError({"plan": [_("Name the approved commune plan (its id).")]})
        plan = CommunePlan.objects.select_related("cycle__commune").filter(pk=plan_id, cycle__commune__parent=request.tenant.unit).first()
        if plan is None or not access.can_view_commune(request.user, plan.cycle.commune):
            raise access.not_found()
        me_plan = services.me_plan_create(actor=request.user, plan=plan)
        return Response(me_plan_data(me_plan, user=request.user, detail=True), status=status.HTTP_201_CREATED)


class MEPlanDetailApi(APIView):
    """One M&E plan with indicators, activities, history and council evaluations; PATCH fills it in while it is a draft."""

    Output = {"get": {200: ME_PLAN_DETAIL}, "patch": {200: ME_PLAN_DETAIL}}
    Input = MEPlanEdit

    def get(self, request, pk):
        return Response(me_plan_data(selectors.me_plan_get(user=request.user, district=request.tenant, pk=pk), user=request.user, detail=True))

    def patch(self, request, pk):
        me_plan = selectors.me_plan_get(user=request.user, district=request.tenant, pk=pk)
        data = valid_input(MEPlanEdit, request.data)
        me_plan = services.me_plan_update(actor=request.user, me_plan=me_plan, indicators=data.get("indicators", []),
                                          activities=data.get("activities", []))
        return Response(me_plan_data(me_plan, user=request.user, detail=True))


class MEPlanApproveApi(APIView):
    """POST: the commune People's Committee approves the M&E plan (recorded by the commune team, with the decision)."""

    Input = MEApproveInput
    Output = {200: ME_PLAN_DETAIL}

    def post(self, request, pk):
        me_plan = selectors.me_plan_get(user=request.user, district=request.tenant, pk=pk)
        me_plan = services.me_plan_approve(actor=request.user, me_plan=me_plan, **valid_input(MEApproveInput, request.data))
        return Response(me_plan_data(me_plan, user=request.user, detail=True))


class MEPlanDashboardApi(APIView):
    """Achievement of each indicator against target, activity progress, works on the map and this year's reporting status."""

    Output = {200: DASHBOARD}

    def get(self, request, pk):
        me_plan = selectors.me_plan_get(user=request.user, district=request.tenant, pk=pk)
        periods = services.periods_ensure(year=me_plan.year)
        data = {"me_plan": me_plan_data(me_plan, user=request.user), **selectors.achievement(me_plan=me_plan), "works": selectors.works_layer(me_plan=me_plan)}
        data["reporting"] = [{"period": period_data(p), **selectors.reporting_status(district=request.tenant, period=p, commune_ids=[me_plan.commune_id])[0]}
                             for p in periods if p.starts_on <= services.today()]
        return Response(data)


class MEPlanDocumentApi(APIView):
    """GET the M&E plan as a Decree 30 document: document.docx or document.pdf."""

    content_negotiation_class = AnyAccept

    Output = document_output("the M&E plan in the Decree 30 form")

    def get(self, request, pk, fmt="docx"):
        me_plan = selectors.me_plan_get(user=request.user, district=request.tenant, pk=pk)
        return document_response(lambda: documents.me_plan_docx(me_plan=me_plan), name=f"ke-hoach-theo-doi-{me_plan.commune.code}-{me_plan.year}", fmt=fmt, sources=[me_plan])

"""Thin API views of monitoring and evaluation, under /d/<slug>/api/monitoring/.

Transitions are explicit POST actions (approve, consolidate, submit, accept, return); reads are
scoped by `monitoring.selectors`, writes checked by `monitoring.services` (access and rules).
"""
import json

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from core.openapi import many
from files.uploads import PHOTO_TYPES, checked_file
from geo.documents import AnyAccept, document_output, document_response
from geo.fields import GuardedGeometryField
from geo.guard import POINT, GeometryRejected, parse_geometry
from geo.imports import wants_preview
from geo.layers import MEDIA_TYPE, page_response
from geo.models import AdministrativeUnit
from geo.numbers import DateInputField, DecimalInputField, VndField, WholeNumberField
from geo.openapi import feature
from geo.parsers import SafeJSONParser
from idempotency.keys import idempotent
from monitoring import documents, imports, layers, selectors, services
from monitoring.models import Activity, Frequency, ReportingPeriod, SupervisionFinding
from plans.models import CommunePlan
from proposals.models import CommuneUnit

# --- output -----------------------------------------------------------------------------------------

def _who(user):
    return (user.get_full_name() or user.username) if user else None


def me_plan_data(me_plan, *, detail=False):
    data = {
        "id": me_plan.pk, "plan": me_plan.plan_id, "commune": me_plan.commune.code, "commune_name": me_plan.commune.name,
        "year": me_plan.year, "status": me_plan.status, "status_label": me_plan.get_status_display(),
        "decision_number": me_plan.decision_number, "decision_date": me_plan.decision_date,
        "approved_by": _who(me_plan.approved_by), "approved_at": me_plan.approved_at,
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
        data["events"] = [{"action": e.action, "from": e.from_status, "to": e.to_status, "note": e.note, "actor": _who(e.actor), "at": e.at}
                          for e in me_plan.events.select_related("actor")]
        data["council_evaluations"] = [
            {"id": c.pk, "period": str(c.period), "held_on": c.held_on, "resolution_number": c.resolution_number, "assessment": c.assessment,
             "recorded_by": _who(c.recorded_by)}
            for c in me_plan.council_evaluations.select_related("period", "recorded_by")
        ]
    return data


def period_data(period):
    return {"id": period.pk, "kind": period.kind, "year": period.year, "number": period.number, "name": str(period),
            "starts_on": period.starts_on, "ends_on": period.ends_on, "village_due_on": period.village_due_on,
            "commune_due_on": period.commune_due_on}


def report_data(report, *, detail=False):
    due_on = report.period.village_due_on if report.is_below_commune else report.period.commune_due_on
    submitted = report.submitted_at if report.status in ("submitted", "accepted") else None
    data = {
        "id": report.pk, "me_plan": report.me_plan_id, "commune": report.me_plan.commune.code, "level": report.level,
        "village": report.village.code if report.village else None, "village_name": report.village.name if report.village else None,
        "commune_unit": report.commune_unit_id, "commune_unit_name": report.commune_unit.name if report.commune_unit_id else None,
        "period": period_data(report.period), "status": report.status, "status_label": report.get_status_display(),
        "due_on": due_on, "lateness": selectors.lateness(due_on=due_on, submitted_at=submitted),
        "submitted_at": report.submitted_at, "decided_at": report.decided_at, "review_comment": report.review_comment,
        "problems": report.problems, "recommendations": report.recommendations,
    }
    if detail:
        data["indicator_values"] = [{"indicator": v.indicator_id, "name": v.indicator.name, "value": v.value, "note": v.note}
                                    for v in report.indicator_values.all()]
        data["activity_progress"] = [{"activity": p.activity_id, "title": p.activity.title, "share_done": p.share_done, "note": p.note}
                                     for p in report.activity_progress.all()]
        data["project_progress"] = [{"project": p.project_id, "code": p.project.code, "paid_on": p.paid_on, "disbursed": p.disbursed,
                                     "physical_progress": p.physical_progress, "disbursement": p.disbursement_id, "note": p.note}
                                    for p in report.project_progress.all()]
        # The reports of the level below taken in (villages and commune units, Đ11.1).
        data["village_reports"] = [{"id": v.pk, "level": v.level, "village": v.village.code if v.village_id else None,
                                    "commune_unit": v.commune_unit_id, "village_name": v.source_name} for v in report.village_reports.all()]
        data["photos"] = [p.pk for p in report.photos.all()]
        data["events"] = [{"action": e.action, "from": e.from_status, "to": e.to_status, "note": e.note, "actor": _who(e.actor), "at": e.at}
                          for e in report.events.all()]
    return data


# What the answers above look like, for the OpenAPI schema.
_Int, _Str, _Date = serializers.IntegerField, serializers.CharField, serializers.DateField
_Moment = serializers.DateTimeField


def _number(**kwargs):
    return serializers.DecimalField(max_digits=18, decimal_places=2, coerce_to_string=False, **kwargs)


_EVENTS = inline_serializer("MonitoringEvent", {"action": _Str(), "from": _Str(), "to": _Str(), "note": _Str(),
                                                "actor": _Str(allow_null=True, help_text="full name"), "at": _Moment()}, many=True)
_ME_PLAN = {
    "id": _Int(), "plan": _Int(help_text="the commune plan version"), "commune": _Str(), "commune_name": _Str(), "year": _Int(),
    "status": _Str(), "status_label": _Str(), "decision_number": _Str(), "decision_date": _Date(allow_null=True),
    "approved_by": _Str(allow_null=True), "approved_at": _Moment(allow_null=True),
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
    "events": _EVENTS,
    "council_evaluations": inline_serializer("CouncilEvaluationOutput", {
        "id": _Int(), "period": _Str(), "held_on": _Date(), "resolution_number": _Str(), "assessment": _Str(),
        "recorded_by": _Str(allow_null=True)}, many=True),
})
PERIOD = inline_serializer("ReportingPeriodOutput", {
    "id": _Int(), "kind": _Str(), "year": _Int(), "number": _Int(), "name": _Str(), "starts_on": _Date(), "ends_on": _Date(),
    "village_due_on": _Date(), "commune_due_on": _Date(),
})
_REPORT = {
    "id": _Int(), "me_plan": _Int(), "commune": _Str(), "level": _Str(help_text="village, unit or commune"), "village": _Str(allow_null=True),
    "village_name": _Str(allow_null=True), "commune_unit": _Int(allow_null=True, help_text="a commune unit's report (Đ11.1)"),
    "commune_unit_name": _Str(allow_null=True), "period": PERIOD, "status": _Str(), "status_label": _Str(), "due_on": _Date(),
    "lateness": _Str(help_text='"", late or overdue'), "submitted_at": _Moment(allow_null=True), "decided_at": _Moment(allow_null=True),
    "review_comment": _Str(), "problems": _Str(), "recommendations": _Str(),
}
REPORT = inline_serializer("PeriodicReportRow", {**_REPORT})
REPORT_DETAIL = inline_serializer("PeriodicReportOutput", {
    **_REPORT,
    "indicator_values": inline_serializer("IndicatorValueOutput", {"indicator": _Int(), "name": _Str(), "value": _number(), "note": _Str()},
                                          many=True),
    "activity_progress": inline_serializer("ActivityProgressOutput", {
        "activity": _Int(), "title": _Str(), "share_done": _number(), "note": _Str()}, many=True),
    "project_progress": inline_serializer("ProjectProgressOutput", {
        "project": _Int(), "code": _Str(), "paid_on": _Date(allow_null=True), "disbursed": _Int(allow_null=True, help_text="VND"),
        "physical_progress": _Int(), "disbursement": _Int(allow_null=True), "note": _Str()}, many=True),
    "village_reports": inline_serializer("VillageReportRef", {"id": _Int(), "village": _Str(), "village_name": _Str()}, many=True),
    "photos": serializers.ListField(child=_Int()),
    "events": _EVENTS,
})
_STATUS = {"report": _Int(allow_null=True), "status": _Str(help_text="missing, no_plan or the report's status"),
           "submitted_at": _Moment(allow_null=True), "due_on": _Date(), "lateness": _Str()}
_STATUS_ROW = {
    "commune": _Str(), "commune_name": _Str(), "me_plan": _Int(allow_null=True), **_STATUS,
    "villages": inline_serializer("VillageReportingStatus", {"village": _Str(), "village_name": _Str(), **_STATUS}, many=True),
    "units": inline_serializer("UnitReportingStatus", {"commune_unit": _Int(), "unit_name": _Str(), **_STATUS}, many=True,
                               help_text="the commune units the district assigned to report (Đ11.1)"),
}
STATUS_ROW = inline_serializer("CommuneReportingStatus", {**_STATUS_ROW})
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
PROGRESS_REPORT = inline_serializer("ProgressImportReport", {
    "preview": serializers.BooleanField(), "format": _Str(), "columns": serializers.DictField(child=_Str()),
    "taken": _Int(), "refused": _Int(), "duplicates": _Int(), "skipped": _Int(),
    "rows": serializers.ListField(child=serializers.DictField(), help_text="{row, code, status, taken, disbursement | progress_event | errors | message}"),
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
    decision_number = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    decision_date = DateInputField(required=False, allow_null=True, default=None)


class MEReportCreate(serializers.Serializer):
    me_plan = serializers.IntegerField()
    period = serializers.IntegerField()
    village = serializers.CharField(required=False, allow_blank=True, help_text="village code; empty for the commune report")
    commune_unit = serializers.IntegerField(required=False, allow_null=True, help_text="commune unit id, for a unit's report (Đ11.1)")


class MEIndicatorValueInput(serializers.Serializer):
    indicator = serializers.IntegerField()
    value = DecimalInputField(max_digits=18, decimal_places=2)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class MEActivityProgressInput(serializers.Serializer):
    activity = serializers.IntegerField()
    share_done = DecimalInputField(max_digits=7, decimal_places=2)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


PROGRESS_MESSAGE = gettext_lazy("Physical progress is a percentage from 0 to 100.")
AMOUNT_MESSAGE = gettext_lazy("The disbursed amount is a whole number of đồng, not negative.")


class MEProjectProgressInput(serializers.Serializer):
    """One investment project's line: physical progress (required, 0–100), money paid in the period (optional), date."""

    project = serializers.IntegerField()
    paid_on = DateInputField(required=False, allow_null=True, default=None, help_text="default: the period's last day")
    disbursed = VndField(required=False, allow_null=True, default=0, min_value=0,
                                         error_messages={"min_value": AMOUNT_MESSAGE, "invalid": AMOUNT_MESSAGE},
                                         help_text="VND paid in the period; empty or 0 for progress without money")
    # The messages the commune officer reads next to the field.
    physical_progress = WholeNumberField(min_value=0, max_value=100, required=False, error_messages={
        "min_value": PROGRESS_MESSAGE, "max_value": PROGRESS_MESSAGE, "invalid": PROGRESS_MESSAGE, "null": PROGRESS_MESSAGE,
        "required": PROGRESS_MESSAGE})
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    clear = serializers.BooleanField(required=False, default=False, help_text="true: remove the project's line from the report")

    def validate(self, attrs):
        # Progress is required for a line that is kept; a cleared line (the form's fields emptied) is removed.
        if not attrs.get("clear") and attrs.get("physical_progress") is None:
            raise serializers.ValidationError({"physical_progress": [PROGRESS_MESSAGE]})
        return attrs


class MEReportEdit(serializers.Serializer):
    problems = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    recommendations = serializers.CharField(required=False, allow_blank=True, max_length=10000)
    indicator_values = MEIndicatorValueInput(many=True, required=False)
    activity_progress = MEActivityProgressInput(many=True, required=False)
    project_progress = MEProjectProgressInput(many=True, required=False)


class MEDecisionInput(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


class MEEvaluationInput(serializers.Serializer):
    period = serializers.IntegerField()
    held_on = DateInputField()
    resolution_number = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    assessment = serializers.CharField(max_length=10000)


class MEFindingInput(serializers.Serializer):
    activity = serializers.IntegerField()
    board = serializers.CharField(max_length=200)
    found_on = DateInputField()
    finding = serializers.CharField(max_length=5000)
    recommendation = serializers.CharField(max_length=5000, required=False, allow_blank=True, default="")
    caption = serializers.CharField(max_length=300, required=False, allow_blank=True, default="", help_text="of the photo, if any")
    geometry = GuardedGeometryField(allowed_types=POINT)


class MEEvidenceInput(serializers.Serializer):
    me_plan = serializers.IntegerField()
    report = serializers.IntegerField(required=False, allow_null=True)
    activity = serializers.IntegerField(required=False, allow_null=True)
    finding = serializers.IntegerField(required=False, allow_null=True)
    caption = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    taken_on = DateInputField(required=False, allow_null=True, default=None)
    geometry = serializers.CharField(help_text='GeoJSON Point as text, e.g. {"type":"Point","coordinates":[lon,lat]}')


def _valid(serializer_class, data, **kwargs):
    serializer = serializer_class(data=data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- M&E plans --------------------------------------------------------------------------------------

class MEPlanListApi(APIView):
    """M&E plans the caller may read; POST `{plan}` (an approved commune plan version) builds one (the commune team)."""

    operation_id = {"get": "monitoring_plans_list"}
    query_parameters = [OpenApiParameter("year", OpenApiTypes.INT)]
    Output = {"get": {200: many(ME_PLAN)}, "post": {201: ME_PLAN_DETAIL}}
    Input = inline_serializer("MEPlanCreate", {"plan": _Int(help_text="an approved commune plan version")})

    def get(self, request):
        plans = selectors.me_plan_queryset(user=request.user, district=request.tenant)
        if request.query_params.get("year", "").isdigit():
            plans = plans.filter(year=int(request.query_params["year"]))
        return Response([me_plan_data(p) for p in plans])

    def post(self, request):
        plan_id = request.data.get("plan") if isinstance(request.data, dict) else None
        if not isinstance(plan_id, int) or isinstance(plan_id, bool):
            raise ApiValidationError({"plan": [_("Name the approved commune plan (its id).")]})
        plan = CommunePlan.objects.select_related("cycle__commune").filter(pk=plan_id, cycle__commune__parent=request.tenant.unit).first()
        if plan is None or not access.can_view_commune(request.user, plan.cycle.commune):
            raise access.not_found()
        me_plan = services.me_plan_create(actor=request.user, plan=plan)
        return Response(me_plan_data(me_plan, detail=True), status=status.HTTP_201_CREATED)


class MEPlanDetailApi(APIView):
    """One M&E plan with indicators, activities, history and council evaluations; PATCH fills it in while it is a draft."""

    Output = {"get": {200: ME_PLAN_DETAIL}, "patch": {200: ME_PLAN_DETAIL}}
    Input = MEPlanEdit

    def get(self, request, pk):
        return Response(me_plan_data(selectors.me_plan_get(user=request.user, district=request.tenant, pk=pk), detail=True))

    def patch(self, request, pk):
        me_plan = selectors.me_plan_get(user=request.user, district=request.tenant, pk=pk)
        data = _valid(MEPlanEdit, request.data)
        me_plan = services.me_plan_update(actor=request.user, me_plan=me_plan, indicators=data.get("indicators", []),
                                          activities=data.get("activities", []))
        return Response(me_plan_data(me_plan, detail=True))


class MEPlanApproveApi(APIView):
    """POST: the commune People's Committee approves the M&E plan (recorded by the commune team, with the decision)."""

    Input = MEApproveInput
    Output = {200: ME_PLAN_DETAIL}

    def post(self, request, pk):
        me_plan = selectors.me_plan_get(user=request.user, district=request.tenant, pk=pk)
        me_plan = services.me_plan_approve(actor=request.user, me_plan=me_plan, **_valid(MEApproveInput, request.data))
        return Response(me_plan_data(me_plan, detail=True))


class MEPlanDashboardApi(APIView):
    """Achievement of each indicator against target, activity progress, works on the map and this year's reporting status."""

    Output = {200: DASHBOARD}

    def get(self, request, pk):
        me_plan = selectors.me_plan_get(user=request.user, district=request.tenant, pk=pk)
        periods = services.periods_ensure(year=me_plan.year)
        data = {"me_plan": me_plan_data(me_plan), **selectors.achievement(me_plan=me_plan), "works": selectors.works_layer(me_plan=me_plan)}
        data["reporting"] = [{"period": period_data(p), **selectors.reporting_status(district=request.tenant, period=p, commune_ids=[me_plan.commune_id])[0]}
                             for p in periods if p.starts_on <= services.today()]
        return Response(data)


class EvaluationApi(APIView):
    """POST: record the commune People's Council's periodic evaluation of the main targets (Đ11.2)."""

    Input = MEEvaluationInput
    Output = {201: inline_serializer("CouncilEvaluationCreated", {
        "id": _Int(), "period": _Str(), "held_on": _Date()})}

    def post(self, request, pk):
        me_plan = selectors.me_plan_get(user=request.user, district=request.tenant, pk=pk)
        access.require(access.can_act_for_council(request.user, me_plan.commune), _("Only the commune's People's Council may do this."))
        data = _valid(MEEvaluationInput, request.data)
        period = ReportingPeriod.objects.filter(pk=data.pop("period")).first()
        if period is None:
            raise ApiValidationError({"period": [_("Unknown reporting period.")]})
        evaluation = services.council_evaluation_record(actor=request.user, me_plan=me_plan, period=period, **data)
        return Response({"id": evaluation.pk, "period": str(period), "held_on": evaluation.held_on}, status=status.HTTP_201_CREATED)


# --- periods and reports ----------------------------------------------------------------------------

class PeriodListApi(APIView):
    """The reporting periods of a year (`year`, default this year) with their due dates."""

    operation_id = "monitoring_periods_list"
    query_parameters = [OpenApiParameter("year", OpenApiTypes.INT)]
    Output = {200: many(PERIOD)}

    def get(self, request):
        text = request.query_params.get("year", "")
        year = int(text) if text.isdigit() and 2000 <= int(text) <= 2100 else services.today().year
        return Response([period_data(p) for p in services.periods_ensure(year=year)])


class ReportListApi(APIView):
    """Reports the caller may read (`me_plan`, `period`, `level`: village, unit or commune); POST
    `{me_plan, period[, village | commune_unit]}` opens one."""

    operation_id = {"get": "monitoring_reports_list"}
    Output = {"get": {200: many(REPORT)}, "post": {201: REPORT_DETAIL}}
    query_parameters = [
        OpenApiParameter("me_plan", OpenApiTypes.INT), OpenApiParameter("period", OpenApiTypes.INT),
        OpenApiParameter("level", OpenApiTypes.STR, enum=["village", "commune"])]
    Input = MEReportCreate

    def get(self, request):
        reports = selectors.report_queryset(user=request.user, district=request.tenant)
        for name in ("me_plan", "period"):
            if request.query_params.get(name, "").isdigit():
                reports = reports.filter(**{f"{name}_id": int(request.query_params[name])})
        level = request.query_params.get("level")
        if level == "village":
            reports = reports.filter(village__isnull=False)
        elif level == "unit":
            reports = reports.filter(commune_unit__isnull=False)
        elif level == "commune":
            reports = reports.filter(village__isnull=True, commune_unit__isnull=True)
        return Response([report_data(r) for r in reports])

    @idempotent
    def post(self, request):
        data = _valid(MEReportCreate, request.data)
        me_plan = selectors.me_plan_get(user=request.user, district=request.tenant, pk=data["me_plan"])
        period = ReportingPeriod.objects.filter(pk=data["period"]).first()
        if period is None:
            raise ApiValidationError({"period": [_("No such reporting period.")]})
        village = None
        if data.get("village"):
            village = AdministrativeUnit.objects.filter(code=data["village"], level="village").first()
            if village is None:
                raise ApiValidationError({"village": [_("No such village.")]})
        commune_unit = None
        if data.get("commune_unit"):
            commune_unit = CommuneUnit.objects.filter(pk=data["commune_unit"], commune_id=me_plan.commune_id).first()
            if commune_unit is None:
                raise ApiValidationError({"commune_unit": [_("This unit is not in the commune.")]})
        report = services.report_create(actor=request.user, me_plan=me_plan, period=period, village=village, commune_unit=commune_unit)
        return Response(report_data(selectors.report_detail(report=report), detail=True), status=status.HTTP_201_CREATED)


class MEPlanDocumentApi(APIView):
    """GET the M&E plan as a Decree 30 document: document.docx or document.pdf."""

    content_negotiation_class = AnyAccept

    Output = document_output("the M&E plan in the Decree 30 form")

    def get(self, request, pk, fmt="docx"):
        me_plan = selectors.me_plan_get(user=request.user, district=request.tenant, pk=pk)
        return document_response(documents.me_plan_docx(me_plan=me_plan), name=f"ke-hoach-theo-doi-{me_plan.commune.code}-{me_plan.year}", fmt=fmt)


class ReportDocumentApi(APIView):
    """GET a periodic report (village or commune) as a Decree 30 document: document.docx or document.pdf."""

    content_negotiation_class = AnyAccept

    Output = document_output("the periodic report in the Decree 30 form")

    def get(self, request, pk, fmt="docx"):
        report = selectors.report_detail(report=selectors.report_get(user=request.user, district=request.tenant, pk=pk))
        return document_response(documents.report_docx(report=report), name=f"bao-cao-theo-doi-{report.pk}", fmt=fmt)


class ReportDetailApi(APIView):
    """One report with its lines and history; PATCH writes it while it is a draft or returned."""

    Output = {"get": {200: REPORT_DETAIL}, "patch": {200: REPORT_DETAIL}}
    Input = MEReportEdit

    def get(self, request, pk):
        report = selectors.report_get(user=request.user, district=request.tenant, pk=pk)
        return Response(report_data(selectors.report_detail(report=report), detail=True))

    @idempotent
    def patch(self, request, pk):
        report = selectors.report_get(user=request.user, district=request.tenant, pk=pk)
        data = _valid(MEReportEdit, request.data)
        report = services.report_update(actor=request.user, report=report, **data)
        return Response(report_data(selectors.report_detail(report=report), detail=True))


class ReportActionApi(APIView):
    """POST consolidate/, submit/, accept/ (optional `comment`), return/ (`comment` required)."""

    action = None

    Input = MEDecisionInput
    Output = {200: REPORT_DETAIL}

    @idempotent
    def post(self, request, pk):
        report = selectors.report_get(user=request.user, district=request.tenant, pk=pk)
        comment = _valid(MEDecisionInput, request.data if isinstance(request.data, dict) else {})["comment"]
        if self.action == "consolidate":
            report = services.report_consolidate(actor=request.user, report=report)
        elif self.action == "submit":
            report = services.report_submit(actor=request.user, report=report)
        elif self.action == "accept":
            report = services.report_accept(actor=request.user, report=report, comment=comment)
        else:
            report = services.report_return(actor=request.user, report=report, comment=comment)
        return Response(report_data(selectors.report_detail(report=report), detail=True))


class ReportingStatusApi(APIView):
    """Every commune and village of the district (or the caller's commune): the report's status and lateness for `period`."""

    query_parameters = [OpenApiParameter("period", OpenApiTypes.INT, required=True)]
    Output = {200: inline_serializer(
        "ReportingStatus", {"period": PERIOD, "communes": many(STATUS_ROW)})}

    def get(self, request):
        text = request.query_params.get("period", "")
        period = ReportingPeriod.objects.filter(pk=int(text)).first() if text.isdigit() else None
        if period is None:
            raise ApiValidationError({"period": [_("Name a reporting period.")]})
        rows = selectors.reporting_status(district=request.tenant, period=period,
                                          commune_ids=access.visible_commune_ids(request.user, request.tenant))
        return Response({"period": period_data(period), "communes": rows})


# --- evidence, findings, bulk progress --------------------------------------------------------------

EVIDENCE_FEATURE = feature("EvidencePhotoFeature", {
    "me_plan": _Int(), "commune": _Str(help_text="GSO code"), "report": _Int(allow_null=True), "activity": _Int(allow_null=True),
    "activity_title": _Str(allow_null=True), "finding": _Int(allow_null=True), "caption": _Str(), "taken_on": _Date(allow_null=True),
    "url": _Str(), "content_type": _Str(), "uploaded_by": _Str(), "uploaded_at": serializers.DateTimeField(),
}, geometry="Point")
FINDING_FEATURE = feature("FindingFeature", {
    "activity": _Int(), "board": _Str(), "finding": _Str(), "photos": serializers.ListField(child=_Str(), help_text="photo URLs"),
}, geometry="Point")
FINDING_INPUT_FEATURE = feature("FindingFeatureInput", {
    name: field for name, field in MEFindingInput._declared_fields.items() if name != "geometry"}, geometry="Point")


def _feature(obj, geometry, properties):
    return {"type": "Feature", "id": obj.pk, "geometry": json.loads(geometry.geojson), "properties": properties}


def photo_properties(photo):
    return {"me_plan": photo.me_plan_id, "commune": photo.me_plan.commune.code, "report": photo.report_id, "activity": photo.activity_id,
            "activity_title": photo.activity.title if photo.activity else None, "finding": photo.finding_id, "caption": photo.caption,
            "taken_on": photo.taken_on, "url": photo.photo.url, "content_type": photo.content_type, "uploaded_by": _who(photo.uploaded_by),
            "uploaded_at": photo.uploaded_at}


class EvidenceApi(APIView):
    """Geolocated photos as a GeoJSON FeatureCollection (`me_plan`, `report`, `activity`, `bbox`); POST multipart to add one."""

    parser_classes = [MultiPartParser, FormParser, SafeJSONParser]

    operation_id = {"get": "monitoring_evidence_list"}
    Output = {"get": {(200, MEDIA_TYPE): layers.evidence_photos.openapi_schema()}, "post": {201: EVIDENCE_FEATURE}}
    query_parameters = [
        OpenApiParameter(name, OpenApiTypes.INT) for name in ("me_plan", "report", "activity", "finding", "page", "page_size")
    ] + [OpenApiParameter("bbox", OpenApiTypes.STR)]
    Input = {"multipart/form-data": MEEvidenceInput}

    def get(self, request):
        return page_response(request, layers.evidence_photos)

    @idempotent
    def post(self, request):
        # Access first, before the photo is decoded: only commune teams and village heads add evidence (403); the M&E
        # plan must be one the user reads (404) and of a commune it may add evidence to (403); a report must be one the
        # user reads (404, like a report that does not exist: another village's report is not known to exist).
        access.require(access.adds_evidence_somewhere(request.user), _("You may not do this."))
        data = _valid(MEEvidenceInput, request.data)
        me_plan = selectors.me_plan_get(user=request.user, district=request.tenant, pk=data["me_plan"])
        access.require(access.can_add_evidence(request.user, me_plan.commune), _("You may not do this."))
        report = activity = finding = None
        if data.get("report"):
            report = selectors.report_queryset(user=request.user, district=request.tenant).filter(pk=data["report"], me_plan=me_plan).first()
            if report is None:
                raise access.not_found()
        upload = request.FILES.get("photo")
        if upload is None:
            raise ApiValidationError({"photo": [_("Attach the photo.")]})
        upload = checked_file(upload, field="photo", allowed=PHOTO_TYPES)
        try:
            location = parse_geometry(json.loads(data["geometry"]), allowed_types=POINT)
        except (ValueError, TypeError) as exc:
            message = exc.message if isinstance(exc, GeometryRejected) else _("The location is not GeoJSON.")
            raise ApiValidationError({"geometry": [message]})
        if data.get("activity"):
            activity = Activity.objects.filter(pk=data["activity"], me_plan=me_plan).first()
            if activity is None:
                raise ApiValidationError({"activity": [_("This activity is not in the M&E plan.")]})
        if data.get("finding"):
            finding = SupervisionFinding.objects.filter(pk=data["finding"], me_plan=me_plan).first()
            if finding is None:
                raise ApiValidationError({"finding": [_("This finding is not of the M&E plan.")]})
        photo = services.photo_add(actor=request.user, me_plan=me_plan, photo=upload, location=location,
                                   caption=data["caption"], taken_on=data["taken_on"], report=report, activity=activity, finding=finding)
        return Response(_feature(photo, photo.location, photo_properties(photo)), status=status.HTTP_201_CREATED)


_NOT_GEOJSON = object()


class FindingApi(APIView):
    """Community supervision findings (Đ8) as GeoJSON (`me_plan`, `activity`, `bbox`).

    POST a Feature (JSON) to record one, or multipart (`activity`, `board`, `found_on`, `finding`,
    `recommendation`, `geometry` as GeoJSON text, optional `photo` and `caption`): the finding and its
    photo are saved together or not at all.
    """

    parser_classes = [SafeJSONParser, MultiPartParser, FormParser]

    operation_id = {"get": "monitoring_findings_list"}
    Output = {"get": {(200, MEDIA_TYPE): layers.findings.openapi_schema()}, "post": {201: FINDING_FEATURE}}
    query_parameters = [
        OpenApiParameter(name, OpenApiTypes.INT) for name in ("me_plan", "activity", "page", "page_size")
    ] + [OpenApiParameter("bbox", OpenApiTypes.STR)]
    Input = {"application/json": FINDING_INPUT_FEATURE, "multipart/form-data": MEFindingInput}

    def get(self, request):
        return page_response(request, layers.findings)

    @idempotent
    def post(self, request):
        # Only a commune's planning team records findings (Đ8; the activity's commune is checked by the service): a
        # refusal comes before the body is read or a photo decoded.
        access.require(access.is_commune_team(request.user), _("You may not do this."))
        if request.content_type.startswith("multipart/") or request.content_type.startswith("application/x-www-form-urlencoded"):
            fields, upload = self._form_fields(request)
        else:
            body = request.data if isinstance(request.data, dict) else {}
            properties = body.get("properties") if isinstance(body.get("properties"), dict) else {}
            fields, upload = {**properties, "geometry": body.get("geometry")}, None
        not_geojson = fields.get("geometry") is _NOT_GEOJSON
        if not_geojson:
            fields["geometry"] = None
        # Every field, the photo included, is checked before anything is saved: a refused photo leaves
        # no finding behind, and all the messages come back at once.
        serializer = MEFindingInput(data=fields)
        errors = {} if serializer.is_valid() else dict(serializer.errors)
        if not_geojson:
            errors["geometry"] = [_("The location is not GeoJSON.")]
        if upload is not None:
            try:
                upload = checked_file(upload, field="photo", allowed=PHOTO_TYPES)
            except ApiValidationError as exc:
                errors.update(exc.detail)
        if errors:
            raise ApiValidationError(errors)
        data = serializer.validated_data
        activity = Activity.objects.select_related("me_plan__commune").filter(
            pk=data["activity"], me_plan__in=selectors.me_plan_queryset(user=request.user, district=request.tenant)).first()
        if activity is None:
            raise ApiValidationError({"activity": [_("No such work in your M&E plans.")]})
        finding = services.finding_record(actor=request.user, activity=activity, board=data["board"], found_on=data["found_on"],
                                          finding=data["finding"], recommendation=data["recommendation"], location=data["geometry"],
                                          photo=upload, photo_caption=data["caption"])
        return Response(_feature(finding, finding.location, {"activity": activity.pk, "board": finding.board, "finding": finding.finding,
                                                             "photos": [p.photo.url for p in finding.photos.all()]}),
                        status=status.HTTP_201_CREATED)

    @staticmethod
    def _form_fields(request):
        """The multipart form of the page: the finding's fields, `geometry` as GeoJSON text, an optional `photo`."""
        fields = {name: request.data.get(name) for name in ("activity", "board", "found_on", "finding", "recommendation", "caption")
                  if request.data.get(name) is not None}
        text = request.data.get("geometry") or ""
        try:
            fields["geometry"] = json.loads(text) if text.strip() else None
        except ValueError:
            fields["geometry"] = _NOT_GEOJSON
        return fields, request.FILES.get("photo")


class ProgressImportApi(APIView):
    """POST multipart `file` (CSV or Excel: project code, date, disbursed amount, physical progress): district staff only.

    Each row goes through the investment app's disbursement service; the answer reports every row. `?preview=1`
    writes nothing; without it the accepted rows are written in one transaction, or nothing; repeated rows are duplicates.
    """

    parser_classes = [MultiPartParser, FormParser]

    Input = {"multipart/form-data": inline_serializer("ProgressSheet", {"file": serializers.FileField()})}
    Output = {200: PROGRESS_REPORT}
    query_parameters = {"post": [OpenApiParameter("preview", OpenApiTypes.BOOL)]}

    def post(self, request):
        access.require(access.can_manage_investment(request.user, request.tenant),
                       _("Only the district's Finance-Planning Office updates investment progress."))
        upload = request.FILES.get("file")
        if upload is None:
            raise ApiValidationError({"file": [_("Attach the sheet.")]})
        name = (upload.name or "").lower()
        if name.endswith(".xlsx"):
            checked_file(upload, field="file")  # size and real type; the jailed reader does the rest
            upload.seek(0)
        elif name.endswith(".csv"):
            if upload.size > settings.UPLOAD_MAX_BYTES:
                raise ApiValidationError({"file": [_("The file is too large.")]})
        else:
            raise ApiValidationError({"file": [_("Send a CSV or Excel (.xlsx) sheet.")]})
        return Response(imports.progress_import(actor=request.user, upload=upload, preview=wants_preview(request)))

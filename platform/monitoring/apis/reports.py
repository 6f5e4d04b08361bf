"""Reporting periods and periodic M&E reports (Đ10–Đ11: báo cáo theo dõi, đánh giá định kỳ), from villages and
commune units to the commune and on to the district: their lines, transitions, documents and reporting status.
"""
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from accounts.events import EventOutput, events_output
from core.openapi import many, valid_input
from geo.documents import AnyAccept, DocumentNumberField, document_output, document_response
from geo.models import AdministrativeUnit
from geo.numbers import DateInputField, DecimalInputField, VndField, WholeNumberField
from idempotency.keys import idempotent
from monitoring import documents, selectors, services
from monitoring.apis.common import (
    PERIOD,
    STATUS_ROW,
    _Date,
    _Int,
    _Moment,
    _number,
    _Str,
    period_data,
)
from monitoring.models import ReportingPeriod
from proposals.models import CommuneUnit


def report_data(report, *, user=None, detail=False):
    due_on = report.period.village_due_on if report.is_below_commune else report.period.commune_due_on
    submitted = report.submitted_at if report.status in ("submitted", "accepted") else None
    data = {
        "id": report.pk, "me_plan": report.me_plan_id, "commune": report.me_plan.commune.code, "level": report.level,
        "village": report.village.code if report.village else None, "village_name": report.village.name if report.village else None,
        "commune_unit": report.commune_unit_id, "commune_unit_name": report.commune_unit.name if report.commune_unit_id else None,
        "period": period_data(report.period), "status": report.status, "status_label": report.get_status_display(),
        "due_on": due_on, "lateness": selectors.lateness(due_on=due_on, submitted_at=submitted),
        "submitted_at": report.submitted_at, "decided_at": report.decided_at, "review_comment": report.review_comment,
        "problems": report.problems, "recommendations": report.recommendations, "document_number": report.document_number,
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
        data["events"] = events_output(report.events.all(), user=user)
    return data


_REPORT = {
    "id": _Int(), "me_plan": _Int(), "commune": _Str(), "level": _Str(help_text="village, unit or commune"), "village": _Str(allow_null=True),
    "village_name": _Str(allow_null=True), "commune_unit": _Int(allow_null=True, help_text="a commune unit's report (Đ11.1)"),
    "commune_unit_name": _Str(allow_null=True), "period": PERIOD, "status": _Str(), "status_label": _Str(), "due_on": _Date(),
    "lateness": _Str(help_text='"", late or overdue'), "submitted_at": _Moment(allow_null=True), "decided_at": _Moment(allow_null=True),
    "review_comment": _Str(), "problems": _Str(), "recommendations": _Str(), "document_number": _Str(help_text='"7" or "7/BC-UBND"; "" when not recorded'),
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
    "events": EventOutput(many=True),
})


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
    document_number = DocumentNumberField(default=None)
    indicator_values = MEIndicatorValueInput(many=True, required=False)
    activity_progress = MEActivityProgressInput(many=True, required=False)
    project_progress = MEProjectProgressInput(many=True, required=False)


class MEDecisionInput(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, max_length=5000, default="")


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


REPORT_LEVELS = ("village", "unit", "commune")


class ReportListApi(APIView):
    """Reports the caller may read (`me_plan`, `period`, `level`: village, unit or commune); POST
    `{me_plan, period[, village | commune_unit]}` opens one."""

    operation_id = {"get": "monitoring_reports_list"}
    Output = {"get": {200: many(REPORT)}, "post": {201: REPORT_DETAIL}}
    query_parameters = [
        OpenApiParameter("me_plan", OpenApiTypes.INT), OpenApiParameter("period", OpenApiTypes.INT),
        OpenApiParameter("level", OpenApiTypes.STR, enum=list(REPORT_LEVELS))]
    Input = MEReportCreate

    def get(self, request):
        # A level the list does not know is a 400 naming it (geo.params reads the declared enum), never the unfiltered list.
        reports = selectors.report_queryset(user=request.user, district=request.tenant)
        for name in ("me_plan", "period"):
            if request.query_params.get(name):  # an id: geo.params reads the declaration
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
        data = valid_input(MEReportCreate, request.data)
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
        return Response(report_data(selectors.report_detail(report=report), user=request.user, detail=True), status=status.HTTP_201_CREATED)


class ReportDocumentApi(APIView):
    """GET a periodic report (village or commune) as a Decree 30 document: document.docx or document.pdf."""

    content_negotiation_class = AnyAccept

    Output = document_output("the periodic report in the Decree 30 form")

    def get(self, request, pk, fmt="docx"):
        report = selectors.report_detail(report=selectors.report_get(user=request.user, district=request.tenant, pk=pk))
        return document_response(lambda: documents.report_docx(report=report), name=f"bao-cao-theo-doi-{report.pk}", fmt=fmt, sources=[report])


class ReportDetailApi(APIView):
    """One report with its lines and history; PATCH writes it while it is a draft or returned."""

    Output = {"get": {200: REPORT_DETAIL}, "patch": {200: REPORT_DETAIL}}
    Input = MEReportEdit

    def get(self, request, pk):
        report = selectors.report_get(user=request.user, district=request.tenant, pk=pk)
        return Response(report_data(selectors.report_detail(report=report), user=request.user, detail=True))

    @idempotent
    def patch(self, request, pk):
        report = selectors.report_get(user=request.user, district=request.tenant, pk=pk)
        data = valid_input(MEReportEdit, request.data)
        report = services.report_update(actor=request.user, report=report, **data)
        return Response(report_data(selectors.report_detail(report=report), user=request.user, detail=True))


class ReportActionApi(APIView):
    """POST consolidate/, submit/, accept/ (optional `comment`), return/ (`comment` required)."""

    action = None

    Input = MEDecisionInput
    Output = {200: REPORT_DETAIL}

    @idempotent
    def post(self, request, pk):
        report = selectors.report_get(user=request.user, district=request.tenant, pk=pk)
        comment = valid_input(MEDecisionInput, request.data if isinstance(request.data, dict) else {})["comment"]
        if self.action == "consolidate":
            report = services.report_consolidate(actor=request.user, report=report)
        elif self.action == "submit":
            report = services.report_submit(actor=request.user, report=report)
        elif self.action == "accept":
            report = services.report_accept(actor=request.user, report=report, comment=comment)
        else:
            report = services.report_return(actor=request.user, report=report, comment=comment)
        return Response(report_data(selectors.report_detail(report=report), user=request.user, detail=True))


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

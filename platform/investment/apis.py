"""The public-investment API of a district: plans, projects (GeoJSON), reviews (GeoJSON), exports.

Thin classes: input serializers check types, `accounts.access` decides who may act, services write,
selectors read. Lists that feed the map come out of PostgreSQL as GeoJSON text.
"""
import json

from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from core.models import CapitalSource, Sector
from geo.fields import GuardedGeometryField
from geo.guard import ANY_FEATURE, POINT
from geo.imports import wants_preview
from geo.layers import MAX_LIMIT, MEDIA_TYPE, collection_text, page_response
from geo.numbers import DateInputField, VndField, WholeNumberField
from geo.openapi import feature
from investment import exports, imports, layers, selectors, services
from investment.models import (
    PlanKind,
    ProjectGroup,
    ProjectManager,
    PublicInvestmentPlan,
    ReviewDecision,
)

# ---- helpers ----------------------------------------------------------------------------------

def feature_input(data):
    """A GeoJSON Feature's properties with its geometry under `geometry`; a plain object is taken as it is."""
    if isinstance(data, dict) and data.get("type") == "Feature":
        properties = data.get("properties") or {}
        if not isinstance(properties, dict):
            raise ValidationError({"properties": [_("A Feature's properties must be an object.")]})
        merged = dict(properties)
        if "geometry" in data:
            merged["geometry"] = data["geometry"]
        return merged
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": [_("Send a JSON object or a GeoJSON Feature.")]})
    return data


def require_manager(request):
    """Refuse (403) anyone but the district's Finance-Planning Office before the body is read (the service asks again)."""
    access.require_manage_investment(request.user, request.tenant)


LIST_PARAMETERS = [
    OpenApiParameter("bbox", OpenApiTypes.STR, description="minLon,minLat,maxLon,maxLat (EPSG:4326)"),
    OpenApiParameter("status", OpenApiTypes.STR, description="comma-separated status codes"),
    OpenApiParameter("sector", OpenApiTypes.STR, description="comma-separated sector codes"),
    OpenApiParameter("source", OpenApiTypes.STR, description="comma-separated capital source codes"),
    OpenApiParameter("commune", OpenApiTypes.STR, description="GSO code(s) of communes served"),
    OpenApiParameter("year", OpenApiTypes.INT, description="projects with an allocation in this year"),
    OpenApiParameter("plan", OpenApiTypes.INT, description="projects with an allocation in this plan"),
    OpenApiParameter("page", OpenApiTypes.INT),
    OpenApiParameter("page_size", OpenApiTypes.INT, description=f"up to {MAX_LIMIT}"),
]


# ---- plans ------------------------------------------------------------------------------------

_Int, _Str = serializers.IntegerField, serializers.CharField
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
    "history": inline_serializer("InvestmentPlanEvent", {
        "action": _Str(), "from": _Str(), "to": _Str(), "note": _Str(), "changes": serializers.DictField(), "actor": _Str(),
        "at": serializers.DateTimeField()}, many=True),
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
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

def plan_output(plan, *, detail=False, totals=True):
    """A plan as the API shows it; with `detail`, its history and, with `totals` (district and province staff only,
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
        body["history"] = [
            {"action": e.action, "from": e.from_status, "to": e.to_status, "note": e.note, "changes": e.changes,
             "actor": e.actor.username, "at": e.at.isoformat()}
            for e in plan.events.select_related("actor")
        ]
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
        data = PlanInput(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.plan_create(actor=request.user, **data.validated_data)
        return Response(plan_output(plan, detail=True), status=201)


class PlanDetailApi(APIView):
    """A plan with its sums by year and capital source and its history. Changing an approved plan needs a `reason`."""

    Output = {"get": {200: PLAN_DETAIL}, "patch": {200: PLAN_DETAIL}}
    Input = PlanUpdateInput

    def get(self, request, pk):
        plan = access.access_investment_plan_by_id(request.user, request.tenant, pk)
        return Response(plan_output(plan, detail=True, totals=access.can_read_district_totals(request.user, request.tenant)))

    def patch(self, request, pk):
        plan = access.access_investment_plan_by_id(request.user, request.tenant, pk, for_write=True)
        data = PlanUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        reason = fields.pop("reason", "")
        plan = services.plan_update(plan=plan, actor=request.user, reason=reason, **fields)
        return Response(plan_output(plan, detail=True))


class PlanTransitionApi(APIView):
    """POST submit/, return/, approve/ (approve takes `decision_number` and `decision_date`)."""

    action = None

    Input = PlanTransitionInput
    Output = {200: PLAN_DETAIL}

    def post(self, request, pk):
        plan = access.access_investment_plan_by_id(request.user, request.tenant, pk, for_write=True)
        data = PlanTransitionInput(data=request.data)
        data.is_valid(raise_exception=True)
        plan = services.plan_transition(plan=plan, actor=request.user, action=self.action, **data.validated_data)
        return Response(plan_output(plan, detail=True))


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


# ---- projects ---------------------------------------------------------------------------------

class SourceInput(serializers.Serializer):
    source = serializers.ChoiceField(choices=CapitalSource.choices)
    amount = VndField(min_value=0)


class AllocationInput(serializers.Serializer):
    plan = serializers.PrimaryKeyRelatedField(queryset=PublicInvestmentPlan.objects.all())
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    source = serializers.ChoiceField(choices=CapitalSource.choices)
    amount = VndField(min_value=0)


class ProjectInput(serializers.Serializer):
    code = serializers.CharField(max_length=50)
    name = serializers.CharField(max_length=300)
    investor = serializers.CharField(max_length=300)
    manager = serializers.ChoiceField(choices=ProjectManager.choices, default=ProjectManager.DISTRICT)
    sector = serializers.ChoiceField(choices=Sector.choices)
    group = serializers.ChoiceField(choices=ProjectGroup.choices, default=ProjectGroup.C)
    geometry = GuardedGeometryField(allowed_types=ANY_FEATURE)
    total_investment = VndField(min_value=0)
    decision_number = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    decision_date = DateInputField(required=False, allow_null=True, default=None)
    start_year = serializers.IntegerField(min_value=2000, max_value=2100)
    end_year = serializers.IntegerField(min_value=2000, max_value=2100)
    sources = SourceInput(many=True)
    allocations = AllocationInput(many=True, required=False, default=list)
    communes = serializers.ListField(child=serializers.CharField(max_length=20), required=False, default=list)
    proposals = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list)
    plan_items = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False, default=list)


class ProjectUpdateInput(ProjectInput):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ProjectTransitionInput(PlanTransitionInput):
    pass


class DisbursementInput(serializers.Serializer):
    paid_on = DateInputField()
    amount = VndField(min_value=1)
    physical_progress = WholeNumberField(min_value=0, max_value=100, required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


def _project_args(validated):
    args = dict(validated)
    args["geom"] = args.pop("geometry")
    return args


def project_feature(project, *, user, district):
    """One project as a Feature with everything the review panel shows: sources, allocations, origin proposals, history, reviews."""
    reviews = selectors.review_queryset(user=user, district=district).filter(project=project).select_related("author").prefetch_related("answers__author")
    # Every nested list goes through the reader's scope: a project serving two communes does not show one commune's
    # drafts (proposals, plan items) to the other's team or village heads.
    proposals = access.proposal_scope(user, project.proposals.select_related("commune", "village")).order_by("commune__code", "id")
    plan_items = access.plan_item_scope(user, district, project.plan_items.select_related("plan__cycle__commune")).order_by(
        "plan__cycle__commune__code", "id")
    return {
        "type": "Feature",
        "id": project.pk,
        "geometry": json.loads(project.geom.geojson),
        "properties": {
            "id": project.pk, "code": project.code, "name": project.name, "investor": project.investor,
            "manager": project.manager, "manager_label": project.get_manager_display(),
            "sector": project.sector, "sector_label": project.get_sector_display(),
            "group": project.group, "group_label": project.get_group_display(),
            "status": project.status, "status_label": project.get_status_display(),
            "total_investment": project.total_investment,
            "decision_number": project.decision_number,
            "decision_date": project.decision_date.isoformat() if project.decision_date else None,
            "start_year": project.start_year, "end_year": project.end_year,
            "physical_progress": project.physical_progress,
            "communes": [{"code": c.code, "name": c.name} for c in project.communes.order_by("code")],
            "sources": [{"source": s.source, "label": s.get_source_display(), "amount": s.amount} for s in project.sources.all()],
            "allocations": [
                {"plan": a.plan_id, "plan_name": a.plan.name, "year": a.year, "source": a.source, "label": a.get_source_display(), "amount": a.amount}
                for a in project.allocations.select_related("plan")
            ],
            "disbursements": [
                {"paid_on": d.paid_on.isoformat(), "amount": d.amount, "physical_progress": d.physical_progress, "note": d.note}
                for d in project.disbursements.all()
            ],
            "proposals": [
                {"id": p.pk, "title": p.title, "commune": p.commune.code, "commune_name": p.commune.name,
                 "village": p.village.name if p.village else None, "status": p.status, "status_label": p.get_status_display(),
                 "estimated_cost": p.estimated_cost, "plan_year": p.plan_year}
                for p in proposals
            ],
            "plan_items": [plan_item_summary(i, user=user) for i in plan_items],
            "history": [
                {"action": e.action, "action_label": e.get_action_display(), "from": e.from_status, "to": e.to_status,
                 "note": e.note, "changes": e.changes, "actor": e.actor.get_full_name() or e.actor.username, "at": e.at.isoformat()}
                for e in selectors.project_history(project=project)
            ],
            "reviews": [
                {"id": r.pk, "kind": r.kind, "decision": r.decision, "decision_label": r.get_decision_display() if r.decision else "",
                 "comment": r.comment, "author": r.author.get_full_name() or r.author.username, "created_at": r.created_at.isoformat(),
                 "answers": [{"text": a.text, "author": a.author.get_full_name() or a.author.username, "created_at": a.created_at.isoformat()} for a in r.answers.all()]}
                for r in reviews.distinct()
            ],
        },
    }


# ---- what `project_feature` and the plan item panel answer, for the OpenAPI schema (geo.openapi.feature) --------

_DT, _Bool = serializers.DateTimeField, serializers.BooleanField
_ANSWER = {"text": _Str(), "author": _Str(), "created_at": _DT()}
_REVIEW = {"id": _Int(), "kind": _Str(), "decision": _Str(allow_null=True), "decision_label": _Str(), "comment": _Str(),
           "author": _Str(), "created_at": _DT(), "answers": inline_serializer("ReviewAnswerShown", {**_ANSWER}, many=True)}
_LINKED_PROPOSAL = {"id": _Int(), "title": _Str(), "commune": _Str(), "commune_name": _Str(), "village": _Str(allow_null=True),
                    "status": _Str(), "status_label": _Str(), "estimated_cost": _Int(allow_null=True, help_text="VND"),
                    "plan_year": _Int(allow_null=True)}
_PLAN_ITEM_SUMMARY = {
    "id": _Int(), "title": _Str(), "sector": _Str(), "estimated_cost": _Int(allow_null=True, help_text="VND"), "commune": _Str(),
    "commune_name": _Str(), "plan": _Int(), "plan_year": _Int(), "version": _Int(), "plan_kind": _Str(), "plan_kind_label": _Str(),
    "plan_status": _Str(), "plan_status_label": _Str(),
    "proposals": inline_serializer("PlanItemSummaryProposal", {"id": _Int(), "title": _Str()}, many=True),
}
PROJECT_FEATURE = feature("InvestmentProjectFeature", {
    "id": _Int(), "code": _Str(), "name": _Str(), "investor": _Str(), "manager": _Str(), "manager_label": _Str(),
    "sector": _Str(), "sector_label": _Str(), "group": _Str(), "group_label": _Str(), "status": _Str(), "status_label": _Str(),
    "total_investment": _Int(help_text="VND"), "decision_number": _Str(), "decision_date": serializers.DateField(allow_null=True),
    "start_year": _Int(), "end_year": _Int(), "physical_progress": _Int(allow_null=True, help_text="%"),
    "communes": inline_serializer("ProjectCommune", {"code": _Str(), "name": _Str()}, many=True),
    "sources": inline_serializer("ProjectSourceShown", {"source": _Str(), "label": _Str(), "amount": _Int(help_text="VND")}, many=True),
    "allocations": inline_serializer("ProjectAllocationShown", {
        "plan": _Int(), "plan_name": _Str(), "year": _Int(), "source": _Str(), "label": _Str(), "amount": _Int(help_text="VND")}, many=True),
    "disbursements": inline_serializer("ProjectDisbursementShown", {
        "paid_on": serializers.DateField(), "amount": _Int(help_text="VND"), "physical_progress": _Int(allow_null=True), "note": _Str()}, many=True),
    "proposals": inline_serializer("ProjectProposalShown", {**_LINKED_PROPOSAL}, many=True),
    "plan_items": inline_serializer("ProjectPlanItemShown", {**_PLAN_ITEM_SUMMARY}, many=True),
    "history": inline_serializer("ProjectHistoryShown", {
        "action": _Str(), "action_label": _Str(), "from": _Str(), "to": _Str(), "note": _Str(),
        "changes": serializers.JSONField(allow_null=True, help_text="{field: [before, after]}"), "actor": _Str(), "at": _DT()}, many=True),
    "reviews": inline_serializer("ProjectReviewShown", {**_REVIEW}, many=True),
})
PLAN_ITEM_FEATURE = feature("PlanItemPanelFeature", {
    **_PLAN_ITEM_SUMMARY, "sector_label": _Str(),
    "funding": inline_serializer("PlanItemFundingShown", {"source": _Str(), "label": _Str(), "amount": _Int(allow_null=True, help_text="VND")}, many=True),
    "responsible_unit": _Str(),
    "proposals": inline_serializer("PlanItemProposalShown", {**_LINKED_PROPOSAL}, many=True),
    "projects": inline_serializer("PlanItemProjectShown", {"id": _Int(), "code": _Str(), "name": _Str(), "status": _Str(), "status_label": _Str()}, many=True),
    "reviews": inline_serializer("PlanItemReviewShown", {**_REVIEW, "plan_item": _Int(allow_null=True)}, many=True),
})


def plan_item_summary(item, *, user):
    """A commune plan item as a project panel lists it: the work, its commune and plan version, the proposals it carries
    (those `user` may read, `accounts.access.proposal_scope`)."""
    plan = item.plan
    return {
        "id": item.pk, "title": item.title, "sector": item.sector, "estimated_cost": item.estimated_cost,
        "commune": plan.cycle.commune.code, "commune_name": plan.cycle.commune.name, "plan": plan.pk, "plan_year": plan.cycle.plan_year,
        "version": plan.number, "plan_kind": plan.kind, "plan_kind_label": plan.get_kind_display(),
        "plan_status": plan.status, "plan_status_label": plan.get_status_display(),
        "proposals": [{"id": p.pk, "title": p.title} for p in access.proposal_scope(user, item.proposals.order_by("id"))],
    }


class ProjectListApi(APIView):
    """Investment projects as a GeoJSON FeatureCollection (filters `status`, `sector`, `source`, `commune`, `year`, `plan`, `bbox`).

    POST a GeoJSON Feature to create one (district staff): sources must add up to `total_investment`,
    allocations lie in their plan's years, the geometry inside the district.
    """

    operation_id = {"get": "investment_projects_list"}
    query_parameters = LIST_PARAMETERS
    Output = {"get": {(200, MEDIA_TYPE): layers.projects.openapi_schema()}, "post": {201: PROJECT_FEATURE}}
    Input = ProjectInput

    def get(self, request):
        # One filter mechanism: the layer's (the same as its OGC items, tiles and downloads).
        return page_response(request, layers.projects)

    def post(self, request):
        require_manager(request)
        data = ProjectInput(data=feature_input(request.data))
        data.is_valid(raise_exception=True)
        project = services.project_create(district=request.tenant, actor=request.user, **_project_args(data.validated_data))
        return Response(project_feature(project, user=request.user, district=request.tenant), status=201)


def _visible_project(request, pk, *, for_write=False):
    return access.access_project_by_id(request.user, request.tenant, pk, for_write=for_write)


class ProjectDetailApi(APIView):
    """One project with its sources, allocations, disbursements, origin proposals, history and reviews."""

    Input = ProjectUpdateInput(partial=True)
    Output = PROJECT_FEATURE

    def get(self, request, pk):
        return Response(project_feature(_visible_project(request, pk), user=request.user, district=request.tenant))

    def patch(self, request, pk):
        project = _visible_project(request, pk, for_write=True)
        data = ProjectUpdateInput(data=feature_input(request.data), partial=True)
        data.is_valid(raise_exception=True)
        args = dict(data.validated_data)
        if "geometry" in args:
            args["geom"] = args.pop("geometry")
        project = services.project_update(district=request.tenant, project=project, actor=request.user, **args)
        return Response(project_feature(project, user=request.user, district=request.tenant))


class ProjectTransitionApi(APIView):
    """POST prepare/, approve/ (with the investment decision), start/, complete/, suspend/ (with a note), resume/."""

    action = None
    Input = ProjectTransitionInput
    Output = PROJECT_FEATURE

    def post(self, request, pk):
        project = _visible_project(request, pk, for_write=True)
        data = ProjectTransitionInput(data=request.data)
        data.is_valid(raise_exception=True)
        project = services.project_transition(project=project, actor=request.user, action=self.action, **data.validated_data)
        return Response(project_feature(project, user=request.user, district=request.tenant))


class DisbursementApi(APIView):
    """POST a disbursement (date, amount) and the physical progress at that date."""

    Input = DisbursementInput
    Output = {201: PROJECT_FEATURE}

    def post(self, request, pk):
        project = _visible_project(request, pk, for_write=True)
        data = DisbursementInput(data=request.data)
        data.is_valid(raise_exception=True)
        services.disbursement_record(project=project, actor=request.user, **data.validated_data)
        return Response(project_feature(project, user=request.user, district=request.tenant), status=201)


class ProjectTemplateApi(APIView):
    """The Excel template for projects and allocations (Đ2.2, Đ8, Đ16): Vietnamese headings, a notes sheet, lists of
    sectors, groups, managers, communes, statuses, plans and capital sources, money in whole đồng, dates dd/mm/yyyy.
    For the district's Finance-Planning Office (`accounts.access.can_manage_investment`)."""

    Output = {(200, XLSX): OpenApiResponse(OpenApiTypes.BINARY, description="the import template as an Excel workbook")}

    def get(self, request):
        require_manager(request)
        response = HttpResponse(imports.template_workbook(district=request.tenant), content_type=XLSX)
        response["Content-Disposition"] = 'attachment; filename="mau-nhap-du-an-dau-tu.xlsx"'
        return response


class ProjectImportInput(serializers.Serializer):
    file = serializers.FileField(help_text="the filled template (.xlsx) or a CSV with the same headings")


PROJECT_IMPORT_REPORT = inline_serializer("InvestmentProjectImportReport", {
    "preview": serializers.BooleanField(), "format": _Str(), "columns": serializers.DictField(child=_Str()),
    "created": _Int(), "matched": _Int(), "duplicates": _Int(), "refused": _Int(),
    "rows": serializers.ListField(child=serializers.DictField(), help_text=(
        "{row, status: created|matched|duplicate|refused, code, id?, name?, errors?: {heading: [message]}, "
        "cells?: {\"J5\": [message]}, message?}")),
})


class ProjectImportApi(APIView):
    """POST multipart `file`: the filled template. `?preview=1` reports every row (created, matched, duplicate, refused
    with its cell and reason) and writes nothing; without it the rows the preview accepted are written in one
    transaction (refused rows left out, as in the proposals import). District Finance-Planning Office only."""

    parser_classes = [MultiPartParser, FormParser]
    Input = ProjectImportInput
    query_parameters = [OpenApiParameter("preview", OpenApiTypes.BOOL, description="1: report only, write nothing")]
    Output = PROJECT_IMPORT_REPORT

    def post(self, request):
        require_manager(request)  # before the file is read: a hostile file costs nothing to a role that may not import
        data = ProjectImportInput(data=request.data)
        data.is_valid(raise_exception=True)
        report = imports.projects_import(actor=request.user, district=request.tenant, upload=data.validated_data["file"],
                                         preview=wants_preview(request))
        return Response(report)


# ---- reviews ----------------------------------------------------------------------------------

class ReviewInput(serializers.Serializer):
    project = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    plan_item = serializers.IntegerField(min_value=1, required=False, allow_null=True, default=None)
    decision = serializers.ChoiceField(choices=ReviewDecision.choices, required=False, allow_blank=True, default="")
    comment = serializers.CharField()
    geometry = GuardedGeometryField(allowed_types=POINT, required=False, allow_null=True, default=None)


class ReviewAnswerInput(serializers.Serializer):
    text = serializers.CharField()


class ReviewListApi(APIView):
    """Review decisions and pinned notes as GeoJSON (filters `project`, `kind`, `commune`, `bbox`).

    POST a Feature (district staff of this district only): `properties` {project or plan_item, decision, comment},
    `geometry` a Point for a pinned note (null for a decision on the project or commune plan item itself).
    """

    query_parameters = [OpenApiParameter("project", OpenApiTypes.INT), OpenApiParameter("plan_item", OpenApiTypes.INT), OpenApiParameter("kind", OpenApiTypes.STR, enum=["decision", "note"]),
                    OpenApiParameter("commune", OpenApiTypes.STR), LIST_PARAMETERS[0]]
    Output = {"get": {(200, MEDIA_TYPE): layers.reviews.openapi_schema()}, "post": {(201, MEDIA_TYPE): layers.reviews.feature_schema()}}
    Input = ReviewInput

    def get(self, request):
        return page_response(request, layers.reviews)

    def post(self, request):
        access.require(access.can_review_investment(request.user, request.tenant), _("Only the district's own staff record review decisions and notes."))
        data = ReviewInput(data=feature_input(request.data))
        data.is_valid(raise_exception=True)
        project = None
        if data.validated_data["project"] is not None:
            project = access.access_project_by_id(request.user, request.tenant, data.validated_data["project"])
        plan_item = None
        if data.validated_data["plan_item"] is not None:
            plan_item = access.access_plan_item_by_id(request.user, request.tenant, data.validated_data["plan_item"])
        review = services.review_create(
            district=request.tenant, actor=request.user, project=project, plan_item=plan_item, decision=data.validated_data["decision"],
            comment=data.validated_data["comment"], location=data.validated_data["geometry"],
        )
        feature, _matched, _returned = layers.reviews.page(
            selectors.review_queryset(user=request.user, district=request.tenant).filter(pk=review.pk), limit=1, offset=0)
        return HttpResponse(feature, content_type=MEDIA_TYPE, status=201)


class ReviewAnswerApi(APIView):
    """The commune answers a decision or note that concerns it."""

    Input = ReviewAnswerInput
    Output = {201: inline_serializer("ReviewAnswerOutput", {
        "review": _Int(), "text": _Str(), "author": _Str(help_text="username"), "created_at": serializers.DateTimeField()})}

    def post(self, request, pk):
        review = access.access_review_by_id(request.user, request.tenant, pk)
        access.require(access.can_answer_review(request.user, review.communes.values_list("pk", flat=True)),
                       _("Only the planning team of a commune concerned answers a review."))
        data = ReviewAnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        answer = services.review_answer(review=review, actor=request.user, text=data.validated_data["text"])
        return Response({"review": review.pk, "text": answer.text, "author": request.user.username, "created_at": answer.created_at.isoformat()}, status=201)


# ---- commune plan items under review, and a proposal's way to the money ---------------------------

class PlanItemListApi(APIView):
    """The works (cost and place) that the communes' current draft plans put forward, as GeoJSON for the review map
    (filters `plan_year`, `commune`, `sector`, `bbox`); `review` is the latest district decision on the work."""

    operation_id = "investment_plan_items_list"
    query_parameters = [OpenApiParameter("plan_year", OpenApiTypes.INT), LIST_PARAMETERS[2], LIST_PARAMETERS[4], LIST_PARAMETERS[0],
                    LIST_PARAMETERS[-2], LIST_PARAMETERS[-1]]
    Output = {(200, MEDIA_TYPE): layers.plan_items.openapi_schema()}

    def get(self, request):
        return page_response(request, layers.plan_items)


def _visible_plan_item(request, pk):
    return access.access_plan_item_by_id(request.user, request.tenant, pk)


class PlanItemDetailApi(APIView):
    """One commune plan item for the review panel: the work, its commune and version, its origin proposals, the
    projects answering it and the district's decisions and notes on it (every version of the work), oldest first."""

    Output = PLAN_ITEM_FEATURE

    def get(self, request, pk):
        item = _visible_plan_item(request, pk)
        body = plan_item_summary(item, user=request.user)
        labels = dict(CapitalSource.choices)
        proposals = access.proposal_scope(request.user, item.proposals.select_related("commune", "village")).order_by("id")
        projects = selectors.project_queryset(user=request.user, district=request.tenant).filter(plan_items=item).distinct().order_by("code")
        body.update({
            "sector_label": item.get_sector_display(),
            "funding": [{"source": k, "label": str(labels.get(k, k)), "amount": v} for k, v in (item.funding or {}).items()],
            "responsible_unit": item.responsible_unit,
            "proposals": [
                {"id": p.pk, "title": p.title, "commune": p.commune.code, "commune_name": p.commune.name,
                 "village": p.village.name if p.village else None, "status": p.status, "status_label": p.get_status_display(),
                 "estimated_cost": p.estimated_cost, "plan_year": p.plan_year}
                for p in proposals
            ],
            "projects": [{"id": p.pk, "code": p.code, "name": p.name, "status": p.status, "status_label": p.get_status_display()} for p in projects],
            "reviews": [
                {"id": r.pk, "kind": r.kind, "decision": r.decision, "decision_label": r.get_decision_display() if r.decision else "",
                 "comment": r.comment, "plan_item": r.plan_item_id, "author": r.author.get_full_name() or r.author.username,
                 "created_at": r.created_at.isoformat(),
                 "answers": [{"text": a.text, "author": a.author.get_full_name() or a.author.username, "created_at": a.created_at.isoformat()} for a in r.answers.all()]}
                for r in selectors.plan_item_reviews(user=request.user, district=request.tenant, item=item)
            ],
        })
        return Response({"type": "Feature", "id": item.pk, "geometry": json.loads(item.geom.geojson) if item.geom else None, "properties": body})


PROPOSAL_CHAIN = inline_serializer("ProposalChain", {
    "proposal": inline_serializer("ChainProposal", {
        "id": _Int(), "title": _Str(), "commune": _Str(), "plan_year": _Int(allow_null=True), "status": _Str(), "village": _Str(allow_null=True)}),
    "plan_items": inline_serializer("ChainPlanItem", {
        "id": _Int(), "title": _Str(), "commune": _Str(), "plan": _Int(), "plan_year": _Int(), "version": _Int(), "plan_kind": _Str(),
        "plan_status": _Str(), "estimated_cost": _Int(help_text="VND")}, many=True),
    "projects": inline_serializer("ChainProject", {
        "id": _Int(), "code": _Str(), "name": _Str(), "status": _Str(), "total_investment": _Int(),
        "via_plan_items": serializers.ListField(child=_Int()), "answers_proposal": serializers.BooleanField(),
        "allocations": inline_serializer("ChainAllocation", {"plan": _Int(), "plan_name": _Str(), "year": _Int(), "source": _Str(),
                                                             "amount": _Int()}, many=True),
        "allocated": _Int(), "disbursed": _Int()}, many=True),
})


class ProposalChainApi(APIView):
    """A proposal followed to the money: the plan items carrying it, the projects answering them, allocations, disbursements."""

    Output = {200: PROPOSAL_CHAIN}

    def get(self, request, pk):
        # The proposal as its own route would show it: a village head follows the village's proposals and the
        # commune's published ones, not another village's drafts.
        proposal = access.access_proposal_by_id(request.user, request.tenant, pk)
        return Response(selectors.proposal_chain(user=request.user, district=request.tenant, proposal=proposal))

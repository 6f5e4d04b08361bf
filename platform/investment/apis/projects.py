"""Investment projects (Đ8): the GeoJSON list and one project's panel, transitions, disbursements, the Excel template
and the import of projects and allocations.
"""
import json

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from accounts.events import EventOutput, events_output
from core.models import CapitalSource, Sector
from core.openapi import valid_input
from geo.fields import GuardedGeometryField
from geo.guard import ANY_FEATURE
from geo.imports import ImportAnswer, wants_preview
from geo.layers import MEDIA_TYPE, page_response
from geo.numbers import DateInputField, VndField, WholeNumberField
from geo.openapi import feature
from investment import imports, layers, selectors, services
from investment.apis.common import (
    _LINKED_PROPOSAL,
    _PLAN_ITEM_SUMMARY,
    _REVIEW,
    LIST_PARAMETERS,
    XLSX,
    _Int,
    _Str,
    feature_input,
    plan_item_summary,
    require_manager,
    review_data,
)
from investment.apis.plans import PlanTransitionInput
from investment.models import (
    ProjectGroup,
    ProjectManager,
    PublicInvestmentPlan,
)

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
            "events": events_output(selectors.project_history(project=project), user=user),
            "reviews": [
                review_data(r, reader=user) for r in reviews.distinct()
            ],
        },
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
    "events": EventOutput(many=True),
    "reviews": inline_serializer("ProjectReviewShown", {**_REVIEW}, many=True),
})


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
        data = valid_input(ProjectInput, feature_input(request.data))
        project = services.project_create(district=request.tenant, actor=request.user, **_project_args(data))
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
        data = valid_input(ProjectUpdateInput, feature_input(request.data), partial=True)
        args = dict(data)
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
        data = valid_input(ProjectTransitionInput, request.data)
        project = services.project_transition(project=project, actor=request.user, action=self.action, **data)
        return Response(project_feature(project, user=request.user, district=request.tenant))


class DisbursementApi(APIView):
    """POST a disbursement (date, amount) and the physical progress at that date."""

    Input = DisbursementInput
    Output = {201: PROJECT_FEATURE}

    def post(self, request, pk):
        project = _visible_project(request, pk, for_write=True)
        data = valid_input(DisbursementInput, request.data)
        services.disbursement_record(project=project, actor=request.user, **data)
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


class ProjectImportApi(APIView):
    """POST multipart `file`: the filled template. `?preview=1` reports every row (created, updated, unchanged, refused
    with its cell and reason: every import's answer, docs/API.md, "Imports") and writes nothing; without it the rows the preview accepted are written in one
    transaction (refused rows left out, as in the proposals import). District Finance-Planning Office only."""

    parser_classes = [MultiPartParser, FormParser]
    Input = ProjectImportInput
    query_parameters = {"post": [OpenApiParameter("preview", OpenApiTypes.BOOL, description="1: report only, write nothing")]}
    Output = ImportAnswer

    def post(self, request):
        require_manager(request)  # before the file is read: a hostile file costs nothing to a role that may not import
        data = valid_input(ProjectImportInput, request.data)
        report = imports.projects_import(actor=request.user, district=request.tenant, upload=data["file"],
                                         preview=wants_preview(request))
        return Response(report)

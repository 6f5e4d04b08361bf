"""The communes' draft plan items under the district's review, and a proposal followed to the money (its plan items,
projects, allocations and disbursements).
"""
import json

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from core.models import CapitalSource
from geo.layers import MEDIA_TYPE, page_response
from geo.openapi import feature
from investment import layers, selectors
from investment.apis.common import (
    _LINKED_PROPOSAL,
    _PLAN_ITEM_SUMMARY,
    _REVIEW,
    LIST_PARAMETERS,
    _Int,
    _Str,
    plan_item_summary,
    review_data,
)

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


PLAN_ITEM_FEATURE = feature("PlanItemPanelFeature", {
    **_PLAN_ITEM_SUMMARY, "sector_label": _Str(),
    "funding": inline_serializer("PlanItemFundingShown", {"source": _Str(), "label": _Str(), "amount": _Int(allow_null=True, help_text="VND")}, many=True),
    "responsible_unit": _Str(),
    "proposals": inline_serializer("PlanItemProposalShown", {**_LINKED_PROPOSAL}, many=True),
    "projects": inline_serializer("PlanItemProjectShown", {"id": _Int(), "code": _Str(), "name": _Str(), "status": _Str(), "status_label": _Str()}, many=True),
    "reviews": inline_serializer("PlanItemReviewShown", {**_REVIEW, "plan_item": _Int(allow_null=True)}, many=True),
})


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
                review_data(r, reader=request.user, plan_item=r.plan_item_id) for r in selectors.plan_item_reviews(user=request.user, district=request.tenant, item=item)
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

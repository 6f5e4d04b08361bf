"""Plan versions (Đ5.3–Đ5.5): the draft, items (GeoJSON), targets, new versions, amendments, comparison."""
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response

from accounts import access
from core.models import Sector
from core.openapi import FieldErrors, valid_input
from geo.fields import GuardedGeometryField
from geo.layers import MEDIA_TYPE, page_response
from geo.numbers import DateInputField, DecimalInputField, VndField
from plans import layers, selectors, services
from plans.apis.common import PLAN_OUTPUT, PlanApi, PlanItemFeatureSerializer, TargetOutput, _data, plan_data, text_body
from plans.models import (
    PlanItem,
)
from proposals.models import Proposal


class PlanChange(serializers.Serializer):
    lineage = serializers.CharField()
    label = serializers.CharField()
    change = serializers.CharField(help_text="added, removed or changed")
    differences = serializers.DictField(help_text="field → [before, after]")


# One serializer instance per field: DRF binds a field instance to one name, so a shared one documents only the last.
COMPARE_OUTPUT = inline_serializer("PlanComparison", {
    "a": serializers.IntegerField(help_text="version number"), "b": serializers.IntegerField(),
    "items": PlanChange(many=True), "targets": PlanChange(many=True),
})


class DraftCreateApi(PlanApi):
    """POST creates draft v1 (step 3), by default with an item per accepted proposal: {from_accepted: true}."""

    Output = PLAN_OUTPUT
    Input = inline_serializer("DraftCreateInput", {"from_accepted": serializers.BooleanField(
        default=True, help_text="an item per accepted proposal")})

    def post(self, request, pk):
        cycle = selectors.cycle_get(user=request.user, pk=pk)
        plan = services.plan_create_draft(actor=request.user, cycle=cycle, from_accepted=valid_input(self.Input, _data(request))["from_accepted"])
        return Response(plan_data(plan, user=request.user), status=201)


class PlanDetailApi(PlanApi):
    """GET a version with its targets and items; PATCH its texts {assessment, solutions, monitoring} while it is being written."""

    Output = PLAN_OUTPUT

    class Input(serializers.Serializer):
        assessment = serializers.CharField(allow_blank=True, required=False)
        solutions = serializers.CharField(allow_blank=True, required=False)
        monitoring = serializers.CharField(allow_blank=True, required=False)

    def get(self, request, pk):
        return Response(plan_data(selectors.plan_get(user=request.user, pk=pk), user=request.user))

    def patch(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        plan = services.plan_update(actor=request.user, plan=plan, **valid_input(self.Input, request.data))
        return Response(plan_data(plan, user=request.user))


class ItemInput(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    kind = serializers.ChoiceField(choices=PlanItem.Kind.choices, default=PlanItem.Kind.WORK)
    sector = serializers.ChoiceField(choices=Sector.choices)
    estimated_cost = VndField(min_value=0, max_value=10**15, required=False, default=0)
    funding = serializers.DictField(child=VndField(min_value=0, max_value=10**15), required=False, default=dict)
    responsible_unit = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    starts_on = DateInputField(required=False, allow_null=True, default=None)
    ends_on = DateInputField(required=False, allow_null=True, default=None)
    proposals = serializers.ListField(child=serializers.IntegerField(), required=False, default=list, max_length=100)


class FeatureInput(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Feature"])
    geometry = GuardedGeometryField(allow_null=True, required=False)
    properties = serializers.DictField()


class ItemFeatureInput(FeatureInput):
    """A plan item as a GeoJSON Feature: what `_feature` reads (the geometry may be null for an activity)."""

    properties = ItemInput()


def _feature(request, *, partial=False):
    feature = valid_input(FeatureInput, request.data)
    return feature.get("geometry"), valid_input(ItemInput, feature["properties"], partial=partial)


class PlanItemListApi(PlanApi):
    """GET the items of a version as GeoJSON (paginated, `bbox`); POST adds one as a GeoJSON Feature (geometry may be null for an activity)."""

    Output = {"get": {(200, MEDIA_TYPE): layers.plan_works.openapi_schema()}, "post": {201: PlanItemFeatureSerializer}}
    Input = ItemFeatureInput
    query_parameters = [OpenApiParameter("bbox", OpenApiTypes.STR, description="minLon,minLat,maxLon,maxLat (EPSG:4326)"),
                        OpenApiParameter("page", OpenApiTypes.INT), OpenApiParameter("page_size", OpenApiTypes.INT)]

    def get(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        items = layers.plan_works.filter_rows(PlanItem.objects.filter(plan=plan), bbox=request.GET.get("bbox") or None)
        return page_response(request, layers.plan_works, rows=items)

    def post(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        access.require_commune_team(request.user, plan.cycle.commune)
        geom, data = _feature(request)
        ids = data.pop("proposals")
        proposals = list(Proposal.objects.filter(pk__in=ids))
        if len(proposals) != len(set(ids)):
            return Response({"proposals": [_("Unknown proposal.")]}, status=400)
        item = services.item_create(actor=request.user, plan=plan, proposals=proposals, geom=geom, **data)
        return Response(PlanItemFeatureSerializer(item).data, status=201)


class PlanItemDetailApi(PlanApi):
    """PATCH an item (a GeoJSON Feature with the properties to change) or DELETE it, while its version is being written."""

    Output = {"patch": PlanItemFeatureSerializer, "delete": {204: None}}
    Input = ItemFeatureInput

    def _item(self, request, pk):
        item = access.access_plan_item_by_id(request.user, request.tenant, pk)
        access.require_commune_team(request.user, item.plan.cycle.commune)
        return item

    def patch(self, request, pk):
        item = self._item(request, pk)
        geom, data = _feature(request, partial=True)
        data.pop("proposals", None)
        item = services.item_update(actor=request.user, item=item, geom=geom, **data)
        return Response(PlanItemFeatureSerializer(item).data)

    def delete(self, request, pk):
        services.item_delete(actor=request.user, item=self._item(request, pk))
        return Response(status=204)


class TargetListApi(PlanApi):
    Output = {"get": TargetOutput(many=True), "post": TargetOutput}

    class Input(serializers.Serializer):
        indicator = serializers.CharField(max_length=300)
        unit = serializers.CharField(max_length=50)
        current_estimate = DecimalInputField(max_digits=18, decimal_places=2, required=False, allow_null=True, default=None)
        next_target = DecimalInputField(max_digits=18, decimal_places=2)

    def get(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        return Response(TargetOutput(plan.targets.all(), many=True).data)

    def post(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        access.require_commune_team(request.user, plan.cycle.commune)
        target = services.target_create(actor=request.user, plan=plan, **valid_input(self.Input, request.data))
        return Response(TargetOutput(target).data, status=201)


class TargetDetailApi(PlanApi):
    Output = {204: None}

    def delete(self, request, pk):
        target = access.access_target_by_id(request.user, request.tenant, pk)
        services.target_delete(actor=request.user, target=target)
        return Response(status=204)


class PlanNewVersionApi(PlanApi):
    """POST {kind: revised|final} carries the newest version forward."""

    Output = PLAN_OUTPUT
    Input = text_body("NewVersionInput", "kind", "revised or final", max_length=20)

    def post(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        access.require_commune_team(request.user, plan.cycle.commune)
        new = services.plan_new_version(actor=request.user, plan=plan, kind=valid_input(self.Input, _data(request))["kind"])
        return Response(plan_data(new, user=request.user), status=201)


class PlanAmendApi(PlanApi):
    """POST {reason} starts an amendment of an approved plan, which stays as approved."""

    Output = PLAN_OUTPUT
    Input = text_body("AmendInput", "reason", "why the approved plan changes", max_length=2000)

    def post(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        access.require_commune_team(request.user, plan.cycle.commune)
        new = services.plan_amend(actor=request.user, plan=plan, reason=valid_input(self.Input, _data(request))["reason"])
        return Response(plan_data(new, user=request.user), status=201)


class PlanCompareApi(PlanApi):
    Output = {200: COMPARE_OUTPUT, 400: FieldErrors}  # two versions of different cycles

    def get(self, request, pk, other):
        a = selectors.plan_get(user=request.user, pk=pk)
        b = selectors.plan_get(user=request.user, pk=other)
        if a.cycle_id != b.cycle_id:
            return Response({"other": [_("Compare two versions of the same cycle.")]}, status=400)
        return Response({"a": a.number, "b": b.number, **selectors.plans_compare(a=a, b=b)})


_ENVELOPE_ROW = {
    "sector": serializers.CharField(), "sector_label": serializers.CharField(), "capital_source": serializers.CharField(),
    "source_label": serializers.CharField(), "envelope": serializers.IntegerField(allow_null=True, help_text="VND; null: no envelope"),
    "planned": serializers.IntegerField(help_text="VND"), "difference": serializers.IntegerField(allow_null=True, help_text="planned − envelope, VND"),
}


class PlanEnvelopeCheckApi(PlanApi):
    """GET a version against the commune's step-2 envelopes (Đ2.4), per sector and capital source: a warning list
    (`plans.selectors.plan_envelope_check`), for anyone who sees the plan (a commune sees its own envelopes)."""

    Output = inline_serializer("PlanEnvelopeCheck", {
        "plan": serializers.IntegerField(), "orientation_published": serializers.BooleanField(),
        "rows": inline_serializer("PlanEnvelopeRow", {**_ENVELOPE_ROW}, many=True),
        "over": inline_serializer("PlanEnvelopeOver", {**_ENVELOPE_ROW}, many=True, help_text="rows planned above their envelope"),
        "ok": serializers.BooleanField(),
    })

    def get(self, request, pk):
        return Response(selectors.plan_envelope_check(plan=selectors.plan_get(user=request.user, pk=pk)))

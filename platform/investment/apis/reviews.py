"""The district's review on the map: decisions and pinned notes on projects and commune plan items, the communes'
answers.
"""
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from accounts.events import EventActorOutput, moment_output, person_output
from core.openapi import valid_input
from geo.fields import GuardedGeometryField
from geo.guard import POINT
from geo.layers import MEDIA_TYPE, page_response
from investment import layers, selectors, services
from investment.apis.common import (
    LIST_PARAMETERS,
    _Int,
    _Str,
    feature_input,
)
from investment.models import (
    ReviewDecision,
)

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
        data = valid_input(ReviewInput, feature_input(request.data))
        project = None
        if data["project"] is not None:
            project = access.access_project_by_id(request.user, request.tenant, data["project"])
        plan_item = None
        if data["plan_item"] is not None:
            plan_item = access.access_plan_item_by_id(request.user, request.tenant, data["plan_item"])
        review = services.review_create(
            district=request.tenant, actor=request.user, project=project, plan_item=plan_item, decision=data["decision"],
            comment=data["comment"], location=data["geometry"],
        )
        feature, _matched, _returned = layers.reviews.page(
            selectors.review_queryset(user=request.user, district=request.tenant).filter(pk=review.pk), limit=1, offset=0)
        return HttpResponse(feature, content_type=MEDIA_TYPE, status=201)


class ReviewAnswerApi(APIView):
    """The commune answers a decision or note that concerns it."""

    Input = ReviewAnswerInput
    Output = {201: inline_serializer("ReviewAnswerOutput", {
        "review": _Int(), "text": _Str(), "author": EventActorOutput(help_text="who wrote it (accounts.events.person_output)"), "created_at": serializers.DateTimeField()})}

    def post(self, request, pk):
        review = access.access_review_by_id(request.user, request.tenant, pk)
        access.require(access.can_answer_review(request.user, review.communes.values_list("pk", flat=True)),
                       _("Only the planning team of a commune concerned answers a review."))
        data = valid_input(ReviewAnswerInput, request.data)
        answer = services.review_answer(review=review, actor=request.user, text=data["text"])
        return Response({"review": review.pk, "text": answer.text, "author": person_output(request.user, reader=request.user),
                         "created_at": moment_output(answer.created_at)}, status=201)

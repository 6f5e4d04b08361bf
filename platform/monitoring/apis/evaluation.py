"""The commune People's Council's periodic evaluation of the main targets (Đ11.2: HĐND xã đánh giá định kỳ).
"""
from django.utils.translation import gettext as _
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from core.openapi import valid_input
from geo.numbers import DateInputField
from monitoring import selectors, services
from monitoring.apis.common import (
    _Date,
    _Int,
    _Str,
)
from monitoring.models import ReportingPeriod


class MEEvaluationInput(serializers.Serializer):
    period = serializers.IntegerField()
    held_on = DateInputField()
    resolution_number = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    assessment = serializers.CharField(max_length=10000)


class EvaluationApi(APIView):
    """POST: record the commune People's Council's periodic evaluation of the main targets (Đ11.2)."""

    Input = MEEvaluationInput
    Output = {201: inline_serializer("CouncilEvaluationCreated", {
        "id": _Int(), "period": _Str(), "held_on": _Date()})}

    def post(self, request, pk):
        me_plan = selectors.me_plan_get(user=request.user, district=request.tenant, pk=pk)
        access.require(access.can_act_for_council(request.user, me_plan.commune), _("Only the commune's People's Council may do this."))
        data = valid_input(MEEvaluationInput, request.data)
        period = ReportingPeriod.objects.filter(pk=data.pop("period")).first()
        if period is None:
            raise ApiValidationError({"period": [_("Unknown reporting period.")]})
        evaluation = services.council_evaluation_record(actor=request.user, me_plan=me_plan, period=period, **data)
        return Response({"id": evaluation.pk, "period": str(period), "held_on": evaluation.held_on}, status=status.HTTP_201_CREATED)

"""District APIs of inspections (Đ16.4) and difficulties (Đ19), under /d/<slug>/api/duties/."""
from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from core.openapi import valid_input
from duties import services
from duties.models import Correction, Difficulty, Inspection
from geo.models import AdministrativeUnit
from geo.numbers import DateInputField


def _commune(code, district):
    """A commune of this district by GSO code, or a 400 naming `commune`."""
    commune = AdministrativeUnit.objects.filter(code=code, level="commune", parent_id=district.unit_id).first()
    if commune is None:
        raise serializers.ValidationError({"commune": [_("No such commune in this district.")]})
    return commune


class CorrectionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    description = serializers.CharField()
    due_on = serializers.DateField()
    closed_at = serializers.DateTimeField(allow_null=True)
    closing_note = serializers.CharField()


class InspectionOutput(serializers.Serializer):
    id = serializers.IntegerField()
    commune = serializers.CharField(source="commune.code")
    commune_name = serializers.CharField(source="commune.name")
    inspected_on = serializers.DateField()
    subject = serializers.CharField()
    findings = serializers.CharField()
    is_closed = serializers.BooleanField()
    corrections = CorrectionOutput(many=True)


class CorrectionInput(serializers.Serializer):
    """One correction an inspection requires (Đ16.4): what to correct and by when (dd/mm/yyyy or ISO)."""

    description = serializers.CharField(max_length=2000)
    due_on = DateInputField()


class InspectionListApi(APIView):
    """GET inspections in the reader's scope; POST one (the district office of the commune) with its corrections."""


    class Input(serializers.Serializer):
        commune = serializers.CharField(max_length=20)
        inspected_on = DateInputField()
        subject = serializers.CharField(max_length=300)
        findings = serializers.CharField(max_length=10000)
        # A bad element is a 400 naming it and its key: {"corrections": {"1": {"due_on": [...]}}}.
        corrections = serializers.ListField(child=CorrectionInput(), required=False, default=list, max_length=100)

    Output = {"get": InspectionOutput(many=True), "post": {201: InspectionOutput}}

    def get(self, request):
        rows = access.inspection_scope(request.user, Inspection.objects.select_related("commune").prefetch_related("corrections"))
        return Response(InspectionOutput(rows, many=True).data)

    def post(self, request):
        access.require(access.can_orient_communes(request.user, request.tenant), _("Only the district's Finance-Planning Office may inspect communes."))
        serializer = valid_input(self.Input, request.data)
        data = dict(serializer)
        corrections = [dict(c) for c in data["corrections"]]
        inspection = services.inspection_create(actor=request.user, commune=_commune(data["commune"], request.tenant),
                                                inspected_on=data["inspected_on"], subject=data["subject"], findings=data["findings"],
                                                corrections=corrections)
        return Response(InspectionOutput(inspection).data, status=201)


class CorrectionCloseApi(APIView):
    """POST {note}: the district office closes a required correction (Đ16.4)."""

    class Input(serializers.Serializer):
        note = serializers.CharField(max_length=5000)

    Output = CorrectionOutput

    def post(self, request, pk):
        correction = Correction.objects.filter(pk=pk).select_related("inspection").first()
        if correction is None:
            raise access.not_found()
        access.access_inspection_by_id(request.user, request.tenant, correction.inspection_id, for_write=True)
        serializer = valid_input(self.Input, request.data)
        correction = services.correction_close(actor=request.user, correction=correction, note=serializer["note"])
        return Response(CorrectionOutput(correction).data)


class DifficultyOutput(serializers.Serializer):
    id = serializers.IntegerField()
    commune = serializers.CharField(source="commune.code")
    commune_name = serializers.CharField(source="commune.name")
    title = serializers.CharField()
    body = serializers.CharField()
    status = serializers.CharField()
    status_name = serializers.CharField(source="get_status_display")
    raised_at = serializers.DateTimeField()
    answer = serializers.CharField()
    answered_at = serializers.DateTimeField(allow_null=True)
    forwarded_at = serializers.DateTimeField(allow_null=True)
    forward_note = serializers.CharField()
    province_answer = serializers.CharField()
    province_answered_at = serializers.DateTimeField(allow_null=True)


class DifficultyListApi(APIView):
    """GET difficulties in the reader's scope; POST one (a commune's planning team, to its district; Đ19)."""

    class Input(serializers.Serializer):
        commune = serializers.CharField(max_length=20)
        title = serializers.CharField(max_length=300)
        body = serializers.CharField(max_length=10000)

    Output = {"get": DifficultyOutput(many=True), "post": {201: DifficultyOutput}}

    def get(self, request):
        rows = access.difficulty_scope(request.user, Difficulty.objects.select_related("commune"))
        return Response(DifficultyOutput(rows, many=True).data)

    def post(self, request):
        access.require(access.is_commune_team(request.user), _("Only the commune's planning team may raise a difficulty."))
        serializer = valid_input(self.Input, request.data)
        data = serializer
        difficulty = services.difficulty_raise(actor=request.user, commune=_commune(data["commune"], request.tenant),
                                               title=data["title"], body=data["body"])
        return Response(DifficultyOutput(difficulty).data, status=201)


class DifficultyAnswerApi(APIView):
    """POST {answer}: the district answers an open difficulty, or the province one forwarded to it (Đ19)."""

    class Input(serializers.Serializer):
        answer = serializers.CharField(max_length=10000)

    Output = DifficultyOutput

    def post(self, request, pk):
        difficulty = access.access_difficulty_by_id(request.user, request.tenant, pk, for_answer=True)
        serializer = valid_input(self.Input, request.data)
        difficulty = services.difficulty_answer(actor=request.user, difficulty=difficulty, answer=serializer["answer"])
        return Response(DifficultyOutput(difficulty).data)


class DifficultyForwardApi(APIView):
    """POST {note}: the district office forwards an open difficulty to the province (Đ19)."""

    class Input(serializers.Serializer):
        note = serializers.CharField(max_length=10000, required=False, allow_blank=True, default="")

    Output = DifficultyOutput

    def post(self, request, pk):
        difficulty = access.access_difficulty_by_id(request.user, request.tenant, pk)  # 404; the service: 400 on status, 403
        serializer = valid_input(self.Input, request.data)
        difficulty = services.difficulty_forward(actor=request.user, difficulty=difficulty, note=serializer["note"])
        return Response(DifficultyOutput(difficulty).data)

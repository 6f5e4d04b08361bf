"""Province-level APIs of the duties of Đ12–Đ18 (public schema, under /api/province/): library, training, communication."""
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema_field, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from core.openapi import valid_input
from geo.models import AdministrativeUnit
from geo.numbers import DateInputField
from geo.parsers import SafeJSONParser
from guidance import selectors, services
from guidance.models import CommunicationLevel, DocumentKind


class DocumentOutput(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_name = serializers.CharField(source="get_kind_display")
    title = serializers.CharField()
    number = serializers.CharField()
    issued_on = serializers.DateField()
    issuer = serializers.CharField()
    is_public = serializers.BooleanField()
    file_name = serializers.CharField()
    url = serializers.SerializerMethodField()

    def get_url(self, document) -> str | None:
        if not document.file:
            return None
        return document.file.url if not document.is_public else f"/public{document.file.url}"


class DocumentListApi(APIView):
    """GET the library (anyone: public documents; staff: all); POST a document (province staff, multipart with `file`)."""

    parser_classes = [MultiPartParser, FormParser, SafeJSONParser]

    class Input(serializers.Serializer):
        kind = serializers.ChoiceField(choices=DocumentKind.choices)
        title = serializers.CharField(max_length=300)
        number = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
        issued_on = DateInputField()
        issuer = serializers.CharField(max_length=200)
        is_public = serializers.BooleanField(default=False)
        file = serializers.FileField(required=False)

    def get_permissions(self):
        # Anyone reads the public documents; writing needs an account (401), then the province (403).
        return [AllowAny()] if self.request.method in ("GET", "HEAD", "OPTIONS") else super().get_permissions()

    Output = {"get": DocumentOutput(many=True), "post": {201: DocumentOutput}}
    query_parameters = [OpenApiParameter("kind", OpenApiTypes.STR, enum=list(DocumentKind.values), description="only this kind of document")]

    def get(self, request):
        kind = request.query_params.get("kind") or None  # one of DocumentKind: geo.params reads the declared enum
        return Response(DocumentOutput(selectors.document_list(user=request.user, kind=kind), many=True).data)

    def post(self, request):
        access.require(access.can_manage_library(request.user), _("Only province staff may change the library."))
        serializer = valid_input(self.Input, request.data)
        data = dict(serializer)
        upload = data.pop("file", None)
        document = services.document_create(actor=request.user, upload=upload, **data)
        return Response(DocumentOutput(document).data, status=201)


class TrainingPersonOutput(serializers.Serializer):
    """One person of the training answers, course participant or untrained (`guidance.selectors.training_person`)."""

    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField(help_text="the full name, else the username")
    role = serializers.CharField()
    unit = serializers.CharField(allow_null=True)


class CourseOutput(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    organiser = serializers.CharField(source="organiser.code")
    organiser_name = serializers.CharField(source="organiser.name")
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    place = serializers.CharField()
    participants = serializers.SerializerMethodField()

    @extend_schema_field(TrainingPersonOutput(many=True))
    def get_participants(self, course):
        return [selectors.training_person(p.user) for p in course.participants.all()]


class CourseListApi(APIView):
    """GET courses (province and district staff); POST a course with its participants (province; a district for its own)."""

    class Input(serializers.Serializer):
        title = serializers.CharField(max_length=300)
        organiser = serializers.CharField(max_length=20, help_text="GSO code of the organising province or district")
        starts_on = DateInputField()
        ends_on = DateInputField()
        place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
        participants = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)

    Output = {"get": CourseOutput(many=True), "post": {201: CourseOutput}}

    def get(self, request):
        access.require(access.can_read_training(request.user), _("Only province and district staff may do this."))
        return Response(CourseOutput(selectors.course_list(user=request.user), many=True).data)

    def post(self, request):
        access.require(access.can_manage_training(request.user), _("Only province and district staff may do this."))
        serializer = valid_input(self.Input, request.data)
        data = dict(serializer)
        organiser = AdministrativeUnit.objects.filter(code=data["organiser"], level__in=("province", "district")).first()
        if organiser is None:
            raise serializers.ValidationError({"organiser": [_unit_unknown()]})
        course = services.course_create(actor=request.user, title=data["title"], organiser=organiser, starts_on=data["starts_on"],
                                        ends_on=data["ends_on"], place=data["place"], participant_ids=data["participants"])
        return Response(CourseOutput(selectors.course_list(user=request.user).get(pk=course.pk)).data, status=201)


class UntrainedApi(APIView):
    """GET who in each commune has not attended any course yet (province: all communes; district: its own; `district=` GSO code)."""

    Output = inline_serializer("UntrainedCommune", {
        "commune": serializers.CharField(), "commune_name": serializers.CharField(),
        "people": TrainingPersonOutput(many=True)}, many=True)
    query_parameters = [OpenApiParameter("district", OpenApiTypes.STR, description="GSO code of a district: only its communes")]

    def get(self, request):
        access.require(access.can_read_training(request.user), _("Only province and district staff may do this."))
        code = request.query_params.get("district")
        district_unit = AdministrativeUnit.objects.filter(code=code, level="district").first() if code else None
        if code and district_unit is None:
            raise serializers.ValidationError({"district": [_("Not the GSO code of a district.")]})
        return Response(selectors.untrained_by_commune(user=request.user, district_unit=district_unit))


class CommunicationOutput(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    level = serializers.CharField()
    held_on = serializers.DateField()
    channel = serializers.CharField()
    title = serializers.CharField()
    audience = serializers.IntegerField()


class CommunicationListApi(APIView):
    """GET communication activities in the reader's scope (`level=province|district|commune`); POST one (Đ17)."""

    class Input(serializers.Serializer):
        unit = serializers.CharField(max_length=20, help_text="GSO code of the unit that held it")
        held_on = DateInputField()
        channel = serializers.CharField(max_length=100)
        title = serializers.CharField(max_length=300)
        audience = serializers.IntegerField(min_value=0, required=False, default=0)

    Output = {"get": CommunicationOutput(many=True), "post": {201: CommunicationOutput}}
    query_parameters = [OpenApiParameter("level", OpenApiTypes.STR, enum=list(CommunicationLevel.values), description="only activities held at this level")]

    def get(self, request):
        level = request.query_params.get("level") or None  # one of CommunicationLevel: geo.params reads the declared enum
        return Response(CommunicationOutput(selectors.communication_list(user=request.user, level=level), many=True).data)

    def post(self, request):
        serializer = valid_input(self.Input, request.data)
        data = dict(serializer)
        unit = AdministrativeUnit.objects.filter(code=data.pop("unit")).first()
        if unit is None:
            raise serializers.ValidationError({"unit": [_unit_unknown()]})
        activity = services.communication_create(actor=request.user, unit=unit, **data)
        return Response(CommunicationOutput(activity).data, status=201)


def _unit_unknown():
    return _("No such unit.")


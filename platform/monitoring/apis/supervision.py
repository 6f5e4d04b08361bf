"""Community supervision (Đ8: giám sát cộng đồng): supervision findings on the works and geolocated photo evidence.
"""
import json

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from accounts.events import EventActorOutput, person_output
from core.openapi import valid_input
from files.uploads import PHOTO_TYPES, checked_file
from geo.fields import GuardedGeometryField
from geo.guard import POINT, GeometryRejected, parse_geometry
from geo.layers import MEDIA_TYPE, page_response
from geo.numbers import DateInputField
from geo.openapi import feature
from geo.parsers import SafeJSONParser
from idempotency.keys import idempotent
from monitoring import layers, selectors, services
from monitoring.apis.common import (
    _Date,
    _Int,
    _Str,
)
from monitoring.models import Activity, SupervisionFinding


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


# --- evidence, findings, bulk progress --------------------------------------------------------------

EVIDENCE_FEATURE = feature("EvidencePhotoFeature", {
    "me_plan": _Int(), "commune": _Str(help_text="GSO code"), "report": _Int(allow_null=True), "activity": _Int(allow_null=True),
    "activity_title": _Str(allow_null=True), "finding": _Int(allow_null=True), "caption": _Str(), "taken_on": _Date(allow_null=True),
    "url": _Str(), "content_type": _Str(), "uploaded_by": EventActorOutput(help_text="who uploaded it (accounts.events.person_output)"), "uploaded_at": serializers.DateTimeField(),
}, geometry="Point")
FINDING_FEATURE = feature("FindingFeature", {
    "activity": _Int(), "board": _Str(), "finding": _Str(), "photos": serializers.ListField(child=_Str(), help_text="photo URLs"),
}, geometry="Point")
FINDING_INPUT_FEATURE = feature("FindingFeatureInput", {
    name: field for name, field in MEFindingInput._declared_fields.items() if name != "geometry"}, geometry="Point")


def _feature(obj, geometry, properties):
    return {"type": "Feature", "id": obj.pk, "geometry": json.loads(geometry.geojson), "properties": properties}


def photo_properties(photo, *, reader):
    return {"me_plan": photo.me_plan_id, "commune": photo.me_plan.commune.code, "report": photo.report_id, "activity": photo.activity_id,
            "activity_title": photo.activity.title if photo.activity else None, "finding": photo.finding_id, "caption": photo.caption,
            "taken_on": photo.taken_on, "url": photo.photo.url, "content_type": photo.content_type, "uploaded_by": person_output(photo.uploaded_by, reader=reader),
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
        data = valid_input(MEEvidenceInput, request.data)
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
        return Response(_feature(photo, photo.location, photo_properties(photo, reader=request.user)), status=status.HTTP_201_CREATED)


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

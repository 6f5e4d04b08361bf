"""`GET /d/<slug>/api/me/offline/`: the phone's offline bundle (issue 16), see `offline.selectors`."""
from django.utils.http import quote_etag
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from offline.selectors import bundle_version, offline_bundle

_S, _I, _B, _J = serializers.CharField, serializers.IntegerField, serializers.BooleanField, serializers.JSONField


def _code_label(name):
    return inline_serializer(name, {"code": _S(), "label": _S()}, many=True)


def _feature(name, id_field, properties, geometry):
    return inline_serializer(name, {
        "type": _S(help_text="Feature"), "id": id_field,
        "geometry": _J(allow_null=True, help_text=f"GeoJSON {geometry}, EPSG:4326 lon/lat, simplified to OFFLINE_SIMPLIFY_DEGREES"),
        "properties": inline_serializer(name + "Properties", properties),
    })


def _collection(name, feature_serializer):
    return inline_serializer(name, {"type": _S(help_text="FeatureCollection"), "features": feature_serializer})


def _unit(name, many=False):
    fields = {"id": _I(), "code": _S(help_text="GSO code"), "name": _S(), "level": _S(), "parent": _S(allow_null=True)}
    return _feature(name, _S(help_text="GSO code"), fields, "MultiPolygon") if not many else \
        inline_serializer(name, {"type": _S(help_text="Feature"), "id": _S(help_text="GSO code"),
                                 "geometry": _J(allow_null=True, help_text="GeoJSON MultiPolygon, EPSG:4326 lon/lat, simplified"),
                                 "properties": inline_serializer(name + "Properties", fields)}, many=True)


PROPOSAL = inline_serializer("OfflineProposalFeature", {
    "type": _S(help_text="Feature"), "id": _I(),
    "geometry": _J(allow_null=True, help_text="GeoJSON Point, LineString or Polygon, EPSG:4326 lon/lat"),
    "properties": inline_serializer("OfflineProposalProperties", {
        "id": _I(), "title": _S(), "sector": _S(), "plan_year": _I(), "village": _S(allow_null=True),
        "estimated_cost": _I(help_text="VND"), "status": _S(), "status_label": _S(), "decision_reason": _S(),
        "is_late": _B(), "meeting": _I(allow_null=True), "created_at": serializers.DateTimeField(),
        "updated_at": serializers.DateTimeField()}),
}, many=True)


BUNDLE = inline_serializer("OfflineBundle", {
    "generated_at": serializers.DateTimeField(),
    "user": inline_serializer("OfflineUser", {
        "username": _S(), "role": _S(), "village_id": _I(allow_null=True), "village_code": _S(allow_null=True),
        "commune_id": _I(), "commune_code": _S()}),
    "district": inline_serializer("OfflineDistrict", {"slug": _S(), "name": _S()}),
    "commune": _unit("OfflineCommune"),
    "villages": _collection("OfflineVillages", _unit("OfflineVillage", many=True)),
    "vocabularies": inline_serializer("OfflineVocabularies", {
        "sectors": _code_label("OfflineSector"), "capital_sources": _code_label("OfflineCapitalSource"),
        "resource_fields": _code_label("OfflineResourceField"), "source_kinds": _code_label("OfflineSourceKind"),
        "proposal_statuses": _code_label("OfflineProposalStatus")}),
    "cycle": inline_serializer("OfflineCycle", {
        "id": _I(), "plan_year": _I(), "step": _S(), "step_label": _S(), "proposals_open": _B(), "meetings_open": _B(),
        "proposals_due_on": serializers.DateField(allow_null=True), "proposals_late": _B()}, allow_null=True),
    "default_plan_year": _I(),
    "proposals": _collection("OfflineProposals", PROPOSAL),
    "meetings": inline_serializer("OfflineMeeting", {
        "id": _I(), "village": _S(), "village_name": _S(), "plan_year": _I(), "held_on": serializers.DateField(), "place": _S(),
        "participants": _I(), "women": _I(), "poor_households": _I(), "has_minutes": _B()}, many=True),
    "monitoring": inline_serializer("OfflineMonitoring", {
        "me_plans": inline_serializer("OfflineMEPlan", {"id": _I(), "year": _I()}, many=True),
        "periods": inline_serializer("OfflinePeriod", {
            "id": _I(), "kind": _S(), "year": _I(), "number": _I(), "starts_on": serializers.DateField(),
            "ends_on": serializers.DateField(), "village_due_on": serializers.DateField()}, many=True),
        "reports": inline_serializer("OfflineReport", {"id": _I(), "me_plan": _I(), "period": _I(), "village": _S(allow_null=True),
                                                        "status": _S()}, many=True)}),
    "limits": inline_serializer("OfflineLimits", {
        "upload_max_bytes": _I(), "upload_max_pixels": _I(), "photo_types": serializers.ListField(child=_S()),
        "geometry_tolerance_m": _I(), "idempotency_key_days": _I()}),
})


class OfflineBundleApi(APIView):
    """What the phone keeps to work offline: the user, the commune's and villages' boundaries, the code lists, the open
    cycle, the user's proposals and meetings, what the village report needs, the upload limits (docs/API.md).

    403 for a role that does not capture in the field. Signed-in data: `Cache-Control: no-store` like every signed-in
    answer, but with an ETag, so a phone sending `If-None-Match` gets a 304 when nothing changed (geo.middleware)."""

    Output = BUNDLE

    def get(self, request):
        bundle = offline_bundle(user=request.user, district=request.tenant)
        response = Response(bundle)
        response["Cache-Control"] = "no-store"
        # The ETag leaves out `generated_at`, so an unchanged bundle is a 304 however often it is asked for.
        response["ETag"] = quote_etag(bundle_version(bundle))
        response.layer_answer = True  # ETag and 304 by geo.middleware.LayerAnswerMiddleware (no-store is kept)
        return response

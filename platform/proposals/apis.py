"""Step-1 API of a district: village meetings, proposals, and the planning team's explicit actions."""
import json

from django.conf import settings
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from core.openapi import many, valid_input
from files.storage import public_file_url
from geo.features import cluster_cell_degrees, parse_zoom
from geo.imports import ImportAnswer, wants_preview
from geo.layers import MEDIA_TYPE, page_response
from geo.openapi import clusters, layer_parameters
from geo.parsers import SafeJSONParser
from idempotency.keys import idempotent
from proposals import layers, selectors, services
from proposals.imports import proposals_import
from proposals.models import CommuneUnit, Proposal, ProposalEvent
from proposals.serializers import (
    MEETING_DETAIL_FEATURE,
    MEETING_FEATURE,
    PROPOSAL_CHANGE,
    PROPOSAL_FEATURE,
    PROPOSAL_SUBMISSION,
    AttachmentInput,
    DecisionInput,
    ImportInput,
    MergeInput,
    ProposalFeatureInput,
    ProposalFeatureUpdate,
    PublishInput,
    RankInput,
    VillageMeetingInput,
    proposal_detail,
)

# What the proposals layer routes read (geo.layers.page_response): bbox, page, page_size and the layer's filters.
LIST_PARAMETERS = layer_parameters(layers.proposals)


ATTACHMENT = inline_serializer("ProposalAttachmentOutput", {
    "id": serializers.IntegerField(), "name": serializers.CharField(), "content_type": serializers.CharField(),
    "size": serializers.IntegerField(help_text="bytes"), "url": serializers.CharField(help_text="download URL"),
})


def _act(call):
    """Run a service: a missing row → 404; AccessDenied (404/403) and ValidationError (400) go to the API handler."""
    try:
        return call()
    except Proposal.DoesNotExist:
        raise Http404


class ProposalListApi(APIView):
    """GET: the proposals the caller may see (GeoJSON). POST: submit one as a GeoJSON Feature."""

    operation_id = {"get": "proposals_list"}
    query_parameters = LIST_PARAMETERS
    Output = {"get": {(200, MEDIA_TYPE): layers.proposals.openapi_schema()}, "post": {201: PROPOSAL_FEATURE}}
    Input = PROPOSAL_SUBMISSION

    def get(self, request):
        return page_response(request, layers.proposals)

    @idempotent
    def post(self, request):
        feature = valid_input(ProposalFeatureInput, request.data)
        props = dict(feature["properties"])
        proposal = _act(lambda: services.proposal_create(
            actor=request.user, district=request.tenant, geom=feature["geometry"],
            commune_code=props.pop("commune"), village_code=props.pop("village", None) or None,
            meeting_id=props.pop("meeting", None), **props,
        ))
        return Response(proposal_detail(proposal, user=request.user), status=201)


def visible_proposal(request, pk, *, for_write=False):
    """The proposal if the caller may read it (and edit it, `for_write`), checked before the body is read."""
    return access.access_proposal_by_id(request.user, request.tenant, pk, for_write=for_write)


def decided_proposal(request, pk):
    """The proposal if the caller is its commune's planning team (decisions, merges), checked before the body is read."""
    proposal = visible_proposal(request, pk)
    access.require(access.can_plan_for_commune(request.user, proposal.commune), _("Only the commune's planning team decides on its proposals."))
    return proposal


class ProposalDetailApi(APIView):
    """GET one proposal with its origins, decisions and files; PATCH it (a Feature) until the team decides."""

    Input = PROPOSAL_CHANGE
    Output = PROPOSAL_FEATURE

    def get(self, request, pk):
        return Response(proposal_detail(visible_proposal(request, pk), user=request.user))

    @idempotent
    def patch(self, request, pk):
        visible_proposal(request, pk, for_write=True)
        feature = valid_input(ProposalFeatureUpdate, request.data, partial=False)
        data = feature
        proposal = _act(lambda: services.proposal_update(
            actor=request.user, proposal_id=pk, geom=data.get("geometry"), **data.get("properties", {})
        ))
        return Response(proposal_detail(proposal, user=request.user))


class ProposalDecisionApi(APIView):
    """The planning team's decision: accept into the draft plan, defer, or reject with a reason."""

    decision = None
    Input = DecisionInput
    Output = PROPOSAL_FEATURE

    def post(self, request, pk):
        decided_proposal(request, pk)
        data = valid_input(DecisionInput, request.data)
        proposal = _act(lambda: services.proposal_decide(
            actor=request.user, proposal_id=pk, decision=self.decision, reason=data.get("reason", "")
        ))
        return Response(proposal_detail(proposal, user=request.user))


class ProposalAcceptApi(ProposalDecisionApi):
    decision = ProposalEvent.Action.ACCEPTED


class ProposalDeferApi(ProposalDecisionApi):
    decision = ProposalEvent.Action.DEFERRED


class ProposalRejectApi(ProposalDecisionApi):
    decision = ProposalEvent.Action.REJECTED


class ProposalMergeApi(APIView):
    """Merge duplicates into this proposal; it keeps every origin."""

    Input = MergeInput
    Output = PROPOSAL_FEATURE

    def post(self, request, pk):
        decided_proposal(request, pk)
        data = valid_input(MergeInput, request.data)
        duplicates = data["duplicates"]
        visible = set(selectors.proposals_visible_to(request.user, request.tenant).filter(pk__in=duplicates).values_list("pk", flat=True))
        if visible != set(duplicates):
            raise ValidationError({"duplicates": [_("Name other existing proposals to merge into this one.")]})
        proposal = _act(lambda: services.proposal_merge(actor=request.user, keep_id=pk, duplicate_ids=duplicates))
        return Response(proposal_detail(proposal, user=request.user))


class ProposalAttachmentApi(APIView):
    """Attach a photo or document (multipart `file`)."""

    parser_classes = [MultiPartParser, FormParser]

    Input = {"multipart/form-data": AttachmentInput}
    Output = {201: ATTACHMENT}

    @idempotent
    def post(self, request, pk):
        visible_proposal(request, pk, for_write=True)
        data = valid_input(AttachmentInput, request.data)
        attachment = _act(lambda: services.attachment_add(actor=request.user, proposal_id=pk, upload=data["file"]))
        return Response({"id": attachment.pk, "name": attachment.name, "content_type": attachment.content_type, "size": attachment.size,
                         "url": attachment.file.url}, status=201)


class ProposalRankApi(APIView):
    """Set the commune's priority order (first id = priority 1)."""

    Input = RankInput
    Output = {200: inline_serializer("ProposalsRanked", {"ranked": inline_serializer(
        "ProposalRank", {"id": serializers.IntegerField(), "commune_rank": serializers.IntegerField()}, many=True)})}

    def post(self, request):
        data = valid_input(RankInput, request.data)
        ranked = _act(lambda: services.proposals_rank(
            actor=request.user, district=request.tenant, commune_code=data["commune"], ordered_ids=data["order"]
        ))
        return Response({"ranked": [{"id": p.pk, "commune_rank": p.commune_rank} for p in ranked]})


class ProposalPublishApi(APIView):
    """Publish the commune's proposals so that citizens see them."""

    Input = PublishInput
    Output = {200: inline_serializer("ProposalsPublished", {
        "published": serializers.IntegerField(help_text="proposals now public")})}

    def post(self, request):
        data = valid_input(PublishInput, request.data)
        count = _act(lambda: services.proposals_publish(
            actor=request.user, district=request.tenant, commune_code=data["commune"], ids=data.get("ids"),
            plan_year=data.get("plan_year"),
        ))
        return Response({"published": count})


class ProposalImportApi(APIView):
    """Import proposals from CSV/Excel (lon/lat columns), GeoJSON or KML; the report lists every row.

    `?preview=1` reports what would be created, left unchanged or refused (every import's answer, docs/API.md,
    "Imports") and writes nothing; without it the accepted rows are written in one transaction, or nothing."""

    parser_classes = [MultiPartParser, FormParser]

    Input = {"multipart/form-data": ImportInput}
    query_parameters = {"post": [OpenApiParameter("preview", OpenApiTypes.BOOL, description="1: report only, write nothing")]}
    Output = {200: ImportAnswer}

    def post(self, request):
        # Refused before the file is read (a hostile file costs nothing to a role that may not import).
        access.require(access.can_import_proposals(request.user), _("Only a commune planning team or a village head imports proposals."))
        data = valid_input(ImportInput, request.data)
        upload = data["file"]
        if upload.size > settings.UPLOAD_MAX_BYTES:
            raise ValidationError({"file": [_("The file is larger than the limit of %(limit)s MB.") % {"limit": settings.UPLOAD_MAX_BYTES // (1024 * 1024)}]})
        own = access.commune_unit_of(request.user)
        default_commune = data.get("commune") or (own.code if own is not None else None)
        report = proposals_import(actor=request.user, district=request.tenant, upload=upload, default_commune=default_commune,
                                  preview=wants_preview(request))
        return Response(report)


class ProposalClusterApi(APIView):
    """Proposals counted per grid cell, for maps at low zoom (`zoom` 0–22 sets the cell size)."""

    query_parameters = layer_parameters(layers.proposals, paging=False) + [OpenApiParameter("zoom", OpenApiTypes.INT, description="0–22")]
    Output = {(200, MEDIA_TYPE): clusters("Proposal clusters", ("estimated_cost",))}

    def get(self, request):
        zoom = parse_zoom(request.query_params.get("zoom"), default=10)
        params = request.query_params
        proposals = layers.proposals.filter_rows(
            selectors.proposals_visible_to(request.user, request.tenant), bbox=params.get("bbox") or None,
            filters={name: params[name] for name in layers.proposals.filters if params.get(name)})
        features = selectors.proposal_clusters(proposals, cell_degrees=cluster_cell_degrees(zoom))
        return HttpResponse('{"type": "FeatureCollection", "features": [' + ",".join(features) + "]}", content_type="application/geo+json")


class VillageMeetingListApi(APIView):
    """GET: village meetings as GeoJSON (placed at their village). POST: record one (multipart with `minutes`, or JSON)."""

    parser_classes = [SafeJSONParser, MultiPartParser, FormParser]

    operation_id = {"get": "village_meetings_list"}
    query_parameters = layer_parameters(layers.meetings)
    Output = {"get": {(200, MEDIA_TYPE): layers.meetings.openapi_schema()}, "post": {201: MEETING_FEATURE}}
    Input = VillageMeetingInput

    def get(self, request):
        return page_response(request, layers.meetings)

    @idempotent
    def post(self, request):
        data = valid_input(VillageMeetingInput, request.data)
        d = data
        meeting = _act(lambda: services.village_meeting_create(
            actor=request.user, district=request.tenant, commune_code=d["commune"], village_code=d["village"],
            held_on=d["held_on"], place=d["place"], chair=d["chair"], participants=d["participants"],
            women=d.get("women", 0), poor_households=d.get("poor_households", 0), plan_year=d.get("plan_year"), minutes=d.get("minutes"),
        ))
        return Response(meeting_feature(meeting), status=201)


class VillageMeetingDetailApi(APIView):
    Output = MEETING_DETAIL_FEATURE

    def get(self, request, pk):
        meeting = access.access_meeting_by_id(request.user, request.tenant, pk)
        feature = meeting_feature(meeting)
        feature["properties"]["proposals"] = [
            {"id": p.pk, "title": p.title, "priority": p.priority, "status": p.status} for p in meeting.proposals.order_by("priority", "id")
        ]
        return Response(feature)


def meeting_feature(meeting):
    point = meeting.village.geom.point_on_surface if meeting.village.geom else None
    return {
        "type": "Feature",
        "id": meeting.pk,
        "geometry": json.loads(point.geojson) if point else None,
        "properties": {
            "id": meeting.pk, "commune": meeting.commune.code, "village": meeting.village.code, "village_name": meeting.village.name,
            "plan_year": meeting.plan_year, "held_on": meeting.held_on.isoformat(), "place": meeting.place,
            "chair": meeting.chair, "participants": meeting.participants, "women": meeting.women,
            "poor_households": meeting.poor_households, "minutes": meeting.minutes.url if meeting.minutes else None,
        },
    }


class PublicProposalListApi(APIView):
    """Published proposals of the district, for everyone (read-only)."""

    # Its GET/HEAD reads may go to the streaming replica (geo/replica.py; docs/OPERATIONS.md, "Streaming replica").
    reads_replica = True

    permission_classes = [AllowAny]
    authentication_classes = []

    operation_id = "public_proposals_list"
    query_parameters = LIST_PARAMETERS
    Output = {(200, MEDIA_TYPE): layers.published_proposals.openapi_schema()}

    def get(self, request):
        return page_response(request, layers.published_proposals)


class PublicProposalAttachmentsApi(APIView):
    """The photos and documents of a published proposal, for everyone: `[{id, name, content_type, size, url}]`,
    `url` on the public download route. 404 for a proposal that is not published."""

    # Its GET/HEAD reads may go to the streaming replica (geo/replica.py; docs/OPERATIONS.md, "Streaming replica").
    reads_replica = True

    permission_classes = [AllowAny]
    authentication_classes = []

    operation_id = "public_proposal_attachments"
    Output = {200: many(ATTACHMENT)}

    def get(self, request, pk):
        proposal = access.public_proposal_scope(Proposal.objects.filter(pk=pk)).first()
        if proposal is None:
            raise Http404
        return Response([{"id": a.pk, "name": a.name, "content_type": a.content_type, "size": a.size, "url": public_file_url(a.file)}
                         for a in proposal.attachments.all()])


# ---- commune units (Đ5.1, Đ11.1) ------------------------------------------------------------------------

class CommuneUnitInput(serializers.Serializer):
    commune = serializers.CharField(max_length=20)
    kind = serializers.ChoiceField(choices=CommuneUnit.Kind.choices)
    name = serializers.CharField(max_length=200)
    reports_me = serializers.BooleanField(required=False, default=False)


class CommuneUnitAssignInput(serializers.Serializer):
    reports_me = serializers.BooleanField()


COMMUNE_UNIT = inline_serializer("CommuneUnit", {
    "id": serializers.IntegerField(), "commune": serializers.CharField(help_text="the commune's GSO code"),
    "kind": serializers.ChoiceField(choices=CommuneUnit.Kind.choices), "kind_label": serializers.CharField(),
    "name": serializers.CharField(), "reports_me": serializers.BooleanField(help_text="reports M&E information (Đ11.1)"),
})


def commune_unit_data(unit):
    return {"id": unit.pk, "commune": unit.commune.code, "kind": unit.kind, "kind_label": unit.get_kind_display(), "name": unit.name,
            "reports_me": unit.reports_me}


def _commune_unit_scope(user, units):
    visible = access.visible_commune_ids(user, None)
    return units if visible is None else units.filter(commune_id__in=visible)


class CommuneUnitListApi(APIView):
    """GET the commune units the caller sees (`commune`: a GSO code); POST `{commune, kind, name[, reports_me]}` adds
    one (the commune's planning team or the district; only the district sets `reports_me`, Đ11.1)."""

    operation_id = {"get": "commune_units_list"}
    query_parameters = [OpenApiParameter("commune", OpenApiTypes.STR, description="a commune's GSO code")]
    Output = {"get": {200: many(COMMUNE_UNIT)}, "post": {201: COMMUNE_UNIT}}
    Input = CommuneUnitInput

    def get(self, request):
        units = _commune_unit_scope(request.user, CommuneUnit.objects.select_related("commune"))
        if request.query_params.get("commune"):
            units = units.filter(commune__code=request.query_params["commune"])
        return Response([commune_unit_data(u) for u in units])

    def post(self, request):
        data = valid_input(CommuneUnitInput, request.data)
        data = dict(data)
        commune = services.commune_in_district(district=request.tenant, code=data.pop("commune"))
        unit = services.commune_unit_create(actor=request.user, commune=commune, **data)
        return Response(commune_unit_data(unit), status=201)


class CommuneUnitDetailApi(APIView):
    """GET one commune unit; PATCH `{reports_me}`: the district assigns it to report M&E information (Đ11.1)."""

    Output = COMMUNE_UNIT
    Input = CommuneUnitAssignInput

    def _unit(self, request, pk):
        unit = _commune_unit_scope(request.user, CommuneUnit.objects.select_related("commune")).filter(pk=pk).first()
        if unit is None or not access.can_enter_district(request.user, request.tenant):
            raise access.not_found()
        return unit

    def get(self, request, pk):
        return Response(commune_unit_data(self._unit(request, pk)))

    def patch(self, request, pk):
        unit = self._unit(request, pk)
        # The refusal comes before the body is read (a 403, not a 400, for whoever may not assign).
        access.require(access.can_assign_reporting_units(request.user, unit.commune), _("Only the district assigns which units report (Đ11.1)."))
        data = valid_input(CommuneUnitAssignInput, request.data)
        unit = services.commune_unit_assign_reporting(actor=request.user, unit=unit, reports_me=data["reports_me"])
        return Response(commune_unit_data(unit))

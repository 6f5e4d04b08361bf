"""Input and output shapes of the proposals API."""
import json

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import inline_serializer
from rest_framework import serializers

from accounts import access
from accounts.events import EventOutput, events_output, moment_output
from core.models import Sector
from geo.fields import GuardedGeometryField
from geo.guard import ANY_FEATURE
from geo.numbers import DateInputField, VndField, WholeNumberField
from geo.openapi import feature
from proposals.models import Proposal, SourceKind

MONEY = {"min_value": 0, "max_value": 10**15, "required": False, "default": 0}  # whole đồng, geo.numbers rule


class ProposalPropertiesInput(serializers.Serializer):
    commune = serializers.CharField(max_length=20)
    title = serializers.CharField(max_length=300)
    sector = serializers.ChoiceField(choices=Sector.choices)
    estimated_cost = VndField(min_value=0, max_value=10**15)
    village = serializers.CharField(max_length=20, required=False, allow_null=True, allow_blank=True)
    meeting = serializers.IntegerField(required=False, allow_null=True)
    plan_year = serializers.IntegerField(min_value=2015, max_value=2100, required=False, allow_null=True)
    source_kind = serializers.ChoiceField(choices=SourceKind.choices, required=False, allow_null=True)
    source_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    commune_unit = serializers.IntegerField(required=False, allow_null=True, help_text="id of the commune unit proposing (Đ5.1)")
    priority = serializers.IntegerField(min_value=1, max_value=999, required=False, allow_null=True)
    problem = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    cause = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    solution = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    beneficiaries = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    central_budget = VndField(**MONEY)
    provincial_budget = VndField(**MONEY)
    district_budget = VndField(**MONEY)
    commune_budget = VndField(**MONEY)
    residents_cash = VndField(**MONEY)
    residents_labour_days = WholeNumberField(min_value=0, max_value=10**7, required=False, default=0)
    residents_labour_value = VndField(**MONEY)
    enterprises = VndField(**MONEY)
    other_sources = VndField(**MONEY)


class ProposalUpdateProperties(ProposalPropertiesInput):
    """For PATCH: every property optional; the commune and village of a proposal do not change."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("commune", "village", "meeting", "plan_year", "source_kind", "commune_unit"):
            self.fields.pop(name)
        for field in self.fields.values():
            field.required = False
            if hasattr(field, "default"):
                field.default = serializers.empty


class FeatureInput(serializers.Serializer):
    """A GeoJSON Feature whose geometry goes through the guard."""

    type = serializers.ChoiceField(choices=["Feature"])
    geometry = GuardedGeometryField(allowed_types=ANY_FEATURE)
    properties = serializers.DictField()

    properties_class = ProposalPropertiesInput

    def validate_properties(self, value):
        properties = self.properties_class(data=value)
        if not properties.is_valid():
            raise serializers.ValidationError(properties.errors)
        return properties.validated_data


class ProposalFeatureInput(FeatureInput):
    pass


class ProposalFeatureUpdate(FeatureInput):
    geometry = GuardedGeometryField(allowed_types=ANY_FEATURE, required=False)
    properties_class = ProposalUpdateProperties

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["properties"].required = False
        self.fields["type"].required = False


# The Feature inputs as the OpenAPI schema shows them (FeatureInput validates `properties` with `properties_class`).
PROPOSAL_SUBMISSION = feature("ProposalSubmission", ProposalPropertiesInput())
PROPOSAL_CHANGE = feature("ProposalChange", ProposalUpdateProperties(required=False))


class DecisionInput(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class MergeInput(serializers.Serializer):
    duplicates = serializers.ListField(child=serializers.IntegerField(min_value=1), min_length=1, max_length=50)


class RankInput(serializers.Serializer):
    commune = serializers.CharField(max_length=20)
    order = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=1000)


class PublishInput(serializers.Serializer):
    commune = serializers.CharField(max_length=20)
    plan_year = serializers.IntegerField(min_value=2015, max_value=2100, required=False)
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1), required=False)


class VillageMeetingInput(serializers.Serializer):
    commune = serializers.CharField(max_length=20)
    village = serializers.CharField(max_length=20)
    plan_year = serializers.IntegerField(min_value=2015, max_value=2100, required=False)
    held_on = DateInputField()
    place = serializers.CharField(max_length=200)
    chair = serializers.CharField(max_length=200)
    participants = WholeNumberField(min_value=1, max_value=100000)
    women = WholeNumberField(min_value=0, max_value=100000, required=False, default=0)
    poor_households = WholeNumberField(min_value=0, max_value=100000, required=False, default=0)
    minutes = serializers.FileField(required=False, allow_null=True)


class AttachmentInput(serializers.Serializer):
    file = serializers.FileField()


class ImportInput(serializers.Serializer):
    file = serializers.FileField(help_text=_("CSV or Excel with lon/lat columns, GeoJSON or KML"))
    commune = serializers.CharField(max_length=20, required=False)


def proposal_detail(proposal: Proposal, *, user) -> dict:
    """One proposal as a Feature with its analysis, origins, decisions and files. The proposals merged into it are
    listed only as far as `user` may read them (`accounts.access.proposal_scope`): a village head does not learn the
    title of another village's unpublished proposal through the one it was merged into."""
    origins = [proposal, *access.proposal_scope(user, proposal.merged_origins.select_related("village"))]
    return {
        "type": "Feature",
        "id": proposal.pk,
        "geometry": json.loads(proposal.geom.geojson),
        "properties": {
            "id": proposal.pk,
            "commune": proposal.commune.code,
            "commune_name": proposal.commune.name,
            "village": proposal.village.code if proposal.village else None,
            "village_name": proposal.village.name if proposal.village else None,
            "meeting": proposal.meeting_id,
            "source_kind": proposal.source_kind,
            "source_name": proposal.source_name,
            "commune_unit": proposal.commune_unit_id,
            "plan_year": proposal.plan_year,
            "priority": proposal.priority,
            "commune_rank": proposal.commune_rank,
            "title": proposal.title,
            "sector": proposal.sector,
            "sector_name": proposal.get_sector_display(),
            "problem": proposal.problem,
            "cause": proposal.cause,
            "solution": proposal.solution,
            "beneficiaries": proposal.beneficiaries,
            "estimated_cost": proposal.estimated_cost,
            **{name: getattr(proposal, name) for name in Proposal.RESOURCE_FIELDS},
            "residents_labour_days": proposal.residents_labour_days,
            "internal_resources": proposal.internal_resources,
            "status": proposal.status,
            "status_name": proposal.get_status_display(),
            "decision_reason": proposal.decision_reason,
            "merged_into": proposal.merged_into_id,
            "is_late": proposal.is_late,
            "is_published": proposal.is_published,
            "origins": [
                {"id": p.pk, "village": p.village.code if p.village else None, "source_name": p.source_name, "title": p.title}
                for p in origins
            ],
            "events": events_output(proposal.events.select_related("actor"), user=user),
            "attachments": [
                {"id": a.pk, "name": a.name, "content_type": a.content_type, "size": a.size, "url": a.file.url}
                for a in proposal.attachments.all()
            ],
            "created_at": moment_output(proposal.created_at),
        },
    }


# ---- what `proposal_detail` and `meeting_feature` answer, for the OpenAPI schema (geo.openapi.feature) ---------

_S, _I = serializers.CharField, serializers.IntegerField
PROPOSAL_FEATURE = feature("ProposalFeature", {
    "id": _I(), "commune": _S(help_text="GSO code"), "commune_name": _S(), "village": _S(allow_null=True), "village_name": _S(allow_null=True),
    "meeting": _I(allow_null=True), "source_kind": _S(), "source_name": _S(), "plan_year": _I(allow_null=True),
    "commune_unit": _I(allow_null=True, help_text="id of the commune unit proposing (Đ5.1)"),
    "priority": _I(allow_null=True), "commune_rank": _I(allow_null=True), "title": _S(), "sector": _S(), "sector_name": _S(),
    "problem": _S(), "cause": _S(), "solution": _S(), "beneficiaries": _S(), "estimated_cost": _I(allow_null=True, help_text="VND"),
    **{name: _I(allow_null=True, help_text="VND") for name in Proposal.RESOURCE_FIELDS},
    "residents_labour_days": _I(allow_null=True), "internal_resources": _I(allow_null=True, help_text="VND"), "status": _S(), "status_name": _S(),
    "decision_reason": _S(), "merged_into": _I(allow_null=True), "is_late": serializers.BooleanField(), "is_published": serializers.BooleanField(),
    "origins": inline_serializer("ProposalOrigin", {"id": _I(), "village": _S(allow_null=True), "source_name": _S(), "title": _S()}, many=True),
    "events": EventOutput(many=True),
    "attachments": inline_serializer("ProposalFeatureAttachment", {
        "id": _I(), "name": _S(), "content_type": _S(), "size": _I(help_text="bytes"), "url": _S()}, many=True),
    "created_at": serializers.DateTimeField(),
})
_MEETING = {
    "id": _I(), "commune": _S(help_text="GSO code"), "village": _S(help_text="GSO code"), "village_name": _S(),
    "plan_year": _I(allow_null=True), "held_on": serializers.DateField(), "place": _S(), "chair": _S(), "participants": _I(),
    "women": _I(), "poor_households": _I(), "minutes": _S(allow_null=True, help_text="URL of the minutes file"),
}
MEETING_FEATURE = feature("VillageMeetingFeature", _MEETING, geometry="Point (a point on the village)")
MEETING_DETAIL_FEATURE = feature("VillageMeetingDetailFeature", {**_MEETING, "proposals": inline_serializer("MeetingProposal", {
    "id": _I(), "title": _S(), "priority": _I(allow_null=True), "status": _S()}, many=True)}, geometry="Point (a point on the village)")

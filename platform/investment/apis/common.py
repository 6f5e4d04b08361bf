"""What the public-investment APIs share: reading a Feature body, the manager check, the list filters, the output
shapes of a commune plan item and a review (`project_feature` and the plan item panel show them).
"""
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from accounts import access
from accounts.events import EventActorOutput, moment_output, person_output
from geo.layers import MAX_LIMIT

# ---- helpers ----------------------------------------------------------------------------------


def feature_input(data):
    """A GeoJSON Feature's properties with its geometry under `geometry`; a plain object is taken as it is."""
    if isinstance(data, dict) and data.get("type") == "Feature":
        properties = data.get("properties") or {}
        if not isinstance(properties, dict):
            raise ValidationError({"properties": [_("A Feature's properties must be an object.")]})
        merged = dict(properties)
        if "geometry" in data:
            merged["geometry"] = data["geometry"]
        return merged
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": [_("Send a JSON object or a GeoJSON Feature.")]})
    return data


def require_manager(request):
    """Refuse (403) anyone but the district's Finance-Planning Office before the body is read (the service asks again)."""
    access.require_manage_investment(request.user, request.tenant)


LIST_PARAMETERS = [
    OpenApiParameter("bbox", OpenApiTypes.STR, description="minLon,minLat,maxLon,maxLat (EPSG:4326)"),
    OpenApiParameter("status", OpenApiTypes.STR, description="comma-separated status codes"),
    OpenApiParameter("sector", OpenApiTypes.STR, description="comma-separated sector codes"),
    OpenApiParameter("source", OpenApiTypes.STR, description="comma-separated capital source codes"),
    OpenApiParameter("commune", OpenApiTypes.STR, description="GSO codes of communes served"),
    OpenApiParameter("year", OpenApiTypes.INT, description="projects with an allocation in this year"),
    OpenApiParameter("plan", OpenApiTypes.INT, description="projects with an allocation in this plan"),
    OpenApiParameter("page", OpenApiTypes.INT),
    OpenApiParameter("page_size", OpenApiTypes.INT, description=f"up to {MAX_LIMIT}"),
]


_Int, _Str = serializers.IntegerField, serializers.CharField
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# ---- what `project_feature` and the plan item panel answer, for the OpenAPI schema (geo.openapi.feature) --------

_DT, _Bool = serializers.DateTimeField, serializers.BooleanField
_AUTHOR = {"help_text": "who wrote it (accounts.events.person_output)"}
_ANSWER = {"text": _Str(), "author": EventActorOutput(**_AUTHOR), "created_at": _DT()}
_REVIEW = {"id": _Int(), "kind": _Str(), "decision": _Str(allow_null=True), "decision_label": _Str(), "comment": _Str(),
           "author": EventActorOutput(**_AUTHOR), "created_at": _DT(), "answers": inline_serializer("ReviewAnswerShown", {**_ANSWER}, many=True)}
_LINKED_PROPOSAL = {"id": _Int(), "title": _Str(), "commune": _Str(), "commune_name": _Str(), "village": _Str(allow_null=True),
                    "status": _Str(), "status_label": _Str(), "estimated_cost": _Int(allow_null=True, help_text="VND"),
                    "plan_year": _Int(allow_null=True)}
_PLAN_ITEM_SUMMARY = {
    "id": _Int(), "title": _Str(), "sector": _Str(), "estimated_cost": _Int(allow_null=True, help_text="VND"), "commune": _Str(),
    "commune_name": _Str(), "plan": _Int(), "plan_year": _Int(), "version": _Int(), "plan_kind": _Str(), "plan_kind_label": _Str(),
    "plan_status": _Str(), "plan_status_label": _Str(),
    "proposals": inline_serializer("PlanItemSummaryProposal", {"id": _Int(), "title": _Str()}, many=True),
}


def review_data(review, *, reader, **extra):
    """A review decision or note as the project and plan item panels list it, with its answers (`extra`: keys added
    after `comment`); authors as `accounts.events.person_output`, times as `moment_output`."""
    return {"id": review.pk, "kind": review.kind, "decision": review.decision,
            "decision_label": review.get_decision_display() if review.decision else "", "comment": review.comment, **extra,
            "author": person_output(review.author, reader=reader), "created_at": moment_output(review.created_at),
            "answers": [{"text": a.text, "author": person_output(a.author, reader=reader), "created_at": moment_output(a.created_at)}
                        for a in review.answers.all()]}


def plan_item_summary(item, *, user):
    """A commune plan item as a project panel lists it: the work, its commune and plan version, the proposals it carries
    (those `user` may read, `accounts.access.proposal_scope`)."""
    plan = item.plan
    return {
        "id": item.pk, "title": item.title, "sector": item.sector, "estimated_cost": item.estimated_cost,
        "commune": plan.cycle.commune.code, "commune_name": plan.cycle.commune.name, "plan": plan.pk, "plan_year": plan.cycle.plan_year,
        "version": plan.number, "plan_kind": plan.kind, "plan_kind_label": plan.get_kind_display(),
        "plan_status": plan.status, "plan_status_label": plan.get_status_display(),
        "proposals": [{"id": p.pk, "title": p.title} for p in access.proposal_scope(user, item.proposals.order_by("id"))],
    }

"""What the plan-cycle APIs share: output shapes of a plan and a cycle, and reading the request body."""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.views import APIView
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from accounts.events import EventActorOutput, EventOutput, event_output, events_output, person_output
from files.storage import public_file_url
from plans import selectors
from plans.models import (
    STEP_CHOICES,
    PlanItem,
    PlanningTeam,
    SocioEconomicTarget,
)


class PlanApi(APIView):
    # Base of the plan cycle's API views (Đ3–Đ7): their operations are named `plans_<view>_<method>` in /api/schema/
    # (`operation_id`, read by core.openapi.AutoSchema), wherever the route is. A comment, not a docstring: drf-spectacular
    # would give the docstring as the description of every view that has none.
    operation_id = "plans_{view}_{method}"

class PlanItemFeatureSerializer(GeoFeatureModelSerializer):
    proposals = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    sector_name = serializers.CharField(source="get_sector_display", read_only=True)

    class Meta:
        model = PlanItem
        geo_field = "geom"
        fields = ["id", "lineage", "kind", "title", "sector", "sector_name", "proposals", "estimated_cost", "funding",
                  "responsible_unit", "starts_on", "ends_on", "order"]


class TargetOutput(serializers.ModelSerializer):
    class Meta:
        model = SocioEconomicTarget
        fields = ["id", "lineage", "indicator", "unit", "current_estimate", "next_target", "order"]


def plan_data(plan, *, user=None, public=False):
    # The public answer links the public download route (files of an announced plan only).
    file_url = public_file_url if public else (lambda stored: stored.url if stored else None)
    data = {
        "id": plan.pk,
        "cycle": plan.cycle_id,
        "commune": plan.cycle.commune.code,
        "commune_name": plan.cycle.commune.name,
        "plan_year": plan.cycle.plan_year,
        "number": plan.number,
        "kind": plan.kind,
        "status": plan.status,
        "based_on": plan.based_on_id,
        "amendment_reason": plan.amendment_reason,
        "assessment": plan.assessment,
        "solutions": plan.solutions,
        "monitoring": plan.monitoring,
        "consultation_closes_on": plan.consultation_closes_on,
        "council_resolution": {"number": plan.council_resolution_number, "date": plan.council_resolution_date,
                               "file": file_url(plan.council_resolution_file)},
        "district_decision": {"number": plan.district_decision_number, "date": plan.district_decision_date,
                              "file": file_url(plan.district_decision_file)},
        "document_number": plan.document_number,
        "approved_at": plan.approved_at,
        "announced_at": plan.announced_at,
        "targets": TargetOutput(plan.targets.all(), many=True).data,
        "items": PlanItemFeatureSerializer(selectors.plan_items(plan=plan), many=True).data,
    }
    if not public:
        data["feedback_letter_number"] = plan.cycle.feedback_letter_number  # a letter to the commune, not published
        data["events"] = events_output(plan.events.select_related("actor"), user=user)
    return data


def cycle_data(cycle, *, user=None, with_details=True):
    steps = selectors.cycle_steps(cycle=cycle)
    data = {
        "id": cycle.pk,
        "commune": cycle.commune.code,
        "commune_name": cycle.commune.name,
        "plan_year": cycle.plan_year,
        "step": cycle.step,
        "step_name": str(dict(STEP_CHOICES)[cycle.step]),
        **selectors.cycle_lateness(cycle=cycle, steps=steps),
        "steps": [
            {**{k: v for k, v in s.items() if k not in ("evidence", "meetings")}, "label": str(s["label"]),
             "done_by": person_output(s["done_by"], reader=user),
             "meetings": [{"held_on": m.held_on, "participants": m.participants, "summary": m.summary} for m in s["meetings"]],
             "evidence": [{"id": e.pk, "title": e.title, "file": e.file.url if e.file else None} for e in s["evidence"]]}
            for s in steps
        ],
    }
    if with_details:
        # The step's decision date and its due date then (Đ4) are what a step event records beside the status.
        data["events"] = [
            event_output(t, user=user, changes={"decided_on": t.decided_on.isoformat() if t.decided_on else None,
                                                "due_on": t.due_on.isoformat() if t.due_on else None})
            for t in cycle.transitions.all()
        ]
        team = PlanningTeam.objects.filter(cycle=cycle).first()
        data["team"] = None if team is None else {
            "decision_number": team.decision_number, "decision_date": team.decision_date,
            "members": [{"full_name": m.full_name, "position": m.position, "represents": m.represents, "is_leader": m.is_leader,
                         "is_commune_chairman": m.is_commune_chairman} for m in team.members.all()],
        }
        data["versions"] = [{"id": p.pk, "number": p.number, "kind": p.kind, "status": p.status} for p in cycle.versions.all()]
        data["conferences"] = [{"kind": c.kind, "held_on": c.held_on, "participants": c.participants, "summary": c.summary}
                               for c in cycle.conferences.all()]
        data["action_programmes"] = [
            {"id": a.pk, "title": a.title, "issued_by": a.issued_by, "issued_on": a.issued_on,
             "tasks": [{"task": t.task, "assignee": t.assignee, "starts_on": t.starts_on, "due_on": t.due_on, "item": t.item_id}
                       for t in a.tasks.all()]}
            for a in cycle.action_programmes.all()
        ]
    return data


def _data(request):
    """The request body as a mapping; a JSON list or scalar is treated as an empty object (the fields are then missing)."""
    return request.data if isinstance(request.data, dict) else {}


# ---- what the plan APIs answer, for the OpenAPI schema (each view's `Output`, core.openapi) ----------------

def _resolution(name):
    return inline_serializer(name, {"number": serializers.CharField(), "date": serializers.DateField(allow_null=True),
                                    "file": serializers.CharField(allow_null=True, help_text="download URL")})



_PLAN_FIELDS = {
    "id": serializers.IntegerField(), "cycle": serializers.IntegerField(), "commune": serializers.CharField(help_text="GSO code"),
    "commune_name": serializers.CharField(), "plan_year": serializers.IntegerField(), "number": serializers.IntegerField(help_text="version"),
    "kind": serializers.CharField(), "status": serializers.CharField(), "based_on": serializers.IntegerField(allow_null=True),
    "amendment_reason": serializers.CharField(), "assessment": serializers.CharField(), "solutions": serializers.CharField(),
    "monitoring": serializers.CharField(), "consultation_closes_on": serializers.DateField(allow_null=True),
    "council_resolution": _resolution("CouncilResolutionOutput"), "district_decision": _resolution("DistrictDecisionOutput"),
    "document_number": serializers.CharField(help_text='the number the commune gave the issued plan ("12" or "12/KH-UBND"), "" when not recorded'),
    "approved_at": serializers.DateTimeField(allow_null=True), "announced_at": serializers.DateTimeField(allow_null=True),
    "targets": TargetOutput(many=True),
    # A FeatureCollection (an object), not a list: drf-spectacular documents a nested `many=True` Feature serializer
    # as an array, so the collection is spelt out.
    "items": inline_serializer("PlanItemCollection", {
        "type": serializers.CharField(help_text="FeatureCollection"), "features": PlanItemFeatureSerializer(many=True),
    }, help_text="a GeoJSON FeatureCollection of the plan's items (EPSG:4326)"),
}
PLAN_OUTPUT = inline_serializer("CommunePlanOutput", {
    **_PLAN_FIELDS, "events": EventOutput(many=True),
    "feedback_letter_number": serializers.CharField(
        help_text='the number the district gave its letter of comments on the cycle\'s draft ("12" or "12/UBND-TCKH"), "" when not recorded'),
})
PUBLIC_PLAN_OUTPUT = inline_serializer("PublicCommunePlanOutput", {**_PLAN_FIELDS})

CYCLE_ROW = {
    "id": serializers.IntegerField(), "commune": serializers.CharField(help_text="GSO code"), "commune_name": serializers.CharField(),
    "plan_year": serializers.IntegerField(), "step": serializers.CharField(),
    "state": serializers.CharField(help_text="published, overdue or in_progress"),
}
# `plans.selectors.cycle_lateness` beside each row of the list.
CYCLE_LATENESS = {
    "overdue": serializers.BooleanField(help_text="an open step is past its due date"),
    "overdue_steps": serializers.ListField(child=serializers.CharField()),
    "late_steps": inline_serializer("PlanCycleLateStep", {"step": serializers.CharField(), "days_late": serializers.IntegerField()}, many=True),
    "days_late": serializers.IntegerField(help_text="days the open step is overdue, else the most days a step was done late"),
    "lateness": serializers.CharField(help_text="the words: 'quá hạn N ngày' / 'hoàn thành muộn N ngày', or empty"),
}
CYCLE_LIST_OUTPUT = inline_serializer("PlanCycleList", {
    "count": serializers.IntegerField(), "results": inline_serializer("PlanCycleRow", {**CYCLE_ROW, **CYCLE_LATENESS}, many=True),
})
_DATED = {"held_on": serializers.DateField(), "participants": serializers.IntegerField(), "summary": serializers.CharField()}
CYCLE_OUTPUT = inline_serializer("PlanCycleOutput", {
    **CYCLE_ROW, **CYCLE_LATENESS, "step_name": serializers.CharField(),
    "steps": inline_serializer("PlanCycleStep", {
        "days_late": serializers.IntegerField(help_text="days past the due date: so far when overdue, at completion when done late"),
        "lateness": serializers.CharField(help_text="'quá hạn N ngày' / 'hoàn thành muộn N ngày', or empty"),
        "recorded_at": serializers.DateTimeField(allow_null=True, help_text="when the step was marked done"),
        "step": serializers.CharField(), "label": serializers.CharField(), "owner": serializers.CharField(),
        "due_date": serializers.DateField(allow_null=True), "state": serializers.CharField(), "done_on": serializers.DateField(allow_null=True),
        "done_late": serializers.BooleanField(), "done_by": EventActorOutput(allow_null=True, help_text="who recorded the step done; null when not done or for the public"),
        "meetings": inline_serializer("PlanStepMeeting", {**_DATED}, many=True),
        "evidence": inline_serializer("PlanStepEvidence", {"id": serializers.IntegerField(), "title": serializers.CharField(),
                                                           "file": serializers.CharField(allow_null=True)}, many=True),
    }, many=True),
    "events": EventOutput(many=True, help_text="the steps completed, oldest first; changes: {decided_on, due_on}"),
    "team": inline_serializer("PlanningTeamOutput", {
        "decision_number": serializers.CharField(), "decision_date": serializers.DateField(allow_null=True),
        "members": inline_serializer("PlanningTeamMemberOutput", {
            "full_name": serializers.CharField(), "position": serializers.CharField(), "represents": serializers.CharField(),
            "is_leader": serializers.BooleanField(), "is_commune_chairman": serializers.BooleanField()}, many=True),
    }, allow_null=True),
    "versions": inline_serializer("PlanVersionRow", {"id": serializers.IntegerField(), "number": serializers.IntegerField(),
                                                     "kind": serializers.CharField(), "status": serializers.CharField()}, many=True),
    "conferences": inline_serializer("PlanConferenceRow", {"kind": serializers.CharField(), **_DATED}, many=True),
    "action_programmes": inline_serializer("ActionProgrammeOutput", {
        "id": serializers.IntegerField(), "title": serializers.CharField(), "issued_by": serializers.CharField(),
        "issued_on": serializers.DateField(),
        "tasks": inline_serializer("ActionTaskOutput", {
            "task": serializers.CharField(), "assignee": serializers.CharField(), "starts_on": serializers.DateField(allow_null=True),
            "due_on": serializers.DateField(), "item": serializers.IntegerField(allow_null=True)}, many=True),
    }, many=True),
})
CREATED = inline_serializer("CreatedId", {"id": serializers.IntegerField()})


def text_body(name: str, field: str, help_text: str, *, max_length: int):
    """The body of an action that reads one text field: `{field: text}`, at most `max_length` characters (a longer
    text or a non-string is a 400 naming the field, never cut); missing: "" (the service says what it needs)."""
    return inline_serializer(name, {field: serializers.CharField(
        required=False, allow_blank=True, default="", max_length=max_length, help_text=help_text)})


def binary(media_type: str, description: str) -> dict:
    """A file answer for `Output`: `{(200, media type): binary}`."""
    return {(200, media_type): OpenApiResponse(OpenApiTypes.BINARY, description=description)}


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

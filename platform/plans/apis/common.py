"""What the plan-cycle APIs share: output shapes of a plan and a cycle, and reading the request body."""
from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from files.storage import public_file_url
from plans import selectors
from plans.models import (
    STEP_CHOICES,
    PlanItem,
    PlanningTeam,
    SocioEconomicTarget,
)


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


def plan_data(plan, *, public=False):
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
        "approved_at": plan.approved_at,
        "announced_at": plan.announced_at,
        "targets": TargetOutput(plan.targets.all(), many=True).data,
        "items": PlanItemFeatureSerializer(selectors.plan_items(plan=plan), many=True).data,
    }
    if not public:
        data["events"] = [{"action": e.action, "from": e.from_status, "to": e.to_status, "note": e.note, "actor": e.actor.username, "at": e.at}
                          for e in plan.events.select_related("actor")]
    return data


def cycle_data(cycle, *, with_details=True):
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
             "meetings": [{"held_on": m.held_on, "participants": m.participants, "summary": m.summary} for m in s["meetings"]],
             "evidence": [{"id": e.pk, "title": e.title, "file": e.file.url if e.file else None} for e in s["evidence"]]}
            for s in steps
        ],
    }
    if with_details:
        data["transitions"] = [
            {"action": t.action, "from": t.from_status, "to": t.to_status, "actor": t.actor.username, "at": t.at, "note": t.note,
             "decided_on": t.decided_on, "due_on": t.due_on}
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


def _text(request, name):
    value = _data(request).get(name, "")
    return value if isinstance(value, str) else ""


def _valid(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)

"""Thin API views of the plan cycle: they parse input, ask selectors and call services.

Staff API under /d/<slug>/api/plans/ (signed-in users of the district, gated by the middleware);
the public, read-only surface (plus posting a moderated comment) under /d/<slug>/api/public/plans/.
"""
from django.core.cache import cache
from django.http import Http404, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from geo.bbox import filter_bbox
from geo.fields import GuardedGeometryField
from geo.models import AdministrativeUnit
from geo.parsers import SafeJSONParser
from geo.pagination import FeaturePagination
from geo.selectors import communes_of
from plans import exports, selectors, services
from plans.models import (
    STEP_CHOICES,
    DistrictFeedback,
    PlanItem,
    PlanningTeam,
    PublicComment,
    SocioEconomicTarget,
)
from proposals.models import Proposal, Sector


# --- output -----------------------------------------------------------------------------------------

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
                               "file": plan.council_resolution_file.url if plan.council_resolution_file else None},
        "district_decision": {"number": plan.district_decision_number, "date": plan.district_decision_date,
                              "file": plan.district_decision_file.url if plan.district_decision_file else None},
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
        "state": selectors.cycle_summary_state(cycle=cycle),
        "steps": [
            {**{k: v for k, v in s.items() if k not in ("evidence", "meetings")}, "label": str(s["label"]),
             "meetings": [{"held_on": m.held_on, "participants": m.participants, "summary": m.summary} for m in s["meetings"]],
             "evidence": [{"id": e.pk, "title": e.title, "file": e.file.url if e.file else None} for e in s["evidence"]]}
            for s in steps
        ],
    }
    if with_details:
        data["transitions"] = [{"from": t.from_step, "to": t.to_step, "actor": t.actor.username, "at": t.at, "note": t.note}
                               for t in cycle.transitions.all()]
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


# --- cycles -----------------------------------------------------------------------------------------

class CycleListApi(APIView):
    """GET the cycles the user may see (`plan_year` filter); POST opens one: {commune, plan_year}."""

    class Input(serializers.Serializer):
        commune = serializers.CharField()
        plan_year = serializers.IntegerField()

    def get(self, request):
        year = request.query_params.get("plan_year")
        if year is not None and not year.isdigit():
            return Response({"plan_year": [_("A year, e.g. 2027.")]}, status=400)
        cycles = selectors.cycle_list(user=request.user, district=request.tenant, plan_year=int(year) if year else None)
        deadlines = {}
        rows = []
        for cycle in cycles:
            due = deadlines.setdefault(cycle.plan_year, selectors.deadlines_for(plan_year=cycle.plan_year))
            rows.append({"id": cycle.pk, "commune": cycle.commune.code, "commune_name": cycle.commune.name, "plan_year": cycle.plan_year,
                         "step": cycle.step, "state": selectors.cycle_summary_state(cycle=cycle, deadlines=due)})
        return Response({"count": len(rows), "results": rows})

    def post(self, request):
        data = _valid(self.Input, request.data)
        commune = AdministrativeUnit.objects.filter(code=data["commune"], level="commune", parent=request.tenant.unit).first()
        if commune is None:
            return Response({"commune": [_("No such commune in this district.")]}, status=400)
        cycle = services.cycle_create(actor=request.user, commune=commune, plan_year=data["plan_year"])
        return Response(cycle_data(cycle), status=201)


class CycleDetailApi(APIView):
    def get(self, request, pk):
        return Response(cycle_data(selectors.cycle_get(user=request.user, pk=pk)))


class CycleStepCompleteApi(APIView):
    """POST completes the current step (if it is `step`) and moves on: {note}."""

    def post(self, request, pk, step):
        cycle = selectors.cycle_get(user=request.user, pk=pk)
        services.cycle_step_complete(actor=request.user, cycle=cycle, step=step, note=_text(request, "note")[:2000])
        return Response(cycle_data(selectors.cycle_get(user=request.user, pk=pk)))


class TeamApi(APIView):
    """PUT the planning team of the cycle (Đ3): {decision_number, decision_date, members: [...]}."""

    class Member(serializers.Serializer):
        full_name = serializers.CharField(max_length=200)
        position = serializers.CharField(max_length=200)
        represents = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
        is_leader = serializers.BooleanField(default=False)
        is_commune_chairman = serializers.BooleanField(default=False)

    class Input(serializers.Serializer):
        decision_number = serializers.CharField(max_length=50, allow_blank=True, required=False, default="")
        decision_date = serializers.DateField(required=False, allow_null=True, default=None)
        members = serializers.ListField(child=serializers.DictField(), max_length=50)

    def put(self, request, pk):
        cycle = selectors.cycle_get(user=request.user, pk=pk)
        data = _valid(self.Input, request.data)
        members = []
        for i, m in enumerate(data["members"]):
            s = self.Member(data=m)
            if not s.is_valid():
                return Response({"members": {i: s.errors}}, status=400)
            members.append(dict(s.validated_data))
        services.team_set(actor=request.user, cycle=cycle, members=members, decision_number=data["decision_number"], decision_date=data["decision_date"])
        return Response(cycle_data(selectors.cycle_get(user=request.user, pk=pk)))


class EvidenceApi(APIView):
    """POST (multipart or JSON) a document or meeting record for a step: {step, title, file}."""

    parser_classes = [MultiPartParser, FormParser, SafeJSONParser]

    def post(self, request, pk):
        cycle = selectors.cycle_get(user=request.user, pk=pk)
        title = _text(request, "title").strip()
        if not title:
            return Response({"title": [_("This field is required.")]}, status=400)
        evidence = services.evidence_add(actor=request.user, cycle=cycle, step=_text(request, "step"), title=title[:300],
                                         file=request.FILES.get("file"))
        return Response({"id": evidence.pk, "title": evidence.title}, status=201)


class ConferenceApi(APIView):
    class Input(serializers.Serializer):
        kind = serializers.CharField()
        held_on = serializers.DateField()
        participants = serializers.IntegerField(min_value=1)
        participants_description = serializers.CharField(allow_blank=True, required=False, default="")
        summary = serializers.CharField()

    def post(self, request, pk):
        cycle = selectors.cycle_get(user=request.user, pk=pk)
        data = _valid(self.Input, request.data)
        conference = services.conference_record(actor=request.user, cycle=cycle, **data)
        return Response({"id": conference.pk}, status=201)


class DraftCreateApi(APIView):
    """POST creates draft v1 (step 3), by default with an item per accepted proposal: {from_accepted: true}."""

    def post(self, request, pk):
        cycle = selectors.cycle_get(user=request.user, pk=pk)
        plan = services.plan_create_draft(actor=request.user, cycle=cycle, from_accepted=_data(request).get("from_accepted", True) is not False)
        return Response(plan_data(plan), status=201)


class CycleOrientationApi(APIView):
    """GET the published orientation for the cycle's plan year, with this commune's envelopes."""

    def get(self, request, pk):
        cycle = selectors.cycle_get(user=request.user, pk=pk)
        out = []
        for o in selectors.orientations_for(user=request.user, plan_year=cycle.plan_year).filter(published_at__isnull=False):
            out.append(_orientation_data(o, commune=cycle.commune))
        return Response({"results": out})


def _orientation_data(o, commune=None):
    envelopes = [e for e in o.all_envelopes if commune is None or e.commune_id == commune.pk]
    return {
        "id": o.pk, "plan_year": o.plan_year, "title": o.title, "summary": o.summary, "expected_programmes": o.expected_programmes,
        "published_at": o.published_at,
        "documents": [{"title": d.title, "url": d.url or (d.file.url if d.file else "")} for d in o.documents.all()],
        "envelopes": [{"commune": e.commune.code, "sector": e.sector, "capital_source": e.capital_source,
                       "amount": e.amount} for e in envelopes],
    }


class OrientationListApi(APIView):
    """GET orientations (communes see published ones); POST creates one (district): {plan_year, title, ..., envelopes: [...]}."""

    class Input(serializers.Serializer):
        plan_year = serializers.IntegerField(min_value=2016, max_value=2100)
        title = serializers.CharField(max_length=300)
        summary = serializers.CharField(allow_blank=True, required=False, default="")
        expected_programmes = serializers.CharField(allow_blank=True, required=False, default="")
        documents = serializers.ListField(child=serializers.DictField(), required=False, default=list)
        envelopes = serializers.ListField(child=serializers.DictField(), required=False, default=list, max_length=5000)

    def get(self, request):
        from accounts.access import commune_unit_of

        commune = commune_unit_of(request.user)
        return Response({"results": [_orientation_data(o, commune=commune) for o in selectors.orientations_for(user=request.user)]})

    def post(self, request):
        data = _valid(self.Input, request.data)
        for d in data["documents"]:
            if not str(d.get("title", "")).strip():
                return Response({"documents": [_("Each document has a title.")]}, status=400)
        orientation = services.orientation_create(actor=request.user, district_unit=request.tenant.unit, **data)
        return Response({"id": orientation.pk}, status=201)


class OrientationPublishApi(APIView):
    def post(self, request, pk):
        from plans.models import Orientation

        orientation = Orientation.objects.filter(pk=pk).first()
        if orientation is None:
            raise Http404
        services.orientation_publish(actor=request.user, orientation=orientation)
        return Response({"id": orientation.pk, "published": True})


class ActionProgrammeApi(APIView):
    class Task(serializers.Serializer):
        task = serializers.CharField(max_length=300)
        assignee = serializers.CharField(max_length=200)
        starts_on = serializers.DateField(required=False, allow_null=True, default=None)
        due_on = serializers.DateField()
        item = serializers.IntegerField(required=False, allow_null=True, default=None)

    class Input(serializers.Serializer):
        title = serializers.CharField(max_length=300)
        issued_by = serializers.CharField(max_length=200)
        issued_on = serializers.DateField()
        tasks = serializers.ListField(child=serializers.DictField(), max_length=500)

    def post(self, request, pk):
        cycle = selectors.cycle_get(user=request.user, pk=pk)
        data = _valid(self.Input, request.data)
        tasks = []
        for i, t in enumerate(data.pop("tasks")):
            s = self.Task(data=t)
            if not s.is_valid():
                return Response({"tasks": {i: s.errors}}, status=400)
            task = dict(s.validated_data)
            if task["item"]:
                task["item"] = PlanItem.objects.filter(pk=task["item"], plan__cycle=cycle).first()
                if task["item"] is None:
                    return Response({"tasks": {i: {"item": [_("That item is not in this plan.")]}}}, status=400)
            tasks.append(task)
        programme = services.action_programme_create(actor=request.user, cycle=cycle, tasks=tasks, **data)
        return Response({"id": programme.pk}, status=201)


class DashboardApi(APIView):
    """Every commune of the district with its cycle for a plan year (or none yet): step and state, for the table and the map."""

    def get(self, request):
        year = request.query_params.get("plan_year", "")
        if not year.isdigit():
            return Response({"plan_year": [_("A year, e.g. 2027.")]}, status=400)
        return Response({"plan_year": int(year), "communes": dashboard_rows(request, int(year))})


def dashboard_rows(request, year):
    cycles = {c.commune_id: c for c in selectors.cycle_list(user=request.user, district=request.tenant, plan_year=year)}
    due = selectors.deadlines_for(plan_year=year)
    visible = {c.pk for c in communes_of(request.tenant.unit)}
    from accounts.access import visible_commune_ids

    ids = visible_commune_ids(request.user, request.tenant)
    rows = []
    for commune in communes_of(request.tenant.unit):
        if ids is not None and commune.pk not in ids or commune.pk not in visible:
            continue
        cycle = cycles.get(commune.pk)
        row = {"commune": commune.code, "commune_name": commune.name, "cycle": None, "step": None, "state": "no_cycle", "overdue_steps": []}
        if cycle is not None:
            steps = selectors.cycle_steps(cycle=cycle, deadlines=due)
            row.update(cycle=cycle.pk, step=cycle.step, step_name=str(dict(STEP_CHOICES)[cycle.step]),
                       state=selectors.cycle_summary_state(cycle=cycle, deadlines=due),
                       overdue_steps=[s["step"] for s in steps if s["state"] == selectors.StepState.OVERDUE])
        rows.append(row)
    return rows


# --- plan versions ------------------------------------------------------------------------------------

class PlanDetailApi(APIView):
    """GET a version with its targets and items; PATCH its texts {assessment, solutions, monitoring} while it is being written."""

    class Input(serializers.Serializer):
        assessment = serializers.CharField(allow_blank=True, required=False)
        solutions = serializers.CharField(allow_blank=True, required=False)
        monitoring = serializers.CharField(allow_blank=True, required=False)

    def get(self, request, pk):
        return Response(plan_data(selectors.plan_get(user=request.user, pk=pk)))

    def patch(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        plan = services.plan_update(actor=request.user, plan=plan, **_valid(self.Input, request.data))
        return Response(plan_data(plan))


class ItemInput(serializers.Serializer):
    title = serializers.CharField(max_length=300)
    kind = serializers.ChoiceField(choices=PlanItem.Kind.choices, default=PlanItem.Kind.WORK)
    sector = serializers.ChoiceField(choices=Sector.choices)
    estimated_cost = serializers.IntegerField(min_value=0, max_value=10**15, required=False, default=0)
    funding = serializers.DictField(child=serializers.IntegerField(min_value=0, max_value=10**15), required=False, default=dict)
    responsible_unit = serializers.CharField(max_length=200, allow_blank=True, required=False, default="")
    starts_on = serializers.DateField(required=False, allow_null=True, default=None)
    ends_on = serializers.DateField(required=False, allow_null=True, default=None)
    proposals = serializers.ListField(child=serializers.IntegerField(), required=False, default=list, max_length=100)


class FeatureInput(serializers.Serializer):
    type = serializers.ChoiceField(choices=["Feature"])
    geometry = GuardedGeometryField(allow_null=True, required=False)
    properties = serializers.DictField()


def _feature(request, *, partial=False):
    feature = _valid(FeatureInput, request.data)
    item = ItemInput(data=feature["properties"], partial=partial)
    if not item.is_valid():
        raise serializers.ValidationError(item.errors)
    return feature.get("geometry"), dict(item.validated_data)


class PlanItemListApi(APIView):
    """GET the items of a version as GeoJSON (paginated, `bbox`); POST adds one as a GeoJSON Feature (geometry may be null for an activity)."""

    def get(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        items = filter_bbox(selectors.plan_items(plan=plan), request)
        paginator = FeaturePagination()
        page = paginator.paginate_queryset(items, request, view=self)
        return paginator.get_paginated_response(PlanItemFeatureSerializer(page, many=True).data)

    def post(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        geom, data = _feature(request)
        ids = data.pop("proposals")
        proposals = list(Proposal.objects.filter(pk__in=ids))
        if len(proposals) != len(set(ids)):
            return Response({"proposals": [_("Unknown proposal.")]}, status=400)
        item = services.item_create(actor=request.user, plan=plan, proposals=proposals, geom=geom, **data)
        return Response(PlanItemFeatureSerializer(item).data, status=201)


class PlanItemDetailApi(APIView):
    """PATCH an item (a GeoJSON Feature with the properties to change) or DELETE it, while its version is being written."""

    def _item(self, request, pk):
        item = PlanItem.objects.select_related("plan").filter(pk=pk).first()
        if item is None:
            raise Http404
        selectors.plan_get(user=request.user, pk=item.plan_id)
        return item

    def patch(self, request, pk):
        item = self._item(request, pk)
        geom, data = _feature(request, partial=True)
        data.pop("proposals", None)
        item = services.item_update(actor=request.user, item=item, geom=geom, **data)
        return Response(PlanItemFeatureSerializer(item).data)

    def delete(self, request, pk):
        services.item_delete(actor=request.user, item=self._item(request, pk))
        return Response(status=204)


class TargetListApi(APIView):
    class Input(serializers.Serializer):
        indicator = serializers.CharField(max_length=300)
        unit = serializers.CharField(max_length=50)
        current_estimate = serializers.DecimalField(max_digits=18, decimal_places=2, required=False, allow_null=True, default=None)
        next_target = serializers.DecimalField(max_digits=18, decimal_places=2)

    def get(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        return Response(TargetOutput(plan.targets.all(), many=True).data)

    def post(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        target = services.target_create(actor=request.user, plan=plan, **_valid(self.Input, request.data))
        return Response(TargetOutput(target).data, status=201)


class TargetDetailApi(APIView):
    def delete(self, request, pk):
        target = SocioEconomicTarget.objects.filter(pk=pk).first()
        if target is None:
            raise Http404
        selectors.plan_get(user=request.user, pk=target.plan_id)
        services.target_delete(actor=request.user, target=target)
        return Response(status=204)


class PlanNewVersionApi(APIView):
    """POST {kind: revised|final} carries the newest version forward."""

    def post(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        new = services.plan_new_version(actor=request.user, plan=plan, kind=_text(request, "kind"))
        return Response(plan_data(new), status=201)


class PlanAmendApi(APIView):
    """POST {reason} starts an amendment of an approved plan, which stays as approved."""

    def post(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        new = services.plan_amend(actor=request.user, plan=plan, reason=_text(request, "reason")[:2000])
        return Response(plan_data(new), status=201)


class PlanCompareApi(APIView):
    def get(self, request, pk, other):
        a = selectors.plan_get(user=request.user, pk=pk)
        b = selectors.plan_get(user=request.user, pk=other)
        if a.cycle_id != b.cycle_id:
            return Response({"other": [_("Compare two versions of the same cycle.")]}, status=400)
        return Response({"a": a.number, "b": b.number, **selectors.plans_compare(a=a, b=b)})


def _feedback_data(f):
    return {"id": f.pk, "item": f.item_id, "sector": f.sector, "office": f.office, "body": f.body, "author": f.author.username,
            "created_at": f.created_at, "answer": f.answer, "answered_at": f.answered_at}


class FeedbackListApi(APIView):
    """GET the district's comments on a version; POST one (district staff, step 4): {body, item | sector, office}."""

    class Input(serializers.Serializer):
        body = serializers.CharField(max_length=5000)
        item = serializers.IntegerField(required=False, allow_null=True, default=None)
        sector = serializers.ChoiceField(choices=Sector.choices, required=False, allow_blank=True, default="")
        office = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def get(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        return Response([_feedback_data(f) for f in DistrictFeedback.objects.filter(plan__cycle=plan.cycle).select_related("author")])

    def post(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        data = _valid(self.Input, request.data)
        item = None
        if data["item"]:
            item = PlanItem.objects.filter(pk=data["item"], plan=plan).first()
            if item is None:
                return Response({"item": [_("That item is not in this version.")]}, status=400)
        feedback = services.feedback_create(actor=request.user, plan=plan, body=data["body"], item=item, sector=data["sector"], office=data["office"])
        return Response(_feedback_data(feedback), status=201)


class FeedbackAnswerApi(APIView):
    def post(self, request, pk):
        feedback = DistrictFeedback.objects.filter(pk=pk).first()
        if feedback is None:
            raise Http404
        selectors.plan_get(user=request.user, pk=feedback.plan_id)
        feedback = services.feedback_answer(actor=request.user, feedback=feedback, answer=_text(request, "answer")[:5000])
        return Response(_feedback_data(feedback))


class ConsultationOpenApi(APIView):
    class Input(serializers.Serializer):
        closes_on = serializers.DateField()

    def post(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        plan = services.consultation_open(actor=request.user, plan=plan, **_valid(self.Input, request.data))
        return Response(plan_data(plan))


def _comment_data(c, *, public=False):
    data = {"id": c.pk, "item": c.item_id, "author_name": c.author_name, "author_kind": c.author_kind, "body": c.body,
            "created_at": c.created_at, "answer": c.answer, "answered_at": c.answered_at}
    if not public:
        data.update(status=c.status, via_commune=c.via_commune)
    return data


class CommentInput(serializers.Serializer):
    body = serializers.CharField(max_length=services.PUBLIC_COMMENT_MAX_CHARS)
    author_name = serializers.CharField(max_length=services.PUBLIC_NAME_MAX_CHARS)
    author_kind = serializers.ChoiceField(choices=PublicComment.AuthorKind.choices, default=PublicComment.AuthorKind.RESIDENT)
    item = serializers.IntegerField(required=False, allow_null=True, default=None)


def _comment_item(plan, item_id):
    if not item_id:
        return None
    item = PlanItem.objects.filter(pk=item_id, plan=plan).first()
    if item is None:
        raise serializers.ValidationError({"item": [_("That item is not in this plan.")]})
    return item


class CommentListApi(APIView):
    """GET every public comment of a version (for moderation); POST one given at the commune office (typed in by the team)."""

    def get(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        return Response([_comment_data(c) for c in plan.public_comments.all()])

    def post(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        data = _valid(CommentInput, request.data)
        comment = services.public_comment_submit(plan=plan, actor=request.user, item=_comment_item(plan, data.pop("item")), **data)
        return Response(_comment_data(comment), status=201)


class CommentModerateApi(APIView):
    """POST {decision: publish|reject}."""

    def post(self, request, pk):
        comment = _comment_for(request, pk)
        decision = _text(request, "decision")
        if decision not in ("publish", "reject"):
            return Response({"decision": [_("publish or reject.")]}, status=400)
        comment = services.public_comment_moderate(actor=request.user, comment=comment, publish=decision == "publish")
        return Response(_comment_data(comment))


class CommentAnswerApi(APIView):
    def post(self, request, pk):
        comment = services.public_comment_answer(actor=request.user, comment=_comment_for(request, pk),
                                                 answer=_text(request, "answer")[:5000])
        return Response(_comment_data(comment))


def _comment_for(request, pk):
    comment = PublicComment.objects.filter(pk=pk).first()
    if comment is None:
        raise Http404
    selectors.plan_get(user=request.user, pk=comment.plan_id)
    return comment


class ApprovalInput(serializers.Serializer):
    number = serializers.CharField(max_length=50)
    date = serializers.DateField()
    file = serializers.FileField(required=False, allow_null=True, default=None)


class ResolutionApi(APIView):
    """POST (multipart or JSON) the People's Council resolution on the final plan: {number, date, file}."""

    parser_classes = [MultiPartParser, FormParser, SafeJSONParser]

    def post(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        data = _valid(ApprovalInput, request.data)
        plan = services.plan_record_resolution(actor=request.user, plan=plan, number=data["number"], on=data["date"], file=data["file"])
        return Response(plan_data(plan))


class DistrictApprovalApi(APIView):
    """POST (multipart or JSON) the district's approval decision: {number, date, file}."""

    parser_classes = [MultiPartParser, FormParser, SafeJSONParser]

    def post(self, request, pk):
        plan = selectors.plan_get(user=request.user, pk=pk)
        data = _valid(ApprovalInput, request.data)
        plan = services.plan_record_district_approval(actor=request.user, plan=plan, number=data["number"], on=data["date"], file=data["file"])
        return Response(plan_data(plan))


def _export_name(plan, ext):
    return f"ke-hoach-{plan.cycle.commune.code}-{plan.cycle.plan_year}-v{plan.number}.{ext}"


def _document(plan):
    body = exports.plan_docx(plan=plan, items=list(selectors.plan_items(plan=plan)), targets=list(plan.targets.all()))
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(plan, "docx")}"'
    return response


def _tables(plan):
    body = exports.plan_xlsx(plan=plan, items=list(selectors.plan_items(plan=plan)), targets=list(plan.targets.all()))
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{_export_name(plan, "xlsx")}"'
    return response


def _works(plan):
    response = JsonResponse(exports.works_geojson(plan=plan, items=list(selectors.plan_items(plan=plan))), content_type="application/geo+json",
                            json_dumps_params={"ensure_ascii": False})
    response["Content-Disposition"] = f'inline; filename="{_export_name(plan, "geojson")}"'
    return response


class AnyAccept(BaseContentNegotiation):
    """File downloads answer in their own type whatever the client's Accept header (a GIS asks for application/geo+json)."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class PlanDocumentApi(APIView):
    content_negotiation_class = AnyAccept

    def get(self, request, pk):
        return _document(selectors.plan_get(user=request.user, pk=pk))


class PlanTablesApi(APIView):
    content_negotiation_class = AnyAccept

    def get(self, request, pk):
        return _tables(selectors.plan_get(user=request.user, pk=pk))


class PlanWorksApi(APIView):
    content_negotiation_class = AnyAccept

    def get(self, request, pk):
        return _works(selectors.plan_get(user=request.user, pk=pk))


# --- public, read-only (plus a moderated comment) ------------------------------------------------------

class PublicApi(APIView):
    authentication_classes = []
    permission_classes = [AllowAny]


class PublicPlanListApi(PublicApi):
    """Announced approved plans and drafts open for comment."""

    def get(self, request):
        return Response({"results": [
            {"id": p.pk, "commune": p.cycle.commune.code, "commune_name": p.cycle.commune.name, "plan_year": p.cycle.plan_year,
             "number": p.number, "kind": p.kind, "status": p.status, "announced_at": p.announced_at,
             "consultation_closes_on": p.consultation_closes_on}
            for p in selectors.public_plans()
        ]})


class PublicPlanDetailApi(PublicApi):
    def get(self, request, pk):
        return Response(plan_data(selectors.public_plan_get(pk=pk), public=True))


class PublicPlanWorksApi(PublicApi):
    content_negotiation_class = AnyAccept

    def get(self, request, pk):
        return _works(selectors.public_plan_get(pk=pk))


class PublicPlanDocumentApi(PublicApi):
    content_negotiation_class = AnyAccept

    def get(self, request, pk):
        return _document(selectors.public_plan_get(pk=pk))


COMMENT_RATE_LIMIT = 5  # comments per address and window
COMMENT_RATE_WINDOW_S = 600
HONEYPOT_FIELD = "website"


def _client_address(request):
    """The address a comment comes from, for the rate limit.

    X-Forwarded-For is trusted only when the direct peer is a reverse proxy on this machine (nginx in
    front of gunicorn), and then only its last entry, the one that proxy added: a client could write
    anything in the header itself and so escape the limit.
    """
    peer = request.META.get("REMOTE_ADDR", "")
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and peer in ("127.0.0.1", "::1"):
        return forwarded.split(",")[-1].strip() or peer
    return peer


class PublicCommentApi(PublicApi):
    """GET published comments and their answers; POST a comment without an account (it waits for moderation).

    Abuse protection: a hidden `website` field that people leave empty and robots fill in (answered
    as if accepted, nothing stored), a per-address limit in the tenant-aware cache (429), length limits.
    """

    def get(self, request, pk):
        plan = selectors.public_plan_get(pk=pk)
        return Response([_comment_data(c, public=True) for c in selectors.published_comments(plan=plan)])

    def post(self, request, pk):
        plan = selectors.public_plan_get(pk=pk)
        if _text(request, HONEYPOT_FIELD).strip():
            return Response({"status": "pending"}, status=status.HTTP_202_ACCEPTED)
        key = f"plans:public-comment:{_client_address(request)}"
        cache.add(key, 0, COMMENT_RATE_WINDOW_S)
        try:
            count = cache.incr(key)
        except ValueError:
            cache.set(key, 1, COMMENT_RATE_WINDOW_S)
            count = 1
        if count > COMMENT_RATE_LIMIT:
            return Response({"detail": _("Too many comments from this address; try again later.")}, status=status.HTTP_429_TOO_MANY_REQUESTS)
        data = _valid(CommentInput, request.data)
        comment = services.public_comment_submit(plan=plan, item=_comment_item(plan, data.pop("item")), **data)
        return Response({"id": comment.pk, "status": comment.status}, status=status.HTTP_202_ACCEPTED)


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


class ProvinceCyclesApi(APIView):
    """GET /api/plans/cycles/?plan_year=: per district, cycles per step, published and overdue (province staff)."""

    def get(self, request):
        from accounts.access import is_province_wide

        if not is_province_wide(request.user):
            return Response({"detail": _("Province staff only.")}, status=403)
        year = request.query_params.get("plan_year", "")
        if not year.isdigit():
            return Response({"plan_year": [_("A year, e.g. 2027.")]}, status=400)
        return Response({"plan_year": int(year), "districts": selectors.province_cycle_rows(plan_year=int(year))})


def _document_schemas():
    """Describe every view of this module to drf-spectacular in one place.

    The views are plain APIViews with nested Input serializers (HackSoft style), which spectacular
    cannot guess; this gives each operation its input serializer, a JSON (or file) response and a
    unique operation id, instead of repeating a decorator on some forty methods.
    """
    import re

    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import extend_schema

    files = {PlanDocumentApi, PlanTablesApi, PublicPlanDocumentApi}
    for view in [v for v in globals().values() if isinstance(v, type) and issubclass(v, APIView) and v.__module__ == __name__]:
        name = re.sub(r"(?<!^)(?=[A-Z])", "_", view.__name__.removesuffix("Api")).lower()
        for method in ("get", "post", "put", "patch", "delete"):
            if method not in view.__dict__:
                continue
            request = getattr(view, "Input", None) if method in ("post", "put", "patch") else None
            if request is not None and request.__name__ == "Input":
                # Component names come from class names: every view's nested Input would collide.
                request.__name__ = request.__qualname__ = f"{view.__name__.removesuffix('Api')}Input"
            response = OpenApiTypes.BINARY if view in files else OpenApiTypes.OBJECT
            decorated = extend_schema(operation_id=f"plans_{name}_{method}", request=request or OpenApiTypes.OBJECT, responses=response)
            setattr(view, method, decorated(view.__dict__[method]))


_document_schemas()

"""Writes of the plan cycle. Every state change locks its row, checks the source state, and records who/when/from/to.

Refusals raise django's ValidationError (a 400 with the reason) when the request is wrong for the
state of things, and PermissionDenied (a 403) when the user's role does not own the action; in
both cases nothing is written (each service is one transaction).
"""
import os
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import can_moderate_public_comments, can_plan_for_commune, can_review_commune
from geo.guard import check_inside
from geo.models import AdministrativeUnit
from plans.models import (
    PUBLISHED,
    STEP_ORDER,
    STEP_OWNER,
    ActionProgramme,
    ActionTask,
    CommunePlan,
    Conference,
    CycleTransition,
    DistrictFeedback,
    Orientation,
    OrientationDocument,
    Owner,
    PlanCycle,
    PlanEvent,
    PlanItem,
    PlanKind,
    PlanningTeam,
    PlanStatus,
    PublicComment,
    ResourceEnvelope,
    SocioEconomicTarget,
    StepEvidence,
    TeamMember,
)
from proposals.models import Proposal, ProposalStatus, Sector
from province.models import CapitalSource, PlanStep

TEAM_MIN, TEAM_MAX = 5, 7
ALLOWED_FILE_EXTENSIONS = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".jpg", ".jpeg", ".png"}
PUBLIC_COMMENT_MAX_CHARS = 2000
PUBLIC_NAME_MAX_CHARS = 100


def _forbidden(message=None):
    return PermissionDenied(message or _("Your role does not own this action."))


def _require_commune_team(actor, commune):
    if not can_plan_for_commune(actor, commune):
        raise _forbidden(_("Only the commune's planning team may do this."))


def _require_district(actor, commune):
    if not can_review_commune(actor, commune):
        raise _forbidden(_("Only the district's Finance-Planning Office may do this."))


def _require_step(cycle, *steps):
    if cycle.step not in [s if isinstance(s, str) else s.value for s in steps]:
        names = ", ".join(str(PlanStep(s).label) for s in steps)
        raise ValidationError(
            {"step": [_("Not possible at this step of the cycle (now: %(now)s; needed: %(needed)s).") % {"now": cycle.get_step_display(), "needed": names}]}
        )


def _check_file(upload, field):
    """Refuse an upload over the size limit or of a type that is not a document or a picture."""
    if not upload:
        return
    if upload.size > settings.UPLOAD_MAX_BYTES:
        raise ValidationError({field: [_("The file is larger than %(limit)s bytes.") % {"limit": settings.UPLOAD_MAX_BYTES}]})
    if os.path.splitext(upload.name)[1].lower() not in ALLOWED_FILE_EXTENSIONS:
        raise ValidationError({field: [_("Only PDF, Word, Excel, OpenDocument text and JPEG/PNG files are accepted.")]})


def _lock_cycle(cycle):
    return PlanCycle.objects.select_for_update().select_related("commune").get(pk=cycle.pk)


def _lock_plan(plan):
    return CommunePlan.objects.select_for_update().select_related("cycle__commune").get(pk=plan.pk)


def _plan_event(plan, *, actor, action, from_status="", to_status="", note=""):
    PlanEvent.objects.create(plan=plan, actor=actor, action=action, from_status=from_status, to_status=to_status, note=note)


def _require_editable(plan):
    if plan.status == PlanStatus.APPROVED:
        raise ValidationError({"plan": [_("An approved plan cannot be edited; make an amendment with a reason.")]})
    if plan.status != PlanStatus.WORKING:
        raise ValidationError({"plan": [_("This version is no longer being written; edit the newest version.")]})


# --- the cycle ------------------------------------------------------------------------------

@transaction.atomic
def cycle_create(*, actor, commune: AdministrativeUnit, plan_year: int) -> PlanCycle:
    """Open a commune's cycle for a plan year: by its planning team, or by the district for one of its communes."""
    if not (can_plan_for_commune(actor, commune) or can_review_commune(actor, commune)):
        raise _forbidden()
    if not 2016 <= plan_year <= 2100:
        raise ValidationError({"plan_year": [_("Not a plan year.")]})
    if PlanCycle.objects.filter(commune=commune, plan_year=plan_year).exists():
        raise ValidationError({"plan_year": [_("This commune already has a cycle for that plan year.")]})
    try:
        with transaction.atomic():
            return PlanCycle.objects.create(commune=commune, plan_year=plan_year, created_by=actor)
    except IntegrityError:
        raise ValidationError({"plan_year": [_("This commune already has a cycle for that plan year.")]})


@transaction.atomic
def cycle_step_complete(*, actor, cycle: PlanCycle, step: str, note: str = "") -> PlanCycle:
    """Complete the current step and move to the next one, if `actor` owns the step and its conditions hold."""
    if step not in PlanStep.values:
        raise ValidationError({"step": [_("Unknown step.")]})
    cycle = _lock_cycle(cycle)
    owner = STEP_OWNER[PlanStep(step)]
    allowed = can_plan_for_commune(actor, cycle.commune) if owner == Owner.COMMUNE else can_review_commune(actor, cycle.commune)
    if not allowed:
        raise _forbidden(_("This step is done by the %(owner)s.") % {"owner": owner.label})
    if cycle.step != step:
        raise ValidationError({"step": [_("Steps are done in order: the current step is %(now)s.") % {"now": cycle.get_step_display()}]})
    _STEP_CONDITIONS[step](cycle, actor)
    to_step = STEP_ORDER[STEP_ORDER.index(step) + 1]
    CycleTransition.objects.create(cycle=cycle, from_step=step, to_step=to_step, actor=actor, note=note)
    cycle.step = to_step
    cycle.save(update_fields=["step"])
    return cycle


def _team_done(cycle, actor):
    team = PlanningTeam.objects.filter(cycle=cycle).first()
    if team is None:
        raise ValidationError({"team": [_("Record the planning team first.")]})
    team_check([{"is_leader": m.is_leader, "is_commune_chairman": m.is_commune_chairman, "represents": m.represents} for m in team.members.all()])


def _nothing(cycle, actor):
    return


def _orientation_done(cycle, actor):
    if not Orientation.objects.filter(plan_year=cycle.plan_year, published_at__isnull=False).exists():
        raise ValidationError({"orientation": [_("Publish the orientation for this plan year to the communes first.")]})


def _draft_done(cycle, actor):
    plan = cycle.versions.filter(kind=PlanKind.V1).first()
    if plan is None or not plan.items.exists():
        raise ValidationError({"plan": [_("Write the draft plan (v1) with at least one item first.")]})
    if not cycle.conferences.filter(kind=Conference.Kind.CONSULTATION).exists():
        raise ValidationError({"conference": [_("Record the consultation conference first.")]})
    if plan.status == PlanStatus.WORKING:
        # Reported to the district: v1 stays as it was sent.
        plan.status = PlanStatus.FROZEN
        plan.save(update_fields=["status"])
        _plan_event(plan, actor=actor, action="reported_to_district", from_status=PlanStatus.WORKING, to_status=PlanStatus.FROZEN)


def _sedp_done(cycle, actor):
    if not cycle.versions.filter(kind=PlanKind.REVISED).exists():
        raise ValidationError({"plan": [_("Make the revised draft first.")]})
    if DistrictFeedback.objects.filter(plan__cycle=cycle, answer="").exists():
        raise ValidationError({"feedback": [_("Answer every comment of the district first.")]})
    if not cycle.conferences.filter(kind=Conference.Kind.SEDP).exists():
        raise ValidationError({"conference": [_("Record the SEDP conference first.")]})
    comments = PublicComment.objects.filter(plan__cycle=cycle)
    if comments.filter(status=PublicComment.Status.PENDING).exists():
        raise ValidationError({"comments": [_("Moderate every public comment first.")]})
    if comments.filter(status=PublicComment.Status.PUBLISHED, answer="").exists():
        raise ValidationError({"comments": [_("Answer every published public comment first.")]})


def _approval_done(cycle, actor):
    plan = cycle.versions.order_by("-number").first()
    if plan is None or plan.kind != PlanKind.FINAL or plan.status != PlanStatus.APPROVED:
        raise ValidationError({"plan": [_("The final plan needs the People's Council resolution and the district's approval decision first.")]})
    plan.announced_at = timezone.now()
    plan.consultation_closes_on = None
    plan.save(update_fields=["announced_at", "consultation_closes_on"])
    _plan_event(plan, actor=actor, action="announced", from_status=plan.status, to_status=plan.status)


_STEP_CONDITIONS = {
    PlanStep.TEAM.value: _team_done,
    PlanStep.PROPOSALS.value: _nothing,
    PlanStep.ORIENTATION.value: _orientation_done,
    PlanStep.DRAFT.value: _draft_done,
    PlanStep.DISTRICT_FEEDBACK.value: _nothing,
    PlanStep.SEDP_CONFERENCE.value: _sedp_done,
    PlanStep.APPROVAL.value: _approval_done,
}


@transaction.atomic
def evidence_add(*, actor, cycle: PlanCycle, step: str, title: str, file=None) -> StepEvidence:
    """Attach a document or meeting record to a step, by whoever owns that step."""
    if step not in PlanStep.values:
        raise ValidationError({"step": [_("Unknown step.")]})
    owner = STEP_OWNER[PlanStep(step)]
    allowed = can_plan_for_commune(actor, cycle.commune) if owner == Owner.COMMUNE else can_review_commune(actor, cycle.commune)
    if not allowed:
        raise _forbidden()
    _check_file(file, "file")
    evidence = StepEvidence(cycle=cycle, step=step, title=title, added_by=actor)
    if file:
        evidence.file = file
    evidence.full_clean(exclude=["file"])
    evidence.save()
    return evidence


# --- Đ3: the planning team ---------------------------------------------------------------------

def team_check(members):
    """Đ3: 5 to 7 members; one leader, the chairman of the commune People's Committee; the others represent commune units."""
    if not TEAM_MIN <= len(members) <= TEAM_MAX:
        raise ValidationError({"members": [_("The planning team has 5 to 7 members (Đ3); this one has %(n)s.") % {"n": len(members)}]})
    leaders = [m for m in members if m.get("is_leader")]
    if len(leaders) != 1:
        raise ValidationError({"members": [_("The planning team has exactly one leader.")]})
    if not leaders[0].get("is_commune_chairman"):
        raise ValidationError({"members": [_("The leader of the planning team is the chairman of the commune People's Committee (Đ3).")]})
    if any(not (m.get("represents") or "").strip() for m in members if not m.get("is_leader")):
        raise ValidationError({"members": [_("Each member other than the leader represents a commune unit; name it.")]})


@transaction.atomic
def team_set(*, actor, cycle: PlanCycle, members: list, decision_number: str = "", decision_date: date | None = None) -> PlanningTeam:
    """Record (or replace) the commune's planning team while step Đ3 is open; refused with the reason if outside Đ3's rules."""
    cycle = _lock_cycle(cycle)
    _require_commune_team(actor, cycle.commune)
    _require_step(cycle, PlanStep.TEAM)
    team_check(members)
    team, _created = PlanningTeam.objects.update_or_create(
        cycle=cycle, defaults={"decision_number": decision_number, "decision_date": decision_date, "updated_by": actor}
    )
    team.members.all().delete()
    for m in members:
        member = TeamMember(team=team, **{k: m.get(k, "") for k in ("full_name", "position", "represents")},
                            is_leader=bool(m.get("is_leader")), is_commune_chairman=bool(m.get("is_commune_chairman")))
        if member.is_leader and not member.represents:
            member.represents = _("Commune People's Committee")
        member.full_clean(exclude=["team"])
        member.save()
    return team


# --- step 2: orientation ------------------------------------------------------------------------

@transaction.atomic
def orientation_create(*, actor, district_unit, plan_year: int, title: str, summary: str = "", expected_programmes: str = "",
                       documents: list = (), envelopes: list = ()) -> Orientation:
    """The district's orientation for a plan year, with documents and indicative envelopes per commune, sector and source."""
    from accounts.models import Role

    if not (actor.role == Role.DISTRICT and actor.unit_id == district_unit.pk):
        raise _forbidden(_("Only the district's Finance-Planning Office may do this."))
    orientation = Orientation(plan_year=plan_year, title=title, summary=summary, expected_programmes=expected_programmes, created_by=actor)
    orientation.full_clean()
    orientation.save()
    for d in documents:
        OrientationDocument.objects.create(orientation=orientation, title=d["title"], url=d.get("url", ""))
    for i, e in enumerate(envelopes):
        commune = AdministrativeUnit.objects.filter(code=e.get("commune"), parent=district_unit, level="commune").first()
        if commune is None:
            raise ValidationError({"envelopes": [_("Row %(n)s: the commune is not in this district.") % {"n": i + 1}]})
        if e.get("sector") not in Sector.values:
            raise ValidationError({"envelopes": [_("Row %(n)s: unknown sector.") % {"n": i + 1}]})
        if e.get("capital_source") not in CapitalSource.values:
            raise ValidationError({"envelopes": [_("Row %(n)s: unknown capital source.") % {"n": i + 1}]})
        amount = e.get("amount")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise ValidationError({"envelopes": [_("Row %(n)s: the amount is a whole number of VND, not negative.") % {"n": i + 1}]})
        ResourceEnvelope.objects.create(orientation=orientation, commune=commune, sector=e["sector"], capital_source=e["capital_source"], amount=amount)
    return orientation


@transaction.atomic
def orientation_publish(*, actor, orientation: Orientation) -> Orientation:
    """Send the orientation to the communes; from then on they see it beside their draft."""
    from accounts.models import Role

    orientation = Orientation.objects.select_for_update().get(pk=orientation.pk)
    if actor.role != Role.DISTRICT:
        raise _forbidden(_("Only the district's Finance-Planning Office may do this."))
    if orientation.published_at:
        raise ValidationError({"orientation": [_("Already published.")]})
    orientation.published_at = timezone.now()
    orientation.save(update_fields=["published_at"])
    return orientation


# --- plan versions ------------------------------------------------------------------------------

def _item_geometry_from(proposals):
    geoms = [p.geom for p in proposals if p.geom is not None]
    if not geoms:
        return None
    if len(geoms) == 1:
        return geoms[0].clone()
    from django.contrib.gis.geos import GeometryCollection

    collection = GeometryCollection(*[g.clone() for g in geoms])
    collection.srid = 4326
    return collection


def _funding_from(proposal):
    sources = {
        CapitalSource.CENTRAL_BUDGET: proposal.central_budget,
        CapitalSource.PROVINCIAL_BUDGET: proposal.provincial_budget,
        CapitalSource.DISTRICT_BUDGET: proposal.district_budget,
        CapitalSource.COMMUNE_BUDGET: proposal.commune_budget,
        CapitalSource.RESIDENTS: proposal.residents_cash + proposal.residents_labour_value,
        CapitalSource.ENTERPRISES: proposal.enterprises,
        CapitalSource.OTHER: proposal.other_sources,
    }
    return {k.value: v for k, v in sources.items() if v}


@transaction.atomic
def plan_create_draft(*, actor, cycle: PlanCycle, from_accepted: bool = True) -> CommunePlan:
    """Draft plan v1 (step 3); by default one item per accepted proposal of the commune and year, with its location."""
    cycle = _lock_cycle(cycle)
    _require_commune_team(actor, cycle.commune)
    _require_step(cycle, PlanStep.DRAFT)
    if cycle.versions.exists():
        raise ValidationError({"plan": [_("The draft v1 already exists.")]})
    plan = CommunePlan.objects.create(cycle=cycle, number=1, kind=PlanKind.V1, created_by=actor)
    _plan_event(plan, actor=actor, action="created", to_status=plan.status)
    if from_accepted:
        accepted = Proposal.objects.filter(commune=cycle.commune, plan_year=cycle.plan_year, status=ProposalStatus.ACCEPTED)
        for order, proposal in enumerate(accepted.order_by("commune_rank", "id")):
            _item_from_proposals(plan, [proposal], order=order)
    return plan


def _item_from_proposals(plan, proposals, *, order=0, **overrides):
    first = proposals[0]
    item = PlanItem.objects.create(
        plan=plan,
        title=overrides.get("title") or first.title,
        sector=overrides.get("sector") or first.sector,
        geom=_item_geometry_from(proposals),
        estimated_cost=sum(p.estimated_cost for p in proposals),
        funding=_funding_from(first) if len(proposals) == 1 else {},
        responsible_unit=overrides.get("responsible_unit", ""),
        order=order,
    )
    item.proposals.set(proposals)
    return item


NEXT_KIND_STEPS = {
    PlanKind.REVISED: (PlanStep.DISTRICT_FEEDBACK, PlanStep.SEDP_CONFERENCE),
    PlanKind.FINAL: (PlanStep.APPROVAL,),
}


@transaction.atomic
def plan_new_version(*, actor, plan: CommunePlan, kind: str) -> CommunePlan:
    """The revised draft (after district feedback) or the final plan: a copy of the newest version, which is frozen."""
    if kind not in NEXT_KIND_STEPS:
        raise ValidationError({"kind": [_("A new version is either revised or final; amendments have their own action.")]})
    plan = _lock_plan(plan)
    cycle = _lock_cycle(plan.cycle)
    _require_commune_team(actor, cycle.commune)
    _require_step(cycle, *NEXT_KIND_STEPS[kind])
    newest = cycle.versions.order_by("-number").first()
    if newest.pk != plan.pk:
        raise ValidationError({"plan": [_("Only the newest version can be carried forward.")]})
    if kind == PlanKind.FINAL and plan.kind == PlanKind.FINAL:
        raise ValidationError({"kind": [_("The final plan already exists.")]})
    return _copy_version(actor, plan, kind=kind)


def _copy_version(actor, plan, *, kind, reason=""):
    new = CommunePlan.objects.create(
        cycle=plan.cycle, number=plan.number + 1, kind=kind, based_on=plan, amendment_reason=reason,
        assessment=plan.assessment, solutions=plan.solutions, monitoring=plan.monitoring, created_by=actor,
    )
    for t in plan.targets.all():
        SocioEconomicTarget.objects.create(plan=new, lineage=t.lineage, indicator=t.indicator, unit=t.unit,
                                           current_estimate=t.current_estimate, next_target=t.next_target, order=t.order)
    for item in plan.items.prefetch_related("proposals"):
        copy = PlanItem.objects.create(
            plan=new, lineage=item.lineage, kind=item.kind, title=item.title, sector=item.sector, geom=item.geom,
            estimated_cost=item.estimated_cost, funding=item.funding, responsible_unit=item.responsible_unit,
            starts_on=item.starts_on, ends_on=item.ends_on, order=item.order,
        )
        copy.proposals.set(item.proposals.all())
    if plan.status == PlanStatus.WORKING:
        plan.status = PlanStatus.FROZEN
        plan.consultation_closes_on = None
        plan.save(update_fields=["status", "consultation_closes_on"])
        _plan_event(plan, actor=actor, action="superseded", from_status=PlanStatus.WORKING, to_status=PlanStatus.FROZEN)
    _plan_event(new, actor=actor, action="created", to_status=new.status, note=reason)
    return new


@transaction.atomic
def plan_amend(*, actor, plan: CommunePlan, reason: str) -> CommunePlan:
    """Change an approved plan: a new working version with the reason; the approved version stays exactly as approved."""
    plan = _lock_plan(plan)
    _require_commune_team(actor, plan.cycle.commune)
    if plan.status != PlanStatus.APPROVED:
        raise ValidationError({"plan": [_("Only an approved plan is amended; a draft is simply edited.")]})
    if not (reason or "").strip():
        raise ValidationError({"reason": [_("Give the reason of the amendment.")]})
    cycle = _lock_cycle(plan.cycle)
    newest = cycle.versions.order_by("-number").first()
    if newest.pk != plan.pk:
        raise ValidationError({"plan": [_("An amendment of this plan is already under way.")]})
    return _copy_version(actor, plan, kind=PlanKind.AMENDMENT, reason=reason.strip())


@transaction.atomic
def plan_update(*, actor, plan: CommunePlan, **fields) -> CommunePlan:
    """Edit the texts of a working version (assessment, tasks and solutions, M&E arrangements)."""
    plan = _lock_plan(plan)
    _require_commune_team(actor, plan.cycle.commune)
    _require_editable(plan)
    for name in ("assessment", "solutions", "monitoring"):
        if name in fields:
            setattr(plan, name, fields[name])
    plan.save(update_fields=["assessment", "solutions", "monitoring"])
    return plan


def _check_funding(funding, cost):
    if not isinstance(funding, dict):
        raise ValidationError({"funding": [_("Capital sources are an object {source: VND}.")]})
    for source, amount in funding.items():
        if source not in CapitalSource.values:
            raise ValidationError({"funding": [_("Unknown capital source: %(s)s.") % {"s": source}]})
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
            raise ValidationError({"funding": [_("Each amount is a whole, non-negative number of VND.")]})
    if sum(funding.values()) > cost:
        raise ValidationError({"funding": [_("The capital sources add up to more than the cost.")]})


@transaction.atomic
def item_create(*, actor, plan: CommunePlan, proposals=(), geom=None, **data) -> PlanItem:
    """Add a work or activity to a working version: from accepted proposals of the commune (their location), or drawn by the team."""
    plan = _lock_plan(plan)
    commune = plan.cycle.commune
    _require_commune_team(actor, commune)
    _require_editable(plan)
    proposals = list(proposals)
    for p in proposals:
        if p.commune_id != commune.pk or p.status != ProposalStatus.ACCEPTED:
            raise ValidationError({"proposals": [_("Only accepted proposals of this commune go into its plan.")]})
    if geom is not None:
        check_inside(geom, commune)
    item = PlanItem(plan=plan, order=plan.items.count(), **data)
    if proposals and not data.get("estimated_cost"):
        item.estimated_cost = sum(p.estimated_cost for p in proposals)
    item.geom = geom if geom is not None else _item_geometry_from(proposals)
    _check_item(item)
    item.save()
    item.proposals.set(proposals)
    return item


def _check_item(item):
    if item.estimated_cost is None or item.estimated_cost < 0:
        raise ValidationError({"estimated_cost": [_("The cost is a whole, non-negative number of VND.")]})
    _check_funding(item.funding or {}, item.estimated_cost)
    if item.starts_on and item.ends_on and item.ends_on < item.starts_on:
        raise ValidationError({"ends_on": [_("The end is before the start.")]})
    item.full_clean(exclude=["plan", "proposals"])


@transaction.atomic
def item_update(*, actor, item: PlanItem, geom=None, **data) -> PlanItem:
    """Edit an item of a working version; refused once the version is frozen or approved."""
    plan = _lock_plan(item.plan)
    _require_commune_team(actor, plan.cycle.commune)
    _require_editable(plan)
    item = PlanItem.objects.select_for_update().get(pk=item.pk)
    for name, value in data.items():
        setattr(item, name, value)
    if geom is not None:
        check_inside(geom, plan.cycle.commune)
        item.geom = geom
    _check_item(item)
    item.save()
    return item


@transaction.atomic
def item_delete(*, actor, item: PlanItem) -> None:
    plan = _lock_plan(item.plan)
    _require_commune_team(actor, plan.cycle.commune)
    _require_editable(plan)
    item.delete()


@transaction.atomic
def target_create(*, actor, plan: CommunePlan, **data) -> SocioEconomicTarget:
    """Add a socio-economic target (indicator, unit, this year's estimate, next year's target) to a working version."""
    plan = _lock_plan(plan)
    _require_commune_team(actor, plan.cycle.commune)
    _require_editable(plan)
    target = SocioEconomicTarget(plan=plan, order=plan.targets.count(), **data)
    target.full_clean(exclude=["plan"])
    target.save()
    return target


@transaction.atomic
def target_delete(*, actor, target: SocioEconomicTarget) -> None:
    plan = _lock_plan(target.plan)
    _require_commune_team(actor, plan.cycle.commune)
    _require_editable(plan)
    target.delete()


@transaction.atomic
def conference_record(*, actor, cycle: PlanCycle, kind: str, held_on: date, participants: int, summary: str,
                      participants_description: str = "") -> Conference:
    """Record the consultation conference (step 3) or the SEDP conference (step 5), during its step."""
    cycle = _lock_cycle(cycle)
    _require_commune_team(actor, cycle.commune)
    step = {Conference.Kind.CONSULTATION: PlanStep.DRAFT, Conference.Kind.SEDP: PlanStep.SEDP_CONFERENCE}.get(kind)
    if step is None:
        raise ValidationError({"kind": [_("Unknown kind of conference.")]})
    _require_step(cycle, step)
    conference = Conference(cycle=cycle, kind=kind, held_on=held_on, participants=participants, summary=summary,
                            participants_description=participants_description, recorded_by=actor)
    conference.full_clean(exclude=["cycle"])
    conference.save()
    return conference


# --- step 4: district feedback ----------------------------------------------------------------------

@transaction.atomic
def feedback_create(*, actor, plan: CommunePlan, body: str, item: PlanItem | None = None, sector: str = "", office: str = "") -> DistrictFeedback:
    """A district comment on an item or a sector of the draft the commune reported, during step 4."""
    plan = _lock_plan(plan)
    _require_district(actor, plan.cycle.commune)
    _require_step(plan.cycle, PlanStep.DISTRICT_FEEDBACK)
    if item is not None and item.plan_id != plan.pk:
        raise ValidationError({"item": [_("That item is not in this version.")]})
    if item is None and not sector:
        raise ValidationError({"sector": [_("A comment is about a plan item or a sector.")]})
    feedback = DistrictFeedback(plan=plan, item=item, sector=sector or (item.sector if item else ""), office=office, body=body, author=actor)
    feedback.full_clean(exclude=["plan", "item", "answered_by"])
    feedback.save()
    return feedback


@transaction.atomic
def feedback_answer(*, actor, feedback: DistrictFeedback, answer: str) -> DistrictFeedback:
    """The commune's answer to a district comment."""
    feedback = DistrictFeedback.objects.select_for_update().select_related("plan__cycle__commune").get(pk=feedback.pk)
    _require_commune_team(actor, feedback.plan.cycle.commune)
    if not (answer or "").strip():
        raise ValidationError({"answer": [_("The answer is empty.")]})
    feedback.answer, feedback.answered_by, feedback.answered_at = answer.strip(), actor, timezone.now()
    feedback.save(update_fields=["answer", "answered_by", "answered_at"])
    return feedback


# --- step 5: public consultation -------------------------------------------------------------------

@transaction.atomic
def consultation_open(*, actor, plan: CommunePlan, closes_on: date) -> CommunePlan:
    """Publish the working draft for public comment until `closes_on` (step 5)."""
    plan = _lock_plan(plan)
    _require_commune_team(actor, plan.cycle.commune)
    _require_step(plan.cycle, PlanStep.SEDP_CONFERENCE)
    _require_editable(plan)
    if closes_on < timezone.localdate():
        raise ValidationError({"closes_on": [_("The comment window cannot close in the past.")]})
    plan.consultation_closes_on = closes_on
    plan.save(update_fields=["consultation_closes_on"])
    _plan_event(plan, actor=actor, action="consultation_opened", from_status=plan.status, to_status=plan.status, note=closes_on.isoformat())
    return plan


@transaction.atomic
def public_comment_submit(*, plan: CommunePlan, body: str, author_name: str, author_kind: str = PublicComment.AuthorKind.RESIDENT,
                          item: PlanItem | None = None, actor=None) -> PublicComment:
    """A comment on a draft open for consultation, from anyone (or typed in by the team); it waits for moderation."""
    from plans.selectors import consultation_open as is_open

    plan = CommunePlan.objects.select_related("cycle__commune").get(pk=plan.pk)
    via_commune = actor is not None
    if via_commune:
        _require_commune_team(actor, plan.cycle.commune)
    if not is_open(plan=plan):
        raise ValidationError({"plan": [_("This plan is not open for public comment.")]})
    body, author_name = (body or "").strip(), (author_name or "").strip()
    if not body:
        raise ValidationError({"body": [_("The comment is empty.")]})
    if len(body) > PUBLIC_COMMENT_MAX_CHARS:
        raise ValidationError({"body": [_("A comment has at most %(n)s characters.") % {"n": PUBLIC_COMMENT_MAX_CHARS}]})
    if not author_name or len(author_name) > PUBLIC_NAME_MAX_CHARS:
        raise ValidationError({"author_name": [_("Give a name of at most %(n)s characters.") % {"n": PUBLIC_NAME_MAX_CHARS}]})
    if author_kind not in PublicComment.AuthorKind.values:
        raise ValidationError({"author_kind": [_("Resident, business or organisation.")]})
    if item is not None and item.plan_id != plan.pk:
        raise ValidationError({"item": [_("That item is not in this plan.")]})
    return PublicComment.objects.create(plan=plan, item=item, body=body, author_name=author_name, author_kind=author_kind, via_commune=via_commune)


@transaction.atomic
def public_comment_moderate(*, actor, comment: PublicComment, publish: bool) -> PublicComment:
    """The planning team publishes or rejects a pending comment; only published ones appear in public."""
    comment = PublicComment.objects.select_for_update().select_related("plan__cycle__commune").get(pk=comment.pk)
    if not can_moderate_public_comments(actor, comment.plan.cycle.commune):
        raise _forbidden(_("Only the commune's planning team may do this."))
    if comment.status != PublicComment.Status.PENDING:
        raise ValidationError({"status": [_("This comment was already moderated.")]})
    comment.status = PublicComment.Status.PUBLISHED if publish else PublicComment.Status.REJECTED
    comment.moderated_by, comment.moderated_at = actor, timezone.now()
    comment.save(update_fields=["status", "moderated_by", "moderated_at"])
    return comment


@transaction.atomic
def public_comment_answer(*, actor, comment: PublicComment, answer: str) -> PublicComment:
    """The team's answer to a published comment, shown in public beside it."""
    comment = PublicComment.objects.select_for_update().select_related("plan__cycle__commune").get(pk=comment.pk)
    _require_commune_team(actor, comment.plan.cycle.commune)
    if comment.status != PublicComment.Status.PUBLISHED:
        raise ValidationError({"status": [_("Only a published comment is answered.")]})
    if not (answer or "").strip():
        raise ValidationError({"answer": [_("The answer is empty.")]})
    comment.answer, comment.answered_at = answer.strip(), timezone.now()
    comment.save(update_fields=["answer", "answered_at"])
    return comment


# --- Đ6 / Đ16.3: approval -----------------------------------------------------------------------------

@transaction.atomic
def plan_record_resolution(*, actor, plan: CommunePlan, number: str, on: date, file=None) -> CommunePlan:
    """The commune People's Council passed the final plan (or an amendment): the version is frozen from now on."""
    plan = _lock_plan(plan)
    _require_commune_team(actor, plan.cycle.commune)
    if plan.kind == PlanKind.FINAL:
        _require_step(plan.cycle, PlanStep.APPROVAL)
    elif plan.kind != PlanKind.AMENDMENT:
        raise ValidationError({"plan": [_("The People's Council passes the final plan or an amendment, not a draft.")]})
    _require_editable(plan)
    if not (number or "").strip() or on is None:
        raise ValidationError({"number": [_("Give the number and date of the resolution.")]})
    _check_file(file, "file")
    plan.council_resolution_number, plan.council_resolution_date = number.strip(), on
    if file:
        plan.council_resolution_file = file
    plan.status = PlanStatus.FROZEN
    plan.consultation_closes_on = None
    plan.save()
    _plan_event(plan, actor=actor, action="council_resolution", from_status=PlanStatus.WORKING, to_status=PlanStatus.FROZEN, note=number)
    return plan


@transaction.atomic
def plan_record_district_approval(*, actor, plan: CommunePlan, number: str, on: date, file=None) -> CommunePlan:
    """The district approves the plan the People's Council passed (Đ16.3). An approved amendment is announced at once."""
    plan = _lock_plan(plan)
    _require_district(actor, plan.cycle.commune)
    if not plan.council_resolution_number:
        raise ValidationError({"plan": [_("The People's Council resolution comes first.")]})
    if plan.status == PlanStatus.APPROVED:
        raise ValidationError({"plan": [_("Already approved.")]})
    if not (number or "").strip() or on is None:
        raise ValidationError({"number": [_("Give the number and date of the decision.")]})
    _check_file(file, "file")
    plan.district_decision_number, plan.district_decision_date = number.strip(), on
    if file:
        plan.district_decision_file = file
    plan.status, plan.approved_at = PlanStatus.APPROVED, timezone.now()
    if plan.kind == PlanKind.AMENDMENT:
        plan.announced_at = plan.approved_at
    plan.save()
    _plan_event(plan, actor=actor, action="district_approval", from_status=PlanStatus.FROZEN, to_status=PlanStatus.APPROVED, note=number)
    return plan


# --- Đ7: implementation ---------------------------------------------------------------------------------

@transaction.atomic
def action_programme_create(*, actor, cycle: PlanCycle, title: str, issued_by: str, issued_on: date, tasks: list) -> ActionProgramme:
    """An action programme of the announced plan, assigning tasks to named people or units with dates."""
    _require_commune_team(actor, cycle.commune)
    if cycle.step != PUBLISHED:
        raise ValidationError({"step": [_("Action programmes implement an announced plan.")]})
    if not tasks:
        raise ValidationError({"tasks": [_("An action programme assigns at least one task.")]})
    programme = ActionProgramme(cycle=cycle, title=title, issued_by=issued_by, issued_on=issued_on, created_by=actor)
    programme.full_clean(exclude=["cycle"])
    programme.save()
    plan = cycle.versions.filter(status=PlanStatus.APPROVED).order_by("-number").first()
    for t in tasks:
        item = t.get("item")
        if item is not None and (plan is None or item.plan_id != plan.pk):
            raise ValidationError({"tasks": [_("A task refers to an item of the approved plan.")]})
        task = ActionTask(programme=programme, item=item, task=t.get("task", ""), assignee=t.get("assignee", ""),
                          starts_on=t.get("starts_on"), due_on=t.get("due_on"))
        task.full_clean(exclude=["programme", "item"])
        if task.starts_on and task.due_on < task.starts_on:
            raise ValidationError({"tasks": [_("A task is due before it starts.")]})
        task.save()
    return programme

"""The cycle (Đ3–Đ6): opening a commune's cycle for a plan year, completing its steps in order, step evidence."""
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.access import can_act_for_step_owner, can_open_cycle
from core.deadlines import refuse_before, refuse_future
from core.models import PlanStep
from core.selectors import step_due_date
from core.signals import announce_cycle_changed
from geo.models import AdministrativeUnit
from plans.models import (
    STEP_ORDER,
    STEP_OWNER,
    Conference,
    CycleTransition,
    DistrictFeedback,
    Orientation,
    Owner,
    PlanCycle,
    PlanKind,
    PlanningTeam,
    PlanStatus,
    PublicComment,
    StepEvidence,
)
from plans.services.common import _check_file, _forbidden, _lock_cycle, _plan_event
from plans.services.team import team_check
from proposals.models import Proposal, ProposalStatus


@transaction.atomic
def cycle_create(*, actor, commune: AdministrativeUnit, plan_year: int) -> PlanCycle:
    """Open a commune's cycle for a plan year: by its planning team, or by the district for one of its communes."""
    if not can_open_cycle(actor, commune):
        raise _forbidden()
    if not 2016 <= plan_year <= 2100:
        raise ValidationError({"plan_year": [_("Not a plan year.")]})
    if PlanCycle.objects.filter(commune=commune, plan_year=plan_year).exists():
        raise ValidationError({"plan_year": [_("This commune already has a cycle for that plan year.")]})
    try:
        with transaction.atomic():
            cycle = PlanCycle.objects.create(commune=commune, plan_year=plan_year, created_by=actor)
    except IntegrityError:
        raise ValidationError({"plan_year": [_("This commune already has a cycle for that plan year.")]})
    announce_cycle_changed(sender=PlanCycle, district=connection.tenant, commune_ids=[commune.pk], actor=actor)
    return cycle


@transaction.atomic
def cycle_step_complete(*, actor, cycle: PlanCycle, step: str, note: str = "", decided_on: date | None = None) -> PlanCycle:
    """Complete the current step and move to the next one, if `actor` owns the step and its conditions hold.

    `decided_on`: the date the step's decision was taken (default today, Vietnam time; a future date is a 400 on
    `decided_on`; so is a date before the previous step's decision, or before the cycle was opened for the first
    step). It is kept with the step's due date of the moment, so lateness stays visible after completion.
    """
    if step not in PlanStep.values:
        raise ValidationError({"step": [_("Unknown step.")]})
    decided_on = refuse_future(decided_on, field="decided_on") or timezone.localdate()
    cycle = _lock_cycle(cycle)
    owner = STEP_OWNER[PlanStep(step)]
    if not can_act_for_step_owner(actor, cycle.commune, commune_owns=owner == Owner.COMMUNE):
        raise _forbidden(_("This step is done by the %(owner)s.") % {"owner": owner.label})
    if cycle.step != step:
        raise ValidationError({"step": [_("Steps are done in order: the current step is %(now)s.") % {"now": cycle.get_step_display()}]})
    _STEP_CONDITIONS[step](cycle, actor)
    _refuse_backdating(cycle, decided_on)
    to_step = STEP_ORDER[STEP_ORDER.index(step) + 1]
    CycleTransition.objects.create(cycle=cycle, action=CycleTransition.COMPLETED, from_status=step, to_status=to_step, actor=actor, note=note,
                                   decided_on=decided_on, due_on=step_due_date(step=PlanStep(step), plan_year=cycle.plan_year))
    cycle.step = to_step
    cycle.save(update_fields=["step"])
    announce_cycle_changed(sender=PlanCycle, district=connection.tenant, commune_ids=[cycle.commune_id], actor=actor)
    return cycle


def _refuse_backdating(cycle, decided_on):
    """400 on `decided_on` when it lies before the previous step's decision (or, for the first step, the day the cycle
    was opened, Vietnam time)."""
    previous = (CycleTransition.objects.filter(cycle=cycle, action=CycleTransition.COMPLETED).order_by("-at", "-pk")
                .values_list("decided_on", flat=True).first())
    if previous is not None:
        refuse_before(decided_on, earliest=previous, field="decided_on",
                      message=_("The decision cannot be dated before %(date)s, the date of the previous step's decision."))
    else:
        refuse_before(decided_on, earliest=timezone.localdate(cycle.created_at), field="decided_on",
                      message=_("The decision cannot be dated before %(date)s, the day the cycle was opened."))


def _team_done(cycle, actor):
    team = PlanningTeam.objects.filter(cycle=cycle).first()
    if team is None:
        raise ValidationError({"team": [_("Record the planning team first.")]})
    team_check([{"is_leader": m.is_leader, "is_commune_chairman": m.is_commune_chairman, "represents": m.represents} for m in team.members.all()])


def _proposals_done(cycle, actor):
    """Step 1 (Đ5.1): every proposal of the commune for the plan year decided (accepted, deferred, rejected or merged)."""
    undecided = Proposal.objects.filter(commune_id=cycle.commune_id, plan_year=cycle.plan_year, status=ProposalStatus.SUBMITTED).count()
    if undecided:
        raise ValidationError({"proposals": [ngettext(
            "%(n)d proposal of this plan year is not decided yet: accept, defer or reject it first.",
            "%(n)d proposals of this plan year are not decided yet: accept, defer or reject them first.", undecided) % {"n": undecided}]})


def _feedback_done(cycle, actor):
    """Step 4 (Đ5.4, Đ16.2): the district's comments on the draft, or its explicit "no comments" record."""
    if not DistrictFeedback.objects.filter(plan__cycle=cycle).exists():
        raise ValidationError({"feedback": [_("The district gives its comments on the draft, or records that it has none, first.")]})


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
    if DistrictFeedback.objects.filter(plan__cycle=cycle, answer="", no_comments=False).exists():
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
    PlanStep.PROPOSALS.value: _proposals_done,
    PlanStep.ORIENTATION.value: _orientation_done,
    PlanStep.DRAFT.value: _draft_done,
    PlanStep.DISTRICT_FEEDBACK.value: _feedback_done,
    PlanStep.SEDP_CONFERENCE.value: _sedp_done,
    PlanStep.APPROVAL.value: _approval_done,
}


@transaction.atomic
def evidence_add(*, actor, cycle: PlanCycle, step: str, title: str, file=None) -> StepEvidence:
    """Attach a document or meeting record to a step, by whoever owns that step."""
    if step not in PlanStep.values:
        raise ValidationError({"step": [_("Unknown step.")]})
    owner = STEP_OWNER[PlanStep(step)]
    if not can_act_for_step_owner(actor, cycle.commune, commune_owns=owner == Owner.COMMUNE):
        raise _forbidden()
    file = _check_file(file, "file")
    evidence = StepEvidence(cycle=cycle, step=step, title=title, added_by=actor)
    if file:
        evidence.file, evidence.file_name = file, file.original_name
    evidence.full_clean(exclude=["file"])
    evidence.save()
    return evidence

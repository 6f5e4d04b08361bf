"""Steps 3 and 5 (Đ5.3, Đ5.5): the conferences, the public comment window, moderation and answers."""
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import can_moderate_public_comments
from core.deadlines import refuse_future
from core.models import PlanStep
from core.signals import announce_new_work
from plans.models import (
    CommunePlan,
    Conference,
    PlanCycle,
    PlanItem,
    PublicComment,
)
from plans.services.common import (
    _forbidden,
    _lock_cycle,
    _lock_plan,
    _plan_event,
    _require_commune_team,
    _require_editable,
    _require_step,
)

PUBLIC_COMMENT_MAX_CHARS = 2000


PUBLIC_NAME_MAX_CHARS = 100


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
    refuse_future(held_on, field="held_on")  # a conference is recorded once held
    conference = Conference(cycle=cycle, kind=kind, held_on=held_on, participants=participants, summary=summary,
                            participants_description=participants_description, recorded_by=actor)
    conference.full_clean(exclude=["cycle"])
    conference.save()
    return conference


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
    comment = PublicComment.objects.create(plan=plan, item=item, body=body, author_name=author_name, author_kind=author_kind, via_commune=via_commune)
    announce_new_work(sender=PublicComment, level="commune", unit=plan.cycle.commune, actor=actor)  # the team answers it
    return comment


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

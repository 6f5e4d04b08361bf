"""Step 4 (Đ5.4, Đ16.2): the district's comments on a commune draft and the team's answers."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import sector_office_of
from core.models import PlanStep
from core.signals import announce_new_work
from plans.models import (
    CommunePlan,
    DistrictFeedback,
    PlanItem,
)
from plans.services.common import (
    _lock_plan,
    _plan_event,
    _require_commune_team,
    _require_district,
    _require_feedback_giver,
    _require_step,
)


@transaction.atomic
def feedback_create(*, actor, plan: CommunePlan, body: str, item: PlanItem | None = None, sector: str = "", office: str = "") -> DistrictFeedback:
    """A district comment on an item or a sector of the draft the commune reported, during step 4 (Đ5.4, Đ16.2).

    Given by the district's Finance-Planning Office or by one of the district's sector offices, whose comment is
    signed by the office (`sector_office`, and its name in `office`); 403 for anyone else."""
    plan = _lock_plan(plan)
    _require_feedback_giver(actor, plan.cycle.commune)
    sector_office = sector_office_of(actor)
    if sector_office is not None:
        office = sector_office.name
    _require_step(plan.cycle, PlanStep.DISTRICT_FEEDBACK)
    if DistrictFeedback.objects.filter(plan__cycle=plan.cycle, no_comments=True).exists():
        raise ValidationError({"body": [_("The district has recorded that it has no comments on this draft.")]})
    if item is not None and item.plan_id != plan.pk:
        raise ValidationError({"item": [_("That item is not in this version.")]})
    if item is None and not sector:
        raise ValidationError({"sector": [_("A comment is about a plan item or a sector.")]})
    feedback = DistrictFeedback(plan=plan, item=item, sector=sector or (item.sector if item else ""), office=office, body=body, author=actor,
                                sector_office=sector_office)
    feedback.full_clean(exclude=["plan", "item", "answered_by"])
    feedback.save()
    announce_new_work(sender=DistrictFeedback, level="commune", unit=plan.cycle.commune, actor=actor)  # the team answers it
    return feedback


@transaction.atomic
def feedback_no_comments(*, actor, plan: CommunePlan, office: str = "") -> DistrictFeedback:
    """The district's explicit "no comments" on the draft the commune reported (step 4): a record that lets the step
    complete without comments, and needs no answer. Refused once the district has commented."""
    plan = _lock_plan(plan)
    _require_district(actor, plan.cycle.commune)
    _require_step(plan.cycle, PlanStep.DISTRICT_FEEDBACK)
    if DistrictFeedback.objects.filter(plan__cycle=plan.cycle).exists():
        raise ValidationError({"no_comments": [_("The district has already commented on this draft or recorded that it has none.")]})
    feedback = DistrictFeedback(plan=plan, office=office, body=_("No comments."), author=actor, no_comments=True)
    feedback.full_clean(exclude=["plan", "item", "answered_by"])
    feedback.save()
    return feedback


@transaction.atomic
def feedback_answer(*, actor, feedback: DistrictFeedback, answer: str) -> DistrictFeedback:
    """The commune's answer to a district comment."""
    feedback = DistrictFeedback.objects.select_for_update().select_related("plan__cycle__commune").get(pk=feedback.pk)
    _require_commune_team(actor, feedback.plan.cycle.commune)
    if feedback.no_comments:
        raise ValidationError({"answer": [_("The district made no comments: there is nothing to answer.")]})
    if not (answer or "").strip():
        raise ValidationError({"answer": [_("The answer is empty.")]})
    feedback.answer, feedback.answered_by, feedback.answered_at = answer.strip(), actor, timezone.now()
    feedback.save(update_fields=["answer", "answered_by", "answered_at"])
    return feedback


@transaction.atomic
def feedback_letter_record_number(*, actor, plan: CommunePlan, number: str) -> CommunePlan:
    """The number the district People's Committee gave its letter of comments on the commune's draft (step 4, Đ5.4;
    Decree 30, Art. 8: "Số: 12/UBND-TCKH"), printed in the letter's header block; "" clears it (the number is then
    filled by hand). One letter per cycle, so the number is the cycle's, whichever version's letter is downloaded.
    The district's Finance-Planning Office records it once the district has commented (or recorded "no comments");
    403 for anyone else, 400 on `document_number` before that."""
    plan = _lock_plan(plan)
    _require_district(actor, plan.cycle.commune)
    if not DistrictFeedback.objects.filter(plan__cycle=plan.cycle).exists():
        raise ValidationError({"document_number": [_("The letter is numbered when it is issued: once the district has commented on the draft.")]})
    plan.cycle.feedback_letter_number = number
    plan.cycle.save(update_fields=["feedback_letter_number"])
    _plan_event(plan, actor=actor, action="feedback_letter_number", from_status=plan.status, to_status=plan.status, note=number)
    return plan

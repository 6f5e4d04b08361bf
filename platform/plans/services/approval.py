"""Đ6 and Đ16.3: the People's Council resolution and the district's approval decision."""
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.deadlines import refuse_before, refuse_future
from core.models import PlanStep
from core.signals import announce_new_work
from plans.models import (
    CommunePlan,
    PlanKind,
    PlanStatus,
)
from plans.services.common import (
    _check_file,
    _lock_plan,
    _plan_event,
    _require_commune_team,
    _require_council,
    _require_district,
    _require_editable,
    _require_step,
)


@transaction.atomic
def plan_record_resolution(*, actor, plan: CommunePlan, number: str, on: date, file=None) -> CommunePlan:
    """The commune People's Council passed the final plan (or an amendment): the version is frozen from now on (Đ6.1).

    Recorded by the council's own account (`accounts.access.can_act_for_council`), not by the planning team; 403
    otherwise. `on` is the date of the resolution; `file` an optional scan of it."""
    plan = _lock_plan(plan)
    _require_council(actor, plan.cycle.commune)
    if plan.kind == PlanKind.FINAL:
        _require_step(plan.cycle, PlanStep.APPROVAL)
    elif plan.kind != PlanKind.AMENDMENT:
        raise ValidationError({"plan": [_("The People's Council passes the final plan or an amendment, not a draft.")]})
    _require_editable(plan)
    if not (number or "").strip() or on is None:
        raise ValidationError({"number": [_("Give the number and date of the resolution.")]})
    refuse_future(on, field="date")
    file = _check_file(file, "file")
    plan.council_resolution_number, plan.council_resolution_date = number.strip(), on
    if file:
        plan.council_resolution_file, plan.council_resolution_file_name = file, file.original_name
    plan.status = PlanStatus.FROZEN
    plan.consultation_closes_on = None
    plan.save()
    _plan_event(plan, actor=actor, action="council_resolution", from_status=PlanStatus.WORKING, to_status=PlanStatus.FROZEN, note=number)
    announce_new_work(sender=CommunePlan, level="district", unit=plan.cycle.commune.parent, actor=actor)  # the district approves (Đ16.3)
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
    refuse_future(on, field="date")
    refuse_before(on, earliest=plan.council_resolution_date, field="date",
                  message=_("The district's approval cannot be dated before %(date)s, the date of the People's Council resolution."))
    file = _check_file(file, "file")
    plan.district_decision_number, plan.district_decision_date = number.strip(), on
    if file:
        plan.district_decision_file, plan.district_decision_file_name = file, file.original_name
    plan.status, plan.approved_at = PlanStatus.APPROVED, timezone.now()
    if plan.kind == PlanKind.AMENDMENT:
        plan.announced_at = plan.approved_at
    plan.save()
    _plan_event(plan, actor=actor, action="district_approval", from_status=PlanStatus.FROZEN, to_status=PlanStatus.APPROVED, note=number)
    return plan


@transaction.atomic
def plan_record_document_number(*, actor, plan: CommunePlan, number: str) -> CommunePlan:
    """The number the commune People's Committee gave the plan when issuing it (Decree 30, Art. 8: "Số: 12/KH-UBND"),
    printed in the header block of the plan's document; "" clears it (the number is then filled by hand). The commune's
    planning team records it on the final plan or an amendment once the People's Council passed it (frozen or approved)."""
    plan = _lock_plan(plan)
    _require_commune_team(actor, plan.cycle.commune)
    if plan.kind not in (PlanKind.FINAL, PlanKind.AMENDMENT) or plan.status == PlanStatus.WORKING:
        raise ValidationError({"document_number": [_("The plan is numbered when it is issued: after the People's Council passed the final plan.")]})
    plan.document_number = number
    plan.save(update_fields=["document_number"])
    _plan_event(plan, actor=actor, action="document_number", from_status=plan.status, to_status=plan.status, note=number)
    return plan

"""Writes of public-investment plans (medium-term and annual): create, amend, and move through their states."""
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts import access
from core.deadlines import refuse_future
from investment.models import (
    PlanEvent,
    PlanKind,
    PlanState,
    PublicInvestmentPlan,
)
from investment.services.common import _field_changes, _province_rollup

MEDIUM_TERM_YEARS = 5


# ---- plans ------------------------------------------------------------------------------------

def _check_plan_years(*, kind, start_year, end_year):
    if end_year < start_year:
        raise ValidationError({"end_year": [_("The last year must not come before the first year.")]})
    if kind == PlanKind.MEDIUM_TERM and end_year - start_year + 1 != MEDIUM_TERM_YEARS:
        raise ValidationError({"end_year": [_("A medium-term plan covers five years (e.g. 2026–2030).")]})
    if kind == PlanKind.ANNUAL and end_year != start_year:
        raise ValidationError({"end_year": [_("An annual plan covers one year.")]})


@transaction.atomic
def plan_create(*, actor, kind: str, name: str, start_year: int, end_year: int | None = None, notes: str = "",
                decision_number: str = "", decision_date: date | None = None) -> PublicInvestmentPlan:
    """Create a draft plan; an annual plan's last year defaults to its first, a medium-term one's to four years later.
    `decision_date` (a decision already taken) in the future is a 400 on `decision_date`."""
    access.require_manage_investment(actor, None)
    refuse_future(decision_date, field="decision_date")
    if end_year is None:
        end_year = start_year + (MEDIUM_TERM_YEARS - 1 if kind == PlanKind.MEDIUM_TERM else 0)
    _check_plan_years(kind=kind, start_year=start_year, end_year=end_year)
    plan = PublicInvestmentPlan(kind=kind, name=name, start_year=start_year, end_year=end_year, notes=notes, created_by=actor,
                                decision_number=decision_number.strip(), decision_date=decision_date)
    plan.full_clean()
    plan.save()
    PlanEvent.objects.create(plan=plan, action=PlanEvent.Action.CREATED, to_status=plan.state, actor=actor)
    return plan


@transaction.atomic
def plan_update(*, plan: PublicInvestmentPlan, actor, reason: str = "", **fields) -> PublicInvestmentPlan:
    """Edit a plan's name, notes, years or decision. An approved plan changes only with a reason, kept as an amendment."""
    access.require_manage_investment(actor, None)
    refuse_future(fields.get("decision_date"), field="decision_date")
    plan = PublicInvestmentPlan.objects.select_for_update().get(pk=plan.pk)
    changes = _field_changes(plan, fields)
    if not changes:
        return plan
    if plan.state == PlanState.APPROVED and not reason.strip():
        raise ValidationError({"reason": [_("An approved plan changes only through an amendment with a reason.")]})
    if {"start_year", "end_year"} & set(changes):
        start, end = fields.get("start_year", plan.start_year), fields.get("end_year", plan.end_year)
        _check_plan_years(kind=plan.kind, start_year=start, end_year=end)
        if plan.allocations.exclude(year__range=(start, end)).exists():
            raise ValidationError({"end_year": [_("Some allocations of this plan fall outside the new years.")]})
    for name, value in fields.items():
        setattr(plan, name, value)
    plan.full_clean()
    plan.save()
    action = PlanEvent.Action.AMENDED if plan.state == PlanState.APPROVED else PlanEvent.Action.UPDATED
    PlanEvent.objects.create(plan=plan, action=action, from_status=plan.state, to_status=plan.state, note=reason, changes=changes, actor=actor)
    return plan


PLAN_TRANSITIONS = {
    "submit": ({PlanState.DRAFT}, PlanState.SUBMITTED, PlanEvent.Action.SUBMITTED),
    "return": ({PlanState.SUBMITTED}, PlanState.DRAFT, PlanEvent.Action.RETURNED),
    "approve": ({PlanState.SUBMITTED}, PlanState.APPROVED, PlanEvent.Action.APPROVED),
}


@transaction.atomic
def plan_transition(
    *, plan: PublicInvestmentPlan, actor, action: str, note: str = "", decision_number: str = "", decision_date: date | None = None
) -> PublicInvestmentPlan:
    """Move a plan draft → submitted → approved (or back to draft); approval needs the decision's number and date."""
    access.require_manage_investment(actor, None)
    plan = PublicInvestmentPlan.objects.select_for_update().get(pk=plan.pk)
    sources, target, event = PLAN_TRANSITIONS[action]
    if plan.state not in sources:
        raise ValidationError({"state": [_("The action “%(action)s” is not possible for a plan in state “%(state)s”.") % {"state": plan.get_state_display(), "action": action}]})
    changes = {}
    if action == "approve":
        errors = {}
        if not decision_number.strip():
            errors["decision_number"] = [_("The approving decision's number is required.")]
        if decision_date is None:
            errors["decision_date"] = [_("The approving decision's date is required.")]
        if errors:
            raise ValidationError(errors)
        refuse_future(decision_date, field="decision_date")
        if errors:
            raise ValidationError(errors)
        changes = _field_changes(plan, {"decision_number": decision_number.strip(), "decision_date": decision_date})
        plan.decision_number, plan.decision_date = decision_number.strip(), decision_date
    old = plan.state
    plan.state = target
    plan.save(update_fields=["state", "decision_number", "decision_date", "updated_at"])
    PlanEvent.objects.create(plan=plan, action=event, from_status=old, to_status=target, note=note, changes=changes, actor=actor)
    if target == PlanState.APPROVED:
        _province_rollup(whole_district=True)  # its allocations now count as allocated
    return plan

"""What every write of the plan cycle shares: role checks, step checks, row locks, file checks, the plan event."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.access import (
    can_act_for_council,
    can_give_feedback,
    can_plan_for_commune,
    can_review_commune,
    forbidden,
)
from core.models import PlanStep
from files.uploads import checked_file
from plans.models import (
    CommunePlan,
    PlanCycle,
    PlanEvent,
    PlanStatus,
)


def _forbidden(message=None):
    return forbidden(message or _("Your role does not own this action."))


def _require_commune_team(actor, commune):
    if not can_plan_for_commune(actor, commune):
        raise _forbidden(_("Only the commune's planning team may do this."))


def _require_council(actor, commune):
    if not can_act_for_council(actor, commune):
        raise _forbidden(_("Only the commune's People's Council may do this."))


def _require_feedback_giver(actor, commune):
    if not can_give_feedback(actor, commune):
        raise _forbidden(_("Only the district's Finance-Planning Office or one of its sector offices may do this."))


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
    """The upload checked by content (`files.uploads.checked_file`: size, sniffed type, name, images re-encoded), or
    None without one; a 400 naming `field` otherwise."""
    if not upload:
        return None
    return checked_file(upload, field=field)


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

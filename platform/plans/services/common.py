"""What every write of the plan cycle shares: role checks, step checks, row locks, file checks, the plan event."""
import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from accounts.access import (
    can_plan_for_commune,
    can_review_commune,
    forbidden,
)
from plans.models import (
    CommunePlan,
    PlanCycle,
    PlanEvent,
    PlanStatus,
)
from province.models import PlanStep

ALLOWED_FILE_EXTENSIONS = {".pdf", ".doc", ".docx", ".xls", ".xlsx", ".odt", ".jpg", ".jpeg", ".png"}


def _forbidden(message=None):
    return forbidden(message or _("Your role does not own this action."))


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

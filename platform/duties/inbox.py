"""Inbox sources of the district's own duties: corrections to close (Đ16.4) and difficulties to answer (Đ19)."""
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from core.inbox import InboxItem
from duties.models import Correction, Difficulty, DifficultyStatus, Inspection

# Đ19 sets no time for the district's answer; the inbox shows one two weeks after the difficulty was raised.
ANSWER_WITHIN = timedelta(days=14)


def corrections(user, *, district, on):
    """Open corrections of inspections: the district office closes them, the inspected commune's team carries them out."""
    closes = access.can_orient_communes(user, district)
    if not (closes or access.is_commune_team(user)):
        return []
    seen = access.inspection_scope(user, Inspection.objects.all())
    rows = Correction.objects.filter(closed_at=None, inspection__in=seen).select_related("inspection__commune")
    return [
        InboxItem(key=f"{district.schema_name}:correction:{c.pk}", kind="correction_close" if closes else "correction_do",
                  title=(_("Close the correction at %(commune)s: %(text)s") if closes else _("Carry out the correction: %(text)s"))
                  % {"commune": c.inspection.commune.name, "text": c.description[:120]},
                  due_on=c.due_on, url=f"/d/{district.slug}/duties/inspections/#inspection-{c.inspection_id}")
        for c in rows
    ]


def difficulties(user, *, district, on):
    """Difficulties waiting for the district office's answer (raised by its communes, not yet answered or forwarded)."""
    rows = access.difficulty_scope(user, Difficulty.objects.filter(status=DifficultyStatus.OPEN)).select_related("commune")
    return [
        InboxItem(key=f"{district.schema_name}:difficulty:{d.pk}", kind="difficulty_answer",
                  title=_("Answer the difficulty of %(commune)s: %(title)s") % {"commune": d.commune.name, "title": d.title},
                  due_on=timezone.localdate(d.raised_at) + ANSWER_WITHIN, url=f"/d/{district.slug}/duties/difficulties/#difficulty-{d.pk}")
        for d in rows if access.can_answer_difficulty(user, d)
    ]

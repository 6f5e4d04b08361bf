"""Writes of the district's own duties: inspections and their corrections (Đ16.4), difficulties (Đ19).

Each service asks `accounts.access` first, locks the row it moves (`select_for_update`), checks its state, writes, and
tells the new item's recipients by e-mail once the transaction commits (`core.notify`).
"""
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.notify import notify_new_item
from core.signals import announce_new_work
from duties.models import Correction, Difficulty, DifficultyStatus, Inspection
from guidance.services import forwarded_difficulty_copy


def _district():
    return connection.tenant


@transaction.atomic
def inspection_create(*, actor, commune, inspected_on, subject, findings, corrections=()) -> Inspection:
    """Record an inspection of `commune` (Đ16.4) with its required corrections [{description, due_on}] (dates local).
    403 unless the commune's district office; 400 naming `inspected_on` for a date in the future."""
    access.require(access.can_inspect_commune(actor, commune), _("Only the district's office may inspect this commune."))
    if inspected_on > timezone.localdate():
        raise ValidationError({"inspected_on": [_("The inspection date cannot be in the future.")]})
    inspection = Inspection.objects.create(commune=commune, inspected_on=inspected_on, subject=subject, findings=findings, created_by=actor)
    Correction.objects.bulk_create([Correction(inspection=inspection, description=c["description"], due_on=c["due_on"]) for c in corrections])
    if corrections:  # the commune carries them out, the district office closes them
        announce_new_work(sender=Inspection, level="commune", unit=commune, actor=actor)
        announce_new_work(sender=Inspection, level="district", unit=commune.parent, actor=actor)
    return inspection


@transaction.atomic
def correction_close(*, actor, correction, note) -> Correction:
    """Close a required correction (Đ16.4) with how it was corrected. 403 unless the district office; 400 on `status`
    if already closed."""
    correction = Correction.objects.select_for_update().select_related("inspection__commune").get(pk=correction.pk)
    access.require(access.can_inspect_commune(actor, correction.inspection.commune), _("Only the district's office may change an inspection."))
    if correction.closed_at is not None:
        raise ValidationError({"status": [_("This correction is already closed.")]})
    correction.closed_at = timezone.now()
    correction.closed_by = actor
    correction.closing_note = note
    correction.save(update_fields=["closed_at", "closed_by", "closing_note"])
    return correction


@transaction.atomic
def difficulty_raise(*, actor, commune, title, body) -> Difficulty:
    """A commune raises a difficulty to its district (Đ19). 403 unless the commune's planning team. The district office
    is told by e-mail."""
    access.require(access.can_raise_difficulty(actor, commune), _("Only the commune's planning team may raise a difficulty."))
    difficulty = Difficulty.objects.create(commune=commune, title=title, body=body, raised_by=actor)
    announce_new_work(sender=Difficulty, level="district", unit=commune.parent, actor=actor)
    return difficulty


@transaction.atomic
def difficulty_answer(*, actor, difficulty, answer) -> Difficulty:
    """Answer a difficulty: the district office while it is open, the province once forwarded (Đ19). 403 otherwise;
    400 naming `answer` when empty."""
    difficulty = Difficulty.objects.select_for_update().select_related("commune").get(pk=difficulty.pk)
    access.require(access.can_answer_difficulty(actor, difficulty), _("You may not answer this difficulty now."))
    if not answer.strip():
        raise ValidationError({"answer": [_("Write the answer.")]})
    now = timezone.now()
    if difficulty.status == DifficultyStatus.OPEN:
        difficulty.answer, difficulty.answered_by, difficulty.answered_at = answer, actor, now
        difficulty.status = DifficultyStatus.ANSWERED
    else:
        difficulty.province_answer, difficulty.province_answered_by, difficulty.province_answered_at = answer, actor, now
        difficulty.status = DifficultyStatus.PROVINCE_ANSWERED
        forwarded_difficulty_copy(district=_district(), difficulty=difficulty)
    difficulty.save()
    notify_new_item(level="commune", unit=difficulty.commune, subject=_("Your difficulty was answered"), body=difficulty.title)
    return difficulty


@transaction.atomic
def difficulty_forward(*, actor, difficulty, note="") -> Difficulty:
    """The district forwards an open difficulty to the province (Đ19), with an optional note kept as `forward_note` (the
    district's answer stays empty: it did not answer). 400 on `status` unless open; 403 unless the district office of
    the commune. Province staff are told by e-mail."""
    difficulty = Difficulty.objects.select_for_update().select_related("commune").get(pk=difficulty.pk)
    if difficulty.status != DifficultyStatus.OPEN:
        raise ValidationError({"status": [_("Only an open difficulty can be forwarded: this one is %(status)s.")
                                          % {"status": difficulty.get_status_display()}]})
    access.require(access.can_answer_difficulty(actor, difficulty), _("You may not forward this difficulty now."))
    difficulty.status = DifficultyStatus.FORWARDED
    difficulty.forwarded_at = timezone.now()
    difficulty.forward_note, difficulty.answered_by = note, actor
    difficulty.save()
    forwarded_difficulty_copy(district=_district(), difficulty=difficulty)
    announce_new_work(sender=Difficulty, level="province", unit=None, actor=actor)
    return difficulty

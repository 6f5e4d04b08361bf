"""Writes of the province's own duties (public schema): library documents, courses, communication, forwarded difficulties.

Each service asks `accounts.access` first (403 before the body is read), validates, and writes in one transaction.
"""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import access
from accounts.models import User
from core.deadlines import refuse_future
from files.uploads import checked_file
from guidance.models import CommunicationActivity, CommunicationLevel, Course, Document, ForwardedDifficulty, Participant

LEVEL_OF_UNIT = {"province": CommunicationLevel.PROVINCE, "district": CommunicationLevel.DISTRICT, "commune": CommunicationLevel.COMMUNE}


@transaction.atomic
def document_create(*, actor, kind, title, number, issued_on, issuer, is_public, upload=None) -> Document:
    """Add a document to the province library (Đ12.1). `upload`: an uploaded file, checked by
    `files.uploads.checked_file` (400 naming `file`). 403 for anyone but province staff."""
    access.require(access.can_manage_library(actor), _("Only province staff may change the library."))
    refuse_future(issued_on, field="issued_on")
    checked = checked_file(upload, field="file") if upload else None
    document = Document(kind=kind, title=title, number=number, issued_on=issued_on, issuer=issuer, is_public=is_public, created_by=actor)
    if checked is not None:
        document.file = checked
        document.file_name = checked.original_name
    document.full_clean(exclude=["file"])
    document.save()
    return document


@transaction.atomic
def course_create(*, actor, title, organiser, starts_on, ends_on, place="", participant_ids=()) -> Course:
    """Record a training course (Đ12.3, Đ14, Đ18) with its participants (user ids; unknown ids are a 400 naming
    `participants`). Province staff for any organiser, a district office for its own district's courses (403)."""
    access.require(access.can_manage_training(actor, organiser), _("You may not record training for this unit."))
    if ends_on < starts_on:
        raise ValidationError({"ends_on": [_("The course cannot end before it starts.")]})
    ids = sorted(set(participant_ids))
    users = list(User.objects.filter(pk__in=ids, is_active=True))
    if len(users) != len(ids):
        missing = sorted(set(ids) - {u.pk for u in users})
        raise ValidationError({"participants": [_("No such account: %(ids)s.") % {"ids": ", ".join(map(str, missing))}]})
    course = Course.objects.create(title=title, organiser=organiser, starts_on=starts_on, ends_on=ends_on, place=place, created_by=actor)
    Participant.objects.bulk_create([Participant(course=course, user=u) for u in users])
    return course


@transaction.atomic
def communication_create(*, actor, unit, held_on, channel, title, audience=0) -> CommunicationActivity:
    """Record a communication activity (Đ17) held by `unit` (province, district or commune): its level follows the
    unit. 403 unless `access.can_record_communication`; 400 naming `unit` for a unit of another level."""
    access.require(access.can_record_communication(actor, unit), _("You may not record communication for this unit."))
    level = LEVEL_OF_UNIT.get(unit.level)
    if level is None:
        raise ValidationError({"unit": [_("Communication is recorded by the province, a district or a commune.")]})
    return CommunicationActivity.objects.create(unit=unit, level=level, held_on=held_on, channel=channel, title=title,
                                                audience=audience, created_by=actor)


def forwarded_difficulty_copy(*, district, difficulty) -> None:
    """Keep the province's copy of a difficulty forwarded to it, or mark it answered (Đ19). Called by the district's
    service in its own transaction (the public table is on every district's search path)."""
    ForwardedDifficulty.objects.update_or_create(
        district_code=district.unit.code, difficulty_id=difficulty.pk,
        defaults={"district_slug": district.slug, "commune_name": difficulty.commune.name, "title": difficulty.title,
                  "forwarded_on": timezone.localdate(difficulty.forwarded_at),
                  "answered_at": difficulty.province_answered_at},
    )

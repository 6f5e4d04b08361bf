"""Reads of the province's own duties (public schema), each through the reader's scope in `accounts.access`."""
from django.db.models import Exists, OuterRef

from accounts import access
from accounts.models import User
from geo.models import AdministrativeUnit
from guidance.models import CommunicationActivity, Course, Document, Participant

# The people of a commune a training should reach (Đ14): the planning team and the village heads (role values as
# stored; who they are is decided by accounts.access, this only lists the commune's accounts).
COMMUNE_LEVELS = ("commune", "village")


def document_list(*, user, kind=None):
    """The library documents this user may read (staff: all; others: public ones), newest first."""
    documents = access.document_scope(user, Document.objects.all())
    return documents.filter(kind=kind) if kind else documents


def course_list(*, user):
    """Courses with their organiser and participants (province and district staff; others get none)."""
    if not access.can_read_training(user):
        return Course.objects.none()
    return Course.objects.select_related("organiser").prefetch_related("participants__user__unit")


def training_person(person) -> dict:
    """One person as the training answers name them (course participants, the untrained): {"id", "username", "name"
    (the full name, else the username, as `accounts.events.person_output`), "role" (its label), "unit" (the unit's
    name, or None)}."""
    return {"id": person.pk, "username": person.username, "name": person.get_full_name() or person.username,
            "role": person.get_role_display(), "unit": person.unit.name if person.unit_id else None}


def untrained_by_commune(*, user, district_unit=None) -> list[dict]:
    """For each commune in the reader's scope (of one district when `district_unit` is given): the active accounts
    working in it (its planning team, its village heads) who attended no course yet (Đ14, Đ18).

    [{"commune": code, "commune_name", "people": [{"id", "username", "name", "role", "unit"}]}], communes in code order,
    only those with someone untrained.
    """
    communes = access.training_commune_scope(user, AdministrativeUnit.objects.filter(level="commune"))
    if district_unit is not None:
        communes = communes.filter(parent=district_unit)
    trained = Participant.objects.filter(user=OuterRef("pk"))
    people = (User.objects.filter(is_active=True, unit__isnull=False).filter(unit__level__in=COMMUNE_LEVELS)
              .annotate(trained=Exists(trained)).filter(trained=False).select_related("unit").order_by("username"))
    by_commune = {}
    commune_ids = set(communes.values_list("pk", flat=True))
    for person in people:
        commune_id = person.unit_id if person.unit.level == "commune" else person.unit.parent_id
        if commune_id in commune_ids:
            by_commune.setdefault(commune_id, []).append(
                training_person(person))
    names = {c.pk: c for c in communes.filter(pk__in=by_commune)}
    return [{"commune": names[i].code, "commune_name": names[i].name, "people": by_commune[i]}
            for i in sorted(by_commune, key=lambda i: names[i].code)]


def communication_list(*, user, level=None):
    """Communication activities this user may read, of one level when given (Đ17)."""
    activities = access.communication_scope(user, CommunicationActivity.objects.select_related("unit"))
    return activities.filter(level=level) if level else activities

"""E-mail about the work inbox (issue 14, part 4), one mechanism for both moments:

- right after a write that makes new work (`core.signals.announce_new_work`, received here after the writer's
  transaction commits): each candidate recipient is told of the items of their inbox never told before;
- once a day (`send_reminders`): new items not told yet, items due in one of REMINDER_DAYS_BEFORE days, and overdue
  items on their first day overdue and every REMINDER_OVERDUE_EVERY_DAYS days after.

What is new is read from the inbox itself (`frontend.inbox.inbox_for`, every registered source), not described by the
writer: an item told once (a row of `accounts.ReminderSent`) is never told as new again, and a person is told about an
item at most once a day. Addresses are the accounts' own (data); an account without one is skipped.
"""
import logging
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import access
from accounts.models import ReminderSent, User
from accounts.notify import SUBJECT_PREFIX
from frontend.inbox import inbox_for
from geo.models import AdministrativeUnit

log = logging.getLogger(__name__)


def reason_for(item, *, on, told_before):
    """Why to write about `item` on day `on` ("new", "due_soon", "overdue") or None."""
    if not told_before:
        return ReminderSent.Reason.NEW
    if item.due_on is None:
        return None
    if item.is_overdue(on):
        late = (on - item.due_on).days
        return ReminderSent.Reason.OVERDUE if (late - 1) % settings.REMINDER_OVERDUE_EVERY_DAYS == 0 else None
    return ReminderSent.Reason.DUE_SOON if (item.due_on - on).days in settings.REMINDER_DAYS_BEFORE else None


def line_for(item, reason, on):
    """One line of the e-mail: the title, why it is told with its due date ("new, due 10/05/2026"; an item first told
    when already overdue says "overdue since …", never "new"), and its link."""
    due = item.due_on.strftime("%d/%m/%Y") if item.due_on else None
    if item.is_overdue(on):
        label = _("overdue since %(date)s") % {"date": due}
    elif reason == ReminderSent.Reason.NEW:
        label = f"{_('new')}, {_('due %(date)s') % {'date': due}}" if due else _("new")
    else:
        label = _("due %(date)s") % {"date": due}
    return f"- {item.title} ({label}): {settings.SITE_URL.rstrip('/')}{item.url}"


def remind(user, *, on: date, only_new: bool = False) -> int:
    """Write to one person about the items of their inbox that call for it on day `on` (with `only_new`, only the items
    never told before); returns how many items were told. Each item told is recorded before the e-mail leaves; if the
    e-mail cannot be sent the records are removed again, so the next run tells them."""
    items = inbox_for(user, on=on)
    if not items:
        return 0
    told = set(ReminderSent.objects.filter(user=user, item_key__in=[i.key for i in items]).values_list("item_key", flat=True))
    today_told = set(ReminderSent.objects.filter(user=user, sent_on=on).values_list("item_key", flat=True))
    chosen = []
    for item in items:
        if item.key in today_told or (only_new and item.key in told):
            continue
        reason = reason_for(item, on=on, told_before=item.key in told)
        if reason:
            chosen.append((item, reason))
    if not chosen:
        return 0
    try:
        with transaction.atomic():
            rows = ReminderSent.objects.bulk_create([ReminderSent(user=user, item_key=i.key, reason=r, due_on=i.due_on, sent_on=on,
                                                                  address=user.email) for i, r in chosen])
    except IntegrityError:
        return 0  # another run of the same day got there first
    body = "\n".join([_("Waiting for you on the planning platform:"), ""] + [line_for(i, r, on) for i, r in chosen])
    try:
        subject = ngettext("%(n)s item waiting for you", "%(n)s items waiting for you", len(chosen)) % {"n": len(chosen)}
        send_mail(SUBJECT_PREFIX + subject, body, None, [user.email])
    except Exception:
        ReminderSent.objects.filter(pk__in=[r.pk for r in rows]).delete()
        raise
    return len(chosen)


def tell_new_work(user_ids, *, actor_id=None) -> int:
    """Tell each of these accounts (ids; the actor who made the work excepted) about the items of their inbox never told
    before, today, in the site's language. A failure to send is logged, never raised: the write has committed and the
    daily run will tell them. Returns how many items were told."""
    told = 0
    on = timezone.localdate()
    people = User.objects.filter(pk__in=user_ids, is_active=True).exclude(email="").exclude(pk=actor_id).select_related("unit").order_by("pk")
    with translation.override(settings.LANGUAGE_CODE):
        for user in people:
            try:
                told += remind(user, on=on, only_new=True)
            except Exception:
                log.exception("could not tell %s of new work", user.pk)
    return told


@dataclass(frozen=True)
class _Tell:
    """One pending "tell these people" after commit; equal ones are registered once per transaction (an import of
    many proposals reads the team's inbox once, not once per row)."""

    user_ids: tuple
    actor_id: int | None

    def __call__(self):
        tell_new_work(self.user_ids, actor_id=self.actor_id)


def new_work_announced(sender, *, level, unit=None, actor=None, **kwargs):
    """Receiver of `core.signals.work_created`: after the writer's transaction commits, tell the accounts with a duty at
    `level` for `unit` (`accounts.access.recipients`) what new work waits in their inbox."""
    user_ids = tuple(access.recipients(level=level, unit=unit).exclude(email="").order_by("pk").values_list("pk", flat=True))
    if not user_ids:
        return
    tell = _Tell(user_ids, getattr(actor, "pk", None))
    connection = transaction.get_connection()
    if any(pending == tell for _savepoints, pending, _robust in connection.run_on_commit):
        return
    transaction.on_commit(tell)


# A cycle created or moved on to a step makes work for whoever owns that step (the commune's team, its council once in
# approval; the district office and its sector offices in orientation and feedback).
CYCLE_LEVELS = {"commune": ("commune", "council"), "district": ("district", "sector_office")}


def cycle_moved(sender, *, district, commune_ids=None, actor=None, **kwargs):
    """Receiver of `core.signals.cycle_changed`: the communes' and the district's accounts are told of their new items.
    A change of every cycle at once (`commune_ids` None: a bulk load) tells no one."""
    if not commune_ids:
        return
    for commune in AdministrativeUnit.objects.filter(pk__in=commune_ids):
        for level in CYCLE_LEVELS["commune"]:
            new_work_announced(sender, level=level, unit=commune, actor=actor)
    for level in CYCLE_LEVELS["district"]:
        new_work_announced(sender, level=level, unit=district.unit, actor=actor)

"""Daily reminders of the work inbox (issue 14, part 4): run by deploy/sedp-reminders.timer once a day.

For each active account with an e-mail address and an inbox, every item is looked at once:
- new (never written about to this person): told once;
- due in one of REMINDER_DAYS_BEFORE days (default 7, 3, 1): recalled;
- overdue: recalled on its first day overdue and every REMINDER_OVERDUE_EVERY_DAYS days after.
One e-mail per person and day lists what is told; each item told is recorded (`accounts.ReminderSent`), so running the
command twice on a day sends nothing more.
"""
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import ReminderSent, User
from accounts.notify import SUBJECT_PREFIX
from frontend.inbox import inbox_for


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


def remind(user, *, on) -> int:
    """Write to one person about the items of their inbox that call for it today; returns how many items were told."""
    items = inbox_for(user, on=on)
    if not items:
        return 0
    told = set(ReminderSent.objects.filter(user=user, item_key__in=[i.key for i in items]).values_list("item_key", flat=True))
    today_told = set(ReminderSent.objects.filter(user=user, sent_on=on).values_list("item_key", flat=True))
    chosen = []
    for item in items:
        if item.key in today_told:
            continue
        reason = reason_for(item, on=on, told_before=item.key in told)
        if reason:
            chosen.append((item, reason))
    if not chosen:
        return 0
    try:
        with transaction.atomic():
            ReminderSent.objects.bulk_create([ReminderSent(user=user, item_key=i.key, reason=r, due_on=i.due_on, sent_on=on, address=user.email)
                                              for i, r in chosen])
    except IntegrityError:
        return 0  # another run of the same day got there first
    body = "\n".join([_("Waiting for you on the planning platform:"), ""] + [line_for(i, r, on) for i, r in chosen])
    send_mail(SUBJECT_PREFIX + _("%(n)s item(s) waiting for you") % {"n": len(chosen)}, body, None, [user.email])
    return len(chosen)


class Command(BaseCommand):
    help = "E-mail each person about new, soon due and overdue items of their work inbox (once per item and day)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to act as (yyyy-mm-dd; default today)")

    def handle(self, *args, **options):
        try:
            on = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date: {exc}")
        people = sent = 0
        with translation.override(settings.LANGUAGE_CODE):
            for user in User.objects.filter(is_active=True).exclude(email="").select_related("unit").order_by("pk"):
                n = remind(user, on=on)
                people += bool(n)
                sent += n
        self.stdout.write(f"{sent} item(s) told to {people} person(s) on {on.isoformat()}")

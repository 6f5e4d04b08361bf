"""Daily reminders of the work inbox (issue 14, part 4): run by deploy/sedp-reminders.timer once a day.

For each active account with an e-mail address and an inbox, every item is looked at once:
- new (never written about to this person): told once;
- due in one of REMINDER_DAYS_BEFORE days (default 7, 3, 1): recalled;
- overdue: recalled on its first day overdue and every REMINDER_OVERDUE_EVERY_DAYS days after.
One e-mail per person and day lists what is told; each item told is recorded (`accounts.ReminderSent`), so running the
command twice on a day sends nothing more.

A person whose e-mail cannot be sent is logged and counted, the others are still reminded, and that person's items stay
untold (the next run retries them); the command then ends with an error (exit status 1) naming how many failed.
"""
import logging
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from accounts.models import User
from frontend.reminders import remind

log = logging.getLogger(__name__)

class Command(BaseCommand):
    help = "E-mail each person about new, soon due and overdue items of their work inbox (once per item and day)."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day to act as (yyyy-mm-dd; default today)")

    def handle(self, *args, **options):
        try:
            on = date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date: {exc}")
        people = sent = failed = 0
        with translation.override(settings.LANGUAGE_CODE):
            for user in User.objects.filter(is_active=True).exclude(email="").select_related("unit").order_by("pk"):
                try:
                    n = remind(user, on=on)
                except Exception:
                    log.exception("could not remind user %s", user.pk)
                    failed += 1
                    continue
                people += bool(n)
                sent += n
        self.stdout.write(f"{sent} item(s) told to {people} person(s) on {on.isoformat()}")
        if failed:
            raise CommandError(f"{failed} person(s) could not be reminded (logged; their items will be retried on the next run)")

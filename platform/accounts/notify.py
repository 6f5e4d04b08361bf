"""E-mail notices to the people an event concerns (issue 14, part 4), e.g. the answer to their difficulty.

New *inbox work* is not told here but by `core.signals.announce_new_work` (read against each recipient's inbox in
`frontend.reminders`, so an item is told once); `addresses` and `SUBJECT_PREFIX` serve both.

Mail leaves only after the writer's transaction commits (`transaction.on_commit`): a refused or rolled-back write tells
no one. Recipients are chosen by `accounts.access.recipients`; accounts without an address are skipped.
"""
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from accounts import access

SUBJECT_PREFIX = "[KHPT xã] "


def addresses(*, level, unit=None) -> list[str]:
    """The e-mail addresses of the accounts with a duty at `level` for `unit` (see `access.recipients`), sorted."""
    return sorted({u.email for u in access.recipients(level=level, unit=unit) if u.email})


def notify_new_item(*, level, unit, subject, body) -> None:
    """Tell everyone with a duty at `level` for `unit` (e-mail, after commit) of an event that is not inbox work."""
    to = addresses(level=level, unit=unit)
    if not to:
        return
    text = f"{body}\n\n{settings.SITE_URL.rstrip('/')}/inbox/"

    subject = SUBJECT_PREFIX + str(subject)

    def send():
        # One message per person: no one learns the others' addresses.
        for address in to:
            send_mail(subject, text, None, [address], fail_silently=True)

    transaction.on_commit(send)

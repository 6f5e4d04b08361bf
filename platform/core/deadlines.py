"""The one rule of lateness for every due date of the Decision, and the one refusal of decision dates in the future.

Used by the plan cycle's steps (Đ3–Đ6, due dates from `core.StepDeadline`), the district dashboard, the
province's compliance rollup and the M&E reports (Đ10–11, due dates from `province.ReportingDeadline`), so
that "overdue" and "done late" mean the same everywhere.
"""
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class Lateness:
    """How a task stands against its due date on a day.

    `overdue`: not done and the due date has passed; `done_late`: done after the due date; `days_late`:
    days past the due date (so far when overdue, at completion when done late), 0 otherwise.
    """

    due_on: date | None
    done_on: date | None
    overdue: bool
    done_late: bool
    days_late: int

    @property
    def label(self) -> str:
        """"quá hạn N ngày" / "hoàn thành muộn N ngày" in the active language, "" when in time."""
        if self.done_late:
            return ngettext("done late by %(days)d day", "done late by %(days)d days", self.days_late) % {"days": self.days_late}
        if self.overdue:
            return ngettext("overdue by %(days)d day", "overdue by %(days)d days", self.days_late) % {"days": self.days_late}
        return ""

    def as_dict(self) -> dict:
        """The API's shape: due_on, done_on (ISO dates or None), overdue, done_late, days_late, lateness (the label)."""
        return {"due_on": self.due_on, "done_on": self.done_on, "overdue": self.overdue, "done_late": self.done_late,
                "days_late": self.days_late, "lateness": self.label}


def lateness(*, due_on: date | None, done_on: date | None, on: date | None = None) -> Lateness:
    """The rule: a task is due *by* its due date (the day itself is in time), overdue from the day after while not
    done, and done late when its decision is dated after the due date. Without a due date nothing is late.

    `done_on` is the date of the decision or submission (not of the click that recorded it); `on` is today
    (Vietnam time) unless given.
    """
    on = on or timezone.localdate()
    if due_on is None:
        return Lateness(due_on, done_on, False, False, 0)
    if done_on is not None:
        days = max((done_on - due_on).days, 0)
        return Lateness(due_on, done_on, False, days > 0, days)
    days = max((on - due_on).days, 0)
    return Lateness(due_on, None, days > 0, False, days)


def refuse_future(value: date | None, *, field: str, on: date | None = None) -> date | None:
    """A decision or meeting date as given, or ValidationError({field: …}) when it lies after today (Vietnam time).

    A decision is recorded after it is taken: a date in the future is a typing error, and would also hide lateness.
    """
    if value is not None and value > (on or timezone.localdate()):
        raise ValidationError({field: [_("This date is in the future: give the date the decision was taken.")]})
    return value


def refuse_before(value: date | None, *, earliest: date | None, field: str, message: str) -> date | None:
    """A decision date as given, or ValidationError({field: [message]}) when it lies before `earliest` (the date of the
    decision it follows: the previous step's, the council's resolution, the cycle's opening). `message` is translated
    text with a `%(date)s` placeholder, filled with `earliest` as dd/mm/yyyy. Backdating past what came before would
    hide lateness (issue 14)."""
    if value is not None and earliest is not None and value < earliest:
        raise ValidationError({field: [message % {"date": earliest.strftime("%d/%m/%Y")}]})
    return value

"""Inbox sources of M&E (Đ10–11): periodic reports due or overdue, and submitted reports to review."""
from django.utils.translation import gettext as _

from accounts import access
from core.inbox import InboxItem
from monitoring.models import MEPlan, MEPlanStatus, PeriodicReport, ReportingPeriod, ReportStatus

SUBMITTED = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


def reports_due(user, *, district, on):
    """The report a village head (its village) or a commune team (the commune report) owes for each period of a year
    with an approved M&E plan whose period has ended, not yet submitted (a returned one is owed again)."""
    village = access.village_of_head(user)
    commune = access.commune_unit_of(user) if access.is_commune_team(user) else None
    if village is None and commune is None:
        return []
    commune_id = village.parent_id if village is not None else commune.pk
    plans = {p.year: p for p in MEPlan.objects.filter(commune_id=commune_id, status=MEPlanStatus.APPROVED)}
    if not plans:
        return []
    periods = ReportingPeriod.objects.filter(year__in=plans, ends_on__lt=on)
    done = set(PeriodicReport.objects.filter(me_plan__in=plans.values(), village_id=village.pk if village else None, status__in=SUBMITTED)
               .values_list("period_id", flat=True))
    items = []
    for period in periods:
        if period.pk in done:
            continue
        plan = plans[period.year]
        due = period.village_due_on if village is not None else period.commune_due_on
        who = village.name if village is not None else commune.name
        items.append(InboxItem(key=f"{district.schema_name}:report:{plan.pk}:{period.pk}:{village.pk if village else 'c'}", kind="report_due",
                               title=_("M&E report %(period)s: %(unit)s") % {"period": period, "unit": who},
                               due_on=due, url=f"/d/{district.slug}/monitoring/plans/{plan.pk}/"))
    return items


def reports_to_review(user, *, district, on):
    """Submitted reports waiting for a decision: commune reports for the district office (Đ11.4), village reports for the
    commune team."""
    if access.can_orient_communes(user, district):
        rows = PeriodicReport.objects.filter(status=ReportStatus.SUBMITTED, village__isnull=True)
    elif access.is_commune_team(user):
        rows = PeriodicReport.objects.filter(status=ReportStatus.SUBMITTED, village__isnull=False, me_plan__commune_id=user.unit_id)
    else:
        return []
    rows = rows.select_related("period", "me_plan__commune", "village")
    return [InboxItem(key=f"{district.schema_name}:report-review:{r.pk}", kind="report_review",
                      title=_("Review the M&E report %(period)s of %(unit)s") % {"period": r.period, "unit": (r.village or r.me_plan.commune).name},
                      due_on=None, url=f"/d/{district.slug}/monitoring/plans/{r.me_plan_id}/")
            for r in rows]

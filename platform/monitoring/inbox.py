"""Inbox sources of M&E (Đ10–11): periodic reports due or overdue, submitted reports to review, and the commune People's
Council's periodic evaluations due (Đ11.2)."""
from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext as _

from accounts import access
from core.inbox import InboxItem
from monitoring.models import EVALUATED_PERIODS, CouncilEvaluation, MEPlan, MEPlanStatus, PeriodicReport, ReportingPeriod, ReportStatus
from proposals.models import CommuneUnit

SUBMITTED = (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)


def _reporter(user):
    """Who owes which report: (commune id, village or None, commune unit or None, name) or None. The village head its
    village's report, a commune unit assigned by the district (Đ11.1) its own, the office-statistics officer the commune
    report (Đ10.2b: the focal point who consolidates and submits it; the planning team may not submit it)."""
    village = access.village_of_head(user)
    if village is not None:
        return village.parent_id, village, None, village.name
    unit_id = access.commune_unit_id_of(user)
    if unit_id is not None:
        unit = CommuneUnit.objects.filter(pk=unit_id, commune_id=user.unit_id, reports_me=True).first()
        return (unit.commune_id, None, unit, unit.name) if unit is not None else None
    commune = access.commune_unit_of(user)
    if commune is not None and access.can_consolidate_commune_report(user, commune):
        return commune.pk, None, None, commune.name
    return None


def reports_due(user, *, district, on):
    """The report a village head (its village), a commune unit assigned to report (its unit) or the office-statistics
    officer (the commune report) owes for each period of a year with an approved M&E plan whose period has ended, not
    yet submitted (a returned one is owed again). Due on the period's village date for the level below, its commune
    date for the commune report."""
    reporter = _reporter(user)
    if reporter is None:
        return []
    commune_id, village, unit, who = reporter
    plans = {p.year: p for p in MEPlan.objects.filter(commune_id=commune_id, status=MEPlanStatus.APPROVED)}
    if not plans:
        return []
    periods = ReportingPeriod.objects.filter(year__in=plans, ends_on__lt=on)
    done = set(PeriodicReport.objects.filter(me_plan__in=plans.values(), village_id=village.pk if village else None,
                                             commune_unit_id=unit.pk if unit else None, status__in=SUBMITTED)
               .values_list("period_id", flat=True))
    tag = village.pk if village else (f"u{unit.pk}" if unit else "c")
    items = []
    for period in periods:
        if period.pk in done:
            continue
        plan = plans[period.year]
        due = period.commune_due_on if (village is None and unit is None) else period.village_due_on
        items.append(InboxItem(key=f"{district.schema_name}:report:{plan.pk}:{period.pk}:{tag}", kind="report_due",
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




def council_evaluations_due(user, *, district, on):
    """Commune People's Council (Đ11.2: "periodically, the commune People's Council evaluates the main socio-economic
    targets and important activities of the plan it passed"): for the first half-year and the year, once ended, of a
    year whose M&E plan is approved, with no evaluation recorded for it yet. Due `COUNCIL_EVALUATION_DAYS` days after
    the commune report of that period is due (the council evaluates on the consolidated report)."""
    commune = access.commune_unit_of(user)
    if commune is None or not access.can_act_for_council(user, commune):
        return []
    plans = {p.year: p for p in MEPlan.objects.filter(commune_id=commune.pk, status=MEPlanStatus.APPROVED)}
    if not plans:
        return []
    done = set(CouncilEvaluation.objects.filter(me_plan__in=plans.values()).values_list("me_plan_id", "period_id"))
    after = timedelta(days=settings.COUNCIL_EVALUATION_DAYS)
    items = []
    for period in ReportingPeriod.objects.filter(EVALUATED_PERIODS, year__in=plans, ends_on__lt=on):
        plan = plans[period.year]
        if (plan.pk, period.pk) in done:
            continue
        items.append(InboxItem(key=f"{district.schema_name}:council-evaluation:{plan.pk}:{period.pk}", kind="evaluation_due",
                               title=_("Evaluate the main targets of %(commune)s for %(period)s") % {"commune": commune.name, "period": period},
                               due_on=period.commune_due_on + after, url=f"/d/{district.slug}/monitoring/plans/{plan.pk}/"))
    return items

"""Reads of monitoring and evaluation: scoped lists, achievement against target, reporting status and lateness."""
import json

from django.db.models import Prefetch
from django.utils import timezone

from accounts import access
from core.deadlines import lateness as deadline_lateness
from geo.selectors import communes_of, villages_of
from investment.models import InvestmentProject
from monitoring.models import (
    ActivityProgress,
    EvidencePhoto,
    IndicatorValue,
    MEPlan,
    MEPlanStatus,
    PeriodicReport,
    ReportingPeriod,
    ReportStatus,
    SupervisionFinding,
)
from monitoring.services import REPORTABLE_PROJECT_STATUSES, today
from proposals.models import CommuneUnit


def me_plan_queryset(*, user, district):
    """The M&E plans this user may read: all of the district for its staff and the province, one commune otherwise."""
    plans = MEPlan.objects.select_related("commune", "plan__cycle", "approved_by").filter(commune__parent=district.unit)
    ids = access.visible_commune_ids(user, district)
    return plans if ids is None else plans.filter(commune_id__in=ids)


def me_plan_get(*, user, district, pk):
    me_plan = me_plan_queryset(user=user, district=district).filter(pk=pk).first()
    if me_plan is None:
        raise access.not_found()
    return me_plan


def report_queryset(*, user, district):
    """Reports this user may read; a village head reads only the reports of the village."""
    reports = PeriodicReport.objects.select_related("me_plan__commune", "village", "commune_unit", "period", "created_by").filter(
        me_plan__in=me_plan_queryset(user=user, district=district))
    return access.village_report_scope(user, reports)


def report_get(*, user, district, pk):
    report = report_queryset(user=user, district=district).filter(pk=pk).first()
    if report is None:
        raise access.not_found()
    return report


def report_detail(*, report):
    """The report with its lines, prefetched once."""
    return PeriodicReport.objects.select_related("me_plan__commune", "village", "commune_unit", "period").prefetch_related(
        Prefetch("indicator_values", IndicatorValue.objects.select_related("indicator")),
        Prefetch("activity_progress", ActivityProgress.objects.select_related("activity")),
        "project_progress__project", "events__actor", "village_reports__village", "village_reports__commune_unit", "photos",
    ).get(pk=report.pk)


def approved_me_plan_of(*, plan):
    """The approved M&E plan of a commune plan version (Đ9: kept with the plan), with its indicators and activities; None if none."""
    return (MEPlan.objects.filter(plan=plan, status=MEPlanStatus.APPROVED).select_related("commune")
            .prefetch_related("indicators", "activities").first())


def reportable_projects(*, me_plan):
    """The investment projects serving the M&E plan's commune whose progress and disbursement the commune report carries."""
    return InvestmentProject.objects.filter(communes=me_plan.commune_id, status__in=REPORTABLE_PROJECT_STATUSES).order_by("code")


def lateness(*, due_on, submitted_at, on=None):
    """'late' when submitted after the due date, 'overdue' when due and not submitted, else '' (the one rule,
    `core.deadlines.lateness`, on the submission's day in Vietnam time)."""
    late = deadline_lateness(due_on=due_on, done_on=timezone.localdate(submitted_at) if submitted_at else None, on=on or today())
    return "late" if late.done_late else "overdue" if late.overdue else ""


def _row(report, due_on, on):
    if report is None:
        return {"report": None, "status": "missing", "submitted_at": None, "due_on": due_on, "lateness": lateness(due_on=due_on, submitted_at=None, on=on)}
    # A returned report counts as not yet submitted: it is late again once the due date has passed.
    submitted = report.submitted_at if report.status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED) else None
    return {"report": report.pk, "status": report.status, "submitted_at": report.submitted_at, "due_on": due_on,
            "lateness": lateness(due_on=due_on, submitted_at=submitted, on=on)}


def reporting_status(*, district, period: ReportingPeriod, commune_ids=None, on=None) -> list[dict]:
    """Every commune of the district (or those given) and each of its villages: the report's status and lateness for the period.

    A report not yet submitted is overdue from the day after its due date; one submitted after it is late.
    Communes without an approved M&E plan for the period's year show as such (nothing to report on yet).
    """
    on = on or today()
    communes = list(communes_of(district.unit))
    if commune_ids is not None:
        communes = [c for c in communes if c.pk in set(commune_ids)]
    plans = {p.commune_id: p for p in MEPlan.objects.filter(year=period.year, status=MEPlanStatus.APPROVED, commune__in=communes)}
    reports = {(r.me_plan.commune_id, r.village_id, r.commune_unit_id): r
               for r in PeriodicReport.objects.filter(period=period, me_plan__in=plans.values()).select_related("me_plan")}
    units = {}
    for unit in CommuneUnit.objects.filter(reports_me=True, commune_id__in=[c.pk for c in communes]):
        units.setdefault(unit.commune_id, []).append(unit)
    rows = []
    for commune in communes:
        me_plan = plans.get(commune.pk)
        row = {"commune": commune.code, "commune_name": commune.name, "me_plan": me_plan.pk if me_plan else None}
        if me_plan is None:
            row.update({"status": "no_plan", "lateness": "", "due_on": period.commune_due_on, "report": None, "submitted_at": None,
                        "villages": [], "units": []})
        else:
            row.update(_row(reports.get((commune.pk, None, None)), period.commune_due_on, on))
            row["villages"] = [{"village": v.code, "village_name": v.name, **_row(reports.get((commune.pk, v.pk, None)), period.village_due_on, on)}
                               for v in villages_of(commune)]
            # The commune units the district assigned to report (Đ11.1): the level below beside the villages.
            row["units"] = [{"commune_unit": u.pk, "unit_name": u.name, **_row(reports.get((commune.pk, None, u.pk)), period.village_due_on, on)}
                            for u in units.get(commune.pk, [])]
        rows.append(row)
    return rows


def latest_commune_report(*, me_plan):
    """The newest commune report, accepted ones first: what the dashboard shows as achieved."""
    reports = PeriodicReport.objects.filter(me_plan=me_plan, village__isnull=True, commune_unit__isnull=True).exclude(status=ReportStatus.DRAFT).select_related("period")
    return (reports.filter(status=ReportStatus.ACCEPTED).order_by("-period__ends_on", "-id").first()
            or reports.order_by("-period__ends_on", "-id").first())


def achievement(*, me_plan) -> dict:
    """Each indicator's latest value against its target and each activity's share done, from the latest commune report."""
    report = latest_commune_report(me_plan=me_plan)
    values = {v.indicator_id: v.value for v in report.indicator_values.all()} if report else {}
    shares = {p.activity_id: p.share_done for p in report.activity_progress.all()} if report else {}
    indicators = []
    for indicator in me_plan.indicators.all():
        value = values.get(indicator.pk)
        percent = None
        if value is not None and indicator.target_value:
            percent = round(float(value) / float(indicator.target_value) * 100, 1)
        indicators.append({"id": indicator.pk, "name": indicator.name, "unit": indicator.unit, "baseline": indicator.baseline,
                           "target": indicator.target_value, "value": value, "percent": percent, "frequency": indicator.frequency,
                           "responsible": indicator.responsible, "data_source": indicator.data_source})
    activities = [{"id": a.pk, "title": a.title, "share_done": shares.get(a.pk), "responsible": a.responsible,
                   "starts_on": a.starts_on, "ends_on": a.ends_on, "project": a.project_id} for a in me_plan.activities.all()]
    return {"report": report.pk if report else None, "period": str(report.period) if report else None,
            "indicators": indicators, "activities": activities}


def works_layer(*, me_plan) -> dict:
    """The M&E plan's located activities as a FeatureCollection with their latest share done and finding count."""
    shares = {a["id"]: a["share_done"] for a in achievement(me_plan=me_plan)["activities"]}
    features = []
    for activity in me_plan.activities.exclude(geom__isnull=True):
        share = shares.get(activity.pk)
        features.append({"type": "Feature", "id": activity.pk, "geometry": json.loads(activity.geom.geojson),
                         "properties": {"title": activity.title, "share_done": float(share) if share is not None else None,
                                        "findings": activity.findings.count()}})
    return {"type": "FeatureCollection", "features": features}


def evidence_queryset(*, user, district):
    """Evidence photos this user may read: those of the M&E plans it reads, a report's photos only for the report's readers."""
    return access.evidence_photo_scope(user, EvidencePhoto.objects.select_related("me_plan__commune", "activity", "uploaded_by").filter(
        me_plan__in=me_plan_queryset(user=user, district=district)))


def finding_queryset(*, user, district):
    return SupervisionFinding.objects.select_related("activity", "recorded_by").prefetch_related("photos").filter(
        me_plan__in=me_plan_queryset(user=user, district=district))


def district_counts():
    return {"me_plans": MEPlan.objects.count(), "me_reports": PeriodicReport.objects.count()}

"""Dashboards of monitoring and evaluation: one commune's M&E plan, and the district's reporting status."""
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from accounts import access
from monitoring import selectors, services
from monitoring.models import Frequency, MEPlan, PeriodicReport, ReportStatus
from plans.models import CommunePlan, PlanCycle, PlanStatus

TEXT = {
    "legendTitle": _("Commune reports by status"), "reportDocument": _("The report, to sign"),
    "indicator": _("Indicator"), "target": _("Target"), "value": _("Latest value"), "achieved": _("Achieved"),
    "noValue": _("not reported yet"), "share": _("Share of volume done"), "findings": _("Supervision findings"),
    "photo": _("Evidence photo"), "period": _("Period"), "due": _("Due"), "status": _("Status"), "village": _("Village"),
    "commune": _("Commune"), "late": _("late"), "overdue": _("overdue"), "missing": _("missing"), "draft": _("being written"),
    "submitted": _("submitted"), "accepted": _("accepted"), "returned": _("returned"), "no_plan": _("no approved M&E plan"),
    "notStarted": _("no progress reported"),
    # The import's rows worded as the investment projects' import page words them (docs/API.md, "Imports").
    "row": _("Row"), "code": _("Project code"), "preview": _("Preview, nothing written"),
    "created": _("created"), "updated": _("updated"), "unchanged": _("already recorded"), "skipped": _("skipped"), "refused": _("refused"),
    "rowsCreated": _("Rows created"), "rowsUpdated": _("Rows updated"), "rowsUnchanged": _("Rows already recorded"),
    "rowsSkipped": _("Rows skipped"), "rowsRefused": _("Rows refused"),
}


@require_safe
def commune_dashboard(request, pk):
    """A commune's M&E plan: indicators against target (chart), works on the map by progress, reporting status."""
    me_plan = selectors.me_plan_get(user=request.user, district=request.tenant, pk=pk)
    config = {"mePlan": me_plan.pk, "commune": me_plan.commune.code, "district": request.tenant.unit.code, "api": f"/d/{request.tenant.slug}/api/monitoring/", "text": TEXT}
    evaluations = me_plan.council_evaluations.select_related("period")
    return render(request, "monitoring/commune_dashboard.html", {"me_plan": me_plan, "config": config, "evaluations": evaluations,
                                                                 **_forms(request, me_plan)})


def _forms(request, me_plan):
    """What the caller may write on the dashboard: the flags come from accounts.access, the rows from the M&E plan.

    The forms only call the monitoring API; these flags just avoid showing a form the API would refuse.
    """
    user = request.user
    village = access.village_of_head(user)
    village = village if village is not None and village.parent_id == me_plan.commune_id else None
    can_village = village is not None and access.can_report_for_village(user, village)
    can_accept_commune = access.can_accept_commune_report(user, me_plan.commune)
    can_monitor = access.can_monitor_commune(user, me_plan.commune)
    can_consolidate = access.can_consolidate_commune_report(user, me_plan.commune)
    can_council = access.can_act_for_council(user, me_plan.commune)
    can_decide_below = access.can_read_commune_reports(user, me_plan.commune)
    if not (can_village or can_accept_commune or can_monitor or can_consolidate or can_council):
        return {}
    approved = me_plan.status == "approved"
    reports = PeriodicReport.objects.filter(me_plan=me_plan).select_related("period", "village", "commune_unit").prefetch_related(
        "indicator_values", "activity_progress", "project_progress").order_by("period__starts_on", "period__kind", "period__number")
    context = {"forms": True, "can_village_report": can_village, "can_accept_commune": can_accept_commune, "can_monitor": can_monitor,
               "can_consolidate": can_consolidate, "can_council": can_council, "can_decide_below": can_decide_below}
    indicators = list(me_plan.indicators.all())
    activities = list(me_plan.activities.all())
    periods = [p for p in services.periods_ensure(year=me_plan.year) if p.starts_on <= services.today()] if approved else []

    # The investment projects serving the commune that can take progress and money (approved onwards):
    # the commune report gives each one's physical progress and what was paid in the period (Đ11).
    projects = list(selectors.reportable_projects(me_plan=me_plan)) if can_consolidate and approved else []

    def editable(own):
        rows = []
        for report in own:
            if report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED):
                values = {v.indicator_id: v.value for v in report.indicator_values.all()}
                shares = {p.activity_id: p.share_done for p in report.activity_progress.all()}
                lines = {p.project_id: p for p in report.project_progress.all()}
                rows.append({"report": report, "indicators": [(i, values.get(i.pk)) for i in indicators],
                             "activities": [(a, shares.get(a.pk)) for a in activities],
                             "projects": [(p, lines.get(p.pk)) for p in projects] if not report.is_below_commune else []})
        return rows

    context["activities"] = activities
    if can_village and approved:
        own = [r for r in reports if r.village_id == village.pk]
        taken = {r.period_id for r in own}
        context.update(village=village, open_periods=[p for p in periods if p.pk not in taken], village_reports=own,
                       editable_reports=editable(own))
    if can_monitor and not approved:
        context.update(plan_draft=True, indicators=indicators, frequencies=Frequency.choices)
    if can_consolidate and approved:
        # Đ10.2b: the office-statistics officer consolidates and submits the commune report.
        own = [r for r in reports if not r.is_below_commune]
        taken = {r.period_id for r in own}
        context.update(commune_open_periods=[p for p in periods if p.pk not in taken], commune_reports=own,
                       editable_commune_reports=editable(own), commune_report_section=True)
    if (can_monitor or can_council) and approved:
        # Supervision findings stay the planning team's; the evaluations are the People's Council's (Đ11.2).
        context["evaluation_periods"] = periods
    if can_accept_commune:
        context["commune_reports_to_decide"] = [r for r in reports if not r.is_below_commune and r.status == ReportStatus.SUBMITTED]
    if can_decide_below:
        context["village_reports_to_decide"] = [r for r in reports if r.is_below_commune and r.status == ReportStatus.SUBMITTED]
    return context


@require_safe
def district_dashboard(request):
    """Every commune's M&E plan and the reporting status of every commune and village for a period."""
    year = services.today().year
    text = request.GET.get("year", "")
    if text.isdigit() and 2000 <= int(text) <= 2100:
        year = int(text)
    periods = services.periods_ensure(year=year)
    chosen = request.GET.get("period", "")
    period = next((p for p in periods if str(p.pk) == chosen), None)
    if period is None:
        opened = [p for p in periods if p.starts_on <= services.today()]
        period = max(opened, key=lambda p: (p.ends_on, -p.pk)) if opened else periods[0]
    me_plans = list(selectors.me_plan_queryset(user=request.user, district=request.tenant).filter(year=year))
    rows = selectors.reporting_status(district=request.tenant, period=period, commune_ids=access.visible_commune_ids(request.user, request.tenant))
    counts = {}
    for row in rows:
        row["status_label"] = TEXT.get(row["status"], row["status"])
        row["lateness_label"] = TEXT.get(row["lateness"], row["lateness"])
        for village in row["villages"]:
            village["label"] = f'{TEXT.get(village["status"], village["status"])} {TEXT.get(village["lateness"], "")}'.strip()
        key = row["lateness"] or row["status"]
        counts[key] = counts.get(key, 0) + 1
    plans = [{"me_plan": p, "achievement": selectors.achievement(me_plan=p)} for p in me_plans]
    for entry in plans:
        percents = [i["percent"] for i in entry["achievement"]["indicators"] if i["percent"] is not None]
        entry["mean_percent"] = round(sum(percents) / len(percents), 1) if percents else None
    works = {"type": "FeatureCollection", "features": [f for entry in plans for f in selectors.works_layer(me_plan=entry["me_plan"])["features"]]}
    config = {"district": request.tenant.unit.code, "api": f"/d/{request.tenant.slug}/api/monitoring/", "works": works, "rows": [{"commune": r["commune"], "status": r["status"], "lateness": r["lateness"]} for r in rows],
              "counts": counts, "text": TEXT}
    # The commune team builds the M&E plan from its approved plan version of the year (Đ9), here before it exists.
    plans_to_monitor = []
    commune = access.commune_unit_of(request.user)
    if commune is not None and access.can_monitor_commune(request.user, commune):
        # Every approved plan without its M&E plan, whatever the year shown: a 2027 plan announced in 2026 is built now.
        plans_to_monitor = list(CommunePlan.objects.filter(cycle__commune=commune, status=PlanStatus.APPROVED,
                                                           me_plan__isnull=True).select_related("cycle").order_by("cycle__plan_year"))
    return render(request, "monitoring/district_dashboard.html", {
        "plans_to_monitor": plans_to_monitor, "years": _years(year),
        "can_import_progress": access.can_manage_investment(request.user, request.tenant), "year": year, "periods": periods, "period": period, "rows": rows, "plans": plans, "config": config, "text": TEXT,
    })


def _years(shown):
    """The years the year selector offers: every plan year with a cycle or an M&E plan in the district, this year and
    the next (a plan for next year is built this year), and the year shown; ascending."""
    this_year = services.today().year
    years = set(PlanCycle.objects.order_by().values_list("plan_year", flat=True).distinct()) | set(MEPlan.objects.order_by().values_list("year", flat=True).distinct())
    return sorted(years | {this_year, this_year + 1, shown})

"""Writes of monitoring and evaluation: the M&E plan, periodic reports, council evaluations, findings, photos.

Every write is atomic, checks access and its rules before it touches a row, and leaves an event row
for each state change (who, when, from, to, note). A refused write raises ValidationError (400) or
`accounts.access.AccessDenied` (403) and changes nothing. Disbursements and physical progress are recorded through
`investment.services.disbursement_record` and `investment.services.progress_record`, never written here.
"""
import calendar
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts import access
from core.deadlines import refuse_before, refuse_future
from core.models import DEFAULT_REPORTING_DEADLINES, ReportingDeadline, ReportPeriodKind
from core.signals import announce_new_work
from geo.guard import GeometryRejected, check_inside
from investment.models import InvestmentProject, ProjectStatus
from investment.services import disbursement_record, progress_record
from monitoring.models import (
    EVALUATED_PERIODS,
    Activity,
    ActivityProgress,
    CouncilEvaluation,
    EvidencePhoto,
    Indicator,
    IndicatorValue,
    MEPlan,
    MEPlanEvent,
    MEPlanStatus,
    PeriodicReport,
    ProjectProgress,
    ReportEvent,
    ReportingPeriod,
    ReportStatus,
    SupervisionFinding,
)
from plans.models import CommunePlan, PlanStatus

EDITABLE = (ReportStatus.DRAFT, ReportStatus.RETURNED)
# Projects whose progress and money a commune report carries: from the investment decision on (before it
# there are no works to measure and the investment app takes no disbursement).
REPORTABLE_PROJECT_STATUSES = (ProjectStatus.APPROVED, ProjectStatus.UNDER_CONSTRUCTION, ProjectStatus.SUSPENDED, ProjectStatus.COMPLETED)

# Messages the tests reuse.
NOT_APPROVED_PLAN = gettext_noop("The M&E plan is made once the commune plan is approved.")
NOT_IN_PLAN = gettext_noop("This indicator is not in the M&E plan.")
SHARE_RANGE = gettext_noop("The share of volume done is a percentage from 0 to 100.")
PERIOD_NOT_OPEN = gettext_noop("This reporting period has not opened yet.")
ALREADY_SUBMITTED = gettext_noop("The report has already been submitted.")
NOT_EDITABLE = gettext_noop("A submitted or accepted report can no longer be edited.")


def today():
    return timezone.localdate()


def _forbidden(message=None):
    return access.forbidden(message or _("You may not do this."))


def _decimal(value, field):
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        raise ValidationError({field: [_("A number is expected.")]})
    if not number.is_finite():
        raise ValidationError({field: [_("A number is expected.")]})
    return number


# ---- M&E plan (Đ9) ----------------------------------------------------------------------------

@transaction.atomic
def me_plan_create(*, actor, plan: CommunePlan) -> MEPlan:
    """Build the M&E plan of an approved commune plan: indicators from its targets, activities from its items."""
    plan = CommunePlan.objects.select_for_update().select_related("cycle__commune").get(pk=plan.pk)
    commune = plan.cycle.commune
    if not access.can_monitor_commune(actor, commune):
        raise _forbidden()
    if plan.status != PlanStatus.APPROVED:
        raise ValidationError({"plan": [_(NOT_APPROVED_PLAN)]})
    if MEPlan.objects.filter(plan=plan).exists():
        raise ValidationError({"plan": [_("This plan already has its M&E plan.")]})
    me_plan = MEPlan.objects.create(plan=plan, commune=commune, year=plan.cycle.plan_year, created_by=actor)
    Indicator.objects.bulk_create([
        Indicator(me_plan=me_plan, target=t, name=t.indicator, unit=t.unit, baseline=t.current_estimate, target_value=t.next_target, order=i)
        for i, t in enumerate(plan.targets.all())
    ])
    Activity.objects.bulk_create([
        Activity(me_plan=me_plan, item=item, kind=item.kind, title=item.title, geom=item.geom, starts_on=item.starts_on,
                 ends_on=item.ends_on, responsible=item.responsible_unit, order=i)
        for i, item in enumerate(plan.items.all())
    ])
    MEPlanEvent.objects.create(me_plan=me_plan, action="created", to_status=me_plan.status, actor=actor)
    return me_plan


INDICATOR_FIELDS = ("baseline", "target_value", "frequency", "data_source", "responsible")
ACTIVITY_FIELDS = ("starts_on", "ends_on", "expected_volume", "volume_unit", "responsible", "project")


@transaction.atomic
def me_plan_update(*, actor, me_plan: MEPlan, indicators: list = (), activities: list = ()) -> MEPlan:
    """Fill in the M&E plan while it is being prepared: each row names an indicator or activity of this plan by id."""
    me_plan = MEPlan.objects.select_for_update().get(pk=me_plan.pk)
    if not access.can_monitor_commune(actor, me_plan.commune):
        raise _forbidden()
    if me_plan.status != MEPlanStatus.DRAFT:
        raise ValidationError({"status": [_("An approved M&E plan is not edited.")]})
    own_indicators = {i.pk: i for i in me_plan.indicators.all()}
    own_activities = {a.pk: a for a in me_plan.activities.all()}
    for row in indicators:
        indicator = own_indicators.get(row.get("id"))
        if indicator is None:
            raise ValidationError({"indicators": [_(NOT_IN_PLAN)]})
        for field in INDICATOR_FIELDS:
            if field in row:
                setattr(indicator, field, row[field])
        indicator.full_clean(exclude=["me_plan", "target"])
        indicator.save()
    for row in activities:
        activity = own_activities.get(row.get("id"))
        if activity is None:
            raise ValidationError({"activities": [_("This activity is not in the M&E plan.")]})
        for field in ACTIVITY_FIELDS:
            if field in row:
                setattr(activity, field, _activity_project(row[field], me_plan, activity) if field == "project" else row[field])
        if activity.starts_on and activity.ends_on and activity.ends_on < activity.starts_on:
            raise ValidationError({"activities": [_("An activity cannot end before it starts.")]})
        if activity.expected_volume is not None and activity.expected_volume < 0:
            raise ValidationError({"activities": [_("The expected volume cannot be negative.")]})
        activity.save()
    MEPlanEvent.objects.create(me_plan=me_plan, action="edited", from_status=me_plan.status, to_status=me_plan.status, actor=actor)
    return me_plan


def _activity_project(project_id, me_plan, activity):
    """The investment project an activity names (by id; None unlinks), which must serve the M&E plan's commune: else a 400
    on `project` naming the activity (a nested write names another object by id: never assigned unchecked)."""
    if project_id is None:
        return None
    project = InvestmentProject.objects.filter(pk=project_id, communes=me_plan.commune_id).first()
    if project is None:
        raise ValidationError({"project": [_("“%(activity)s”: this investment project does not serve the commune.") % {"activity": activity.title}]})
    return project


@transaction.atomic
def me_plan_approve(*, actor, me_plan: MEPlan, decision_number: str = "", decision_date: date | None = None) -> MEPlan:
    """Record the commune People's Committee's approval (Đ9.2); every indicator and activity must name who follows it."""
    me_plan = MEPlan.objects.select_for_update().get(pk=me_plan.pk)
    if not access.can_monitor_commune(actor, me_plan.commune):
        raise _forbidden()
    if me_plan.status != MEPlanStatus.DRAFT:
        raise ValidationError({"status": [_("The M&E plan is already approved.")]})
    refuse_future(decision_date, field="decision_date")
    missing = [i.name for i in me_plan.indicators.all() if not i.responsible] + [a.title for a in me_plan.activities.all() if not a.responsible]
    if missing:
        raise ValidationError({"responsible": [_("Name the person responsible for: %(names)s.") % {"names": "; ".join(missing)}]})
    me_plan.status = MEPlanStatus.APPROVED
    me_plan.decision_number, me_plan.decision_date = decision_number, decision_date
    me_plan.approved_by, me_plan.approved_at = actor, timezone.now()
    me_plan.save(update_fields=["status", "decision_number", "decision_date", "approved_by", "approved_at"])
    MEPlanEvent.objects.create(me_plan=me_plan, action="approved", from_status=MEPlanStatus.DRAFT, to_status=me_plan.status,
                               note=decision_number, actor=actor)
    # The year's reporting periods exist from the approval on: the inbox reads them for the reports due (Đ10–11) and the
    # council's evaluations (Đ11.2), which were missing until someone opened a page or a report of that year.
    periods_ensure(year=me_plan.year)
    # The reports and evaluations now owed, to those who owe them (village heads, units, the officer, the council).
    for village in me_plan.commune.children.all():
        announce_new_work(sender=MEPlan, level="village", unit=village, actor=actor)
    for level in ("statistics", "commune_unit", "council"):
        announce_new_work(sender=MEPlan, level=level, unit=me_plan.commune, actor=actor)
    return me_plan


# ---- reporting periods ------------------------------------------------------------------------

def _deadlines():
    rows = {d.kind: (d.village_days, d.commune_days) for d in ReportingDeadline.objects.all()}
    return {kind: rows.get(kind, days) for kind, days in DEFAULT_REPORTING_DEADLINES.items()}


@transaction.atomic
def periods_ensure(*, year: int) -> list[ReportingPeriod]:
    """The year's quarters, halves and the year itself, with due dates from the province's reporting deadlines."""
    deadlines = _deadlines()
    spans = {ReportPeriodKind.QUARTER: 3, ReportPeriodKind.HALF: 6, ReportPeriodKind.YEAR: 12}
    periods = []
    for kind, months in spans.items():
        for number in range(1, 12 // months + 1):
            first_month = (number - 1) * months + 1
            last_month = first_month + months - 1
            ends_on = date(year, last_month, calendar.monthrange(year, last_month)[1])
            village_days, commune_days = deadlines[kind]
            period, _created = ReportingPeriod.objects.get_or_create(
                kind=kind, year=year, number=number,
                defaults={"starts_on": date(year, first_month, 1), "ends_on": ends_on,
                          "village_due_on": ends_on + timedelta(days=village_days), "commune_due_on": ends_on + timedelta(days=commune_days)},
            )
            periods.append(period)
    return periods


# ---- periodic reports (Đ10–11) ----------------------------------------------------------------

def _require_writer(actor, report):
    """403 unless `accounts.access.can_write_report` (a village report is its head's, a unit report its unit's, the
    commune report its office-statistics officer's, Đ10.2b)."""
    if not access.can_write_report(actor, report):
        if report.is_below_commune:
            raise _forbidden()
        raise _forbidden(_("Only the commune's office-statistics officer consolidates and submits the commune report."))


def _event(report, *, actor, action, from_status="", to_status="", note=""):
    ReportEvent.objects.create(report=report, action=action, from_status=from_status, to_status=to_status or report.status, note=note, actor=actor)


def _lock_report(report):
    return PeriodicReport.objects.select_for_update(of=("self",)).select_related("me_plan__commune", "village", "commune_unit", "period").get(pk=report.pk)


@transaction.atomic
def report_create(*, actor, me_plan: MEPlan, period: ReportingPeriod, village=None, commune_unit=None) -> PeriodicReport:
    """Open a report for an open period: a village's (its head), a commune unit's (its own account, once the district
    assigned it to report, Đ11.1) or the commune's (its office-statistics officer, Đ10.2b). 403 for the wrong actor,
    400 naming the field otherwise."""
    if village is not None and village.parent_id != me_plan.commune_id:
        raise ValidationError({"village": [_("This village is not in the commune.")]})
    if commune_unit is not None:
        if village is not None:
            raise ValidationError({"commune_unit": [_("A report is a village's or a commune unit's, not both.")]})
        if commune_unit.commune_id != me_plan.commune_id:
            raise ValidationError({"commune_unit": [_("This unit is not in the commune.")]})
    report = PeriodicReport(me_plan=me_plan, period=period, village=village, commune_unit=commune_unit)
    _require_writer(actor, report)
    if me_plan.status != MEPlanStatus.APPROVED:
        raise ValidationError({"me_plan": [_("Reports follow an approved M&E plan.")]})
    if period.year != me_plan.year:
        raise ValidationError({"period": [_("The period is not in the M&E plan's year.")]})
    if period.starts_on > today():
        raise ValidationError({"period": [_(PERIOD_NOT_OPEN)]})
    if PeriodicReport.objects.filter(me_plan=me_plan, period=period, village=village, commune_unit=commune_unit).exists():
        raise ValidationError({"period": [_("There is already a report for this period.")]})
    if commune_unit is not None and not access.can_report_for_unit(actor, commune_unit):
        raise ValidationError({"commune_unit": [_("The district has not assigned this unit to report.")]})
    report.created_by = actor
    report.save()
    _event(report, actor=actor, action="created")
    return report


@transaction.atomic
def report_update(*, actor, report: PeriodicReport, problems: str | None = None, recommendations: str | None = None,
                  indicator_values: list = (), activity_progress: list = (), project_progress: list = (),
                  document_number: str | None = None) -> PeriodicReport:
    """Write a draft or returned report: indicator values, activity progress, project progress, problems and recommendations,
    and the commune report's document number ("7" printed "Số: 7/BC-UBND", Decree 30, Art. 8; a village report's is
    refused, 400 on `document_number`).

    Each row replaces the report's earlier row for the same indicator, activity or project; a project row
    `{"project": id, "clear": true}` removes the report's line for that project.
    """
    report = _lock_report(report)
    _require_writer(actor, report)
    if report.status not in EDITABLE:
        raise ValidationError({"status": [_(NOT_EDITABLE)]})
    if document_number and report.village_id:
        # A village report is the village head's "báo cáo", not a document of an agency numbered under Decree 30
        # (Art. 8 numbers an agency's documents): it prints "Số: …/BC" left to fill, so a number is refused, not lost.
        raise ValidationError({"document_number": [_("A village report carries no document number: only the People's "
                                                     "Committee's documents are numbered (Decree 30/2020, Art. 8).")]})
    me_plan = report.me_plan
    indicators = {i.pk: i for i in me_plan.indicators.all()}
    activities = {a.pk: a for a in me_plan.activities.all()}
    for row in indicator_values:
        indicator = indicators.get(row.get("indicator"))
        if indicator is None:
            raise ValidationError({"indicator_values": [_(NOT_IN_PLAN)]})
        value = _decimal(row.get("value"), "indicator_values")
        IndicatorValue.objects.update_or_create(report=report, indicator=indicator, defaults={"value": value, "note": row.get("note", "")})
    for row in activity_progress:
        activity = activities.get(row.get("activity"))
        if activity is None:
            raise ValidationError({"activity_progress": [_("This activity is not in the M&E plan.")]})
        share = _decimal(row.get("share_done"), "activity_progress")
        if not 0 <= share <= 100:
            raise ValidationError({"activity_progress": [_(SHARE_RANGE)]})
        ActivityProgress.objects.update_or_create(report=report, activity=activity, defaults={"share_done": share, "note": row.get("note", "")})
    if project_progress and report.is_below_commune:
        raise ValidationError({"project_progress": [_("Investment projects are reported by the commune.")]})
    for row in project_progress:
        if row.get("clear") is True:
            # A line emptied on the form goes (it used to stay, with its old progress and money, issue 15).
            ProjectProgress.objects.filter(report=report, project_id=row.get("project")).delete()
            continue
        project = InvestmentProject.objects.filter(pk=row.get("project"), communes=me_plan.commune_id).first()
        if project is None:
            raise ValidationError({"project_progress": [_("This investment project does not serve the commune.")]})
        if project.status not in REPORTABLE_PROJECT_STATUSES:
            raise ValidationError({"project_progress": [_("%(code)s is not approved yet: its progress is reported once it is.") % {"code": project.code}]})
        progress = row.get("physical_progress")
        if not isinstance(progress, int) or isinstance(progress, bool) or not 0 <= progress <= 100:
            raise ValidationError({"project_progress": [_("Physical progress is a percentage from 0 to 100.")]})
        disbursed = row.get("disbursed")
        disbursed = 0 if disbursed is None else disbursed  # progress without money
        if not isinstance(disbursed, int) or isinstance(disbursed, bool) or disbursed < 0:
            raise ValidationError({"project_progress": [_("The disbursed amount is a whole number of đồng, not negative.")]})
        paid_on = row.get("paid_on") or report.period.ends_on
        ProjectProgress.objects.update_or_create(
            report=report, project=project,
            defaults={"paid_on": paid_on, "disbursed": disbursed, "physical_progress": progress, "note": row.get("note", "")},
        )
    fields = []
    if problems is not None:
        report.problems = problems
        fields.append("problems")
    if recommendations is not None:
        report.recommendations = recommendations
        fields.append("recommendations")
    if document_number is not None:
        report.document_number = document_number
        fields.append("document_number")
    if fields:
        report.save(update_fields=fields)
    _event(report, actor=actor, action="edited", from_status=report.status)
    return report


@transaction.atomic
def report_consolidate(*, actor, report: PeriodicReport) -> PeriodicReport:
    """Take the submitted reports of the level below, villages and commune units alike, into the commune report
    (Đ11.1, Đ11.3). Done by the commune's office-statistics officer (Đ10.2b).

    Activities the commune has not reported itself take the furthest progress reported below;
    the problems and recommendations from below are added under the village's or unit's name.
    """
    report = _lock_report(report)
    if report.is_below_commune:
        raise ValidationError({"report": [_("Only the commune report consolidates the reports of the level below.")]})
    _require_writer(actor, report)
    if report.status not in EDITABLE:
        raise ValidationError({"status": [_(NOT_EDITABLE)]})
    villages = list(
        PeriodicReport.objects.filter(Q(village__isnull=False) | Q(commune_unit__isnull=False), me_plan=report.me_plan, period=report.period,
                                      status__in=[ReportStatus.SUBMITTED, ReportStatus.ACCEPTED])
        .select_related("village", "commune_unit").prefetch_related("activity_progress")
    )
    report.village_reports.set(villages)
    own = set(report.activity_progress.values_list("activity_id", flat=True))
    furthest = {}
    for village_report in villages:
        for progress in village_report.activity_progress.all():
            if progress.activity_id not in own:
                furthest[progress.activity_id] = max(furthest.get(progress.activity_id, 0), progress.share_done)
    for activity_id, share in furthest.items():
        ActivityProgress.objects.create(report=report, activity_id=activity_id, share_done=share, note=_("from the village reports"))
    problems = [f"{v.source_name}: {v.problems}" for v in villages if v.problems]
    recommendations = [f"{v.source_name}: {v.recommendations}" for v in villages if v.recommendations]
    report.problems = "\n".join(filter(None, [report.problems, *problems]))
    report.recommendations = "\n".join(filter(None, [report.recommendations, *recommendations]))
    report.save(update_fields=["problems", "recommendations"])
    _event(report, actor=actor, action="consolidated", from_status=report.status,
           note=", ".join(v.source_name for v in villages))
    return report


@transaction.atomic
def report_submit(*, actor, report: PeriodicReport) -> PeriodicReport:
    """Send a village report to the commune, or the commune report to the district Finance-Planning Office."""
    report = _lock_report(report)
    _require_writer(actor, report)
    if report.status not in EDITABLE:
        raise ValidationError({"status": [_(ALREADY_SUBMITTED)]})
    previous = report.status
    report.status, report.submitted_at = ReportStatus.SUBMITTED, timezone.now()
    report.save(update_fields=["status", "submitted_at"])
    _event(report, actor=actor, action="submitted", from_status=previous)
    # The commune report goes to the district office, a report of the level below to the commune (Đ11.3–4).
    commune = report.me_plan.commune
    for level, unit in ([("commune", commune), ("statistics", commune)] if report.is_below_commune else [("district", commune.parent)]):
        announce_new_work(sender=PeriodicReport, level=level, unit=unit, actor=actor)
    return report


def _require_reviewer(actor, report):
    """403 unless `accounts.access.can_review_report`; 400 unless the report is submitted."""
    if not access.can_review_report(actor, report):
        raise _forbidden()
    if report.status != ReportStatus.SUBMITTED:
        raise ValidationError({"status": [_("Only a submitted report is accepted or returned.")]})


@transaction.atomic
def report_accept(*, actor, report: PeriodicReport, comment: str = "") -> PeriodicReport:
    """The district accepts a commune report (the commune a village report).

    Accepting a commune report records each reported project line in the investment app, a disbursement
    (with its progress) when money was paid, the physical progress alone otherwise, so the project's
    progress is what the accepted report says; if the investment app refuses one, nothing is accepted.
    """
    report = _lock_report(report)
    _require_reviewer(actor, report)
    if not report.is_below_commune:
        note = _("M&E report %(period)s") % {"period": report.period}
        for line in report.project_progress.select_related("project"):
            try:
                if line.disbursed > 0:
                    line.disbursement = disbursement_record(
                        project=line.project, actor=actor, paid_on=line.paid_on, amount=line.disbursed,
                        physical_progress=line.physical_progress, note=note,
                    )
                    line.save(update_fields=["disbursement"])
                else:
                    # Progress without money (works advance before payment): still the project's progress.
                    progress_record(project=line.project, actor=actor, on=line.paid_on, physical_progress=line.physical_progress, note=note)
            except ValidationError as exc:
                # Say which project the investment app refused; the transaction undoes the lines already recorded.
                raise ValidationError({"project_progress": [f"{line.project.code}: {message}" for message in exc.messages]})
    report.status, report.decided_at, report.review_comment = ReportStatus.ACCEPTED, timezone.now(), comment
    report.save(update_fields=["status", "decided_at", "review_comment"])
    _event(report, actor=actor, action="accepted", from_status=ReportStatus.SUBMITTED, note=comment)
    return report


@transaction.atomic
def report_return(*, actor, report: PeriodicReport, comment: str) -> PeriodicReport:
    """Return a submitted report with comments; its author edits it and submits it again."""
    if not (comment or "").strip():
        raise ValidationError({"comment": [_("Say what must be corrected.")]})
    report = _lock_report(report)
    _require_reviewer(actor, report)
    report.status, report.decided_at, report.review_comment = ReportStatus.RETURNED, timezone.now(), comment
    report.save(update_fields=["status", "decided_at", "review_comment"])
    _event(report, actor=actor, action="returned", from_status=ReportStatus.SUBMITTED, note=comment)
    return report


# ---- People's Council evaluation, community supervision, evidence ----------------------------

@transaction.atomic
def council_evaluation_record(*, actor, me_plan: MEPlan, period: ReportingPeriod, held_on: date, assessment: str,
                              resolution_number: str = "") -> CouncilEvaluation:
    """Record the commune People's Council's periodic evaluation of the main targets (Đ11.2): by the council's own
    account (`accounts.access.can_act_for_council`), 403 for anyone else, the planning team included.

    ValidationError (400) naming the field, nothing written: `me_plan` not approved; `period` not one the council
    evaluates (`EVALUATED_PERIODS`: the first half-year or the year) of the M&E plan's own year, or not ended yet, or
    already evaluated for this plan (also a database constraint); `held_on` before the period's end or in the future;
    an empty `assessment`."""
    if not access.can_act_for_council(actor, me_plan.commune):
        raise _forbidden(_("Only the commune's People's Council may do this."))
    if me_plan.status != MEPlanStatus.APPROVED:
        raise ValidationError({"me_plan": [_("The council evaluates an approved M&E plan.")]})
    if (period.year != me_plan.year or not ReportingPeriod.objects.filter(EVALUATED_PERIODS, pk=period.pk).exists()
            or period.ends_on >= today()):
        raise ValidationError({"period": [_("The council evaluates the first half-year or the whole year of the M&E plan's year, once it has ended.")]})
    if not assessment.strip():
        raise ValidationError({"assessment": [_("This field is required.")]})
    refuse_future(held_on, field="held_on")
    refuse_before(held_on, earliest=period.ends_on + timedelta(days=1), field="held_on",
                  message=_("The council evaluates a period after it has ended: give a date from %(date)s."))
    already = ValidationError({"period": [_("The council has already evaluated this period.")]})
    if CouncilEvaluation.objects.filter(me_plan=me_plan, period=period).exists():
        raise already
    try:
        with transaction.atomic():
            return CouncilEvaluation.objects.create(me_plan=me_plan, period=period, held_on=held_on, assessment=assessment,
                                                    resolution_number=resolution_number, recorded_by=actor)
    except IntegrityError:  # a concurrent request recorded it first (constraint one_council_evaluation_per_period)
        raise already


def _check_location(location, commune, field="geometry"):
    try:
        check_inside(location, commune)
    except GeometryRejected as exc:
        raise ValidationError({field: [exc.message]})


@transaction.atomic
def finding_record(*, actor, activity: Activity, board: str, found_on: date, finding: str, location, recommendation: str = "",
                   photo=None, photo_caption: str = "") -> SupervisionFinding:
    """Record a community supervision board's finding on a work (Đ8), at a place inside the commune.

    With a photo (a `files.uploads.CheckedFile`, checked by the caller) the photo is kept as the finding's evidence at the
    same place, in the same transaction: the finding and its photo are saved together or not at all.
    """
    me_plan = activity.me_plan
    if not access.can_monitor_commune(actor, me_plan.commune):
        raise _forbidden()
    _check_location(location, me_plan.commune)
    recorded = SupervisionFinding.objects.create(me_plan=me_plan, activity=activity, board=board, found_on=found_on, finding=finding,
                                                 recommendation=recommendation, location=location, recorded_by=actor)
    if photo is not None:
        photo_add(actor=actor, me_plan=me_plan, photo=photo, location=location, caption=photo_caption,
                  taken_on=found_on, activity=activity, finding=recorded)
    return recorded


@transaction.atomic
def photo_add(*, actor, me_plan: MEPlan, photo, location, caption: str = "", taken_on: date | None = None,
              report: PeriodicReport | None = None, activity: Activity | None = None, finding: SupervisionFinding | None = None) -> EvidencePhoto:
    """Keep a photo taken inside the commune as evidence of a report, an activity or a finding.

    `photo` is a `files.uploads.CheckedFile` (checked and re-encoded by the caller with `checked_file`), stored under
    the district's schema with a random name; its sniffed type and the sender's file name are kept."""
    if not access.can_add_evidence(actor, me_plan.commune):
        raise _forbidden()
    if report is not None:
        if report.me_plan_id != me_plan.pk:
            raise ValidationError({"report": [_("This report is not of the M&E plan.")]})
        _require_writer(actor, report)
        if report.status not in EDITABLE:
            raise ValidationError({"report": [_(NOT_EDITABLE)]})
    if activity is not None and activity.me_plan_id != me_plan.pk:
        raise ValidationError({"activity": [_("This activity is not in the M&E plan.")]})
    if finding is not None and finding.me_plan_id != me_plan.pk:
        raise ValidationError({"finding": [_("This finding is not of the M&E plan.")]})
    _check_location(location, me_plan.commune)
    return EvidencePhoto.objects.create(me_plan=me_plan, report=report, activity=activity, finding=finding, photo=photo, photo_name=photo.original_name,
                                        content_type=photo.content_type, caption=caption, taken_on=taken_on, location=location,
                                        uploaded_by=actor)

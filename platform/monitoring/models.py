"""Monitoring and evaluation of the commune plan (Đ8–Đ11), in the district schema.

An approved commune plan gets one M&E plan (Đ9): indicators taken from its targets and activities
taken from its items. Village heads and the commune report on it by period (Đ10–11); the commune
report goes to the district Finance-Planning Office, which accepts it or returns it. The commune
People's Council's periodic evaluation and the community supervision board's findings (Đ8) are kept
with it, with geolocated photos as evidence.
"""
from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import StateChange
from core.models import ReportPeriodKind
from files.storage import upload_field


class MEPlanStatus(models.TextChoices):
    DRAFT = "draft", _("Being prepared")
    APPROVED = "approved", _("Approved by the commune People's Committee")


class MEPlan(models.Model):
    """The M&E plan of one approved commune plan version (Đ9), approved by the commune People's Committee."""

    plan = models.OneToOneField("plans.CommunePlan", on_delete=models.PROTECT, related_name="me_plan", verbose_name=_("commune plan"))
    commune = models.ForeignKey("geo.AdministrativeUnit", db_constraint=False, on_delete=models.PROTECT, related_name="+", verbose_name=_("commune"))
    year = models.PositiveSmallIntegerField(_("plan year"))
    status = models.CharField(_("status"), max_length=20, choices=MEPlanStatus.choices, default=MEPlanStatus.DRAFT)
    decision_number = models.CharField(_("People's Committee decision number"), max_length=50, blank=True)
    decision_date = models.DateField(_("People's Committee decision date"), null=True, blank=True)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("M&E plan")
        verbose_name_plural = _("M&E plans")
        ordering = ["-year", "commune__code"]

    def __str__(self):
        return f"M&E {self.commune} {self.year}"


class Frequency(models.TextChoices):
    QUARTER = "quarter", _("Quarterly")
    HALF = "half", _("Every six months")
    YEAR = "year", _("Yearly")


class Indicator(models.Model):
    """An indicator followed by the M&E plan, taken from one of the plan's socio-economic targets."""

    me_plan = models.ForeignKey(MEPlan, on_delete=models.CASCADE, related_name="indicators")
    target = models.ForeignKey("plans.SocioEconomicTarget", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    name = models.CharField(_("indicator"), max_length=300)
    unit = models.CharField(_("unit"), max_length=50)
    baseline = models.DecimalField(_("baseline"), max_digits=18, decimal_places=2, null=True, blank=True)
    target_value = models.DecimalField(_("target"), max_digits=18, decimal_places=2)
    frequency = models.CharField(_("frequency"), max_length=10, choices=Frequency.choices, default=Frequency.QUARTER)
    data_source = models.CharField(_("data source"), max_length=200, blank=True)
    responsible = models.CharField(_("person responsible"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class Activity(models.Model):
    """An activity or work followed by the M&E plan, taken from a plan item: schedule, expected volume, person responsible."""

    me_plan = models.ForeignKey(MEPlan, on_delete=models.CASCADE, related_name="activities")
    item = models.ForeignKey("plans.PlanItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    project = models.ForeignKey("investment.InvestmentProject", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("investment project"))
    kind = models.CharField(_("kind"), max_length=10, default="work")
    title = models.CharField(_("title"), max_length=300)
    geom = models.GeometryField(_("location"), srid=4326, null=True, blank=True)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    expected_volume = models.DecimalField(_("expected volume"), max_digits=18, decimal_places=2, null=True, blank=True)
    volume_unit = models.CharField(_("unit of volume"), max_length=50, blank=True)
    responsible = models.CharField(_("person responsible"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return self.title


class MEPlanEvent(StateChange):
    """Every change of an M&E plan: created, edited, approved."""

    # The actions monitoring.services writes, labelled for the answers (accounts.events.action_label).
    # Context "event": the same English words are states elsewhere ("Approved" = "Đã phê duyệt" in plans).
    ACTION_LABELS = {"created": pgettext_lazy("event", "Created"), "edited": pgettext_lazy("event", "Edited"),
                     "approved": pgettext_lazy("event", "Approved")}

    me_plan = models.ForeignKey(MEPlan, on_delete=models.CASCADE, related_name="events")


class ReportingPeriod(models.Model):
    """A reporting period of the district (quarter, six months, year) with its due dates, made from the province's defaults."""

    kind = models.CharField(_("period"), max_length=10, choices=ReportPeriodKind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.PositiveSmallIntegerField(_("number in the year"))
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    village_due_on = models.DateField(_("village report due"))
    commune_due_on = models.DateField(_("commune report due"))

    class Meta:
        verbose_name = _("reporting period")
        verbose_name_plural = _("reporting periods")
        constraints = [models.UniqueConstraint(fields=["kind", "year", "number"], name="one_reporting_period")]
        ordering = ["year", "ends_on", "kind"]

    def __str__(self):
        if self.kind == ReportPeriodKind.YEAR:
            return str(_("Year %(year)s") % {"year": self.year})
        if self.kind == ReportPeriodKind.HALF:
            return str(_("Six months %(n)s/%(year)s") % {"n": self.number, "year": self.year})
        return str(_("Quarter %(n)s/%(year)s") % {"n": self.number, "year": self.year})


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Being written")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned with comments")
    ACCEPTED = "accepted", _("Accepted")


class PeriodicReport(models.Model):
    """A village's or the commune's M&E report for one period (Đ10–11).

    A village report (village set) goes to the commune; the commune report (village empty) consolidates
    them and goes to the district Finance-Planning Office. Only a draft or returned report is edited.
    """

    me_plan = models.ForeignKey(MEPlan, on_delete=models.PROTECT, related_name="reports")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="reports")
    village = models.ForeignKey("geo.AdministrativeUnit", db_constraint=False, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # A commune unit the district assigned to report (Đ11.1): a level below the commune beside the villages.
    commune_unit = models.ForeignKey("proposals.CommuneUnit", null=True, blank=True, on_delete=models.PROTECT, related_name="me_reports",
                                     verbose_name=_("commune unit"))
    status = models.CharField(_("status"), max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT)
    problems = models.TextField(_("problems"), blank=True)
    recommendations = models.TextField(_("recommendations"), blank=True)
    # The number the commune People's Committee gives its report ("7" → "Số: 7/BC-UBND"; Decree 30, Art. 8); "" to fill by hand.
    document_number = models.CharField(_("document number"), max_length=30, blank=True)
    village_reports = models.ManyToManyField("self", symmetrical=False, blank=True, related_name="consolidated_in")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    review_comment = models.TextField(_("comments of the reviewer"), blank=True)

    class Meta:
        verbose_name = _("periodic report")
        verbose_name_plural = _("periodic reports")
        constraints = [
            models.UniqueConstraint(fields=["me_plan", "period", "village"], name="one_village_report_per_period"),
            models.UniqueConstraint(fields=["me_plan", "period", "commune_unit"], name="one_unit_report_per_period"),
            models.UniqueConstraint(fields=["me_plan", "period"], condition=models.Q(village__isnull=True, commune_unit__isnull=True),
                                    name="one_commune_report_per_period"),
        ]
        ordering = ["period__ends_on", "village__code", "id"]

    @property
    def level(self):
        """"village" or "unit" (a report of the level below, consolidated by the commune), or "commune"."""
        return "village" if self.village_id else "unit" if self.commune_unit_id else "commune"

    @property
    def source_name(self):
        """The village's or commune unit's name (for a report of the level below), else the commune's."""
        return self.village.name if self.village_id else self.commune_unit.name if self.commune_unit_id else self.me_plan.commune.name

    @property
    def is_below_commune(self):
        return bool(self.village_id or self.commune_unit_id)


class ReportEvent(StateChange):
    """Every change of a report: created, edited, consolidated, submitted, accepted, returned."""

    # The actions monitoring.services writes, labelled for the answers (accounts.events.action_label).
    ACTION_LABELS = {
        "created": pgettext_lazy("event", "Created"), "edited": pgettext_lazy("event", "Edited"),
        "consolidated": pgettext_lazy("event", "Consolidated"), "submitted": pgettext_lazy("event", "Submitted"),
        "accepted": pgettext_lazy("event", "Accepted"), "returned": pgettext_lazy("event", "Returned"),
    }

    report = models.ForeignKey(PeriodicReport, on_delete=models.CASCADE, related_name="events")


class IndicatorValue(models.Model):
    report = models.ForeignKey(PeriodicReport, on_delete=models.CASCADE, related_name="indicator_values")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "indicator"], name="one_value_per_indicator_and_report")]
        ordering = ["indicator__order", "indicator_id"]


class ActivityProgress(models.Model):
    report = models.ForeignKey(PeriodicReport, on_delete=models.CASCADE, related_name="activity_progress")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="progress")
    share_done = models.DecimalField(_("share of volume done (%)"), max_digits=5, decimal_places=2)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "activity"], name="one_progress_per_activity_and_report")]
        ordering = ["activity__order", "activity_id"]


class ProjectProgress(models.Model):
    """An investment project's disbursement and physical progress reported by the commune; recorded in the
    investment app (a Disbursement) when the district accepts the report."""

    report = models.ForeignKey(PeriodicReport, on_delete=models.CASCADE, related_name="project_progress")
    project = models.ForeignKey("investment.InvestmentProject", on_delete=models.PROTECT, related_name="+")
    paid_on = models.DateField(_("date"))
    disbursed = models.BigIntegerField(_("disbursed in the period (VND)"), default=0)
    physical_progress = models.PositiveSmallIntegerField(_("physical progress (%)"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    disbursement = models.ForeignKey("investment.Disbursement", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["report", "project"], name="one_progress_per_project_and_report")]
        ordering = ["project__code"]


# The commune People's Council meets in regular session twice a year (mid-year and year-end): it evaluates the first
# half-year and the whole year, not each quarter (nor the second half apart from the year).
EVALUATED_PERIODS = models.Q(kind=ReportPeriodKind.HALF, number=1) | models.Q(kind=ReportPeriodKind.YEAR)


class CouncilEvaluation(models.Model):
    """The commune People's Council's periodic evaluation of the main targets and activities (Đ11.2)."""

    me_plan = models.ForeignKey(MEPlan, on_delete=models.CASCADE, related_name="council_evaluations")
    period = models.ForeignKey(ReportingPeriod, on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("session date"))
    resolution_number = models.CharField(_("resolution number"), max_length=50, blank=True)
    assessment = models.TextField(_("evaluation"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "id"]
        constraints = [models.UniqueConstraint(fields=["me_plan", "period"], name="one_council_evaluation_per_period")]


class SupervisionFinding(models.Model):
    """A finding of the community supervision board on a work (Đ8), with where it was seen."""

    me_plan = models.ForeignKey(MEPlan, on_delete=models.CASCADE, related_name="findings")
    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="findings")
    board = models.CharField(_("supervision board"), max_length=200)
    found_on = models.DateField(_("date"))
    finding = models.TextField(_("finding"))
    recommendation = models.TextField(_("recommendation"), blank=True)
    location = models.PointField(_("location"), srid=4326)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-found_on", "-id"]


class EvidencePhoto(models.Model):
    """A photo with the place it was taken, evidence for a report (optionally of one activity) or a supervision finding."""

    me_plan = models.ForeignKey(MEPlan, on_delete=models.CASCADE, related_name="photos")
    report = models.ForeignKey(PeriodicReport, null=True, blank=True, on_delete=models.CASCADE, related_name="photos")
    finding = models.ForeignKey(SupervisionFinding, null=True, blank=True, on_delete=models.CASCADE, related_name="photos")
    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="photos")
    photo = upload_field("evidence-photos", _("photo"))
    photo_name = models.CharField(_("photo file name"), max_length=255, blank=True)
    content_type = models.CharField(max_length=50)
    caption = models.CharField(_("caption"), max_length=300, blank=True)
    taken_on = models.DateField(_("taken on"), null=True, blank=True)
    location = models.PointField(_("location"), srid=4326)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at", "-id"]

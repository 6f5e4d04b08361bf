from datetime import date

from django.contrib.gis.db import models as gis_models
from django.contrib.postgres.fields import ArrayField
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStep(models.TextChoices):
    """The steps of Decision 07/2015 that carry a deadline, in order."""

    TEAM = "team", _("Form the planning team (Đ3)")
    PROPOSALS = "proposals", _("Village meetings and proposals (Đ5, step 1)")
    ORIENTATION = "orientation", _("District orientation (Đ5, step 2)")
    DRAFT = "draft", _("Draft plan and consultation (Đ5, step 3)")
    DISTRICT_FEEDBACK = "district_feedback", _("District feedback (Đ5, step 4)")
    SEDP_CONFERENCE = "sedp_conference", _("SEDP conference and wide consultation (Đ5, step 5)")
    APPROVAL = "approval", _("Approval and announcement (Đ6)")


# Bắc Ninh's dates (Decision 07/2015/QĐ-UBND), loaded as data; a province changes them in the admin.
BAC_NINH_DEADLINES = {
    PlanStep.TEAM: (5, 5),
    PlanStep.PROPOSALS: (5, 10),
    PlanStep.ORIENTATION: (5, 31),
    PlanStep.DRAFT: (6, 30),
    PlanStep.DISTRICT_FEEDBACK: (7, 5),
    PlanStep.SEDP_CONFERENCE: (7, 10),
    PlanStep.APPROVAL: (12, 30),
}


class StepDeadline(models.Model):
    """The day in the planning year by which a step must be done, from a plan year on.

    The planning year is the year before the plan year: the 2027 plan is made during 2026.
    """

    step = models.CharField(_("step"), max_length=30, choices=PlanStep.choices)
    month = models.PositiveSmallIntegerField(_("month"))
    day = models.PositiveSmallIntegerField(_("day"))
    from_plan_year = models.PositiveSmallIntegerField(_("valid from plan year"), default=2016)
    note = models.CharField(_("legal basis"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("step deadline")
        verbose_name_plural = _("step deadlines")
        constraints = [models.UniqueConstraint(fields=["step", "from_plan_year"], name="one_deadline_per_step_and_year")]
        ordering = ["step", "-from_plan_year"]

    def __str__(self):
        return f"{self.get_step_display()}: {self.day:02d}/{self.month:02d}"

    def clean(self):
        try:
            date(2024, self.month, self.day)
        except (TypeError, ValueError):
            raise ValidationError(_("Not a day of the year."))

    def due_for(self, plan_year):
        return date(plan_year - 1, self.month, self.day)


class CapitalSource(models.TextChoices):
    """Capital sources used across plans and investment (DOMAIN.md); one vocabulary for every app."""

    CENTRAL_BUDGET = "central_budget", _("Central budget")
    PROVINCIAL_BUDGET = "provincial_budget", _("Provincial budget")
    DISTRICT_BUDGET = "district_budget", _("District budget")
    COMMUNE_BUDGET = "commune_budget", _("Commune budget")
    NATIONAL_TARGET_PROGRAMME = "national_target_programme", _("National target programmes")
    ODA = "oda", _("ODA")
    RESIDENTS = "residents", _("Residents' contributions")
    ENTERPRISES = "enterprises", _("Enterprises")
    OTHER = "other", _("Other sources")


class ReportPeriodKind(models.TextChoices):
    """The periods of M&E reports (Đ10: 'periodic, under the State's reporting rules')."""

    QUARTER = "quarter", _("Quarter")
    HALF = "half", _("Six months")
    YEAR = "year", _("Year")


class ReportingDeadline(models.Model):
    """How many days after a period ends the village and commune M&E reports are due (Đ10–11).

    A province-level default kept as data, like StepDeadline: the district's reporting periods are
    made from it, and a province changes it in the admin.
    """

    kind = models.CharField(_("period"), max_length=10, choices=ReportPeriodKind.choices, unique=True)
    village_days = models.PositiveSmallIntegerField(_("village report due (days after the period)"))
    commune_days = models.PositiveSmallIntegerField(_("commune report due (days after the period)"))
    note = models.CharField(_("legal basis"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("reporting deadline")
        verbose_name_plural = _("reporting deadlines")
        ordering = ["kind"]

    def __str__(self):
        return f"{self.get_kind_display()}: +{self.village_days}/+{self.commune_days}"


# Village reports first, so the commune can consolidate them before its own is due.
DEFAULT_REPORTING_DEADLINES = {
    ReportPeriodKind.QUARTER: (5, 10),
    ReportPeriodKind.HALF: (5, 15),
    ReportPeriodKind.YEAR: (10, 20),
}

class InvestmentRollup(models.Model):
    """The province's copy of the districts' public-investment figures, kept current by the district's own writes.

    One row per district (commune_code "") or commune served, year (null: all years), sector and
    capital source ("" : every source). Money is VND. A project serving several communes has its
    money split evenly between them (the remainder đồng go to the lowest codes), so the commune rows
    add up to the district row; its project count is 1 in each commune it serves. The district row is
    summed from the commune rows, so a write touching one commune recomputes only that commune's
    projects and then the district's few rows in the public schema. Written only by
    `province.rollup.rollup_refresh`, in the same transaction as the district write that changed it.
    """

    district_code = models.CharField(max_length=20)
    commune_code = models.CharField(max_length=20, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    sector = models.CharField(max_length=30)
    source = models.CharField(max_length=30, blank=True)
    # total_investment: projects of the unit (with a year: the projects whose start–end years include it).
    total_investment = models.BigIntegerField(default=0)
    # planned: allocations in any plan (draft, submitted, approved); allocated: in approved plans only.
    planned = models.BigIntegerField(default=0)
    allocated = models.BigIntegerField(default=0)
    # disbursed: paid out (with a year: paid in that year); by source, prorated by the project's source shares.
    disbursed = models.BigIntegerField(default=0)
    project_count = models.IntegerField(default=0)
    # A commune row's share of its projects (1/n for a project serving n communes): the district row is
    # the sum of its commune rows, its project count the rounded sum of these shares, exact to 1e-30.
    project_share = models.DecimalField(max_digits=40, decimal_places=30, default=0)
    # Σ total_investment × physical progress (%): divided by Σ total_investment it gives the weighted progress.
    progress_weight = models.DecimalField(max_digits=24, decimal_places=0, default=0)
    # Proposals of the unit that came from village meetings, and those a project answers (rows with source "").
    village_proposals = models.IntegerField(default=0)
    village_proposals_funded = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["year", "source", "commune_code"])]
        constraints = [
            # The key of a row: the refresh upserts on it (ON CONFLICT) and rewrites only the rows whose figures changed.
            # It also serves the refresh's reads of one district's rows (district_code, commune_code leading).
            models.UniqueConstraint(
                fields=["district_code", "commune_code", "year", "sector", "source"], nulls_distinct=False, name="one_rollup_row_per_key"
            ),
        ]


class RollupRefresh(models.Model):
    """When a district's rollup rows were last brought up to date (the page shows it)."""

    district_code = models.CharField(max_length=20, unique=True)
    refreshed_at = models.DateTimeField()


class CycleRollup(models.Model):
    """The province's copy of each commune plan cycle's current step, for the compliance views.

    Written only by the trigger `public.province_cycle_rollup()` on every district's
    `plans_plancycle` (migrations province 0005 and plans 0002): whatever writes a cycle (a service,
    the admin, a bulk load), the province's copy changes in the same transaction, and the province
    reads one small table instead of a UNION over hundreds of schemas.
    """

    schema_name = models.CharField(max_length=63)
    commune = models.ForeignKey("geo.AdministrativeUnit", on_delete=models.CASCADE, related_name="+")
    plan_year = models.PositiveSmallIntegerField()
    step = models.CharField(max_length=30)
    updated_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["commune", "plan_year"], name="one_cycle_rollup_per_commune_and_year")]
        indexes = [models.Index(fields=["plan_year", "schema_name"])]


class ProjectPoint(gis_models.Model):
    """Every investment project of every district as one point in the public schema, for the province's all-projects map.

    Kept current by `province.services.rollup_refresh`, in the same statement and transaction as the
    rollup rows, so the province reads one table (clusters at province zoom, points closer in) and
    never a district schema. Money is VND: `total_investment` of the project, `planned` (allocations
    in any plan), `allocated` (approved plans), `disbursed` (paid out), all years together.
    """

    district_code = models.CharField(max_length=20)
    # The first commune served (lowest code), and all of them.
    commune_code = models.CharField(max_length=20)
    communes = ArrayField(models.CharField(max_length=20), default=list)
    project_id = models.IntegerField()
    code = models.CharField(max_length=50)
    name = models.CharField(max_length=300)
    sector = models.CharField(max_length=30)
    sources = ArrayField(models.CharField(max_length=30), default=list)
    status = models.CharField(max_length=20)
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField()
    total_investment = models.BigIntegerField(default=0)
    planned = models.BigIntegerField(default=0)
    allocated = models.BigIntegerField(default=0)
    disbursed = models.BigIntegerField(default=0)
    physical_progress = models.PositiveSmallIntegerField(default=0)
    # A representative point of the project's location (a road's point on its line, a polygon's point inside it).
    geom = gis_models.PointField(srid=4326, spatial_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["district_code", "project_id"], name="one_point_per_district_project")]

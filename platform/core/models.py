"""The vocabularies and calendars of Decision 07/2015/QĐ-UBND that every app shares (public schema).

Steps (Đ3–Đ6), sectors, capital sources and M&E reporting periods are choices; the step and
reporting deadlines are province data edited in the admin. The two deadline tables keep the names
they had when they belonged to `province` (`province_stepdeadline`, `province_reportingdeadline`).
"""
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
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
    """The day in the planning year by which a step must be done, from a plan year on (Đ5: Bắc Ninh's calendar).

    The planning year is the year before the plan year: the 2027 plan is made during 2026. The day must
    exist in every year, so 29 February is refused (the admin says so; a database constraint refuses it
    from anywhere else): a due date is then always `date(plan_year - 1, month, day)`.
    """

    step = models.CharField(_("step"), max_length=30, choices=PlanStep.choices)
    month = models.PositiveSmallIntegerField(_("month"))
    day = models.PositiveSmallIntegerField(_("day"))
    from_plan_year = models.PositiveSmallIntegerField(_("valid from plan year"), default=2016)
    note = models.CharField(_("legal basis"), max_length=200, blank=True)

    class Meta:
        db_table = "province_stepdeadline"
        verbose_name = _("step deadline")
        verbose_name_plural = _("step deadlines")
        constraints = [
            models.UniqueConstraint(fields=["step", "from_plan_year"], name="one_deadline_per_step_and_year"),
            models.CheckConstraint(
                condition=Q(month__gte=1, month__lte=12, day__gte=1, day__lte=31) & ~Q(month=2, day__gt=28)
                & ~Q(month__in=[4, 6, 9, 11], day=31),
                name="deadline_is_a_day_of_every_year",
                violation_error_message=_("Not a day of every year: choose a day that exists in every year (28 February, not 29)."),
            ),
        ]
        ordering = ["step", "-from_plan_year"]

    def __str__(self):
        return f"{self.get_step_display()}: {self.day:02d}/{self.month:02d}"

    def clean(self):
        try:
            date(2023, self.month, self.day)  # a non-leap year: the day must exist every year
        except (TypeError, ValueError):
            raise ValidationError({"day": _("Not a day of every year: choose a day that exists in every year (28 February, not 29).")})

    def due_for(self, plan_year: int) -> date:
        """The due date for a plan year: this day of the planning year (plan_year − 1)."""
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
        db_table = "province_reportingdeadline"
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


class Sector(models.TextChoices):
    """Sectors of proposals, plan items, envelopes and projects (docs/USER-GUIDE.md, "Step 1": sector codes); one vocabulary for every app."""

    TRANSPORT = "transport", _("Transport")
    IRRIGATION = "irrigation", _("Irrigation")
    EDUCATION = "education", _("Education")
    HEALTH = "health", _("Health")
    CULTURE_SPORT = "culture_sport", _("Culture and sport")
    ENVIRONMENT_WATER = "environment_water", _("Environment and clean water")
    AGRICULTURE = "agriculture", _("Agriculture")
    ELECTRICITY = "electricity", _("Electricity")
    ADMINISTRATION = "administration", _("Administration")
    SOCIAL_PROTECTION = "social_protection", _("Social protection")
    OTHER = "other", _("Other")

"""The district's public-investment plans and projects, and their review on the map (district schema).

Đ2.2: the SEDP includes the annual public-investment plan under the Law on Public Investment;
Đ8: who runs investment projects and commune-budget works; Đ16: the district integrates and approves.
Money is VND, whole đồng. Nothing that was decided is overwritten: every change leaves an event row.
"""
from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.models import ACTION_LENGTH, StateChange
from core.models import CapitalSource, Sector


class PlanKind(models.TextChoices):
    MEDIUM_TERM = "medium_term", _("Medium-term (5 years)")
    ANNUAL = "annual", _("Annual")


class PlanState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", pgettext_lazy("investment plan state", "Submitted")
    APPROVED = "approved", _("Approved")


class PublicInvestmentPlan(models.Model):
    """The district's medium-term (5-year) or annual public-investment plan and the decision that approved it."""

    kind = models.CharField(_("kind"), max_length=20, choices=PlanKind.choices)
    name = models.CharField(_("name"), max_length=300)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    state = models.CharField(_("state"), max_length=20, choices=PlanState.choices, default=PlanState.DRAFT)
    decision_number = models.CharField(_("approving decision no."), max_length=100, blank=True)
    decision_date = models.DateField(_("approving decision date"), null=True, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("public-investment plan")
        verbose_name_plural = _("public-investment plans")
        ordering = ["-start_year", "kind", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(end_year__gte=models.F("start_year")), name="plan_years_in_order")]

    def __str__(self):
        return self.name

    @property
    def years(self):
        return range(self.start_year, self.end_year + 1)


class PlanEvent(StateChange):
    """One change to a plan: a transition, or an amendment of an approved plan with its old and new values (from/to: PlanState)."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")
        SUBMITTED = "submitted", pgettext_lazy("investment plan state", "Submitted")  # submitted for approval: "Đã trình"
        RETURNED = "returned", _("Returned to draft")
        APPROVED = "approved", _("Approved")
        AMENDED = "amended", _("Amended after approval")

    plan = models.ForeignKey(PublicInvestmentPlan, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=ACTION_LENGTH, choices=Action.choices)
    changes = models.JSONField(default=dict, blank=True)


class ProjectManager(models.TextChoices):
    """Who runs the project (Đ8)."""

    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")
    COMMUNITY_BOARD = "community_board", _("Community project board")


class ProjectGroup(models.TextChoices):
    """Project groups under the Law on Public Investment."""

    NATIONAL = "national", _("National importance")
    A = "A", _("Group A")
    B = "B", _("Group B")
    C = "C", _("Group C")


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    PREPARATION = "preparation", _("In preparation")
    APPROVED = "approved", _("Approved")
    UNDER_CONSTRUCTION = "under_construction", _("Under construction")
    COMPLETED = "completed", _("Completed")
    SUSPENDED = "suspended", _("Suspended")


class InvestmentProject(models.Model):
    """A geolocated investment project of the district with its capital sources, allocations and progress.

    It answers commune proposals (`proposals`) and the commune plan items (`plan_items`, plans app)
    that carry them, so a village's request can be followed to the money.
    """

    code = models.CharField(_("code"), max_length=50, unique=True)
    name = models.CharField(_("name"), max_length=300)
    investor = models.CharField(_("investor"), max_length=300)
    manager = models.CharField(_("managed by"), max_length=20, choices=ProjectManager.choices, default=ProjectManager.DISTRICT)
    communes = models.ManyToManyField("geo.AdministrativeUnit", db_constraint=False, related_name="+", verbose_name=_("communes served"))
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices)
    group = models.CharField(_("project group"), max_length=10, choices=ProjectGroup.choices, default=ProjectGroup.C)
    geom = models.GeometryField(_("location"), srid=4326)
    total_investment = models.BigIntegerField(_("total investment (VND)"))
    decision_number = models.CharField(_("investment decision no."), max_length=100, blank=True)
    decision_date = models.DateField(_("investment decision date"), null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(_("start year"))
    end_year = models.PositiveSmallIntegerField(_("end year"))
    status = models.CharField(_("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PROPOSED, db_index=True)
    physical_progress = models.PositiveSmallIntegerField(_("physical progress (%)"), default=0)
    proposals = models.ManyToManyField("proposals.Proposal", blank=True, related_name="+", verbose_name=_("proposals answered"))
    plan_items = models.ManyToManyField(
        "plans.PlanItem", blank=True, related_name="investment_projects", verbose_name=_("commune plan items answered")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("investment project")
        verbose_name_plural = _("investment projects")
        ordering = ["code"]
        indexes = [models.Index(fields=["sector"])]
        constraints = [
            models.CheckConstraint(condition=models.Q(end_year__gte=models.F("start_year")), name="project_years_in_order"),
            models.CheckConstraint(condition=models.Q(total_investment__gte=0), name="project_total_not_negative"),
            models.CheckConstraint(condition=models.Q(physical_progress__lte=100), name="project_progress_at_most_100"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class ProjectSource(models.Model):
    """The part of a project's total investment that one capital source carries; the parts add up to the total."""

    project = models.ForeignKey(InvestmentProject, on_delete=models.CASCADE, related_name="sources")
    source = models.CharField(_("capital source"), max_length=30, choices=CapitalSource.choices)
    amount = models.BigIntegerField(_("amount (VND)"))

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "source"], name="one_amount_per_project_source"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="source_amount_not_negative"),
        ]


class Allocation(models.Model):
    """Capital allocated to a project in one year of a plan (medium-term or annual), by source."""

    project = models.ForeignKey(InvestmentProject, on_delete=models.CASCADE, related_name="allocations")
    plan = models.ForeignKey(PublicInvestmentPlan, on_delete=models.PROTECT, related_name="allocations")
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(_("capital source"), max_length=30, choices=CapitalSource.choices)
    amount = models.BigIntegerField(_("amount (VND)"))

    class Meta:
        ordering = ["plan_id", "year", "id"]
        indexes = [models.Index(fields=["plan", "year", "source"])]
        constraints = [
            models.UniqueConstraint(fields=["project", "plan", "year", "source"], name="one_allocation_per_project_plan_year_source"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="allocation_not_negative"),
        ]


class Disbursement(models.Model):
    """Money actually paid out on a project, with the physical progress reported at that date."""

    project = models.ForeignKey(InvestmentProject, on_delete=models.CASCADE, related_name="disbursements")
    paid_on = models.DateField(_("date"))
    amount = models.BigIntegerField(_("amount (VND)"))
    physical_progress = models.PositiveSmallIntegerField(_("physical progress (%)"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paid_on", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="disbursement_positive")]


class ProjectEvent(StateChange):
    """One change to a project: a status transition, an edit (old and new values), a disbursement, a progress reading (from/to: ProjectStatus)."""

    class Action(models.TextChoices):
        CREATED = "created", _("Created")
        UPDATED = "updated", _("Updated")
        TRANSITION = "transition", _("Status changed")
        DISBURSED = "disbursed", _("Disbursement recorded")
        PROGRESS = "progress", _("Physical progress recorded")
        REVIEWED = "reviewed", _("Review decision")

    project = models.ForeignKey(InvestmentProject, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=ACTION_LENGTH, choices=Action.choices)
    changes = models.JSONField(default=dict, blank=True)


class ReviewDecision(models.TextChoices):
    INCLUDE = "include", _("Include in the plan")
    REQUEST_CHANGE = "request_change", _("Request a change")
    DEFER = "defer", _("Defer")
    REJECT = "reject", _("Reject")


class Review(models.Model):
    """A district reviewer's decision on a project or on a commune plan item, or a note pinned at a place on the map.

    Rows are never edited: a new decision is a new row, so the history of decisions is the table.
    """

    project = models.ForeignKey(InvestmentProject, null=True, blank=True, on_delete=models.CASCADE, related_name="reviews")
    # A work that a commune's draft plan puts forward. The commune may still delete the item from a
    # working draft: the decision stays, with the item's lineage and title as they were.
    plan_item = models.ForeignKey(
        "plans.PlanItem", null=True, blank=True, on_delete=models.SET_NULL, related_name="investment_reviews", verbose_name=_("plan item")
    )
    plan_item_lineage = models.UUIDField(null=True, blank=True, editable=False)
    plan_item_title = models.CharField(max_length=300, blank=True, editable=False)
    decision = models.CharField(_("decision"), max_length=20, choices=ReviewDecision.choices, blank=True)
    comment = models.TextField(_("comment"))
    location = models.PointField(_("pinned at"), srid=4326, null=True, blank=True)
    # The communes a review concerns: the project's, or the one under a pinned note.
    communes = models.ManyToManyField("geo.AdministrativeUnit", db_constraint=False, related_name="+", verbose_name=_("communes concerned"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(project__isnull=False) | models.Q(location__isnull=False) | models.Q(plan_item_lineage__isnull=False),
                name="review_has_project_item_or_place",
            ),
            models.CheckConstraint(
                condition=models.Q(project__isnull=True) | models.Q(plan_item_lineage__isnull=True), name="review_of_project_or_item_not_both"
            ),
        ]

    @property
    def kind(self):
        return "decision" if self.decision else "note"


class ReviewAnswer(models.Model):
    """The commune's answer to a review decision or note."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="answers")
    text = models.TextField(_("answer"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

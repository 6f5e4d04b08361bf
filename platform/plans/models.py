"""The commune plan cycle of Decision 07/2015 (Đ3–Đ7), in the district schema.

One PlanCycle per commune and plan year walks through the steps of `core.models.PlanStep`;
its plan exists as versions (CommunePlan: v1, revised, final, amendments), each with its
socio-economic targets and plan items. An approved version is never edited again.
"""
import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import STATUS_LENGTH, StateChange
from core.models import CapitalSource, PlanStep, Sector
from files.storage import upload_field

PUBLISHED = "published"
# The steps in the order the regulation walks them; "published" is the end of the cycle.
STEP_ORDER = [s.value for s in PlanStep] + [PUBLISHED]
STEP_CHOICES = list(PlanStep.choices) + [(PUBLISHED, _("Approved and announced"))]


class Owner(models.TextChoices):
    COMMUNE = "commune", _("Commune")
    DISTRICT = "district", _("District")


# Who completes each step (Đ3, Đ5, Đ6): the commune's planning team, or the district's Finance-Planning Office.
STEP_OWNER = {
    PlanStep.TEAM: Owner.COMMUNE,
    PlanStep.PROPOSALS: Owner.COMMUNE,
    PlanStep.ORIENTATION: Owner.DISTRICT,
    PlanStep.DRAFT: Owner.COMMUNE,
    PlanStep.DISTRICT_FEEDBACK: Owner.DISTRICT,
    PlanStep.SEDP_CONFERENCE: Owner.COMMUNE,
    PlanStep.APPROVAL: Owner.COMMUNE,
}


class PlanCycle(models.Model):
    """A commune's planning cycle for one plan year (made during the year before)."""

    commune = models.ForeignKey("geo.AdministrativeUnit", db_constraint=False, on_delete=models.PROTECT, related_name="+", verbose_name=_("commune"))
    plan_year = models.PositiveSmallIntegerField(_("plan year"))
    step = models.CharField(_("current step"), max_length=30, choices=STEP_CHOICES, default=PlanStep.TEAM)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The number the district People's Committee gave its letter of comments on the draft (step 4, Đ5.4; Decree 30,
    # Art. 8): "12" printed "Số: 12/UBND-TCKH", or a full "12/UBND-TCKH"; "" while not recorded (filled by hand).
    feedback_letter_number = models.CharField(_("feedback letter number"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("plan cycle")
        verbose_name_plural = _("plan cycles")
        constraints = [models.UniqueConstraint(fields=["commune", "plan_year"], name="one_cycle_per_commune_and_year")]
        ordering = ["-plan_year", "commune__code"]

    def __str__(self):
        return f"{self.commune} {self.plan_year}"

    @property
    def is_published(self):
        return self.step == PUBLISHED


class CycleTransition(StateChange):
    """One completed step (Đ3–Đ6): who moved the cycle from which step to which (from/to: STEP_CHOICES), when, with what note."""

    COMPLETED = "completed"  # the only action so far: cycle_step_complete
    ACTION_LABELS = {COMPLETED: _("Step completed")}  # accounts.events.action_label

    cycle = models.ForeignKey(PlanCycle, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=STATUS_LENGTH, blank=True, choices=STEP_CHOICES)
    to_status = models.CharField(max_length=STATUS_LENGTH, blank=True, choices=STEP_CHOICES)
    # The date the step's decision was taken (entered, never in the future), not the day it was recorded: a team that
    # decided on 28/04 and recorded it in May was on time. Lateness is judged on it (core.deadlines.lateness).
    decided_on = models.DateField(_("decided on"))
    # The step's due date when it was completed, kept so that a later calendar change does not rewrite history.
    due_on = models.DateField(_("due date"), null=True, blank=True)


class StepEvidence(models.Model):
    """A document or meeting record that shows a step was done."""

    cycle = models.ForeignKey(PlanCycle, on_delete=models.CASCADE, related_name="evidence")
    step = models.CharField(_("step"), max_length=30, choices=PlanStep.choices)
    title = models.CharField(_("title"), max_length=300)
    file = upload_field("step-evidence", _("file"), blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.PROTECT, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]


class PlanningTeam(models.Model):
    """The commune planning team (Đ3): 5 to 7 members led by the chairman of the commune People's Committee."""

    cycle = models.OneToOneField(PlanCycle, on_delete=models.CASCADE, related_name="team")
    decision_number = models.CharField(_("decision number"), max_length=50, blank=True)
    decision_date = models.DateField(_("decision date"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)


class TeamMember(models.Model):
    team = models.ForeignKey(PlanningTeam, on_delete=models.CASCADE, related_name="members")
    full_name = models.CharField(_("full name"), max_length=200)
    position = models.CharField(_("position"), max_length=200)
    represents = models.CharField(_("commune unit represented"), max_length=200)
    is_leader = models.BooleanField(_("team leader"), default=False)
    is_commune_chairman = models.BooleanField(_("chairman of the commune People's Committee"), default=False)

    class Meta:
        ordering = ["-is_leader", "id"]


class Orientation(models.Model):
    """Step 2: what the district passes on to its communes for a plan year (documents, programmes, envelopes)."""

    plan_year = models.PositiveSmallIntegerField(_("plan year"))
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("orientation"), blank=True)
    expected_programmes = models.TextField(_("expected programmes and projects"), blank=True)
    # What the provincial departments published (Đ5.2, Đ15.2) that the district passes on with this orientation.
    department_publications = models.ManyToManyField("accounts.DepartmentPublication", db_constraint=False, blank=True, related_name="+",
                                                     verbose_name=_("provincial departments' publications"))
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-plan_year", "-id"]


class OrientationDocument(models.Model):
    orientation = models.ForeignKey(Orientation, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("title"), max_length=300)
    file = upload_field("orientation-documents", _("file"), blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    url = models.URLField(_("link"), blank=True)


class ResourceEnvelope(models.Model):
    """An indicative amount (VND) for one commune, sector and capital source in the plan year."""

    orientation = models.ForeignKey(Orientation, on_delete=models.CASCADE, related_name="envelopes")
    commune = models.ForeignKey("geo.AdministrativeUnit", db_constraint=False, on_delete=models.PROTECT, related_name="+")
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices)
    capital_source = models.CharField(_("capital source"), max_length=30, choices=CapitalSource.choices)
    amount = models.BigIntegerField(_("amount (VND)"))

    class Meta:
        ordering = ["commune__code", "sector", "capital_source"]


class PlanKind(models.TextChoices):
    V1 = "v1", _("Draft v1")
    REVISED = "revised", _("Revised draft")
    FINAL = "final", _("Final")
    AMENDMENT = "amendment", _("Amendment")


class PlanStatus(models.TextChoices):
    WORKING = "working", _("Being written")
    FROZEN = "frozen", _("Superseded or submitted")
    APPROVED = "approved", _("Approved")


class CommunePlan(models.Model):
    """One version of a commune's plan. Only a `working` version can be edited."""

    cycle = models.ForeignKey(PlanCycle, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    kind = models.CharField(_("kind"), max_length=20, choices=PlanKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=PlanStatus.choices, default=PlanStatus.WORKING)
    based_on = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    amendment_reason = models.TextField(_("reason of the amendment"), blank=True)
    assessment = models.TextField(_("assessment of the current year"), blank=True)
    solutions = models.TextField(_("tasks and solutions"), blank=True)
    monitoring = models.TextField(_("monitoring and evaluation arrangements"), blank=True)
    consultation_closes_on = models.DateField(_("public comments until"), null=True, blank=True)
    council_resolution_number = models.CharField(_("People's Council resolution number"), max_length=50, blank=True)
    council_resolution_date = models.DateField(_("People's Council resolution date"), null=True, blank=True)
    council_resolution_file = upload_field("council-resolutions", blank=True)
    council_resolution_file_name = models.CharField(max_length=255, blank=True)
    district_decision_number = models.CharField(_("district approval decision number"), max_length=50, blank=True)
    district_decision_date = models.DateField(_("district approval decision date"), null=True, blank=True)
    district_decision_file = upload_field("district-decisions", blank=True)
    district_decision_file_name = models.CharField(max_length=255, blank=True)
    # The number the commune People's Committee gives the plan when it issues it ("12" → "Số: 12/KH-UBND"; Decree 30, Art. 8).
    document_number = models.CharField(_("document number"), max_length=30, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    announced_at = models.DateTimeField(_("announced"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("commune plan")
        verbose_name_plural = _("commune plans")
        constraints = [models.UniqueConstraint(fields=["cycle", "number"], name="one_plan_version_number_per_cycle")]
        ordering = ["cycle", "number"]

    def __str__(self):
        return f"{self.cycle} v{self.number} ({self.get_kind_display()})"


class PlanEvent(StateChange):
    """Every change of a plan version's state: created, frozen, consultation opened, resolution, approval, announcement."""

    # The actions plans.services write, labelled for the answers (accounts.events.action_label).
    ACTION_LABELS = {
        "created": _("Version created"), "superseded": _("Superseded by a new version"),
        "reported_to_district": _("Reported to the district"), "consultation_opened": _("Public consultation opened"),
        "council_resolution": _("Council resolution"), "district_approval": _("District approval"),
        "announced": _("Announced"), "document_number": _("Document number recorded"),
        "feedback_letter_number": _("Feedback letter number recorded"),
    }

    plan = models.ForeignKey(CommunePlan, on_delete=models.CASCADE, related_name="events")


class SocioEconomicTarget(models.Model):
    plan = models.ForeignKey(CommunePlan, on_delete=models.CASCADE, related_name="targets")
    lineage = models.UUIDField(default=uuid.uuid4, editable=False)
    indicator = models.CharField(_("indicator"), max_length=300)
    unit = models.CharField(_("unit"), max_length=50)
    current_estimate = models.DecimalField(_("estimate for this year"), max_digits=18, decimal_places=2, null=True, blank=True)
    next_target = models.DecimalField(_("target for the plan year"), max_digits=18, decimal_places=2)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "id"]


class PlanItem(models.Model):
    """A work or activity of the plan, from accepted proposals (inheriting their location) or added by the team."""

    class Kind(models.TextChoices):
        WORK = "work", _("Work (investment)")
        ACTIVITY = "activity", _("Activity")

    plan = models.ForeignKey(CommunePlan, on_delete=models.CASCADE, related_name="items")
    # The same work across versions keeps its lineage, so two versions compare item by item.
    lineage = models.UUIDField(default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.WORK)
    title = models.CharField(_("title"), max_length=300)
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices)
    proposals = models.ManyToManyField("proposals.Proposal", blank=True, related_name="+", verbose_name=_("proposals"))
    geom = models.GeometryField(_("location"), srid=4326, null=True, blank=True)
    estimated_cost = models.BigIntegerField(_("cost (VND)"), default=0)
    # {capital source code: VND}; codes from core.models.CapitalSource, parts never above the cost.
    funding = models.JSONField(_("capital sources"), default=dict, blank=True)
    responsible_unit = models.CharField(_("responsible unit"), max_length=200, blank=True)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    ends_on = models.DateField(_("end"), null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        ordering = ["order", "id"]

    def __str__(self):
        return self.title


class Conference(models.Model):
    """The consultation conference of step 3 or the SEDP conference of step 5."""

    class Kind(models.TextChoices):
        CONSULTATION = "consultation", _("Consultation conference (step 3)")
        SEDP = "sedp", _("SEDP conference (step 5)")

    cycle = models.ForeignKey(PlanCycle, on_delete=models.CASCADE, related_name="conferences")
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    held_on = models.DateField(_("date"))
    participants = models.PositiveIntegerField(_("participants"))
    participants_description = models.TextField(_("who took part"), blank=True)
    summary = models.TextField(_("summary of opinions"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["held_on", "id"]


class DistrictFeedback(models.Model):
    """A district comment on a plan item or on a sector (step 4), and the commune's answer."""

    plan = models.ForeignKey(CommunePlan, on_delete=models.CASCADE, related_name="feedback")
    item = models.ForeignKey(PlanItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback")
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices, blank=True)
    office = models.CharField(_("district office"), max_length=200, blank=True)
    sector_office = models.ForeignKey("accounts.SectorOffice", db_constraint=False, null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="+", verbose_name=_("district sector office"))
    body = models.TextField(_("comment"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("answer of the commune"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    # The district's explicit "no comments" on the draft (step 4 gate): a record it makes, with nothing to answer.
    no_comments = models.BooleanField(_("no comments"), default=False)

    class Meta:
        ordering = ["created_at", "id"]


class PublicComment(models.Model):
    """A comment on a draft open for consultation (step 5): shown only once the commune has moderated it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting moderation")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")

    class AuthorKind(models.TextChoices):
        RESIDENT = "resident", _("Resident")
        BUSINESS = "business", _("Business")
        ORGANISATION = "organisation", _("Organisation")

    plan = models.ForeignKey(CommunePlan, on_delete=models.CASCADE, related_name="public_comments")
    item = models.ForeignKey(PlanItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="public_comments")
    author_name = models.CharField(_("name"), max_length=100)
    author_kind = models.CharField(_("commenting as"), max_length=20, choices=AuthorKind.choices, default=AuthorKind.RESIDENT)
    body = models.TextField(_("comment"))
    # Comments given at the commune office or a meeting are typed in by the team.
    via_commune = models.BooleanField(default=False)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    moderated_by = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    moderated_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("answer of the planning team"), blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class ActionProgramme(models.Model):
    """Đ7: a unit's or village's action programme implementing the approved plan."""

    cycle = models.ForeignKey(PlanCycle, on_delete=models.CASCADE, related_name="action_programmes")
    title = models.CharField(_("title"), max_length=300)
    issued_by = models.CharField(_("issued by"), max_length=200)
    issued_on = models.DateField(_("issued on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


class ActionTask(models.Model):
    programme = models.ForeignKey(ActionProgramme, on_delete=models.CASCADE, related_name="tasks")
    item = models.ForeignKey(PlanItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    task = models.CharField(_("task"), max_length=300)
    assignee = models.CharField(_("assigned to (person or unit)"), max_length=200)
    starts_on = models.DateField(_("start"), null=True, blank=True)
    due_on = models.DateField(_("due"))

    class Meta:
        ordering = ["due_on", "id"]

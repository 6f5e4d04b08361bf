"""Step 1 of Đ5: village meetings and the proposals of villages and commune units (district schema)."""
from django.conf import settings
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import ACTION_LENGTH, StateChange
from core.models import Sector
from files.storage import upload_field


class SourceKind(models.TextChoices):
    VILLAGE = "village", _("Village meeting")
    DEPARTMENT = "department", _("Commune department")
    MASS_ORGANISATION = "mass_organisation", _("Mass organisation")
    SCHOOL = "school", _("School")
    HEALTH_STATION = "health_station", _("Health station")
    ENTERPRISE = "enterprise", _("Enterprise")
    OTHER_ORGANISATION = "other_organisation", _("Other organisation")
    PLANNING_TEAM = "planning_team", _("Planning team")


class CommuneUnit(models.Model):
    """A unit of the commune that proposes (Đ5.1) and reports on what it monitors (Đ11.1): a department or mass
    organisation of the commune, a school, a health station, an enterprise. District schema, one row per unit.

    The district assigns which units report M&E information for the commune (`reports_me`, Đ11.1): those are a
    reporting level beside the villages.
    """

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("Commune department")
        MASS_ORGANISATION = "mass_organisation", _("Mass organisation")
        SCHOOL = "school", _("School")
        HEALTH_STATION = "health_station", _("Health station")
        ENTERPRISE = "enterprise", _("Enterprise")
        OTHER = "other", _("Other organisation")

    commune = models.ForeignKey("geo.AdministrativeUnit", db_constraint=False, on_delete=models.PROTECT, related_name="+", verbose_name=_("commune"))
    kind = models.CharField(_("kind of unit"), max_length=30, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    reports_me = models.BooleanField(_("reports M&E information to the commune"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("commune unit")
        verbose_name_plural = _("commune units")
        ordering = ["commune_id", "name"]
        constraints = [models.UniqueConstraint(fields=["commune", "name"], name="one_commune_unit_name_per_commune")]

    def __str__(self):
        return self.name

    @property
    def source_kind(self):
        """The `SourceKind` of the proposals this unit makes."""
        return SourceKind.OTHER_ORGANISATION if self.kind == self.Kind.OTHER else self.kind


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ACCEPTED = "accepted", _("Accepted into the draft plan")
    DEFERRED = "deferred", _("Deferred")
    REJECTED = "rejected", _("Rejected")
    MERGED = "merged", _("Merged into another proposal")


class VillageMeeting(models.Model):
    """A village meeting of step 1, with broad participation, and the minutes as a file."""

    commune = models.ForeignKey("geo.AdministrativeUnit", db_constraint=False, on_delete=models.PROTECT, related_name="+", verbose_name=_("commune"))
    village = models.ForeignKey("geo.AdministrativeUnit", db_constraint=False, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    plan_year = models.PositiveSmallIntegerField(_("plan year"))
    held_on = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200)
    chair = models.CharField(_("chaired by"), max_length=200)
    participants = models.PositiveIntegerField(_("participants"))
    women = models.PositiveIntegerField(_("of them women"), default=0)
    poor_households = models.PositiveIntegerField(_("of them poor or near-poor households"), default=0)
    minutes = upload_field("meeting-minutes", _("minutes"), blank=True)
    minutes_name = models.CharField(_("minutes file name"), max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("village meeting")
        verbose_name_plural = _("village meetings")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.village} {self.held_on:%d/%m/%Y}"


class Proposal(models.Model):
    """A proposed work or activity, pinned on the map, with its analysis and resource mix (VND)."""

    commune = models.ForeignKey("geo.AdministrativeUnit", db_constraint=False, on_delete=models.PROTECT, related_name="+", verbose_name=_("commune"))
    village = models.ForeignKey("geo.AdministrativeUnit", db_constraint=False, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("village"))
    meeting = models.ForeignKey(VillageMeeting, null=True, blank=True, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("village meeting"))
    source_kind = models.CharField(_("proposed by"), max_length=30, choices=SourceKind.choices)
    source_name = models.CharField(_("proposing unit"), max_length=200, blank=True)
    commune_unit = models.ForeignKey(CommuneUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("commune unit"))
    plan_year = models.PositiveSmallIntegerField(_("plan year"))
    priority = models.PositiveSmallIntegerField(_("priority at the source"), null=True, blank=True)
    commune_rank = models.PositiveSmallIntegerField(_("commune priority"), null=True, blank=True)

    title = models.CharField(_("title"), max_length=300)
    sector = models.CharField(_("sector"), max_length=30, choices=Sector.choices)
    problem = models.TextField(_("problem"), blank=True)
    cause = models.TextField(_("cause"), blank=True)
    solution = models.TextField(_("proposed solution"), blank=True)
    beneficiaries = models.TextField(_("beneficiaries"), blank=True)
    estimated_cost = models.BigIntegerField(_("estimated cost (VND)"))

    central_budget = models.BigIntegerField(_("central budget"), default=0)
    provincial_budget = models.BigIntegerField(_("provincial budget"), default=0)
    district_budget = models.BigIntegerField(_("district budget"), default=0)
    commune_budget = models.BigIntegerField(_("commune budget"), default=0)
    residents_cash = models.BigIntegerField(_("residents' contribution in cash"), default=0)
    residents_labour_days = models.PositiveIntegerField(_("residents' labour (days)"), default=0)
    residents_labour_value = models.BigIntegerField(_("value of residents' labour"), default=0)
    enterprises = models.BigIntegerField(_("enterprises"), default=0)
    other_sources = models.BigIntegerField(_("other sources"), default=0)

    geom = models.GeometryField(_("location"), srid=4326)
    status = models.CharField(_("status"), max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.SUBMITTED, db_index=True)
    decision_reason = models.TextField(_("reason of the decision"), blank=True)
    merged_into = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="merged_origins")
    is_late = models.BooleanField(_("submitted after the deadline"), default=False)
    is_published = models.BooleanField(_("published"), default=False)
    # Lower-case, without diacritics ("đ" as "d"): search finds "duong" and "đường" alike.
    search_text = models.TextField(blank=True, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["commune_rank", "-created_at"]
        indexes = [models.Index(fields=["commune", "status"]), models.Index(fields=["sector"])]

    def __str__(self):
        return self.title

    RESOURCE_FIELDS = (
        "central_budget", "provincial_budget", "district_budget", "commune_budget",
        "residents_cash", "residents_labour_value", "enterprises", "other_sources",
    )

    @property
    def internal_resources(self):
        """What residents contribute (cash and the value of labour): Đ2 asks for it to be shown on its own."""
        return self.residents_cash + self.residents_labour_value


class ProposalEvent(StateChange):
    """Who did what to a proposal, and when: every decision of the planning team is one row (from/to: ProposalStatus)."""

    class Action(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        UPDATED = "updated", _("Updated")
        ACCEPTED = "accepted", _("Accepted")
        DEFERRED = "deferred", _("Deferred")
        REJECTED = "rejected", _("Rejected")
        MERGED = "merged", _("Merged")
        RANKED = "ranked", _("Ranked")
        PUBLISHED = "published", _("Published")

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(max_length=ACTION_LENGTH, choices=Action.choices)


class Attachment(models.Model):
    """A photo or document attached to a proposal."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    file = upload_field("proposal-attachments")
    name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

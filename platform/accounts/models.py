from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Role(models.TextChoices):
    PROVINCE = "province", _("Province staff (DPI)")
    DISTRICT = "district", _("District Finance-Planning Office")
    COMMUNE = "commune", _("Commune planning team")
    VILLAGE = "village", _("Village head")
    CITIZEN = "citizen", _("Citizen")
    # Wave 2 (issue 14): the actors of the Decision who act for themselves.
    COUNCIL = "council", _("Commune People's Council")
    STATISTICS = "statistics", _("Commune office-statistics officer")
    COMMUNE_UNIT = "commune_unit", _("Commune unit")
    SECTOR_OFFICE = "sector_office", _("District sector office")
    DEPARTMENT = "department", _("Provincial department")


# The level of administrative unit each role is scoped to (None: not scoped to a unit).
ROLE_UNIT_LEVEL = {
    Role.PROVINCE: None,
    Role.DISTRICT: "district",
    Role.COMMUNE: "commune",
    Role.VILLAGE: "village",
    Role.CITIZEN: None,
    Role.COUNCIL: "commune",
    Role.STATISTICS: "commune",
    Role.COMMUNE_UNIT: "commune",
    Role.SECTOR_OFFICE: "district",
    Role.DEPARTMENT: None,
}

# Roles whose user speaks for one commune (its `unit` is the commune).
COMMUNE_ROLES = (Role.COMMUNE, Role.COUNCIL, Role.STATISTICS, Role.COMMUNE_UNIT)
# Roles of district staff who read every commune of their district (its `unit` is the district).
DISTRICT_ROLES = (Role.DISTRICT, Role.SECTOR_OFFICE)


class Department(models.Model):
    """A provincial department (Sở, ban, ngành: Planning and Investment, Finance, Agriculture…) whose staff give the
    districts orientation, programmes and resource information in step 2 (Đ5.2, Đ15.2). Public schema."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=200, unique=True)

    class Meta:
        verbose_name = _("provincial department")
        verbose_name_plural = _("provincial departments")
        ordering = ["name"]

    def __str__(self):
        return self.name


class SectorOffice(models.Model):
    """A sector office of a district (phòng, ban chuyên môn cấp huyện) that reviews the commune drafts and gives
    feedback in step 4 (Đ5.4, Đ16.2). Public schema, one row per office and district."""

    district = models.ForeignKey("geo.AdministrativeUnit", verbose_name=_("district"), on_delete=models.PROTECT, related_name="sector_offices")
    code = models.SlugField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("district sector office")
        verbose_name_plural = _("district sector offices")
        ordering = ["district__code", "name"]
        constraints = [models.UniqueConstraint(fields=["district", "code"], name="one_sector_office_code_per_district")]

    def __str__(self):
        return self.name


class DepartmentPublication(models.Model):
    """What a provincial department publishes for the districts in step 2 (Đ5.2, Đ15.2): orientation, a programme or
    resource information for a plan year. Seen by every district once published; a district passes it on to its
    communes by attaching it to its own orientation."""

    class Kind(models.TextChoices):
        ORIENTATION = "orientation", _("Orientation")
        PROGRAMME = "programme", _("Programme or project")
        RESOURCES = "resources", _("Resource information")

    department = models.ForeignKey(Department, verbose_name=_("provincial department"), on_delete=models.PROTECT, related_name="publications")
    plan_year = models.PositiveSmallIntegerField(_("plan year"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("content"), blank=True)
    url = models.URLField(_("link"), blank=True)
    published_at = models.DateTimeField(pgettext_lazy("department publication", "published"), null=True, blank=True)  # công bố, not công khai
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("department publication")
        verbose_name_plural = _("department publications")
        ordering = ["-plan_year", "department__name", "-id"]

    def __str__(self):
        return self.title


class User(AbstractUser):
    """One login per person across the province, with one role scoped to one unit."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.CITIZEN)
    unit = models.ForeignKey(
        "geo.AdministrativeUnit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="users",
        help_text=_("District for district staff, commune for the planning team, village for a village head."),
    )
    # The commune unit (a row of `proposals.CommuneUnit` in the district schema of `unit`'s district) a commune-unit
    # account speaks for; an id, not a foreign key, because users live in the public schema.
    commune_unit_id = models.PositiveIntegerField(_("commune unit"), null=True, blank=True)
    sector_office = models.ForeignKey(SectorOffice, verbose_name=_("district sector office"), null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    department = models.ForeignKey(Department, verbose_name=_("provincial department"), null=True, blank=True, on_delete=models.PROTECT, related_name="users")
    is_demo = models.BooleanField(_("demo account"), default=False)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def clean(self):
        super().clean()
        level = ROLE_UNIT_LEVEL[Role(self.role)]
        if level is None and self.unit_id is not None:
            raise ValidationError({"unit": _("This role is not scoped to a unit.")})
        if level is not None and (self.unit is None or self.unit.level != level):
            raise ValidationError({"unit": _("This role needs a unit of level %(level)s.") % {"level": level}})
        if (self.role == Role.COMMUNE_UNIT) != (self.commune_unit_id is not None):
            raise ValidationError({"commune_unit_id": _("A commune unit account, and only it, names its commune unit.")})
        if (self.role == Role.SECTOR_OFFICE) != (self.sector_office_id is not None):
            raise ValidationError({"sector_office": _("A sector office account, and only it, names its office.")})
        if self.sector_office_id is not None and self.sector_office.district_id != self.unit_id:
            raise ValidationError({"sector_office": _("The office is not in the user's district.")})
        if (self.role == Role.DEPARTMENT) != (self.department_id is not None):
            raise ValidationError({"department": _("A provincial department account, and only it, names its department.")})


# One length for every event model's columns (tests/accounts/test_events.py): a model that narrows `action` or the
# statuses to its own choices keeps these lengths.
STATUS_LENGTH = 20
ACTION_LENGTH = 40


class StateChange(models.Model):
    """The audit row of a workflow: who moved a record from which state to which, when, doing what, with what note.

    Abstract: each app's event model adds its foreign key to the record, and may redeclare `action`,
    `from_status` and `to_status` with its own choices at the same lengths. Districts refer to the
    (public) user without a database constraint, like every district reference into public.

    Every action a row is saved with has words for the answers (`accounts.events.action_label`): a choice of the
    redeclared `action` field, or a key of the model's `ACTION_LABELS` {code: gettext_lazy label}. Saving an unknown
    code raises ValueError, so a service writing a new action without its label fails in its own tests.
    """

    ACTION_LABELS = {}

    action = models.CharField(max_length=ACTION_LENGTH)
    from_status = models.CharField(max_length=STATUS_LENGTH, blank=True)
    to_status = models.CharField(max_length=STATUS_LENGTH, blank=True)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def save(self, *args, **kwargs):
        if self.action not in self.action_labels():
            raise ValueError(f"{type(self).__name__}: the action {self.action!r} has no label (ACTION_LABELS or choices)")
        super().save(*args, **kwargs)

    @classmethod
    def action_labels(cls):
        """{action code: label (lazy text)}: the `action` field's choices, else `ACTION_LABELS`."""
        choices = cls._meta.get_field("action").choices
        return dict(choices) if choices else dict(cls.ACTION_LABELS)


class ReminderSent(models.Model):
    """One e-mail about one inbox item to one person on one day (issue 14, part 4): the reminder command sends an item
    at most once per person and day, and tells of a new item once."""

    class Reason(models.TextChoices):
        NEW = "new", _("new")
        DUE_SOON = "due_soon", _("due soon")
        OVERDUE = "overdue", _("overdue")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    item_key = models.CharField(max_length=200)
    reason = models.CharField(max_length=10, choices=Reason.choices)
    due_on = models.DateField(null=True, blank=True)
    sent_on = models.DateField()
    address = models.EmailField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "item_key", "sent_on"], name="one_reminder_per_item_and_day")]
        indexes = [models.Index(fields=["user", "item_key"])]

    def __str__(self):
        return f"{self.item_key} → {self.address} ({self.sent_on})"

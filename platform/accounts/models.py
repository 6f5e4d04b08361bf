from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PROVINCE = "province", _("Province staff (DPI)")
    DISTRICT = "district", _("District Finance-Planning Office")
    COMMUNE = "commune", _("Commune planning team")
    VILLAGE = "village", _("Village head")
    CITIZEN = "citizen", _("Citizen")


# The level of administrative unit each role is scoped to (None: not scoped to a unit).
ROLE_UNIT_LEVEL = {
    Role.PROVINCE: None,
    Role.DISTRICT: "district",
    Role.COMMUNE: "commune",
    Role.VILLAGE: "village",
    Role.CITIZEN: None,
}


class User(AbstractUser):
    """One login per person across the province, with one role scoped to one unit."""

    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.CITIZEN)
    unit = models.ForeignKey(
        "geo.AdministrativeUnit", verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT, related_name="users",
        help_text=_("District for district staff, commune for the planning team, village for a village head."),
    )
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


# One length for every event model's columns (tests/accounts/test_events.py): a model that narrows `action` or the
# statuses to its own choices keeps these lengths.
STATUS_LENGTH = 20
ACTION_LENGTH = 40


class StateChange(models.Model):
    """The audit row of a workflow: who moved a record from which state to which, when, doing what, with what note.

    Abstract: each app's event model adds its foreign key to the record, and may redeclare `action`,
    `from_status` and `to_status` with its own choices at the same lengths. Districts refer to the
    (public) user without a database constraint, like every district reference into public.
    """

    action = models.CharField(max_length=ACTION_LENGTH)
    from_status = models.CharField(max_length=STATUS_LENGTH, blank=True)
    to_status = models.CharField(max_length=STATUS_LENGTH, blank=True)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]


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

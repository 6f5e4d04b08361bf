"""The district's own duties (district schema): inspections of its communes (Đ16.4) and difficulties raised to it (Đ19)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Inspection(models.Model):
    """A district inspection of a commune's planning work (Đ16.4): when, what was found; corrections follow."""

    commune = models.ForeignKey("geo.AdministrativeUnit", db_constraint=False, on_delete=models.PROTECT, related_name="+", verbose_name=_("commune"))
    inspected_on = models.DateField(_("date of inspection"))
    subject = models.CharField(_("subject"), max_length=300)
    findings = models.TextField(_("findings"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        ordering = ["-inspected_on", "id"]

    def __str__(self):
        return f"{self.commune} {self.inspected_on}"

    @property
    def is_closed(self):
        """Closed once every required correction is closed (an inspection without corrections is closed)."""
        return all(c.closed_at is not None for c in self.corrections.all())


class Correction(models.Model):
    """A correction an inspection requires of the commune, with a due date, tracked until the district closes it."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="corrections")
    description = models.TextField(_("required correction"))
    due_on = models.DateField(_("due"))
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    closing_note = models.TextField(_("how it was corrected"), blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self):
        return self.description[:80]


class DifficultyStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the district")
    ANSWERED = "answered", _("Answered by the district")
    FORWARDED = "forwarded", _("Forwarded to the province")
    PROVINCE_ANSWERED = "province_answered", _("Answered by the province")


class Difficulty(models.Model):
    """A difficulty a commune raises to its district (Đ19), which answers it or forwards it to the province."""

    commune = models.ForeignKey("geo.AdministrativeUnit", db_constraint=False, on_delete=models.PROTECT, related_name="+", verbose_name=_("commune"))
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("difficulty"))
    status = models.CharField(_("status"), max_length=20, choices=DifficultyStatus.choices, default=DifficultyStatus.OPEN)
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("answer of the district"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    forwarded_at = models.DateTimeField(null=True, blank=True)
    forward_note = models.TextField(_("note of the district when forwarding"), blank=True)
    province_answer = models.TextField(_("answer of the province"), blank=True)
    province_answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, db_constraint=False, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    province_answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("difficulty")
        verbose_name_plural = _("difficulties")
        ordering = ["-raised_at", "id"]

    def __str__(self):
        return self.title

"""The province's own duties (public schema): the library (Đ12.1), training (Đ12.3, Đ14, Đ18), communication (Đ17),
and the province's copy of the difficulties forwarded to it by districts (Đ19)."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from files.storage import province_upload_field


class DocumentKind(models.TextChoices):
    HANDBOOK = "handbook", _("Planning handbook (Đ12.1)")
    GUIDANCE = "guidance", _("Guidance document")
    FORM = "form", _("Form")
    TEMPLATE = "template", _("Template")


class Document(models.Model):
    """A document of the province library: number, date and issuer, public or for staff only, with its file."""

    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=300)
    number = models.CharField(_("number"), max_length=50, blank=True)
    issued_on = models.DateField(_("date of issue"))
    issuer = models.CharField(_("issuer"), max_length=200)
    is_public = models.BooleanField(_("public"), default=False)
    file = province_upload_field("library-documents", _("file"), blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("library document")
        verbose_name_plural = _("library documents")
        ordering = ["-issued_on", "id"]

    def __str__(self):
        return f"{self.number} {self.title}".strip()


class Course(models.Model):
    """A training course (Đ12.3 the province trains districts, Đ14 districts train communes, Đ18 capacity building)."""

    title = models.CharField(_("title"), max_length=300)
    organiser = models.ForeignKey("geo.AdministrativeUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("organising unit"))
    starts_on = models.DateField(_("start"))
    ends_on = models.DateField(_("end"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("training course")
        verbose_name_plural = _("training courses")
        ordering = ["-starts_on", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")), name="course_ends_after_start")]

    def __str__(self):
        return self.title


class Participant(models.Model):
    """A person who attended a course: an account (whose role and unit say who they are)."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="participants")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="trainings")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["course", "user"], name="one_participation_per_course")]
        ordering = ["course", "user__username"]

    def __str__(self):
        return f"{self.course} · {self.user}"


class CommunicationLevel(models.TextChoices):
    PROVINCE = "province", _("Province")
    DISTRICT = "district", _("District")
    COMMUNE = "commune", _("Commune")


class CommunicationActivity(models.Model):
    """A communication activity on participatory planning (Đ17), recorded at the level of the unit that held it."""

    unit = models.ForeignKey("geo.AdministrativeUnit", on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    level = models.CharField(_("level"), max_length=10, choices=CommunicationLevel.choices)
    held_on = models.DateField(_("date"))
    channel = models.CharField(_("channel"), max_length=100, help_text=_("Loudspeaker, meeting, newspaper, website…"))
    title = models.CharField(_("title"), max_length=300)
    audience = models.PositiveIntegerField(_("people reached"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("communication activity")
        verbose_name_plural = _("communication activities")
        ordering = ["-held_on", "id"]

    def __str__(self):
        return self.title


class ForwardedDifficulty(models.Model):
    """The province's copy of a difficulty a district forwarded to it (Đ19): what the province's inbox reads, without
    looping over the district schemas. Written by `guidance.services` in the district's transaction."""

    district_code = models.CharField(max_length=20)
    district_slug = models.CharField(max_length=50)
    difficulty_id = models.BigIntegerField()
    commune_name = models.CharField(max_length=200)
    title = models.CharField(max_length=300)
    forwarded_on = models.DateField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["district_code", "difficulty_id"], name="one_copy_per_difficulty")]
        ordering = ["forwarded_on", "id"]

    def __str__(self):
        return self.title

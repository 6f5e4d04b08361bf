from django.db import models
from django.utils.translation import gettext_lazy as _
from django_tenants.models import DomainMixin, TenantMixin


class District(TenantMixin):
    """A district tenant: its own PostgreSQL schema holds everything the district and its communes write.

    The public tenant (schema `public`) stands for the province.
    """

    unit = models.OneToOneField("geo.AdministrativeUnit", verbose_name=_("administrative unit"), on_delete=models.PROTECT, related_name="tenant")
    slug = models.SlugField(_("slug"), max_length=63, unique=True)
    name = models.CharField(_("name"), max_length=200)
    created_on = models.DateTimeField(auto_now_add=True)

    auto_create_schema = True
    auto_drop_schema = False

    class Meta:
        verbose_name = _("district tenant")
        verbose_name_plural = _("district tenants")
        ordering = ["unit__code"]

    def __str__(self):
        return self.name

    @property
    def is_province(self):
        return self.schema_name == "public"


class DistrictDomain(DomainMixin):
    """With subfolder routing, `domain` holds the URL slug: /d/<slug>/."""

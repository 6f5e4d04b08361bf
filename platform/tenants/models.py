import logging

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

    def create_schema(self, check_if_exists=False, sync_schema=True, verbosity=1):
        """Create the district's schema as a copy of the template schema (tenants/template.py), in one transaction.

        Falls back to django-tenants' way (running every tenant migration) when the setting
        DISTRICT_SCHEMA_FROM_TEMPLATE is off or pg_dump is missing.
        """
        from django.conf import settings
        from django_tenants.utils import schema_exists

        from tenants import template

        if not (sync_schema and settings.DISTRICT_SCHEMA_FROM_TEMPLATE) or self.schema_name == "public":
            return super().create_schema(check_if_exists, sync_schema, verbosity)
        if check_if_exists and schema_exists(self.schema_name):
            return False
        try:
            template.schema_copy(self.schema_name)
        except template.TemplateUnavailable as why:
            logging.getLogger(__name__).warning("district %s: no template copy (%s); running the migrations", self.schema_name, why)
            return super().create_schema(check_if_exists, sync_schema, verbosity)
        return True

    @property
    def is_province(self):
        return self.schema_name == "public"


class DistrictDomain(DomainMixin):
    """With subfolder routing, `domain` holds the URL slug: /d/<slug>/."""

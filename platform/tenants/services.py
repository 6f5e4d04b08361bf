"""Provisioning district tenants."""
from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from geo.models import AdministrativeUnit
from tenants import template
from tenants.models import District, DistrictDomain


def schema_name_for(unit):
    return f"d{unit.code}"


@transaction.atomic
def province_tenant_ensure(*, province_unit):
    """The public tenant that stands for the province (django-tenants routes root URLs to it)."""
    tenant, _ = District.objects.get_or_create(
        schema_name="public", defaults={"unit": province_unit, "slug": "province", "name": province_unit.name}
    )
    return tenant


def district_provision(*, code: str, slug: str | None = None) -> tuple[District, bool]:
    """Create the tenant of a district unit, with its schema (migrated) and its URL slug. Idempotent.

    Returns (district, created). Raises ValueError when the code is not a current district unit.
    """
    unit = AdministrativeUnit.objects.filter(code=code, level=AdministrativeUnit.Level.DISTRICT, is_current=True).first()
    if unit is None:
        raise ValueError(f"{code!r} is not the code of a current district-level unit")
    existing = District.objects.filter(unit=unit).first()
    if existing is not None:
        return existing, False
    slug = slug or unit.slug or slugify(unit.name_short)
    if District.objects.filter(slug=slug).exists() or DistrictDomain.objects.filter(domain=slug).exists():
        raise ValueError(f"slug {slug!r} is already taken")
    # The schema is copied from the template in the same transaction as the rows, so a failure
    # leaves nothing. (Without the template, django-tenants runs the migrations and removes the
    # tenant row if they fail.)
    if settings.DISTRICT_SCHEMA_FROM_TEMPLATE:
        template.template_ensure()  # migrating a stale template is slow: not inside the transaction
    with transaction.atomic():
        district = District(schema_name=schema_name_for(unit), unit=unit, slug=slug, name=unit.name)
        district.save()
        DistrictDomain.objects.create(domain=slug, tenant=district, is_primary=True)
    return district, True

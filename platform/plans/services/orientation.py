"""Step 2 (Đ5.2): the district's orientation, documents and indicative envelopes per commune."""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rest_framework import serializers as drf_serializers

from accounts.access import can_orient_communes
from accounts.models import DepartmentPublication
from core.links import is_safe_link
from geo.models import AdministrativeUnit
from plans.models import (
    Orientation,
    OrientationDocument,
    ResourceEnvelope,
)
from plans.services.common import _forbidden

# Issue 11: a document link becomes a live link on every cycle page of the district, so it must not run code.
DOCUMENT_LINK_REFUSED = _lazy("The link must be an http:// or https:// address, or an address on this site.")


@transaction.atomic
def orientation_create(*, actor, district_unit, plan_year: int, title: str, summary: str = "", expected_programmes: str = "",
                       documents: list = (), envelopes: list = (), department_publications: list = ()) -> Orientation:
    """The district's orientation for a plan year, with documents and indicative envelopes per commune, sector and source.

    documents: [{"title": str, "url": str (optional)}]; a url must be http(s) or relative
    (core.links.is_safe_link), otherwise ValidationError {"documents": [...]} and nothing is saved.
    department_publications: ids of provincial departments' published publications (Đ5.2, Đ15.2) the district passes
    on to its communes with this orientation; a draft or unknown id is a 400 naming `department_publications`.
    envelopes: [{"commune": GSO code, "sector": core.models.Sector, "capital_source": core.models.CapitalSource,
    "amount": int VND}] as `plans.apis.orientation.EnvelopeInput` validated them; a commune outside the district is a
    ValidationError {"envelopes": {n: {"commune": [...]}}} (n from 0) and nothing is saved.
    """
    if not can_orient_communes(actor, district_unit.tenant):
        raise _forbidden(_("Only the district's Finance-Planning Office may do this."))
    orientation = Orientation(plan_year=plan_year, title=title, summary=summary, expected_programmes=expected_programmes, created_by=actor)
    orientation.full_clean()
    orientation.save()
    if department_publications:
        passed_on = list(DepartmentPublication.objects.filter(pk__in=department_publications, published_at__isnull=False))
        if len(passed_on) != len(set(department_publications)):
            raise ValidationError({"department_publications": [_("A department publication is unknown or not published yet.")]})
        orientation.department_publications.set(passed_on)
    for i, d in enumerate(documents):
        url = d.get("url") or ""
        if url and not is_safe_link(url):
            raise ValidationError({"documents": [_("Document %(n)s: %(reason)s") % {"n": i + 1, "reason": DOCUMENT_LINK_REFUSED}]})
        OrientationDocument.objects.create(orientation=orientation, title=d["title"], url=url)
    for i, e in enumerate(envelopes):
        commune = AdministrativeUnit.objects.filter(code=e["commune"], parent=district_unit, level="commune").first()
        if commune is None:
            # DRF's error (a Django one cannot nest): the 400 names the element and its key, as the serializer's do.
            raise drf_serializers.ValidationError({"envelopes": {i: {"commune": [_("The commune is not in this district.")]}}})
        ResourceEnvelope.objects.create(orientation=orientation, commune=commune, sector=e["sector"], capital_source=e["capital_source"],
                                        amount=e["amount"])
    return orientation


@transaction.atomic
def orientation_publish(*, actor, orientation: Orientation) -> Orientation:
    """Send the orientation to the communes; from then on they see it beside their draft."""
    orientation = Orientation.objects.select_for_update().get(pk=orientation.pk)
    if not can_orient_communes(actor, connection.tenant):
        raise _forbidden(_("Only the district's Finance-Planning Office may do this."))
    if orientation.published_at:
        raise ValidationError({"orientation": [_("Already published.")]})
    orientation.published_at = timezone.now()
    orientation.save(update_fields=["published_at"])
    return orientation

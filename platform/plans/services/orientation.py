"""Step 2 (Đ5.2): the district's orientation, documents and indicative envelopes per commune."""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from accounts.access import can_orient_communes
from accounts.models import DepartmentPublication
from core.links import is_safe_link
from core.models import CapitalSource, Sector
from geo.models import AdministrativeUnit
from geo.numbers import MAX_WHOLE, NumberRefused, read_number
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
        commune = AdministrativeUnit.objects.filter(code=e.get("commune"), parent=district_unit, level="commune").first()
        if commune is None:
            raise ValidationError({"envelopes": [_("Row %(n)s: the commune is not in this district.") % {"n": i + 1}]})
        if e.get("sector") not in Sector.values:
            raise ValidationError({"envelopes": [_("Row %(n)s: unknown sector.") % {"n": i + 1}]})
        if e.get("capital_source") not in CapitalSource.values:
            raise ValidationError({"envelopes": [_("Row %(n)s: unknown capital source.") % {"n": i + 1}]})
        try:  # whole đồng by the platform's rule: 150000, 150000.0 or "150.000"
            amount = int(read_number(e.get("amount"), decimals=0))
        except NumberRefused:
            amount = -1
        if not 0 <= amount <= MAX_WHOLE:  # a database integer never overflows (a 500): the API's bound
            raise ValidationError({"envelopes": [_("Row %(n)s: the amount is a whole number of VND, not negative.") % {"n": i + 1}]})
        ResourceEnvelope.objects.create(orientation=orientation, commune=commune, sector=e["sector"], capital_source=e["capital_source"], amount=amount)
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

"""Step 2 (Đ5.2): the district's orientation, documents and indicative envelopes per commune."""

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import can_orient_communes
from geo.models import AdministrativeUnit
from plans.models import (
    Orientation,
    OrientationDocument,
    ResourceEnvelope,
)
from plans.services.common import _forbidden
from proposals.models import Sector
from province.models import CapitalSource


@transaction.atomic
def orientation_create(*, actor, district_unit, plan_year: int, title: str, summary: str = "", expected_programmes: str = "",
                       documents: list = (), envelopes: list = ()) -> Orientation:
    """The district's orientation for a plan year, with documents and indicative envelopes per commune, sector and source."""
    if not can_orient_communes(actor, district_unit.tenant):
        raise _forbidden(_("Only the district's Finance-Planning Office may do this."))
    orientation = Orientation(plan_year=plan_year, title=title, summary=summary, expected_programmes=expected_programmes, created_by=actor)
    orientation.full_clean()
    orientation.save()
    for d in documents:
        OrientationDocument.objects.create(orientation=orientation, title=d["title"], url=d.get("url", ""))
    for i, e in enumerate(envelopes):
        commune = AdministrativeUnit.objects.filter(code=e.get("commune"), parent=district_unit, level="commune").first()
        if commune is None:
            raise ValidationError({"envelopes": [_("Row %(n)s: the commune is not in this district.") % {"n": i + 1}]})
        if e.get("sector") not in Sector.values:
            raise ValidationError({"envelopes": [_("Row %(n)s: unknown sector.") % {"n": i + 1}]})
        if e.get("capital_source") not in CapitalSource.values:
            raise ValidationError({"envelopes": [_("Row %(n)s: unknown capital source.") % {"n": i + 1}]})
        amount = e.get("amount")
        if not isinstance(amount, int) or isinstance(amount, bool) or amount < 0:
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

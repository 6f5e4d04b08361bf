"""What waits for a user (issue 14, part 4): the items of every source registered in `core.inbox`, read in the right
schema, for the inbox page, `GET /api/me/inbox/`, the header's count and the reminder command."""
from datetime import date

from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from accounts import access
from core.inbox import DISTRICT, PROVINCE, InboxItem, collect
from tenants.models import District


def district_of(user):
    """The district tenant a district, commune or village user works in, or None."""
    unit = access.district_unit_of(user)
    return District.objects.filter(unit=unit).first() if unit is not None else None


def inbox_for(user, *, on: date | None = None) -> list[InboxItem]:
    """The user's waiting work on day `on` (default today, local): province staff read the province's sources in the
    public schema; district, commune and village users their district's sources in its schema; others nothing."""
    on = on or timezone.localdate()
    level = access.inbox_level(user)
    if level == PROVINCE:
        with schema_context("public"):
            return collect(user, level=PROVINCE, on=on)
    if level == DISTRICT:
        district = district_of(user)
        if district is None:
            return []
        with tenant_context(district):
            return collect(user, level=DISTRICT, district=district, on=on)
    return []


def inbox_count(user) -> int:
    """How many items wait for the user (the header's badge); 0 for anyone without an inbox."""
    return len(inbox_for(user)) if access.inbox_level(user) else 0


def items_data(user, *, on: date | None = None) -> list[dict]:
    """The inbox as JSON-ready dicts (`InboxItem.as_dict`)."""
    on = on or timezone.localdate()
    return [item.as_dict(on) for item in inbox_for(user, on=on)]

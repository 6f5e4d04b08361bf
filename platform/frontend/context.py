from django.conf import settings
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from accounts import access
from frontend.inbox import inbox_count
from frontend.navigation import menu_for


def platform(request):
    """What every page template needs: the district of the request and the base-map setting."""
    district = getattr(request, "tenant", None)
    district = district if district is not None and district.schema_name != "public" else None
    return {
        "district": district,
        "tile_url": settings.TILE_URL,
        # Counted only when a page shows it (the header), once per request.
        "inbox_count": SimpleLazyObject(lambda: inbox_count(request.user)) if getattr(request, "user", None) is not None else 0,
        "menu": _menu(request, district),
        "replica_read": getattr(request, "replica", None),
        "replica_line": replica_line(getattr(request, "replica", None)),
    }


def replica_line(read) -> str:
    """How old the page's figures are when it may read the streaming replica (geo.replica.ReplicaRead), else ''."""
    if read is None:
        return ""
    if read.alias == "replica":
        return _("Figures updated %(seconds)s seconds ago.") % {"seconds": read.lag_seconds}
    if read.fallback == "lag":
        return _("Figures read from the main database (the replica is %(seconds)s seconds behind).") % {"seconds": read.lag_seconds}
    return _("Figures read from the main database (the replica does not answer).")


def _menu(request, district):
    """The navigation menu of the page (`frontend.navigation`): the page's district, else the user's own district."""
    user = getattr(request, "user", None)
    if user is None:
        return []
    menu_district = district
    if menu_district is None:
        unit = access.district_unit_of(user)
        menu_district = getattr(unit, "tenant", None) if unit is not None else None
    return menu_for(user, menu_district, in_tenant=district is not None, current_path=request.path)

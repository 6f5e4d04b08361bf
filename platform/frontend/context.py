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
        "sign_out": sign_out_data(request),
    }


def sign_out_data(request) -> dict | None:
    """What every page's sign-out question needs (`frontend/js/signout.js`, issue 16): the signed-in username (the
    owner of their items in the phone's queue) and the texts; None when nobody is signed in."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    return {
        "user": user.username,
        "labels": {
            "unsent": _("{n} items not yet sent will be deleted from this phone."),
            "others": _("{n} items of another account ({accounts}) are waiting on this phone, not yet sent. They stay on the "
                        "phone after you sign out, until that account signs in and sends them."),
            "othersTitle": _("Another account's items on this phone"),
            "sendFirst": _("Send first"), "signOutAnyway": _("Sign out anyway"), "signOut": _("Log out"), "cancel": _("Cancel"),
            "sentCount": _("{sent} of {total} sent"),
        },
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

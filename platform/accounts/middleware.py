"""Every district URL passes through here: a user who may not enter the district never reaches a view."""
from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _

from accounts.access import AccessDenied, can_enter_district, user_from_request


def is_public_path(path, district_slug):
    """The read-only public surface of a district: /d/<slug>/api/public/… and /d/<slug>/public/…"""
    base = f"/{settings.TENANT_SUBFOLDER_PREFIX}/{district_slug}/"
    return path.startswith(base + "api/public/") or path.startswith(base + "public/")


class DistrictAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        district = getattr(request, "tenant", None)
        if district is None or district.schema_name == "public" or is_public_path(request.path, district.slug):
            return self.get_response(request)
        # GIS clients (vector tiles) send tokens like API clients do.
        is_api = any(f"/{district.slug}/{prefix}/" in request.path for prefix in ("api", "tiles"))
        # An API token opens the API only. Pages are for a browser's session: their views read
        # `request.user`, so a token-only request to a page is anonymous here and goes to the login page.
        user = user_from_request(request) if is_api else request.user
        if not user.is_authenticated:
            if is_api:
                return JsonResponse({"detail": _("Authentication credentials were not provided.")}, status=401)
            return redirect_to_login(request.get_full_path())
        if not can_enter_district(user, district):
            # 404, not 403: another district's URLs do not reveal what exists there.
            if is_api:
                return JsonResponse({"detail": _("Not found.")}, status=404)
            raise Http404(_("No such page in this district."))
        return self.get_response(request)

    def process_exception(self, request, exception):
        """A page view refused by `accounts.access` answers like Django's own 404 or 403 page (APIs map it in accounts.errors)."""
        if not isinstance(exception, AccessDenied):
            return None
        from django.core.exceptions import PermissionDenied
        from django.core.handlers.exception import response_for_exception

        return response_for_exception(request, Http404(exception.message) if exception.status == 404 else PermissionDenied(exception.message))

"""Every district URL passes through here: a user who may not enter the district never reaches a view."""
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _

from accounts.access import (
    AccessDenied,
    can_enter_district,
    is_gis_path,
    is_layer_download_path,
    is_ogc_path,
    is_tile_path,
    takes_token,
    token_in_header,
    user_from_request,
)


def is_public_path(path, district_slug):
    """The read-only public surface of a district: /d/<slug>/api/public/… and /d/<slug>/public/…"""
    base = f"/{settings.TENANT_SUBFOLDER_PREFIX}/{district_slug}/"
    return path.startswith(base + "api/public/") or path.startswith(base + "public/")


class DistrictAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        district = getattr(request, "tenant", None)
        in_district = district is not None and district.schema_name != "public"
        slug = district.slug if in_district else None
        if is_gis_path(request.path, slug) and request.META.get("HTTP_AUTHORIZATION"):
            # The GIS routes (OGC API, tiles, downloads: `accounts.access.is_gis_path`) read `request.user`: a GIS
            # client's token stands for a session there. Credentials that are present but do not authenticate (`Bearer
            # abc`, a malformed, expired or revoked `Token …`) are refused with a 401 on every one of them rather than
            # silently read as anonymous; a scheme other than Token is refused even beside a session (nothing reads it).
            # Without the header the user is the session's, left unread until a view asks (the unit collections never
            # do: no round trip).
            key = token_in_header(request)
            user = user_from_request(request) if key is not None else AnonymousUser()
            if not user.is_authenticated:
                empty = key == ""  # knox's words for it, as the API answers
                body = {"detail": _("Invalid token header. No credentials provided.") if empty else _("Invalid token.")}
                if is_ogc_path(request.path, slug):
                    body = {"code": "Unauthorized", **body}  # the OGC API's exception shape
                response = JsonResponse(body, status=401)
                response["WWW-Authenticate"] = "Token"
                return response
            request.user = user
        if not in_district or is_public_path(request.path, district.slug):
            return self.get_response(request)
        is_ogc = is_ogc_path(request.path, slug) or is_layer_download_path(request.path, slug) or is_tile_path(request.path, slug)
        is_api = takes_token(request.path, slug)
        # An API token opens the API, the OGC service and the tiles only. Pages are for a browser's session: their views read
        # `request.user`, so a token-only request to a page is anonymous here and goes to the login page.
        user = user_from_request(request) if takes_token(request.path, slug) else request.user
        if is_ogc and not user.is_authenticated:
            return self.get_response(request)  # anonymous: the layers give published rows only (OGC items, downloads, tiles)
        if not user.is_authenticated:
            if is_api:
                # 401 says "sign in" and how (RFC 9110 §15.5.2), as DRF's answer on the province's API does.
                response = JsonResponse({"detail": _("Authentication credentials were not provided.")}, status=401)
                response["WWW-Authenticate"] = "Token"
                return response
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

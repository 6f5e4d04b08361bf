"""API errors: bad input is a 400 with field-level messages, never a 500; an unreachable database is a 503."""
import sys

from django.conf import settings
from django.contrib.auth import get_user
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import TooManyFieldsSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.functional import SimpleLazyObject
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.views import defaults
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from accounts.access import AccessDenied
from accounts.authentication import csrf_message
from accounts.language import language_for
from geo.guard import GeometryRejected


def api_exception_handler(exc, context):
    if isinstance(exc, GeometryRejected):
        return Response({"geometry": [exc.message]}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, AccessDenied):
        return Response({"detail": exc.message}, status=exc.status)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        return Response(detail, status=status.HTTP_400_BAD_REQUEST)
    return exception_handler(exc, context)


# Errors that mean "the database cannot be reached right now" (refused, restarting, connection dropped),
# not "this request is wrong": the client should come back, so 503 with Retry-After instead of a 500.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError)


def is_api_path(path: str) -> bool:
    """Province (`/api/…`) and district (`/d/<slug>/api/…`) API routes, the OGC API Features services (`/ogc/…`,
    `/d/<slug>/ogc/…`) and the vector tiles (`/tiles/…`, `/d/<slug>/tiles/…`) answer JSON, everything else HTML."""
    if path.startswith(("/api/", "/ogc/", "/tiles/")) or path == "/ogc":
        return True
    prefix = f"/{settings.TENANT_SUBFOLDER_PREFIX}/"
    if not path.startswith(prefix):
        return False
    rest = path[len(prefix):].partition("/")[2]  # after /d/<slug>/
    return rest.startswith(("api/", "ogc/", "tiles/")) or rest == "ogc"


def not_found(request, exception=None):
    """`handler404` of both URL configurations: on API routes (`is_api_path`) a JSON `{"detail": "Not found."}` in the
    request's language (an unknown district, a path no route matches, an id that is not a number), elsewhere the framed
    page (`404.html`).

    An unknown district is refused by django-tenants before the session, language and authentication middleware ran:
    the language is then chosen here by the same rule (`accounts.language.language_for`), and the page reads the
    session's user itself, so that its menu shows a signed-in person as signed in (it offered "log in")."""
    language = getattr(request, "LANGUAGE_CODE", None) or language_for(request)
    with translation.override(language):
        if is_api_path(request.path):
            response = JsonResponse({"detail": gettext("Not found.")}, status=404)
        else:
            if not hasattr(request, "user"):
                SessionMiddleware(lambda r: None).process_request(request)  # read only: nothing is saved on a 404
                request.user = SimpleLazyObject(lambda: get_user(request))
            response = defaults.page_not_found(request, exception)
    response["Content-Language"] = language
    patch_vary_headers(response, ("Accept-Language", "Cookie", "Sec-Fetch-Mode"))  # as LanguageMiddleware, which may not have run
    return response


def bad_request(request, exception=None):
    """`handler400` of both URL configurations: what Django refuses before any view reads the request (a
    `SuspiciousOperation`), in the request's language. More fields than DATA_UPLOAD_MAX_NUMBER_FIELDS (`TooManyFieldsSent`)
    names `query` when the address holds them, else the body's (`detail`). On API, OGC and tile routes (`is_api_path`) a
    JSON 400, `{"query": [reason]}` as a refused parameter is named (`geo.params.refusal_response`), else `{"detail":
    reason}` (it was the HTML page there, review rv13c); on pages the framed 400 page naming the field (review rv13d).
    The query is refused by `geo.params.QueryParamsMiddleware`, after the language and the user are known; a request
    refused before the language middleware ran (a Host not in ALLOWED_HOSTS) takes its language by the same rule
    (`accounts.language.language_for`: pages ignore the browser's Accept-Language, review rv13e)."""
    language = getattr(request, "LANGUAGE_CODE", None) or language_for(request)
    with translation.override(language):
        field, reason = "detail", gettext("The request could not be read; nothing was changed.")
        if isinstance(exception, TooManyFieldsSent):
            limit = settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
            if request.META.get("QUERY_STRING", "").count("&") >= limit:
                field, reason = "query", gettext("The address holds more than %(n)s parameters.") % {"n": limit}
            else:
                reason = gettext("The form holds more than %(n)s fields.") % {"n": limit}
        if is_api_path(request.path):
            response = JsonResponse({field: [reason]} if field == "query" else {field: reason}, status=400)
        else:
            shown = field if field == "query" else ""
            response = HttpResponse(loader.render_to_string("400.html", {"field": shown, "reason": reason}, request), status=400)
        response["Content-Language"] = language
    return response


def permission_denied(request, exception=None):
    """`handler403` of both URL configurations: a page refused by `accounts.access` (or a `PermissionDenied`) is the site's
    framed page (menu, the request's language) showing the reason given to `access.require()`; an API route answers
    JSON `{"detail": reason}`."""
    reason = str(exception) if exception is not None and str(exception) else ""
    if is_api_path(request.path):
        return JsonResponse({"detail": reason or gettext("You do not have permission to perform this action.")}, status=403)
    return HttpResponse(loader.render_to_string("403.html", {"reason": reason}, request), status=403)


def server_error(request):
    """`handler500` of both URL configurations: what a request gets when an exception escapes its view or a middleware.

    While PostgreSQL is unreachable (an `OperationalError` or `InterfaceError` from the driver, e.g.
    during a restart): 503 with `Retry-After: RETRY_AFTER_S` seconds, as JSON `{"detail": …}` on API
    routes and as a short Vietnamese page (English below) elsewhere. Any other error: 500, JSON on API
    routes, the usual page elsewhere. Renders nothing that needs the database.
    """
    exc = sys.exc_info()[1]
    retry_after = settings.RETRY_AFTER_S
    if isinstance(exc, DATABASE_UNAVAILABLE):
        if is_api_path(request.path):
            response = JsonResponse({"detail": gettext("The database is unavailable for a moment; try again shortly.")}, status=503)
        else:
            response = HttpResponse(loader.render_to_string("503.html", {"retry_after": retry_after}), status=503)
        response["Retry-After"] = str(retry_after)
        return response
    if is_api_path(request.path):
        return JsonResponse({"detail": gettext("Server error; nothing was half-written. Try again later.")}, status=500)
    return defaults.server_error(request)


def csrf_failure(request, reason=""):
    """`CSRF_FAILURE_VIEW`: a POST without a valid CSRF token (a form left open past the session, a stale tab) is the
    site's framed 403 page in the user's language with a link that reloads the page; an API route answers JSON
    `{"detail": …}`. Django's `reason` (English, technical) is not shown."""
    if is_api_path(request.path):
        return JsonResponse({"detail": csrf_message()}, status=403)
    context = {"reason": csrf_message(), "retry_url": request.get_full_path()}
    return HttpResponse(loader.render_to_string("403.html", context, request), status=403)


class FramedUnavailableMiddleware:
    """A plain-text 503 (a PDF that cannot be made now, `geo.documents`: every conversion slot busy, or LibreOffice
    missing) reached by a browser following a page's link — its Accept names text/html — becomes the framed page in
    the user's language with the same message and a link back to the page it came from; `Retry-After` is kept. API
    clients (Accept: application/json, */*) keep the plain answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (response.status_code != 503 or not response.get("Content-Type", "").startswith("text/plain")
                or "text/html" not in request.headers.get("Accept", "")):
            return response
        back = request.headers.get("Referer", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            back = "/"
        context = {"message": response.content.decode(response.charset or "utf-8"), "back_url": back}
        framed = HttpResponse(loader.render_to_string("unavailable.html", context, request), status=503)
        if response.has_header("Retry-After"):
            framed["Retry-After"] = response["Retry-After"]
        return framed

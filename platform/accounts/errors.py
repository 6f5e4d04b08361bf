"""API errors: bad input is a 400 with field-level messages, never a 500; an unreachable database is a 503."""
import sys

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext
from django.views import defaults
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from accounts.access import AccessDenied
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
    """Province (`/api/…`) and district (`/d/<slug>/api/…`) API routes answer JSON, everything else HTML."""
    return path.startswith("/api/") or "/api/" in path


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

"""What a locked-out login gets: JSON on API routes, a short page on the login page (django-axes' AXES_LOCKOUT_CALLABLE)."""
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


def lockout_response(request, original_response=None, credentials=None):
    """429 Too Many Requests with Retry-After (seconds of the cool-off, `LOGIN_LOCKOUT_MINUTES`).

    Served when an account or an address reached `LOGIN_FAILURE_LIMIT` failed logins; the password
    is then not even checked until the cool-off has passed.
    """
    retry_after = int(settings.AXES_COOLOFF_TIME.total_seconds())
    message = _("Too many failed logins for this account or from this address. Try again in %(minutes)d minutes.") % {
        "minutes": retry_after // 60
    }
    if request.path.startswith("/api/"):
        response = JsonResponse({"detail": message}, status=429)
    else:
        response = render(request, "registration/locked_out.html", {"message": message}, status=429)
    response["Retry-After"] = str(retry_after)
    return response

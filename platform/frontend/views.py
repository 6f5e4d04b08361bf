"""Server-rendered map pages; the maps draw from our own GeoJSON APIs."""
from django.contrib.auth import views as auth_views
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts import access
from geo.selectors import communes_of
from tenants.models import District
from tenants.selectors import district_summary


@require_safe
def home(request):
    """The province map: districts and communes, names on hover."""
    districts = District.objects.exclude(schema_name="public").select_related("unit").order_by("unit__code")
    return render(request, "frontend/home.html", {"districts": districts})


@require_safe
def district_home(request):
    """A district's page: its communes on a map and in a list (district users and province staff)."""
    district = request.tenant
    return render(
        request,
        "frontend/district.html",
        {"summary": district_summary(district=district, with_counts=access.can_read_district_counts(request.user, district)), "communes": communes_of(district.unit)},
    )


class LoginView(auth_views.LoginView):
    """After logging in without a `next`, each person lands where their work is."""

    def get_default_redirect_url(self):
        """What waits for me (`/inbox/`) for everyone with an inbox; the province map for the others (issue 14, part 4)."""
        if access.inbox_level(self.request.user):
            return "/inbox/"
        return super().get_default_redirect_url()


def healthz(request):
    """200 when the database answers, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT postgis_lib_version()")
            postgis = cursor.fetchone()[0]
    except Exception as exc:  # any database failure means unhealthy, whatever its class
        return JsonResponse({"status": "error", "database": str(exc.__class__.__name__)}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "postgis": postgis})

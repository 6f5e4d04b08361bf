"""The province's view of every district's cycles (Đ15)."""
from django.utils.translation import gettext as _
from rest_framework.response import Response
from rest_framework.views import APIView

from plans import selectors


class ProvinceCyclesApi(APIView):
    """GET /api/plans/cycles/?plan_year=: per district, cycles per step, published and overdue (province staff)."""

    def get(self, request):
        from accounts.access import is_province_wide

        if not is_province_wide(request.user):
            return Response({"detail": _("Province staff only.")}, status=403)
        year = request.query_params.get("plan_year", "")
        if not year.isdigit():
            return Response({"plan_year": [_("A year, e.g. 2027.")]}, status=400)
        return Response({"plan_year": int(year), "districts": selectors.province_cycle_rows(plan_year=int(year))})

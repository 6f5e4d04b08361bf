"""The province's view of every district's cycles (Đ15)."""
from django.utils.translation import gettext as _
from rest_framework.response import Response
from rest_framework.views import APIView

from plans import selectors


class ProvinceCyclesApi(APIView):
    """GET /api/plans/cycles/?plan_year=: per district, cycles per step, published and overdue (province staff)."""

    def get(self, request):
        from accounts.access import can_compare_province, require

        require(can_compare_province(request.user), _("Province staff only."))
        year = request.query_params.get("plan_year", "")
        if not year.isdigit():
            return Response({"plan_year": [_("A year, e.g. 2027.")]}, status=400)
        return Response({"plan_year": int(year), "districts": selectors.province_cycle_rows(plan_year=int(year))})

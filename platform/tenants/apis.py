from drf_spectacular.utils import inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from tenants.selectors import district_summary


class DistrictSummaryApi(APIView):
    """The district's own summary: code, name, communes and counts. The counts of what the district holds
    (proposals, plans, projects, reports, users) are for district and province staff only
    (`access.can_read_district_counts`); a commune team or village head gets the number of communes and villages."""

    Output = inline_serializer(
            "DistrictSummary",
            {
                "code": serializers.CharField(help_text="GSO code"),
                "name": serializers.CharField(),
                "slug": serializers.CharField(),
                "unit_type": serializers.CharField(),
                "area_km2": serializers.FloatField(allow_null=True),
                "population": serializers.IntegerField(allow_null=True),
                "communes": inline_serializer("DistrictSummaryCommune", {
                    "code": serializers.CharField(), "name": serializers.CharField(), "unit_type": serializers.CharField(),
                    "area_km2": serializers.FloatField(allow_null=True), "villages": serializers.IntegerField(),
                }, many=True),
                "counts": serializers.DictField(
                    child=serializers.IntegerField(),
                    help_text="communes and villages; with district-wide figures for district and province staff (proposals, plans, projects, reports, users)",
                ),
            },
        )

    def get(self, request):
        district = request.tenant
        return Response(district_summary(district=district, with_counts=access.can_read_district_counts(request.user, district)))

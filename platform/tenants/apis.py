from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts import access
from tenants.selectors import district_summary


class DistrictSummaryApi(APIView):
    """The district's own summary: code, name, communes and counts. The counts of what the district holds
    (proposals, plans, projects, reports, users) are for district and province staff only
    (`access.can_read_district_counts`); a commune team or village head gets the number of communes and villages."""

    @extend_schema(
        responses=inline_serializer(
            "DistrictSummary",
            {
                "code": serializers.CharField(),
                "name": serializers.CharField(),
                "slug": serializers.CharField(),
                "communes": serializers.ListField(child=serializers.DictField()),
                "counts": serializers.DictField(child=serializers.IntegerField()),
            },
        )
    )
    def get(self, request):
        district = request.tenant
        return Response(district_summary(district=district, with_counts=access.can_read_district_counts(request.user, district)))

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from tenants.selectors import district_summary


class DistrictSummaryApi(APIView):
    """The district's own summary: code, name, communes and counts. District users and province staff only."""

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
        return Response(district_summary(district=request.tenant))

"""Province-level reference layers: districts and administrative units as GeoJSON."""
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from geo.bbox import filter_bbox
from geo.fields import GuardedGeometryField
from geo.guard import GEOMETRY_TYPES, check_inside
from geo.models import AdministrativeUnit
from geo.pagination import FeaturePagination
from geo.selectors import unit_list
from geo.serializers import AdministrativeUnitFeatureSerializer

BBOX_PARAMETER = OpenApiParameter("bbox", OpenApiTypes.STR, description="minLon,minLat,maxLon,maxLat (EPSG:4326)")


class DistrictListApi(generics.ListAPIView):
    """The province's districts (GeoJSON). Public reference data."""

    permission_classes = [AllowAny]
    serializer_class = AdministrativeUnitFeatureSerializer
    pagination_class = FeaturePagination

    @extend_schema(parameters=[BBOX_PARAMETER])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return filter_bbox(unit_list(level=AdministrativeUnit.Level.DISTRICT), self.request)


class AdministrativeUnitListApi(generics.ListAPIView):
    """Administrative units of a level and parent (GeoJSON). Public reference data."""

    permission_classes = [AllowAny]
    serializer_class = AdministrativeUnitFeatureSerializer
    pagination_class = FeaturePagination

    @extend_schema(
        parameters=[
            OpenApiParameter("level", OpenApiTypes.STR, enum=AdministrativeUnit.Level.values),
            OpenApiParameter("parent", OpenApiTypes.STR, description="GSO code of the parent unit"),
            BBOX_PARAMETER,
        ]
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        level = self.request.query_params.get("level")
        if level and level not in AdministrativeUnit.Level.values:
            raise ValidationError({"level": [_("level must be one of: %(levels)s.") % {"levels": ", ".join(AdministrativeUnit.Level.values)}]})
        units = unit_list(level=level, parent_code=self.request.query_params.get("parent"))
        return filter_bbox(units, self.request)


class GeometryCheckInput(serializers.Serializer):
    geometry = GuardedGeometryField(allowed_types=GEOMETRY_TYPES)
    unit = serializers.CharField(required=False, help_text="GSO code of the unit the geometry must lie in")


class GeometryCheckApi(APIView):
    """Check a GeoJSON geometry the way every form does before saving (the map pages call it as you draw).

    200 with the geometry's type and size when it passes; 400 naming `geometry` and the reason otherwise.
    """

    @extend_schema(request=GeometryCheckInput, responses={200: inline_serializer("GeometryChecked", {
        "valid": serializers.BooleanField(), "type": serializers.CharField(help_text="geometry type"),
        "vertices": serializers.IntegerField(),
    })})
    def post(self, request):
        data = GeometryCheckInput(data=request.data)
        data.is_valid(raise_exception=True)
        geom = data.validated_data["geometry"]
        code = data.validated_data.get("unit")
        if code:
            unit = AdministrativeUnit.objects.filter(code=code, is_current=True).first()
            if unit is None:
                raise ValidationError({"unit": [_("No current administrative unit has code %(code)s.") % {"code": code}]})
            check_inside(geom, unit)
        return Response({"valid": True, "type": geom.geom_type, "vertices": geom.num_coords})

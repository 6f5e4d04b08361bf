"""Province-level reference layers: districts and administrative units as GeoJSON."""
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from geo.fields import GuardedGeometryField
from geo.guard import GEOMETRY_TYPES, check_inside
from geo.layers import MAX_LIMIT, MEDIA_TYPE, page_response, registry
from geo.models import AdministrativeUnit

BBOX_PARAMETER = OpenApiParameter("bbox", OpenApiTypes.STR, description="minLon,minLat,maxLon,maxLat (EPSG:4326)")


PAGE_PARAMETERS = [OpenApiParameter("page", OpenApiTypes.INT), OpenApiParameter("page_size", OpenApiTypes.INT, description=f"1 to {MAX_LIMIT}")]


class DistrictListApi(APIView):
    """The province's districts (GeoJSON, through the layer kit's "districts" layer). Public reference data."""

    authentication_classes = []  # the same answer for everybody (see AdministrativeUnitListApi)
    permission_classes = [AllowAny]

    query_parameters = [BBOX_PARAMETER, *PAGE_PARAMETERS]
    Output = {(200, MEDIA_TYPE): registry.get("districts").openapi_schema()}

    def get(self, request):
        response = page_response(request, registry.get("districts"), district=None)
        response.session_free = True  # accounts.sessions.SessionMiddleware: the session is neither read nor pushed
        return response


class AdministrativeUnitListApi(APIView):
    """Administrative units of a level and parent (GeoJSON, through the layer kit). Public reference data."""

    # The same answer for everybody: the caller is never read, so a signed-in visitor's request costs no session nor
    # user round trip (the answer is kept whole under the units' data version: docs/GIS.md, "Caching under the data version").
    authentication_classes = []
    permission_classes = [AllowAny]

    query_parameters = [
            OpenApiParameter("level", OpenApiTypes.STR, enum=AdministrativeUnit.Level.values),
            OpenApiParameter("parent", OpenApiTypes.STR, description="GSO code of the parent unit"),
            BBOX_PARAMETER, *PAGE_PARAMETERS,
        ]
    Output = {(200, MEDIA_TYPE): registry.get("communes").openapi_schema()}

    def get(self, request):
        level = request.query_params.get("level")  # one of AdministrativeUnit.Level: geo.params reads the declared enum
        response = page_response(request, registry.get("communes").with_level(level or None), district=None)
        response.session_free = True  # accounts.sessions.SessionMiddleware: the session is neither read nor pushed
        return response


class GeometryCheckInput(serializers.Serializer):
    geometry = GuardedGeometryField(allowed_types=GEOMETRY_TYPES)
    unit = serializers.CharField(required=False, help_text="GSO code of the unit the geometry must lie in")


class GeometryCheckApi(APIView):
    """Check a GeoJSON geometry the way every form does before saving (the map pages call it as you draw).

    200 with the geometry's type and size when it passes; 400 naming `geometry` and the reason otherwise.
    """

    Input = GeometryCheckInput
    Output = {200: inline_serializer("GeometryChecked", {
        "valid": serializers.BooleanField(), "type": serializers.CharField(help_text="geometry type"),
        "vertices": serializers.IntegerField(),
    })}

    def post(self, request):
        serializer = GeometryCheckInput(data=request.data)
        serializer.is_valid(raise_exception=True)  # geo may not import core.openapi.valid_input (same layer)
        data = dict(serializer.validated_data)
        geom = data["geometry"]
        code = data.get("unit")
        if code:
            unit = AdministrativeUnit.objects.filter(code=code, is_current=True).first()
            if unit is None:
                raise ValidationError({"unit": [_("No current administrative unit has code %(code)s.") % {"code": code}]})
            check_inside(geom, unit)
        return Response({"valid": True, "type": geom.geom_type, "vertices": geom.num_coords})

from rest_framework import serializers
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from geo.models import AdministrativeUnit


class AdministrativeUnitFeatureSerializer(GeoFeatureModelSerializer):
    parent = serializers.CharField(source="parent.code", default=None, read_only=True)

    class Meta:
        model = AdministrativeUnit
        geo_field = "geom"
        id_field = False
        fields = ["code", "name", "name_short", "slug", "unit_type", "level", "parent", "population", "area_km2", "is_demo"]

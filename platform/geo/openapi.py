"""The one OpenAPI description of the GeoJSON layers (FeatureCollections and single Features), in EPSG:4326 lon/lat.

Generic on purpose: the layers are being rebuilt on one layer kit in `geo/`, which will describe each
layer's properties from the kit. Until then every layer view points its `Output` here, so replacing
these two names documents them all.
"""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

FEATURE = inline_serializer("GeoJSONFeature", {
    "type": serializers.CharField(help_text="Feature"),
    "id": serializers.IntegerField(allow_null=True),
    "geometry": serializers.JSONField(allow_null=True, help_text="A GeoJSON geometry, EPSG:4326 lon/lat"),
    "properties": serializers.DictField(),
})

FEATURE_COLLECTION = inline_serializer("GeoJSONFeatureCollection", {
    "type": serializers.CharField(help_text="FeatureCollection"),
    "count": serializers.IntegerField(required=False, help_text="features matching, over every page"),
    "next": serializers.URLField(required=False, allow_null=True),
    "previous": serializers.URLField(required=False, allow_null=True),
    "features": serializers.ListField(child=serializers.DictField(), help_text="GeoJSON Features"),
})


def geojson_file(description: str) -> dict:
    """A whole layer downloaded as a `.geojson` file (`application/geo+json`): a 200 answer for `Output` or `responses`."""
    return {(200, "application/geo+json"): OpenApiResponse(OpenApiTypes.BINARY, description=description)}

"""Serializer field for GeoJSON geometry input: everything goes through the guard."""
import json

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from geo.guard import ANY_FEATURE, GeometryRejected, parse_geometry


@extend_schema_field(OpenApiTypes.OBJECT)
class GuardedGeometryField(serializers.Field):
    """Reads GeoJSON geometry through `geo.guard`, writes it back as GeoJSON."""

    def __init__(self, *, allowed_types=ANY_FEATURE, **kwargs):
        self.allowed_types = tuple(allowed_types)
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        try:
            return parse_geometry(data, allowed_types=self.allowed_types)
        except GeometryRejected as exc:
            raise serializers.ValidationError(exc.message, code=exc.code)

    def to_representation(self, value):
        return json.loads(value.geojson) if value is not None else None

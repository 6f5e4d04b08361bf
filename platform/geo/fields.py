"""Serializer field for GeoJSON geometry input: everything goes through the guard."""
import json

from django.utils.translation import gettext as _
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
        """GeoJSON geometry (dict or text) → 2D GEOS geometry in EPSG:4326 (Đ5: proposals pinned on the map).

        A `crs` member on the object that holds the geometry (the Feature, or the request body) is
        honoured or refused as if it sat on the geometry: never ignored. Declaring one on both that
        differ is refused. Raises ValidationError (400 naming `geometry`) with the guard's reason.
        """
        outer = self._outer_crs()
        try:
            if outer is not None and isinstance(data, dict) and data.get("crs") is not None and data["crs"] != outer:
                raise GeometryRejected(_("Declare the coordinate system once: the Feature and its geometry name different ones."), "crs")
            return parse_geometry(data, allowed_types=self.allowed_types, crs=outer)
        except GeometryRejected as exc:
            raise serializers.ValidationError(exc.message, code=exc.code)

    def _outer_crs(self):
        """The `crs` member the client sent next to this field, if any (None when absent)."""
        parent = self.parent
        while parent is not None:
            data = getattr(parent, "initial_data", None)
            if isinstance(data, dict):
                return data.get("crs")
            parent = getattr(parent, "parent", None)
        return None

    def to_representation(self, value):
        return json.loads(value.geojson) if value is not None else None

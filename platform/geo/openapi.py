"""OpenAPI descriptions of GeoJSON answers, in EPSG:4326 lon/lat, beside the layer kit's (`geo.layers.Layer.openapi_schema`).

`feature(name, properties)` documents a single Feature a view builds in Python (a detail, the answer of an action):
its `properties` are named, never a free-form dict. `clusters(sums)` documents the grid clusters of
`geo.features.grid_clusters_sql`. `geojson_file` documents a whole layer downloaded as a file.
"""
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers

from geo.params import MAX_PAGE_SIZE


def feature(name: str, properties, *, geometry: str = "Geometry"):
    """A GeoJSON Feature (component `name`) whose `properties` is an object of the given serializer fields
    (`{name: field}`, a copy is taken) or a serializer instance (an input's properties serializer). `geometry`
    names its GeoJSON type for the description."""
    if isinstance(properties, dict):
        properties = inline_serializer(name + "Properties", {**properties})
    return inline_serializer(name, {
        "type": serializers.CharField(help_text="Feature"),
        "id": serializers.IntegerField(allow_null=True, required=False),
        "geometry": serializers.JSONField(allow_null=True, help_text=f"A GeoJSON {geometry}, EPSG:4326 lon/lat"),
        "properties": properties,
    })


def clusters(title: str, sums: tuple, *, extra: dict | None = None) -> dict:
    """The FeatureCollection of `geo.features.grid_clusters_sql` as an OpenAPI schema: one Point per grid cell (the mean
    position of its rows) with `cluster: true`, `count` and each of `sums` (summed, VND); `extra` ({key: schema}) the keys
    the route writes beside `type` and `features`."""
    amount = {"type": "integer", "nullable": True, "description": "VND, summed over the cell"}
    return {"type": "object", "title": title, "required": ["type", "features", *(extra or {})], "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]}, **(extra or {}),
        "features": {"type": "array", "items": {"type": "object", "required": ["type", "geometry", "properties"], "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "geometry": {"type": "object", "description": "GeoJSON Point (mean position of the cell's rows), EPSG:4326 lon/lat"},
            "properties": {"type": "object", "required": ["cluster", "count"], "properties": {
                "cluster": {"type": "boolean"}, "count": {"type": "integer"}, **{name: amount for name in sums},
            }},
        }}},
    }}


def geojson_file(description: str) -> dict:
    """A whole layer downloaded as a `.geojson` file (`application/geo+json`): a 200 answer for `Output` or `responses`."""
    return {(200, "application/geo+json"): OpenApiResponse(OpenApiTypes.BINARY, description=description)}


_PARAMETER_TYPES = {"integer": OpenApiTypes.INT, "number": OpenApiTypes.NUMBER, "boolean": OpenApiTypes.BOOL, "date": OpenApiTypes.DATE}


def layer_parameters(layer, *, paging: bool = True, bbox: bool = True) -> list:
    """The query parameters a layer route reads through `geo.layers.page_response`: `bbox` (minLon,minLat,maxLon,maxLat,
    EPSG:4326), `page` and `page_size` (geo.params.PAGING) and each of the layer's `filters` under its own name, as the
    `OpenApiParameter` list a view declares in `query_parameters` (geo.params refuses any other parameter)."""
    parameters = []
    if bbox:
        parameters.append(OpenApiParameter("bbox", OpenApiTypes.STR, description="minLon,minLat,maxLon,maxLat (EPSG:4326)"))
    if paging:
        parameters += [OpenApiParameter("page", OpenApiTypes.INT, description="page number, from 1"),
                       OpenApiParameter("page_size", OpenApiTypes.INT, description=f"1 to {MAX_PAGE_SIZE} (more is a 400)")]
    for name, spec in layer.filters.items():
        kind = OpenApiTypes.STR if spec.split and spec.type != "boolean" else _PARAMETER_TYPES.get(spec.type, OpenApiTypes.STR)
        description = spec.description or ("comma-separated" if spec.split else "")
        if spec.choices and spec.split:
            # A comma list of allowed values (?status=a,b): an array of enum items, style=form, explode=false; the
            # middleware (geo.params.check_declared) refuses a value outside them as it does a single-value one.
            parameters.append(OpenApiParameter(name, _PARAMETER_TYPES.get(spec.type, OpenApiTypes.STR), description=description,
                                               enum=list(spec.choices), many=True, style="form", explode=False))
        else:
            parameters.append(OpenApiParameter(name, kind, description=description, enum=list(spec.choices) if spec.choices else None))
    return parameters

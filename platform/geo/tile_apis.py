"""Vector-tile routes: `/tiles/` (province) and `/d/<slug>/tiles/` (a district) list their tile layers as TileJSON;
`…/tiles/<layer>.json` is one layer's TileJSON; `…/tiles/<layer>/{z}/{x}/{y}.pbf` its Mapbox vector tiles.

Which layers exist, who may read them and what a tile holds is each layer's (`geo.tiles.REGISTRY`,
filled by the apps' ready()); the rows of a tile follow the same access scope and filters as the
layer's GeoJSON. Token (`Authorization: Token …`) or session.
"""
from django.http import Http404, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from geo.tiles import MVT_CONTENT_TYPE, REGISTRY, check_tile_parameters, parse_tile, tile_query, tilejson

TILEJSON_MEDIA_TYPE = "application/vnd.tilejson+json"
_TILEJSON = inline_serializer("TileJSON", {
    "tilejson": serializers.CharField(help_text="3.0.0"), "name": serializers.CharField(), "description": serializers.CharField(),
    "scheme": serializers.CharField(help_text="xyz"), "tiles": serializers.ListField(child=serializers.URLField()),
    "minzoom": serializers.IntegerField(), "maxzoom": serializers.IntegerField(),
    "bounds": serializers.ListField(child=serializers.FloatField(), help_text="[minLon, minLat, maxLon, maxLat], EPSG:4326"),
    "filters": serializers.ListField(child=serializers.CharField(), help_text="query parameters the tiles take"),
    "vector_layers": inline_serializer("TileJSONVectorLayer", {
        "id": serializers.CharField(), "description": serializers.CharField(), "minzoom": serializers.IntegerField(),
        "maxzoom": serializers.IntegerField(), "fields": serializers.DictField(child=serializers.CharField(), help_text="{property: MVT type}"),
    }, many=True),
})


def _district(request):
    tenant = getattr(request, "tenant", None)
    return None if tenant is None or tenant.schema_name == "public" else tenant


def _layers_here(request):
    district = _district(request)
    return [layer for layer in REGISTRY.values() if layer.district_level == (district is not None)], district


def _document(request, layer):
    """The layer's TileJSON; its tile URL carries the request's parameters the layer takes (`geo.tiles.tile_query`)."""
    base = request.build_absolute_uri(request.path.split("/tiles/")[0] + f"/tiles/{layer.name}/")
    return tilejson(layer, tiles_url=base + "{z}/{x}/{y}.pbf", query=tile_query(layer, request.GET))


class TileApi(APIView):
    renderer_classes = [JSONRenderer]
    # Anonymous callers too: each layer's own rule decides (`readable_layer`; accounts.access.is_tile_path), as on the
    # OGC API and the downloads: a district's published proposals are public, the province's layers are for its staff.
    permission_classes = [AllowAny]
    # The province's tiles (/tiles/…) may read the streaming replica (geo/replica.py; docs/OPERATIONS.md, "Streaming replica");
    # a district's own (/d/<slug>/tiles/…) read the primary: a commune that posts then reloads its map sees its pin.
    @staticmethod
    def reads_replica(request):
        return _district(request) is None

    def readable_layer(self, request, name):
        """The tile layer `name` of this level if the caller may read it: 404 unknown, 401 anonymous, 403 refused."""
        layers, district = _layers_here(request)
        layer = next((layer for layer in layers if layer.name == name), None)
        if layer is None:
            raise Http404(_("No such tile layer."))
        if not layer.visible(request.user, district):
            if not request.user.is_authenticated:
                raise NotAuthenticated()
            raise PermissionDenied(_("You may not read this layer."))
        return layer


class TileListApi(TileApi):
    """GET: the TileJSON 3.0.0 document of every tile layer here the caller may read (a JSON list; anonymous callers: the public ones)."""

    Output = {(200, TILEJSON_MEDIA_TYPE): type(_TILEJSON)(many=True)}

    def get(self, request):
        layers, district = _layers_here(request)
        readable = [layer for layer in layers if layer.visible(request.user, district)]
        # a parameter that no layer here takes, or a value refused by a layer that takes it, is a 400 naming it, as on one
        # layer's TileJSON and its tiles
        known = {name for layer in readable for name in layer.filters}
        check_tile_parameters({}, request.GET, known=known)
        for layer in readable:
            check_tile_parameters(layer.filters, request.GET, known=known)
        return Response([_document(request, layer) for layer in readable], content_type=TILEJSON_MEDIA_TYPE)


class TileJsonApi(TileApi):
    """GET: one layer's TileJSON (its tile URL carries the request's filters)."""

    Output = {(200, TILEJSON_MEDIA_TYPE): _TILEJSON}

    def get(self, request, name):
        layer = self.readable_layer(request, name)
        check_tile_parameters(layer.filters, request.GET)
        return Response(_document(request, layer), content_type=TILEJSON_MEDIA_TYPE)


class TileDataApi(TileApi):
    """GET: the Mapbox vector tile z/x/y of a layer (XYZ, web mercator), filtered by the query string as the layer is."""

    Output = {(200, MVT_CONTENT_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description="a Mapbox vector tile")}

    def get(self, request, name, z, x, y):
        # The layer first (404 unknown, 401/403 refused) whatever the address, as a download's layer comes before its
        # format; then a bad address of a layer the caller may read is a 400 naming `tile`.
        layer = self.readable_layer(request, name)
        z, x, y = parse_tile(z, x, y)
        etag = quote_etag(layer.etag(request, z, x, y)) if layer.etag else None
        if etag:
            unchanged = get_conditional_response(request, etag=etag)
            if unchanged is not None:
                return unchanged  # 304, the tile not built (geo.middleware adds the cache headers)
        body = layer.tile(request, z, x, y)
        body, packed = body if isinstance(body, tuple) else (body, None)
        answer = HttpResponse(body, content_type=MVT_CONTENT_TYPE)
        if packed is not None:
            answer.layer_gzip = packed  # kept beside the tile: geo.middleware sends it instead of compressing again
        if etag:
            answer["ETag"] = etag
        return answer

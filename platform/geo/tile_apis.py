"""Vector-tile routes: `/tiles/` (province) and `/d/<slug>/tiles/` (a district) list their tile layers as TileJSON;
`…/tiles/<layer>.json` is one layer's TileJSON; `…/tiles/<layer>/{z}/{x}/{y}.pbf` its Mapbox vector tiles.

Which layers exist, who may read them and what a tile holds is each layer's (`geo.tiles.REGISTRY`,
filled by the apps' ready()); the rows of a tile follow the same access scope and filters as the
layer's GeoJSON. Token (`Authorization: Token …`) or session.
"""
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from knox.auth import TokenAuthentication
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from geo.tiles import MVT_CONTENT_TYPE, REGISTRY, parse_tile, tilejson


def _district(request):
    tenant = getattr(request, "tenant", None)
    return None if tenant is None or tenant.schema_name == "public" else tenant


def _layers_here(request):
    district = _district(request)
    return [layer for layer in REGISTRY.values() if layer.district_level == (district is not None)], district


def _document(request, layer):
    base = request.build_absolute_uri(request.path.split("/tiles/")[0] + f"/tiles/{layer.name}/")
    return tilejson(layer, tiles_url=base + "{z}/{x}/{y}.pbf", query=request.GET.urlencode())


class TileApi(APIView):
    # Token first: an anonymous caller is told to authenticate (401), not refused (403).
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    renderer_classes = [JSONRenderer]

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
    """GET: the TileJSON 3.0.0 document of every tile layer here the caller may read (a JSON list); anonymous callers get 401."""

    def get(self, request):
        layers, district = _layers_here(request)
        return Response([_document(request, layer) for layer in layers if layer.visible(request.user, district)],
                        content_type="application/vnd.tilejson+json")


class TileJsonApi(TileApi):
    """GET: one layer's TileJSON (its tile URL carries the request's filters)."""

    def get(self, request, name):
        return Response(_document(request, self.readable_layer(request, name)), content_type="application/vnd.tilejson+json")


class TileDataApi(TileApi):
    """GET: the Mapbox vector tile z/x/y of a layer (XYZ, web mercator), filtered by the query string as the layer is."""

    def get(self, request, name, z, x, y):
        z, x, y = parse_tile(z, x, y)  # a bad address is a 400 naming `tile` whatever the layer
        layer = self.readable_layer(request, name)
        return HttpResponse(layer.tile(request, z, x, y), content_type=MVT_CONTENT_TYPE)

"""Whole layers to download in every GIS and office format (issue 13, part 3).

Routes (province at the root, a district under /d/<slug>/; token or session, like the API):

- `GET …/api/downloads/`: the layers the caller may read here, each with its download link per format;
- `GET …/api/downloads/<layer>.<fmt>` (or `…/api/downloads/<layer>/?f=<fmt>`): the WHOLE layer (every row
  the caller may read, never one page) as `fmt` in `geo.exports.FORMATS` (geojson, gpkg, shp, kml, csv, xlsx),
  with the layer's own filters, `bbox` and `datetime` (as in its OGC items), and `lonlat=1` for lon/lat
  columns instead of WKT in CSV and Excel.

Rows come from the layer kit (`geo.layers.registry`): the same access rules (`Layer.rows`, through
`accounts.access` in the app that declares the layer) and filters as the layer's GeoJSON routes and its OGC
collection. A layer the caller may not read answers 404, like an unknown one. The file is named
`<district>-<layer>-<dd-mm-yyyy>.<ext>` ("tinh-bac-ninh" for the province) and the layer inside it after
the layer's id.
"""
import json

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from geo.exports import FORMATS, layer_file
from geo.layers import LayerNotReadable, collection_text, registry
from geo.params import LANGUAGE_PARAM, ParameterRefused, check_choices

PARAMS = {"f", "bbox", "datetime", "lonlat", LANGUAGE_PARAM}  # the language, as every read


def _district(request):
    tenant = getattr(request, "tenant", None)
    return None if tenant is None or tenant.schema_name == "public" else tenant


def _readable_layers(request):
    district = _district(request)
    layers = registry.for_district() if district is not None else registry.for_province()
    return [layer for layer in layers if layer.readable(request.user, district)]


def _owner_name(request):
    """The file name's first part: the district's slug, or "tinh-<province>" at the root."""
    district = _district(request)
    if district is not None:
        return district.slug
    from geo.models import AdministrativeUnit

    province = AdministrativeUnit.objects.filter(level="province").order_by("code").values_list("name", flat=True).first()
    return f"tinh-{province}" if province and not province.lower().startswith("tỉnh") else (province or "tinh")


def whole_layer(layer, request) -> dict:
    """Every feature of `layer` the caller may read, with the request's filters, bbox and datetime, as a FeatureCollection dict.

    Raises ValidationError (400 naming the parameter) for an unknown parameter or a bad value, LayerNotReadable when refused.
    """
    params = request.GET
    unknown = [name for name in params if name not in PARAMS and name not in layer.filters]
    if unknown:
        raise ValidationError({unknown[0]: [_("%(name)s is not a parameter of this layer.") % {"name": unknown[0]}]})
    filters = {name: params[name] for name in layer.filters if name in params}
    text, _matched, _returned = layer.query(request.user, _district(request), bbox=params.get("bbox") or None, filters=filters,
                                            limit=None, offset=0, datetime=params.get("datetime") or None)
    return json.loads(collection_text(text))


class DownloadApi(APIView):
    # Anonymous callers download what they may read through the OGC API (each layer's rows() decides: public
    # administrative units, published proposals, public plan works); a layer they may not read is a 404.
    permission_classes = [AllowAny]
    renderer_classes = [JSONRenderer]


class DownloadListApi(DownloadApi):
    """GET the layers the caller may download here: `id`, `title` and `formats` ({format: URL})."""

    Output = inline_serializer("DownloadableLayer", {
        "id": serializers.CharField(), "title": serializers.CharField(),
        "formats": serializers.DictField(child=serializers.URLField(), help_text="{format: URL of the whole layer in it}"),
    }, many=True)

    def get(self, request):
        base = request.build_absolute_uri(request.path)
        return Response([
            {"id": layer.id, "title": layer.display_title(), "formats": {fmt: f"{base}{layer.id}.{fmt}" for fmt in FORMATS}}
            for layer in _readable_layers(request)
        ])


class LayerDownloadApi(DownloadApi):
    """GET one whole layer as a file (see the module docstring); 404 for a layer that does not exist here or that the
    caller may not read, whatever the format; then 400 for a bad format or parameter."""

    Output = {(200, content_type): OpenApiResponse(OpenApiTypes.BINARY, description=f"the whole layer as {fmt}")
              for fmt, (_extension, content_type) in FORMATS.items()}
    # Its parameters depend on the layer the path names (bbox, datetime, the layer's filters): `whole_layer` refuses an
    # unknown one itself, so geo.params does not check them against `query_parameters`.
    checks_own_parameters = True
    query_parameters = [
        OpenApiParameter("f", OpenApiTypes.STR, enum=list(FORMATS), description="format when the path names none (geojson)"),
        OpenApiParameter("lonlat", OpenApiTypes.BOOL, description="1: EPSG:4326 lon/lat instead of VN-2000"),
    ]

    def get(self, request, layer_id, fmt=None):
        # The layer first: one that does not exist here (or that the caller may not read) is a 404 whatever the format,
        # `nosuch.pdf` as `nosuch.csv`; only a layer the caller may read has its format (and parameters) checked.
        layer = next((layer for layer in _readable_layers(request) if layer.id == layer_id), None)
        if layer is None:
            raise Http404(_("No such layer."))
        asked = request.GET.get("f") or ""
        if fmt and asked and asked != fmt:
            # `proposals.csv?f=gpkg`: two formats; never one of them silently
            raise ValidationError({"f": [_("f (%(asked)s) differs from the format the path names (%(fmt)s): give one of them.") % {
                "asked": asked, "fmt": fmt}]})
        fmt = fmt or asked or "geojson"
        try:  # one wording whether the path (`proposals.pdf`) or `?f=pdf` names the format: geo.params.check_choices
            check_choices("f", fmt, FORMATS)
        except ParameterRefused as refused:
            raise ValidationError({"f": [refused.message]})
        lonlat = request.GET.get("lonlat", "") in ("1", "true")
        try:
            collection = whole_layer(layer, request)
        except LayerNotReadable:
            raise Http404(_("No such layer."))
        made = layer_file(collection, fmt=fmt, layer=layer.id, district=_owner_name(request), lonlat=lonlat,
                          on=timezone.localdate(), properties={name: kind for name, (kind, _sql) in layer.properties.items()},
                          name_property=layer.name_property, amounts=layer.amounts, geometry_type=layer.geometry_type)
        response = HttpResponse(made.content, content_type=made.content_type)
        response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
        return response

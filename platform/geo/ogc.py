"""OGC API – Features, Part 1 (Core, GeoJSON, OpenAPI 3.0; CRS84 only) over the layer kit's registry.

Mounted at /ogc/ (the province: the "province" layers of `geo.layers.registry`) and /d/<slug>/ogc/ (a district:
its "district" layers). Who may read a layer is the layer's `rows(user, district)` (accounts.access scopes);
`request.user` is the session user or the user of an `Authorization: Token <key>` header, resolved by
`accounts.middleware.DistrictAccessMiddleware` (which also keeps another district's users out with a 404).
A layer a caller may not read is neither listed nor served (404).

Routes (a trailing slash is optional; `f=json` is the only format; answers are JSON, items GeoJSON):
  {base}/                         landing page
  {base}/conformance              conformance classes
  {base}/api                      OpenAPI 3.0 document of this service
  {base}/collections              the collections this caller may read
  {base}/collections/{id}         one collection
  {base}/collections/{id}/schema  the JSON Schema of its features (application/schema+json), linked from the collection
                                  as rel="describedby": GIS clients (GDAL's OAPIF driver) type their fields by it
  {base}/collections/{id}/items   features: bbox, limit (1…5000, default 100), offset, datetime (layers with dates),
                                  the layer's property filters; numberMatched/numberReturned and rel="next"/"prev" links
  {base}/collections/{id}/items/{featureId}
Every text a person reads (titles, descriptions, link titles, the /api summaries) is in the request's language
(Accept-Language, ?lang=; Vietnamese by default), as the messages are; ids, URLs and property names never change.
Bad parameters (unknown, malformed, limit out of range) are a 400 {"code": "InvalidParameterValue",
"description": …, <parameter>: [message]} in the caller's language, as the standard asks (/req/core/query-param-*).
"""
import datetime as dt
import hashlib
import json

from django.http import HttpResponse, JsonResponse
from django.urls import re_path
from django.utils import timezone
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework.exceptions import ValidationError

from geo.layers import DEFAULT_LIMIT, MAX_LIMIT, MEDIA_TYPE, LayerNotReadable, collection_text, keeps_answers, kept_answer, parse_limit, parse_offset, registry
from geo.params import LANGUAGE_PARAM

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
OPENAPI_TYPE = "application/vnd.oai.openapi+json;version=3.0"
SCHEMA_TYPE = "application/schema+json"
JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
ITEM_PARAMS = {"f", "bbox", "limit", "offset", "datetime", LANGUAGE_PARAM}  # the language, as every read


def _district(request):
    tenant = getattr(request, "tenant", None)
    return None if tenant is None or tenant.schema_name == "public" else tenant


def _layers(request):
    """The layers of this service (province or district) that the caller may read."""
    district = _district(request)
    layers = registry.for_district() if district is not None else registry.for_province()
    return [layer for layer in layers if layer.readable(request.user, district)]


def _base(request):
    """The absolute URL of this service's landing page, without a trailing slash."""
    path = request.path
    return request.build_absolute_uri(path[: path.index("/ogc") + 4])


def _error(status, code, description, name=None):
    body = {"code": code, "description": description}
    if name:
        body[name] = [description]
    return JsonResponse(body, status=status)


def _invalid(error):
    name, messages = next(iter(error.detail.items()))
    return _error(400, "InvalidParameterValue", str(messages[0]), name)


def _check_format(request):
    fmt = request.GET.get("f")
    if fmt not in (None, "", "json", "geojson"):
        raise ValidationError({"f": [_("f must be json; this service answers JSON and GeoJSON only.")]})


def _ogc_view(view):
    """Wrap a view: 400 for bad parameters, only GET/HEAD."""
    def wrapped(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return _error(405, "MethodNotAllowed", _("Only GET is allowed here."))
        try:
            _check_format(request)
            return view(request, *args, **kwargs)
        except ValidationError as error:
            return _invalid(error)
        except LayerNotReadable:
            return _not_found()
    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    # The service never writes: a POST/PUT/… is answered the JSON 405 above, not Django's CSRF page.
    return csrf_exempt(wrapped)


def _not_found():
    return _error(404, "NotFound", _("No such collection or feature."))


def _layer(request, collection_id):
    """The layer `collection_id` of this service if the caller may read it, else None (answered 404).

    Only this layer's `readable()` is asked: asking every layer of the service (as `_layers` does for the list) ran
    each one's scope, a query for some, on every items page (OGC proposals items ×2.7 the layer route; see
    docs/GIS.md, "GIS downloads, vector tiles and lighter answers")."""
    try:
        layer = registry.get(collection_id)
    except KeyError:
        return None
    district = _district(request)
    if layer.scope != ("district" if district is not None else "province"):
        return None
    return layer if layer.readable(request.user, district) else None


def _collection(request, layer):
    base = _base(request)
    url = f"{base}/collections/{layer.id}"
    described = {
        "id": layer.id, "title": layer.display_title(), "description": layer.display_description(),
        "itemType": "feature", "crs": [CRS84], "storageCrs": CRS84,
        "links": [
            {"href": url + "?f=json", "rel": "self", "type": "application/json", "title": layer.display_title()},
            {"href": url + "/items?f=json", "rel": "items", "type": MEDIA_TYPE, "title": layer.display_title()},
            *_schema_links(url, layer),
        ],
    }
    extent = layer.spatial_extent(request.user, _district(request))
    described["extent"] = {"spatial": {"bbox": [extent or [-180, -90, 180, 90]], "crs": CRS84}}
    if layer.datetime_field:
        described["extent"]["temporal"] = {"interval": [[None, None]], "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}
    return described


def _schema_links(url, layer):
    """The collection's links to its JSON Schema: rel "describedby" (RFC 8288, as pygeoapi writes it) and "describedBy",
    the spelling GDAL 3.6's OAPIF driver compares with (ogroapifdriver.cpp reads the first application/schema+json link)."""
    return [{"href": url + "/schema", "rel": rel, "type": SCHEMA_TYPE, "title": layer.display_title()}
            for rel in ("describedby", "describedBy")]


def feature_json_schema(layer, url=None):
    """The JSON Schema (draft 2020-12) of one feature of `layer`, from the kit's declared property types (one source with
    /api and the layer routes): GeoJSON Feature with `id` and `properties` typed integer, number, string (format date or
    date-time), boolean, array or object; any property may be null. GDAL types a field by the first "type" of each
    property (a "type" list would be read as no type), so null is said by `nullable`, as in OpenAPI 3.0.

    Two things are written for GDAL 3.6 (ogroapifdriver.cpp): an amount (`layer.amounts`: money in đồng, counts) is
    `{"type": "number", "multipleOf": 1}` (a whole number in JSON Schema's words): GDAL makes every "integer" a 32-bit
    field and would clamp 3,000,000,000 đồng to 2,147,483,647, a "number" is a 64-bit real, exact to 2^53; and the
    properties' own `id` is left to the data (GDAL adds the data's first field when it is `id` and would add it twice,
    `id` and `id2`); the feature's `id` is described beside `properties`."""
    described = layer.feature_schema()
    properties = {name: ({**kind, "type": "number", "multipleOf": 1} if name in layer.amounts else kind)
                  for name, kind in described["properties"]["properties"]["properties"].items() if name != "id"}
    described["properties"]["properties"] = {**described["properties"]["properties"], "properties": properties}
    schema = {"$schema": JSON_SCHEMA_DIALECT, "title": layer.display_title(), **described}
    if url:
        schema["$id"] = url
    return schema


def _refuse_other_parameters(request):
    """A 400 naming the first query parameter other than `f` and `lang`: the schema and one feature take no other."""
    unknown = [name for name in request.GET if name not in ("f", LANGUAGE_PARAM)]
    if unknown:
        raise ValidationError({unknown[0]: [_("%(name)s is not a parameter of this collection.") % {"name": unknown[0]}]})


@_ogc_view
def schema(request, collection_id):
    """The JSON Schema of a collection's features (application/schema+json)."""
    layer = _layer(request, collection_id)
    if layer is None:
        return _not_found()
    _refuse_other_parameters(request)
    url = f"{_base(request)}/collections/{layer.id}/schema"
    return HttpResponse(json.dumps(feature_json_schema(layer, url), ensure_ascii=False), content_type=SCHEMA_TYPE)


@_ogc_view
def landing(request):
    """The landing page: links to the OpenAPI document, the conformance classes and the collections."""
    base = _base(request)
    district = _district(request)
    place = district.name if district is not None else "tỉnh Bắc Ninh"  # a proper name: the same in every language
    return JsonResponse({
        "title": _("OGC API – Features: %(place)s") % {"place": place},
        "description": _("Layers of the commune planning platform (Decision 07/2015/QĐ-UBND), GeoJSON in CRS84."),
        "links": [
            {"href": base + "/?f=json", "rel": "self", "type": "application/json", "title": _("this document")},
            {"href": base + "/api?f=json", "rel": "service-desc", "type": OPENAPI_TYPE, "title": _("the API definition")},
            {"href": base + "/conformance?f=json", "rel": "conformance", "type": "application/json", "title": _("conformance classes")},
            {"href": base + "/collections?f=json", "rel": "data", "type": "application/json", "title": _("collections")},
        ],
    })


@_ogc_view
def conformance(request):
    """The conformance classes this service implements."""
    return JsonResponse({"conformsTo": CONFORMANCE})


@_ogc_view
def collections(request):
    """The collections (layers) this caller may read."""
    base = _base(request)
    return JsonResponse({
        "links": [{"href": base + "/collections?f=json", "rel": "self", "type": "application/json", "title": _("collections")}],
        "collections": [_collection(request, layer) for layer in _layers(request)],
    })


@_ogc_view
def collection(request, collection_id):
    """One collection's description."""
    layer = _layer(request, collection_id)
    return _not_found() if layer is None else JsonResponse(_collection(request, layer))


@_ogc_view
def items(request, collection_id):
    """One page of a collection's features (GeoJSON), with paging links."""
    layer = _layer(request, collection_id)
    if layer is None:
        return _not_found()
    params = request.GET
    unknown = [name for name in params if name not in ITEM_PARAMS and name not in layer.filters]
    if unknown:
        raise ValidationError({unknown[0]: [_("%(name)s is not a parameter of this collection.") % {"name": unknown[0]}]})
    limit = parse_limit(params.get("limit"), default=DEFAULT_LIMIT)
    offset = parse_offset(params.get("offset"))
    if keeps_answers(layer):
        # Public reference data (the administrative units): the whole answer is kept under the units' data version, the
        # URL and the language, as the layer route keeps its own (geo.kept.kept_answer); its timeStamp is the time it
        # was built. The caller is never read: no session nor user round trip, and the session is left alone.
        response = kept_answer(request, layer, lambda: _items_answer(request, layer, limit, offset))
        response.session_free = True  # accounts.sessions.SessionMiddleware
        return response
    body, etag = _items_answer(request, layer, limit, offset)
    response = HttpResponse(body, content_type=MEDIA_TYPE)
    response["ETag"] = etag
    return response


def _items_answer(request, layer, limit, offset):
    """(body text, ETag) of one items page (see `items`)."""
    params = request.GET
    filters = {name: params[name] for name in layer.filters if name in params}
    text, matched, returned = layer.query(request.user, _district(request), bbox=params.get("bbox") or None, filters=filters,
                                          limit=limit, offset=offset, datetime=params.get("datetime") or None)
    url = f"{_base(request)}/collections/{layer.id}/items"

    def link(rel, start):
        query = params.copy()
        query["offset"] = start
        query["limit"] = limit
        query["f"] = "json"
        return {"href": f"{url}?{query.urlencode()}", "rel": rel, "type": MEDIA_TYPE}

    links = [{"href": request.build_absolute_uri(), "rel": "self", "type": MEDIA_TYPE},
             {"href": f"{_base(request)}/collections/{layer.id}?f=json", "rel": "collection", "type": "application/json"}]
    if offset + returned < matched:
        links.append(link("next", offset + limit))
    if offset > 0:
        links.append(link("prev", max(offset - limit, 0)))
    body = collection_text(text, numberMatched=matched, numberReturned=returned,
                           timeStamp=timezone.localtime(dt.datetime.now(dt.UTC)).isoformat(timespec="seconds"),
                           links=links)  # as every answer gives a date-time: +07:00
    # The ETag covers everything but timeStamp (which changes every second), so that an unchanged page answers 304
    # (geo.middleware.LayerAnswerMiddleware keeps an ETag a view set).
    stable = collection_text(text, numberMatched=matched, numberReturned=returned, links=links)
    return body, quote_etag(hashlib.md5(stable.encode(), usedforsecurity=False).hexdigest())


@_ogc_view
def item(request, collection_id, feature_id):
    """One feature (GeoJSON) by its id."""
    layer = _layer(request, collection_id)
    if layer is None:
        return _not_found()
    _refuse_other_parameters(request)
    text = layer.get(request.user, _district(request), feature_id)
    if text is None:
        return _not_found()
    url = f"{_base(request)}/collections/{layer.id}"
    links = [{"href": f"{url}/items/{feature_id}?f=json", "rel": "self", "type": MEDIA_TYPE},
             {"href": f"{url}?f=json", "rel": "collection", "type": "application/json"}]
    return HttpResponse(text[:-1] + ', "links": ' + json.dumps(links) + "}", content_type=MEDIA_TYPE)


def _filter_description(name, spec):
    """A layer filter's words in /api: its description, and for a single-value filter (`split` False) that it takes one
    value (a comma list is a 400); a filter without description says it takes a comma list meaning "any of"."""
    if not spec.split:
        return _("%(description)s (one value)") % {"description": str(spec.description) if spec.description else name}
    return str(spec.description) if spec.description else _("%(name)s (comma-separated values: any of)") % {"name": name}


def _parameter(name, kind, description, **schema):
    return {"name": name, "in": "query", "required": False, "style": "form", "explode": False,
            "description": description, "schema": {"type": kind, **schema}}


@_ogc_view
def api(request):
    """The OpenAPI 3.0 document of this service, with each readable collection's items and schema."""
    base = _base(request)
    paths = {
        "/": {"get": {"summary": _("Landing page"), "operationId": "getLandingPage", "responses": {"200": {"description": _("links")}}}},
        "/conformance": {"get": {"summary": _("Conformance classes"), "operationId": "getConformance",
                                 "responses": {"200": {"description": _("conformance classes")}}}},
        "/collections": {"get": {"summary": _("Collections"), "operationId": "getCollections", "responses": {"200": {"description": _("collections")}}}},
    }
    schemas = {}
    for layer in _layers(request):
        parameters = [
            _parameter("bbox", "array", _("minLon,minLat,maxLon,maxLat (CRS84), or six numbers with heights, "
                                          "minLon,minLat,minZ,maxLon,maxLat,maxZ: its 2D corners filter"),
                       items={"type": "number"}, minItems=4, maxItems=6),
            _parameter("limit", "integer", _("features per page"), minimum=1, maximum=MAX_LIMIT, default=DEFAULT_LIMIT),
            _parameter("offset", "integer", _("index of the first feature"), minimum=0, default=0),
        ]
        if layer.datetime_field:
            parameters.append(_parameter("datetime", "string", _("RFC 3339 date-time or interval (a/b, ../b, a/..)")))
        parameters += [_parameter(name, "string", _filter_description(name, spec)) for name, spec in layer.filters.items()]
        name = layer.id.replace("-", "_")
        schemas[name] = layer.openapi_schema(envelope="ogc")
        title = layer.display_title()
        ok = {"200": {"description": title, "content": {MEDIA_TYPE: {"schema": {"$ref": f"#/components/schemas/{name}"}}}},
              "400": {"description": _("a bad parameter")}}
        paths[f"/collections/{layer.id}"] = {"get": {"summary": title, "operationId": f"describe_{name}",
                                                     "responses": {"200": {"description": _("the collection")}}}}
        paths[f"/collections/{layer.id}/schema"] = {"get": {
            "summary": title, "operationId": f"get_{name}_schema",
            "responses": {"200": {"description": _("the JSON Schema of its features"),
                                  "content": {SCHEMA_TYPE: {"schema": {"type": "object"}}}}}}}
        paths[f"/collections/{layer.id}/items"] = {"get": {"summary": title, "operationId": f"get_{name}_items",
                                                           "parameters": parameters, "responses": ok}}
        paths[f"/collections/{layer.id}/items/{{featureId}}"] = {"get": {
            "summary": title, "operationId": f"get_{name}_item",
            "parameters": [{"name": "featureId", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": {"description": _("one feature"), "content": {MEDIA_TYPE: {"schema": layer.feature_schema()}}},
                          "404": {"description": _("no such feature")}}}}
    document = {
        "openapi": "3.0.3",
        "info": {"title": "OGC API – Features", "version": "1.0.0",
                 "description": _("Authenticate with the header `Authorization: Token <key>` (POST /api/auth/token/).")},
        "servers": [{"url": base}],
        "paths": paths,
        "components": {"schemas": schemas,
                       "securitySchemes": {"token": {"type": "apiKey", "in": "header", "name": "Authorization"}}},
    }
    return HttpResponse(json.dumps(document), content_type=OPENAPI_TYPE)


@_ogc_view
def nowhere(request, rest):
    """Any other path under the service (`/ogc/collections/communes/items/' OR 1=1`): the OGC 404 shape, not Django's."""
    return _not_found()


urlpatterns = [
    re_path(r"^ogc/?$", landing, name="ogc-landing"),
    re_path(r"^ogc/conformance/?$", conformance, name="ogc-conformance"),
    re_path(r"^ogc/api/?$", api, name="ogc-api"),
    re_path(r"^ogc/collections/?$", collections, name="ogc-collections"),
    re_path(r"^ogc/collections/(?P<collection_id>[\w-]+)/?$", collection, name="ogc-collection"),
    re_path(r"^ogc/collections/(?P<collection_id>[\w-]+)/schema/?$", schema, name="ogc-schema"),
    re_path(r"^ogc/collections/(?P<collection_id>[\w-]+)/items/?$", items, name="ogc-items"),
    re_path(r"^ogc/collections/(?P<collection_id>[\w-]+)/items/(?P<feature_id>[\w.-]+(?:/[\w.-]+)?)/?$", item, name="ogc-item"),
    re_path(r"^ogc/(?P<rest>.*)$", nowhere, name="ogc-nowhere"),  # last: every path the routes above do not match
]

"""One layer kit: every GeoJSON layer of the platform is declared once, registered once, and answered by SQL.

A layer (in the spirit of pygeoapi's providers) is a subclass of `Layer` that declares

- `id` (URL-safe, the OGC collection id and the download layer name), `title`, `description`;
- `scope`: "district" (rows live in the district's schema; answered under /d/<slug>/…) or "province"
  (rows in the public schema or across all districts; answered at the root);
- `rows(user, district)`: the base queryset this user may read (through `accounts.access` scopes, in the
  app that defines the layer), or None when the user may not read the layer at all (it is then not listed);
- `table`: the SQL FROM clause whose alias `t` is the queryset's model table, with any joins the properties need;
- `properties`: {name: (type, SQL expression)}, type one of PROPERTY_TYPES; the order is the key order of
  every feature's `properties`;
- `geometry_sql` (default "t.geom") and `geometry_type` (a GeoJSON type, or "Geometry" when mixed);
- `id_field` / `id_sql`: the feature id (Django lookup / SQL, default the primary key);
- `id_property`: the property carrying the feature id too (default "id"; "code" for the administrative units), so that
  files (GeoPackage, Shapefile, KML, OAPIF copies) keep the platform's id whatever fid they number;
- `name_property`: the property that names a feature (a title, a name, a caption): the KML placemark's `<name>`;
- `amounts`: the integer properties that are amounts (money in đồng, counts of people or things), shown with thousands
  separators in Excel; the other integers are ids, codes, years, ranks (shown plain: 2027, never 2.027);
- `order`: Django `order_by` terms (strings or expressions) giving a stable default order (end with the id);
- `datetime_field` / `datetime_property`: the date (or datetime) lookup filtered by OGC `datetime`, or None;
- `filters`: {param: Filter(...)} the property filters a caller may pass (each validated; a bad value is a
  400 naming the parameter);
- `bbox_lookup`: the Django lookup `bbox` filters on (default "geom__bboverlaps": the spatial index alone);
- `property_schemas` (optional): {name: JSON schema} of a property whose type says too little (an "object" such as
  a person, `accounts.events.PERSON_SCHEMA`); the others are described from their type.

It answers

    layer.query(user, district, *, bbox=None, filters=None, limit=DEFAULT_LIMIT, offset=0, datetime=None)
        -> (features_text, number_matched, number_returned)

`features_text` is the page's Feature objects as JSON text, comma-separated, WITHOUT the surrounding
brackets (wrap it: `'{"type":"FeatureCollection","features":[' + text + ']}'`, or use `collection_text`);
PostgreSQL writes it (json_build_object, ST_AsGeoJSON with PRECISION decimals, EPSG:4326 lon/lat = CRS84),
Python never parses it again. `bbox` is the text "minLon,minLat,maxLon,maxLat" or a 4-tuple; `filters` a
mapping {param: text} (comma-separated values mean "any of"); `datetime` the OGC interval text
("2024-01-01", "2024-01-01/2024-12-31", "../2024-12-31", "2024-01-01/.."). Bad parameters raise
`rest_framework.exceptions.ValidationError` naming the parameter (a 400 in the caller's language);
`LayerNotReadable` when `rows()` is None.

    layer.get(user, district, feature_id) -> feature text (one Feature) or None (absent or out of scope)
    layer.readable(user, district) -> bool
    layer.openapi_schema(envelope=...) -> the JSON schema of its FeatureCollection (OpenAPI 3.0)
    layer.json_schema() -> the JSON schema of its features' properties

The registry (filled by apps in AppConfig.ready(), since geo may not import the apps above it):

    registry.register(layer_instance)          # once, in the defining app's ready()
    registry.get(layer_id) -> Layer            # KeyError when unknown
    registry.for_district() / registry.for_province() -> [Layer], in registration order
    registry.all() -> [Layer]

What a process keeps (page statements of layers with a `shared_key`, whole answers under the data version, their lock)
is `geo.kept` (`kept_answer`, `keeps_answers`, `forget_answers` are importable from here too); the administrative-unit
layers of the geo app itself are `geo.unit_layers`.

Pagination of the legacy routes is `page_numbers` (page/page_size); the OGC API uses limit/offset; both refuse
an over-large page with a 400 naming the field (MAX_LIMIT), never a silent clamp.
"""
import datetime as dt
import json
import re
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from geo import kept
from geo.bbox import bbox_polygon, parse_bbox
from geo.kept import _ANSWERS, _STATEMENTS, MEDIA_TYPE, forget_answers, keeps_answers, kept_answer  # noqa: F401 - where callers import them
from geo.params import MAX_OFFSET, MAX_PAGE_SIZE, ParameterRefused, check_choices, paging_message, paging_number
from geo.replica import read_connection
from geo.statements import sql_with_params

PRECISION = 6  # decimals of every coordinate the kit writes (about 0.1 m at Bắc Ninh's latitude)
DEFAULT_LIMIT = 100
MAX_LIMIT = MAX_PAGE_SIZE
UNIT_CODE = r"[0-9][0-9-]{0,19}"  # a GSO code of an administrative unit; villages: the commune's code, "-", a number
MAX_INTEGER = 2 ** 63 - 1  # PostgreSQL bigint: an integer value or id beyond it matches nothing (filter: a 400)
PROPERTY_TYPES = ("string", "integer", "number", "date", "datetime", "boolean", "array", "object")
GEOMETRY_TYPES = ("Point", "LineString", "Polygon", "MultiPoint", "MultiLineString", "MultiPolygon", "Geometry")


def moment_sql(expression):
    """SQL text of a timestamptz `expression` as every API answers a date-time (`accounts.events.moment_output`): ISO 8601
    in the platform's zone with its offset, `2026-03-02T09:15:00+07:00`, to the second; NULL stays NULL. The offset is
    the zone's at start-up: Asia/Ho_Chi_Minh has kept +07:00 since 1975 (a zone with summer time would need more).
    The kit applies it to every "datetime" property; a layer nesting a date-time in SQL of its own calls it."""
    zone = settings.TIME_ZONE if re.fullmatch(r"[\w/+-]+", settings.TIME_ZONE) else "UTC"
    offset = dt.datetime.now(zoneinfo.ZoneInfo(zone)).isoformat()[-6:]
    return f"""(to_char(({expression}) AT TIME ZONE '{zone}', 'YYYY-MM-DD"T"HH24:MI:SS') || '{offset}')"""


class LayerNotReadable(Exception):
    """The user may not read this layer at all (its `rows()` is None)."""


@dataclass(frozen=True)
class Filter:
    """A property filter: `lookup` a Django lookup taking the list of values (`__in` is added), or `apply`
    a function (rows, values) -> rows for anything else (values: the converted comma-separated list). `split` False:
    the filter takes ONE value (`one`): a comma list is a 400 naming it, never its first value silently, and `apply`
    receives that value converted by the kit's one rule (`_convert`: `late=TRUE` is True), never the raw text to parse
    again; only a free-text filter (a search) receives its text as written. `type` validates each value, `choices` (optional) lists
    the allowed ones, `pattern` (optional regex) the form of a string value (UNIT_CODE for GSO codes). A filter
    with none of them takes free text (only a search): declare one for every other filter, so that a malformed
    value is a 400 naming the parameter rather than a silently empty or unfiltered answer."""

    lookup: str = ""
    type: str = "string"
    description: str = ""
    apply: Callable | None = None
    choices: tuple = ()
    split: bool = True
    pattern: str = ""

    def free_text(self):
        """True when any value is acceptable (no type, choices or pattern to check)."""
        return self.type == "string" and not self.choices and not self.pattern

    def values(self, name, text):
        """The converted values of the parameter text, or a 400 naming `name`; a single-value filter (`split` False)
        refuses a comma list of two or more. An empty text is no value (no filter); a blank piece in a non-empty one
        (`sector=,`, `late=1,`) is a 400, never `sector__in=[]`, a silently empty answer (review rv13c)."""
        pieces = str(text).split(",")
        if str(text) and any(not piece.strip() for piece in pieces):
            raise ValidationError({name: [_("%(name)s is malformed.") % {"name": name}]})
        values = [_convert(v.strip(), self.type, name) for v in pieces if v.strip()]
        if not self.split and len(values) > 1:
            raise ValidationError({name: [_("%(name)s takes one value, not a comma-separated list.") % {"name": name}]})
        if self.pattern and any(not re.fullmatch(self.pattern, str(v)) for v in values):
            raise ValidationError({name: [_("%(name)s is malformed.") % {"name": name}]})
        if self.choices:
            try:  # the one rule and wording of allowed values, as for a declared single-value parameter
                check_choices(name, ",".join(str(v) for v in values), self.choices, split=True)
            except ParameterRefused as refused:
                raise ValidationError({name: [refused.message]}) from refused
        return values

    def one(self, name, text):
        """The one converted value of a single-value filter's text (`values`' checks), None when empty; a 400 naming `name`."""
        values = self.values(name, text)
        return values[0] if values else None


def _convert(value, kind, name):
    """One filter value converted to its type, or a 400 naming the parameter."""
    try:
        if kind == "integer":
            number = int(value)
            if abs(number) > MAX_INTEGER:
                raise ValueError(value)
            return number
        if kind == "number":
            return float(value)
        if kind == "boolean":
            return {"true": True, "1": True, "false": False, "0": False}[value.lower()]
        if kind == "date":
            return dt.date.fromisoformat(value)
    except (ValueError, KeyError):
        raise ValidationError({name: [_("%(name)s must be a value of type %(type)s.") % {"name": name, "type": kind}]})
    return value


def _paging(name, text, default, *, rule=None):
    """`paging_number` as a DRF 400 naming `name`; `rule` the bounds to read by when the name is not a paging name."""
    try:
        return paging_number(rule or name, text, default)
    except ParameterRefused as refused:
        raise ValidationError({name: [paging_message(name, rule)]}) from refused


def parse_limit(value, *, default=DEFAULT_LIMIT, name="limit"):
    """A page size (1…MAX_LIMIT) from query text, `default` when absent; otherwise a 400 naming `name`
    (the one rule of geo.params.PAGING)."""
    return _paging(name, value, default, rule="page_size" if name == "page_size" else "limit")


def parse_offset(value, *, name="offset"):
    """A start index (0…MAX_OFFSET) from query text, 0 when absent; otherwise a 400 naming `name` (geo.params.PAGING)."""
    return _paging(name, value, 0, rule="offset")


def page_numbers(request, *, default=500):
    """`page` and `page_size` of a legacy layer route: page ≥ 1, page_size 1…MAX_LIMIT, or a 400 naming the field.

    The one pagination rule of every legacy GeoJSON route (geo.params.PAGING): an over-large page_size is refused,
    never clamped; a page beyond MAX_OFFSET features is refused too.
    """
    params = request.GET
    size = _paging("page_size", params.get("page_size"), default)
    page = _paging("page", params.get("page"), 1)
    if (page - 1) * size > MAX_OFFSET:
        raise ValidationError({"page": [_("page must be a whole number from 1 to %(max)s.") % {"max": MAX_OFFSET // size + 1}]})
    return page, size


def _parse_instant(text, *, end):
    """One end of an OGC datetime interval as a date or an aware datetime; None for an open end. A date-time without
    its offset (`2026-04-30T09:00:00`) is a 400 naming `datetime`: RFC 3339 requires `Z` or `±hh:mm`, and reading it in
    one zone or another would move the interval by seven hours without the caller knowing."""
    if text in ("", ".."):
        return None
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError({"datetime": [_("datetime must be an RFC 3339 date or date-time, or an interval of two joined by '/'.")]})
    if value.tzinfo is None:
        raise ValidationError({"datetime": [_("datetime must give its time zone offset, e.g. 2026-04-30T09:00:00+07:00 or …Z (RFC 3339).")]})
    return value


def parse_datetime(text):
    """The OGC `datetime` parameter as (start, end), either None for an open end; a 400 naming `datetime` otherwise."""
    parts = text.split("/")
    if len(parts) == 1:
        instant = _parse_instant(parts[0], end=False)
        if instant is None:
            raise ValidationError({"datetime": [_("datetime must be an RFC 3339 date or date-time, or an interval of two joined by '/'.")]})
        return instant, instant
    if len(parts) != 2 or parts == ["..", ".."] or parts == ["", ""]:
        raise ValidationError({"datetime": [_("datetime must be an RFC 3339 date or date-time, or an interval of two joined by '/'.")]})
    start, end = _parse_instant(parts[0], end=False), _parse_instant(parts[1], end=True)
    if start is not None and end is not None and _as_date(start) > _as_date(end):
        raise ValidationError({"datetime": [_("datetime's start must not be after its end.")]})
    return start, end


def _as_date(value):
    return value.date() if isinstance(value, dt.datetime) else value


class Layer:
    """Base of every layer; see the module docstring for what a subclass declares."""

    id = ""
    title = ""  # the data's name, in Vietnamese
    label = None  # the layer's name as a lazy translation (gettext_lazy): what readers see, in the request's language
    description = ""  # a lazy translation too, or plain text
    scope = "district"
    table = ""
    properties: dict = {}
    geometry_sql = "t.geom"
    geometry_type = "Geometry"
    id_field = "pk"
    id_sql = "t.id"
    id_type = "integer"
    id_property = "id"
    name_property = "title"
    amounts: tuple = ()
    order: tuple = ("pk",)
    datetime_field = None
    datetime_property = None
    property_schemas = {}
    filters: dict = {}
    bbox_lookup = "geom__bboverlaps"
    # The scopes of the data version (geo.versions) the rows depend on, for a layer with a `shared_key`: then its whole
    # legacy answer is kept per process under that version (`page_response`). None: never kept.
    version_scopes = None

    def rows(self, user, district):
        """The queryset of the rows this user may read in this district (None: the layer is not for this user)."""
        raise NotImplementedError

    # ---- reading ---------------------------------------------------------------------------------

    def readable(self, user, district) -> bool:
        return self.rows(user, district) is not None

    def _base(self, user, district):
        rows = self.rows(user, district)
        if rows is None:
            raise LayerNotReadable(self.id)
        return rows

    def filter_rows(self, rows, *, bbox=None, filters=None, datetime=None):
        """`rows` narrowed by bbox, the declared property filters and the datetime interval (400s name the parameter)."""
        for name, text in (filters or {}).items():
            spec = self.filters.get(name)
            if spec is None:
                raise ValidationError({name: [_("%(name)s is not a filter of this layer.") % {"name": name}]})
            if text in (None, ""):
                continue
            if not spec.split:
                # one value, converted by the one rule (a search's free text as written)
                value = text if spec.free_text() else spec.one(name, text)
                if value is not None:
                    rows = spec.apply(rows, value)
                continue
            values = spec.values(name, text)
            if spec.apply is not None:
                rows = spec.apply(rows, values)
            else:
                rows = rows.filter(**{f"{spec.lookup}__in": values})
        if bbox:
            polygon = bbox_polygon(bbox) if isinstance(bbox, str) else bbox_polygon(",".join(str(n) for n in bbox))
            rows = rows.filter(**{self.bbox_lookup: polygon})
        if datetime:
            if not self.datetime_field:
                raise ValidationError({"datetime": [_("This layer has no dates to filter on.")]})
            start, end = parse_datetime(datetime)
            start, end = self._instant(rows, start), self._instant(rows, end, end=True)
            if start is not None:
                rows = rows.filter(**{f"{self.datetime_field}__gte": start})
            if end is not None:
                rows = rows.filter(**{f"{self.datetime_field}__lt": end})
        return rows

    def _instant(self, rows, value, *, end=False):
        """A datetime interval's end in the datetime field's terms: a date becomes local midnight for a date-time
        column (the next day's for an interval's end, which is exclusive), a date-time a date for a date column."""
        if value is None:
            return None
        try:
            is_datetime = isinstance(rows.model._meta.get_field(self.datetime_field), models.DateTimeField)
        except FieldDoesNotExist:
            is_datetime = False
        if isinstance(value, dt.datetime):
            return (value + dt.timedelta(microseconds=1) if end else value) if is_datetime else \
                (value.date() + dt.timedelta(days=1) if end else value.date())
        day = value + dt.timedelta(days=1) if end else value
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min)) if is_datetime else day

    def feature_sql(self):
        """SQL of one Feature as JSON text (alias `t` and the joins of `table` in scope).

        The geometry's GeoJSON is joined as text: casting it to json (to nest it in json_build_object) made PostgreSQL
        parse every coordinate again only to print it back, half the time of a polygon layer (10,670 communes: 575 ms
        against 260 ms, bench/layer_answers.py). The id and the properties are written by to_json/json_build_object."""
        pairs = ", ".join(f"'{name}', {moment_sql(sql) if kind == 'datetime' and sql else sql}"
                          for name, (kind, sql) in self.properties.items())
        return (f"""'{{"type": "Feature", "id": ' || coalesce(to_json({self.id_sql})::text, 'null') || """
                f"""', "geometry": ' || coalesce(ST_AsGeoJSON({self.geometry_sql}, {PRECISION}), 'null') || """
                f"""', "properties": ' || json_build_object({pairs})::text || '}}'""")

    def _ordered(self, rows):
        order = [F(term[1:]).desc() if isinstance(term, str) and term.startswith("-") else
                 (F(term).asc() if isinstance(term, str) else term) for term in self.order]
        return rows.order_by(*order), order

    def shared_key(self):
        """A hashable name of this layer's rows when `rows()` is the same for every user and district (public reference
        data such as the administrative units), else None (the default: the rows depend on who asks). A layer with a
        key has each page's statement built once per process and arguments (`query`)."""
        return None

    def query(self, user, district, *, bbox=None, filters=None, limit=DEFAULT_LIMIT, offset=0, datetime=None):
        """(features_text, number_matched, number_returned) of one page; see the module docstring.

        For a layer with a `shared_key`, the page's statement (SQL text and parameters) is kept per process under the
        key, the arguments and the language (labels are written into the SQL): compiling the ORM's window query was
        most of the home page's commune layer beyond its SQL (3–8 ms of 10.5; docs/GIS.md, "GIS downloads, vector tiles
        and lighter answers"). The statement reads the rows when it runs, so nothing kept can be stale; arguments that
        fail their checks raise before anything is kept."""
        shared = self.shared_key()
        key = None if shared is None else (shared, str(bbox) if bbox else None, tuple(sorted((filters or {}).items())),
                                           datetime, limit, offset, get_language())
        statement = kept.statement(key) if key is not None else None

        def rows():
            return self.filter_rows(self._base(user, district), bbox=bbox, filters=filters, datetime=datetime)

        if statement is None:
            filtered = rows()
            statement = self.page_statement(filtered, limit=limit, offset=offset)
            if key is not None:
                kept.keep_statement(key, statement)
            rows = lambda: filtered  # noqa: E731
        return self._run(statement, rows, offset)

    def page(self, rows, *, limit, offset):
        """(features_text, number_matched, number_returned) of one page of an already filtered queryset of this layer
        (`limit` None: every row from `offset`, for whole-layer files)."""
        return self._run(self.page_statement(rows, limit=limit, offset=offset), lambda: rows, offset)

    def page_statement(self, rows, *, limit, offset):
        """(sql, params) of one page of an already filtered queryset: one row (total, returned, features text)."""
        if len(rows.query.alias_map) > 1:
            # Joins (a many-to-many filter, a scope through communes) may repeat a row: keep each row once.
            rows = rows.model._default_manager.filter(pk__in=rows.values("pk"))
        ordered, order = self._ordered(rows)
        page = ordered.annotate(
            _layer_id=F("pk"), _layer_total=Window(Count("pk")), _layer_n=Window(RowNumber(), order_by=order),
        ).values("_layer_id", "_layer_total", "_layer_n")[offset: None if limit is None else offset + limit]
        page_sql, params = sql_with_params(page)
        sql = (f"SELECT max(page._layer_total), count(*), coalesce(string_agg(({self.feature_sql()})::text, ',' ORDER BY page._layer_n), '') "
               f"FROM ({page_sql}) page JOIN {self.table} ON t.id = page._layer_id")
        return sql, tuple(params)

    def _run(self, statement, rows, offset):
        """Run a page statement; `rows()` gives the queryset only when a page beyond the end needs the total."""
        sql, params = statement
        with read_connection().cursor() as cursor:
            cursor.execute(sql, params)
            total, returned, text = cursor.fetchone()
        if total is None:
            total = rows().count() if offset else 0
        return text, total, returned

    def get(self, user, district, feature_id):
        """One Feature as JSON text, or None when absent or outside the user's rows (or the id is malformed)."""
        rows = self.rows(user, district)
        if rows is None:
            return None
        if self.id_type == "integer":
            try:
                feature_id = int(feature_id)
            except (TypeError, ValueError):
                return None
            if abs(feature_id) > MAX_INTEGER:
                return None
        rows = rows.filter(**{self.id_field: feature_id})
        text, total, _returned = self.page(rows, limit=1, offset=0)
        return text or None

    # ---- describing ------------------------------------------------------------------------------

    def display_title(self):
        """The layer's name in the active language (the request's): its `label` when it has one, else `title`, else its id.
        The OGC landing's collections, /api, the TileJSON documents and the download list name layers by it."""
        return str(self.label or self.title or self.id)

    def display_description(self):
        """The layer's description in the active language (`description` is a lazy translation), else its name."""
        return str(self.description or self.display_title())

    def json_schema(self):
        """JSON schema (OpenAPI 3.0 flavour) of a feature's `properties`, from the declared types."""
        return {"type": "object", "properties": {name: self.property_schemas.get(name) or property_schema(kind)
                                                 for name, (kind, _sql) in self.properties.items()}}

    def feature_schema(self):
        return {
            "type": "object", "required": ["type", "geometry", "properties"],
            "properties": {
                "type": {"type": "string", "enum": ["Feature"]},
                "id": property_schema(self.id_type),
                "geometry": {"type": "object", "nullable": True, "description": f"GeoJSON {self.geometry_type}, EPSG:4326 lon/lat"},
                "properties": self.json_schema(),
            },
        }

    def openapi_schema(self, envelope="page", extra=None):
        """The OpenAPI schema of this layer's FeatureCollection: envelope "page" (count/next/previous of the
        legacy routes), "ogc" (numberMatched/numberReturned/links) or "plain"; `extra` ({key: schema}) documents
        the keys a route writes beside them (`page_response(extra=…)`, a legend)."""
        head = {"type": {"type": "string", "enum": ["FeatureCollection"]}, **(extra or {})}
        if envelope == "page":
            head.update({"count": {"type": "integer"}, "next": {"type": "string", "nullable": True},
                         "previous": {"type": "string", "nullable": True}})
        elif envelope == "ogc":
            head.update({"numberMatched": {"type": "integer"}, "numberReturned": {"type": "integer"},
                         "timeStamp": {"type": "string", "format": "date-time"},
                         "links": {"type": "array", "items": {"type": "object"}}})
        return {"type": "object", "title": self.display_title(), "required": ["type", "features"],
                "properties": {**head, "features": {"type": "array", "items": self.feature_schema()}}}

    def spatial_extent(self, user, district):
        """[minLon, minLat, maxLon, maxLat] of the rows this user may read, or None when there are none."""
        rows = self.rows(user, district)
        if rows is None:
            return None
        sql, params = sql_with_params(rows.values("pk"))
        with read_connection().cursor() as cursor:
            cursor.execute(f"SELECT ST_Extent({self.geometry_sql}) FROM {self.table} WHERE t.id IN ({sql})", params)
            box = cursor.fetchone()[0]
        if not box:
            return None
        numbers = box[box.index("(") + 1: box.index(")")].replace(",", " ").split()
        return [round(float(n), PRECISION) for n in numbers]


def property_schema(kind):
    return {
        "string": {"type": "string"}, "integer": {"type": "integer"}, "number": {"type": "number"},
        "boolean": {"type": "boolean"}, "date": {"type": "string", "format": "date"},
        "datetime": {"type": "string", "format": "date-time"},
        "array": {"type": "array", "items": {}}, "object": {"type": "object"},
    }[kind] | {"nullable": True}


def sql_text(value):
    """A Python string as a PostgreSQL string literal (quotes doubled), for labels written into a layer's SQL."""
    return "'" + str(value).replace("'", "''") + "'"


class choice_label_sql:  # noqa: N801 - used like the function it was
    """SQL giving the label of a choice column in the language active when the SQL is written into a query
    (`choices`: Django (value, label) pairs). Layers are declared at import time; the labels are rendered on each
    `str()`/f-string, so an English page gets English labels (they were frozen in Vietnamese at start-up)."""

    def __init__(self, column, choices):
        self.column, self.choices = column, list(choices)

    def __str__(self):
        cases = " ".join(f"WHEN {sql_text(value)} THEN {sql_text(label)}" for value, label in self.choices)
        return f"CASE {self.column} {cases} ELSE {self.column} END"

    __format__ = lambda self, spec: format(str(self), spec)  # noqa: E731


def collection_text(features_text, **head):
    """A FeatureCollection as JSON text: `head` keys (JSON-encoded here) first, then the features text as written by SQL."""
    prefix = json.dumps({"type": "FeatureCollection", **head})[:-1]
    return prefix + ', "features": [' + features_text + "]}"


class Registry:
    """Every layer, by id; filled by the apps' AppConfig.ready()."""

    def __init__(self):
        self._layers = {}

    def register(self, layer):
        for name, (kind, _sql) in layer.properties.items():
            if kind not in PROPERTY_TYPES:
                raise ValueError(f"layer {layer.id}: property {name} has unknown type {kind}")
        for role in ("id_property", "name_property"):
            if getattr(layer, role) not in layer.properties:
                raise ValueError(f"layer {layer.id}: {role} {getattr(layer, role)} is not one of its properties")
        if any(layer.properties.get(name, ("",))[0] != "integer" for name in layer.amounts):
            raise ValueError(f"layer {layer.id}: its amounts must be integer properties")
        if layer.geometry_type not in GEOMETRY_TYPES:
            raise ValueError(f"layer {layer.id}: unknown geometry type {layer.geometry_type}")
        if layer.id in self._layers and type(self._layers[layer.id]) is not type(layer):
            raise ValueError(f"layer {layer.id} registered twice")
        self._layers[layer.id] = layer
        return layer

    def get(self, layer_id):
        return self._layers[layer_id]

    def all(self):
        return list(self._layers.values())

    def for_district(self):
        return [layer for layer in self._layers.values() if layer.scope == "district"]

    def for_province(self):
        return [layer for layer in self._layers.values() if layer.scope == "province"]


registry = Registry()


__all__ = ["Filter", "Layer", "LayerNotReadable", "MAX_LIMIT", "MEDIA_TYPE", "PRECISION", "collection_text", "page_numbers",
           "UNIT_CODE", "parse_bbox", "parse_datetime", "parse_limit", "parse_offset", "registry"]


def page_response(request, layer, *, user=None, district=None, default_size=500, extra=None, rows=None):
    """The legacy GeoJSON answer of a layer route: `page`/`page_size` (page_numbers), `bbox`, and the layer's
    filters read from the query string under their own names (other parameters are ignored, as before).
    `rows`: a queryset the route already scoped and filtered itself (then only the page is taken from the request).

    Body: {"type": "FeatureCollection", **extra, "count", "next", "previous", "features"} as application/geo+json.
    A layer with a `shared_key` and `version_scopes` (the administrative units) has its whole answer (body, gzip body,
    ETag) kept per process under the request's absolute URL, the language and the data version of those scopes
    (geo.versions, read before the rows): a repeated request costs the version read (docs/GIS.md, "Caching under the data version").
    """
    from django.http import HttpResponse

    page, size = page_numbers(request, default=default_size)
    params = request.GET
    filters = {name: params[name] for name in layer.filters if params.get(name)}
    user = request.user if user is None else user
    district = getattr(request, "tenant", None) if district is None else district
    if rows is None and not extra and keeps_answers(layer):
        return kept_answer(request, layer, lambda: (_page_body(request, layer, user, district, page, size, filters), None))
    return HttpResponse(_page_body(request, layer, user, district, page, size, filters, rows=rows, extra=extra),
                        content_type=MEDIA_TYPE)


def _page_body(request, layer, user, district, page, size, filters, *, rows=None, extra=None):
    """The body text of `page_response`."""
    params = request.GET
    if rows is not None:
        text, count, _returned = layer.page(rows, limit=size, offset=(page - 1) * size)
    else:
        text, count, _returned = layer.query(user, district, bbox=params.get("bbox") or None, filters=filters,
                                             limit=size, offset=(page - 1) * size)

    def link(number):
        query = params.copy()
        query["page"] = number
        return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")

    return collection_text(text, **(extra or {}), count=count,
                           next=link(page + 1) if page * size < count else None, previous=link(page - 1) if page > 1 else None)

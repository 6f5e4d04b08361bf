"""One place that validates the query parameters of every list, page and API route: a 400 naming the parameter.

The middleware runs after the district gate (so another district's URLs still answer 404 and
anonymous callers 401) and before any view. On a read of the API (GET/HEAD under /api/) the view still runs, without
the bad parameters, so that its access check answers first: a 401/403/404/405 it gives outranks the 400 (a refusal
comes before any 400); otherwise its answer is dropped for the 400. Elsewhere the 400 comes at once: a NUL byte in `q`, `commune` or `parent`, `plan_year=abc`,
`plan_year=-25`, `page=99999999999999999999` never reach the database. Views keep their own,
finer checks (a year inside a plan's years, a code that exists); this is the floor for all of them.

Paging (`page`, `page_size`, `limit`, `offset`) has one rule, PAGING, read by `paging_number` here and by every route that
pages (geo.layers.page_numbers, parse_limit, parse_offset). An API read also refuses a parameter its view does not
declare (`query_parameters`, what the OpenAPI schema lists) besides ALWAYS_ACCEPTED: a 400 naming it, with the same
precedence of refusals (`unknown_parameter`, run in `process_view` once the view is known). The declaration is also the
rule for the value (`check_declared`): a parameter declared with an `enum` takes only those values, one typed integer,
number, boolean or date only such a value; views do not check those again by hand. The OGC API follows its
standard's rule instead (geo.ogc).
"""
import datetime as dt
import json
import re

from django.conf import settings
from django.http import HttpResponse
from django.template import loader
from django.utils.translation import gettext as _

from geo.bbox import parse_bbox
from geo.features import MAX_ZOOM
from geo.numbers import message_number

MAX_PAGE = 1_000_000
MAX_PAGE_SIZE = 5000  # = geo.layers.MAX_LIMIT, the most features one answer carries
MAX_OFFSET = 10 ** 9  # far beyond any layer's size, and inside PostgreSQL's bigint once a page is added
# The paging parameters and their bounds: the one rule every route that pages reads them by (`paging_number`).
PAGING = {"page": (1, MAX_PAGE), "page_size": (1, MAX_PAGE_SIZE), "limit": (1, MAX_PAGE_SIZE), "offset": (0, MAX_OFFSET)}
# Parameters every API read accepts besides its own declared ones (`query_parameters`): `lang` (the language switch,
# accounts.language), `format` (DRF's format override, e.g. `?format=json`), `page` and `page_size` (every layer route
# pages through geo.layers.page_response; still bounded by PAGING). `limit` and `offset` are the OGC API's only.
LANGUAGE_PARAM = "lang"  # also on the OGC and download routes, which take neither `page` nor `format`
ALWAYS_ACCEPTED = frozenset({LANGUAGE_PARAM, "format", "page", "page_size"})
MAX_VALUE_CHARS = 500
YEAR_RANGE = (1900, 2100)
# Control characters other than tab, newline and carriage return: PostgreSQL refuses NUL in text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WHOLE = re.compile(r"^[0-9]{1,9}$")  # ASCII digits: "²" passes str.isdigit() and then fails int()
_PAGING_NUMBER = re.compile(r"^[0-9]{1,10}$")
_CODE = re.compile(r"^[\w.\-]{1,50}$")
# Ids of related rows (1 to MAX_INTEGER). tests/geo/test_declared_parameters.py walks the schema: every integer parameter
# whose name is one of these or ends in `_id`/`_item` is in this set (`is_id_parameter`).
_ID_PARAMS = {"meeting", "plan", "project", "period", "me_plan", "report", "activity", "finding", "indicator", "item", "cycle",
              "plan_item"}
_YEAR_PARAMS = {"plan_year", "year", "from_year", "to_year"}
_CODE_PARAMS = {"commune", "village", "parent", "district", "province", "units", "code"}


class ParameterRefused(ValueError):
    def __init__(self, name, message):
        super().__init__(message)
        self.name, self.message = name, message


def paging_message(name: str, rule: str | None = None) -> str:
    """The translated refusal of a paging parameter: "<name> must be a whole number from <low> to <high>."
    (the bounds of PAGING[rule or name])."""
    low, high = PAGING[rule or name]
    return _("%(name)s must be a whole number from %(low)s to %(high)s.") % {"name": name, "low": low, "high": message_number(high)}


def paging_number(name: str, text, default: int) -> int:
    """`page`, `page_size`, `limit` or `offset` from query text within its bounds (PAGING), `default` when absent or
    empty; otherwise ParameterRefused naming it. The one reading of paging: the middleware and every paging route."""
    if text in (None, ""):
        return default
    low, high = PAGING[name]
    if not _PAGING_NUMBER.match(str(text)) or not low <= int(text) <= high:
        raise ParameterRefused(name, paging_message(name))
    return int(text)


def _whole(name, text, low, high, message):
    if not _WHOLE.match(text) or not low <= int(text) <= high:
        raise ParameterRefused(name, message)


def check_query(params) -> None:
    """Check a QueryDict (or a dict of lists); raise ParameterRefused(name, translated message) on the first bad one.

    Rules: each parameter named and at most once; `lang` one of settings.LANGUAGES (`vi`, `en`); no control characters anywhere and at most 500 characters per value; `page` 1–1 000 000;
    `page_size` and `limit` 1–5000; `offset` 0–10⁹; `plan_year`/`year` a year 1900–2100 or a comma list of them; `zoom` 0–22;
    `bbox` four lon/lat numbers (EPSG:4326); codes (`commune`, `village`, `parent`, …) letters,
    digits, `.`, `-` (comma lists allowed); ids of related rows whole numbers.
    """
    for name in params:
        values = params.getlist(name) if hasattr(params, "getlist") else params[name]
        if _CONTROL.search(name):
            raise ParameterRefused("query", _("A parameter name holds a control character."))
        if not name.strip():
            # `?=abc`: nothing to name in the refusal, which named "" (review rv13c)
            raise ParameterRefused("query", _("A query parameter has no name."))
        if len(values) > 1:
            # Django reads the last of `?sector=a&sector=b` and a layer the first or a list: one silent value or another
            # (review rv13b). Several values are one comma list, where the parameter takes several.
            raise ParameterRefused(name, _("%(name)s is given more than once: give it once (several values as one comma list, "
                                           "where the parameter takes several).") % {"name": name})
        for value in values:
            check_one(name, value)


def check_one(name: str, value: str) -> None:
    if _CONTROL.search(value):
        raise ParameterRefused(name, _("%(name)s holds a control character (such as NUL).") % {"name": name})
    if len(value) > MAX_VALUE_CHARS:
        raise ParameterRefused(name, _("%(name)s is longer than %(n)s characters.") % {"name": name, "n": MAX_VALUE_CHARS})
    if value == "":
        return
    if name == LANGUAGE_PARAM:
        # one of the platform's languages as written (`vi`, `en`): `lang=EN` or `lang=xx` answered in Vietnamese and was
        # copied into every tile URL a TileJSON listed (review rv13c)
        check_choices(name, value, [code for code, _name in settings.LANGUAGES])
    elif name in PAGING:
        paging_number(name, value, 0)
    elif name in _YEAR_PARAMS:
        for part in value.split(","):
            _whole(name, part.strip(), *YEAR_RANGE,
                   _("%(name)s must be a year from %(low)s to %(high)s.") % {"name": name, "low": YEAR_RANGE[0], "high": YEAR_RANGE[1]})
    elif name == "zoom":
        _whole(name, value, 0, MAX_ZOOM, _("zoom must be a whole number from 0 to 22."))
    elif name == "bbox":
        from rest_framework.exceptions import ValidationError

        try:
            parse_bbox(value)
        except ValidationError as exc:
            raise ParameterRefused(name, str(exc.detail["bbox"][0]))
    elif name in _CODE_PARAMS:
        if not all(_CODE.match(part.strip()) for part in value.split(",")):
            raise ParameterRefused(name, _("%(name)s must be a code (letters, digits, “.” and “-”) or a comma list of codes.") % {"name": name})
    elif is_id_parameter(name):
        if not _INTEGER.match(value):
            raise ParameterRefused(name, _("%(name)s must be a whole number (an id).") % {"name": name})
        if not 1 <= int(value) <= MAX_INTEGER:
            raise ParameterRefused(name, out_of_range(name, 1, MAX_INTEGER))


def is_id_parameter(name: str) -> bool:
    """True when `name` is the id of a related row (`_ID_PARAMS`, or any name ending in `_id`): a whole number from 1
    to MAX_INTEGER (PostgreSQL's integer), checked by `check_one` on every route."""
    return name in _ID_PARAMS or name.endswith("_id")


def out_of_range(name: str, low: int, high: int) -> str:
    """The translated refusal of a whole number outside its bounds: "<name> is out of range: from <low> to <high>."
    (numbers written as the message's language writes them: `geo.numbers.message_number`)."""
    dotted = message_number
    return _("%(name)s is out of range: it must be from %(low)s to %(high)s.") % {"name": name, "low": dotted(low), "high": dotted(high)}


def check_choices(name: str, value: str, choices, *, split: bool = False) -> list[str]:
    """The values of `value` (one, or a comma list when `split`) when each is one of `choices`; otherwise
    ParameterRefused naming the parameter, the refused value(s) and the choices. The one rule and wording of allowed
    values: declared single-value parameters (`check_declared`) and comma-list layer filters (geo.layers.Filter) both."""
    values = [part.strip() for part in value.split(",") if part.strip()] if split else [value]
    allowed = [str(choice) for choice in choices]
    refused = [part for part in values if part not in allowed]
    if refused:
        raise ParameterRefused(name, _("%(name)s: “%(value)s” is not one of the choices: %(values)s.") % {
            "name": name, "value": ", ".join(refused), "values": ", ".join(allowed)})
    return values


def refusal_response(request, refused: ParameterRefused) -> HttpResponse:
    """The 400: `{"<parameter>": ["<reason>"]}` as JSON for API, tile and download routes, the same reason on the site's framed
    page for pages (`400.html`: menu, the request's language); on the OGC API (/ogc/…) the standard's exception shape, `code` and `description`, with the same `{"<parameter>": [...]}`."""
    if "/ogc/" in request.path or request.path.endswith("/ogc"):
        return HttpResponse(json.dumps({"code": "InvalidParameterValue", "description": refused.message, refused.name: [refused.message]},
                                       ensure_ascii=False), status=400, content_type="application/json")
    if "/api/" in request.path or "/tiles/" in request.path or request.path.endswith((".geojson", ".xlsx", ".docx", ".pdf", ".gpkg", ".zip", ".kml", ".csv", ".pbf")):
        return HttpResponse(json.dumps({refused.name: [refused.message]}, ensure_ascii=False), status=400,
                            content_type="application/json")
    # the name once: most reasons start with it ("plan_year must be …"), the others get it in front
    named = refused.message.startswith((f"{refused.name} ", f"{refused.name}:"))
    reason = refused.message if named else f"{refused.name}: {refused.message}"
    return HttpResponse(loader.render_to_string("400.html", {"field": refused.name, "reason": reason}, request), status=400)


def accepted_parameters(view_class, method: str) -> frozenset | None:
    """The query parameters an API view reads for `method` (HEAD as GET): the names it declares in `query_parameters`
    (a list, or a mapping by method as core.openapi reads it; core.openapi documents exactly these) and
    ALWAYS_ACCEPTED. None when the view does not describe itself (no `Output`: a plain Django view, drf-spectacular's
    schema and docs, knox's token routes) or when it refuses unknown parameters itself (`checks_own_parameters = True`:
    a whole-layer download, whose parameters are the filters of the layer its path names): those are not checked here. Every API view of ours has an `Output`
    (tests/core/test_openapi.py), so every one of them is checked."""
    if view_class is None or not hasattr(view_class, "Output") or getattr(view_class, "checks_own_parameters", False):
        return None
    return ALWAYS_ACCEPTED | set(declared_parameters(view_class, method))


def declared_parameters(view_class, method: str) -> dict:
    """{name: OpenApiParameter} a view declares in `query_parameters` for `method` (HEAD as GET; a list serves GET only,
    a mapping by method as core.openapi reads it); {} for a view that declares none."""
    declared = getattr(view_class, "query_parameters", None) or []
    method = "get" if method.lower() == "head" else method.lower()
    if isinstance(declared, dict):
        declared = declared.get(method) or []
    elif method != "get":
        declared = []
    return {p.name: p for p in declared}


_BOOLEANS = {"true", "false", "1", "0"}  # as geo.layers reads a boolean filter
_INTEGER = re.compile(r"^-?[0-9]{1,10}$")
MAX_INTEGER = 2**31 - 1  # PostgreSQL's integer: a larger id would fail in the database, not here


def _schema(parameter) -> dict:
    """The OpenAPI schema of a declared parameter's type: {"type": "integer", "format": "int32"}, {} when unknown."""
    from drf_spectacular.plumbing import build_basic_type

    try:
        return build_basic_type(parameter.type) or {}
    except Exception:  # a serializer or a schema dict: nothing this check reads
        return parameter.type if isinstance(parameter.type, dict) else {}


def check_declared(name: str, value: str, parameter) -> None:
    """One value of a declared query parameter against its declaration (an OpenApiParameter): one of its `enum`, or of its
    type (integer: a whole number within PostgreSQL's integer; number; boolean: true, false, 1 or 0; date: yyyy-mm-dd).
    An empty value counts as absent. ParameterRefused naming the parameter otherwise: the declaration the OpenAPI schema
    shows is the rule the route keeps (docs/API.md, "Input as offices type it (numbers, dates, imports, query parameters)")."""
    if value == "":
        return
    enum = getattr(parameter, "enum", None)
    if enum:
        # A comma list (`many`, style=form, explode=false: ?status=a,b) takes each of its values from the enum.
        check_choices(name, value, enum, split=bool(getattr(parameter, "many", False)) and getattr(parameter, "explode", None) is False)
        return
    schema = _schema(parameter)
    kind, fmt = schema.get("type", ""), schema.get("format", "")
    if kind == "integer":
        if not _INTEGER.match(value):
            raise ParameterRefused(name, _("%(name)s must be a whole number.") % {"name": name})
        low = 1 if is_id_parameter(name) else -MAX_INTEGER
        if not low <= int(value) <= MAX_INTEGER:
            raise ParameterRefused(name, out_of_range(name, low, MAX_INTEGER))
    elif kind == "number":
        try:
            float(value)
        except ValueError:
            raise ParameterRefused(name, _("%(name)s must be a number.") % {"name": name})
    elif kind == "boolean":
        if value.lower() not in _BOOLEANS:
            raise ParameterRefused(name, _("%(name)s must be 1 or 0 (true or false).") % {"name": name})
    elif kind == "string" and fmt == "date":
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise ParameterRefused(name, _("%(name)s must be a date written yyyy-mm-dd.") % {"name": name})


def badly_typed_parameter(request, view_class) -> ParameterRefused | None:
    """The first query parameter whose value its view's declaration refuses (`check_declared`), as a refusal naming it;
    None when all fit, the view declares nothing, or the route is not one of ours (no `Output`)."""
    if view_class is None or not hasattr(view_class, "Output"):
        return None
    declared = declared_parameters(view_class, request.method)
    for name, parameter in declared.items():
        for value in request.GET.getlist(name):
            try:
                check_declared(name, value, parameter)
            except ParameterRefused as refused:
                return refused
    return None


def unknown_parameter(request, view_class) -> ParameterRefused | None:
    """The first query parameter of an API read (GET/HEAD under /api/) its view does not declare, as a refusal naming it
    and the parameters the route takes; None when every parameter is known or the route is not checked.

    Unknown parameters are refused, never ignored: `?statu=approved` (a typo of `status`) would otherwise answer the
    unfiltered list to a caller who believes it filtered. The OGC API (/ogc/…) follows OGC API Features instead (geo.ogc)."""
    if request.method not in ("GET", "HEAD") or "/api/" not in request.path:
        return None
    accepted = accepted_parameters(view_class, request.method)
    if accepted is None:
        return None
    unknown = [name for name in request.GET if name not in accepted]
    if not unknown:
        return None
    takes = ", ".join(sorted(accepted - ALWAYS_ACCEPTED)) or "—"
    return ParameterRefused(unknown[0], _("Unknown parameter %(name)s; this route takes: %(takes)s.") % {"name": unknown[0], "takes": takes})


class QueryParamsMiddleware:
    """Runs `check_query` on every request's query string and refuses an API read's undeclared parameters
    (`unknown_parameter`) and any value its view's declaration refuses (`badly_typed_parameter`: an enum, a type); see
    the module docstring."""

    def __init__(self, get_response):
        self.get_response = get_response

    # What the view answered that outranks a bad parameter: a refusal (docs/SECURITY.md, "Tenancy and access": "a refusal comes before any 400").
    REFUSALS = {401, 403, 404, 405}

    def __call__(self, request):
        try:
            check_query(request.GET)
        except ParameterRefused as refused:
            if request.method not in ("GET", "HEAD") or "/api/" not in request.path:
                return refusal_response(request, refused)
            # A read of the API: the view still asks `accounts.access` first, with the bad parameters taken out (they
            # never reach the database); a caller it refuses gets that refusal, anyone else the 400.
            request.GET = _without_bad_parameters(request.GET)
            response = self.get_response(request)
            return response if response.status_code in self.REFUSALS else refusal_response(request, refused)
        response = self.get_response(request)
        unknown = getattr(request, "_unknown_parameter", None)
        if unknown is not None and response.status_code not in self.REFUSALS:
            return refusal_response(request, unknown)
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        """An undeclared parameter of an API read: taken out before the view runs (so it reaches nothing) and kept for
        `__call__`, which answers the 400 unless the view refused the caller first."""
        view_class = getattr(view_func, "cls", None) or getattr(view_func, "view_class", None)
        unknown = unknown_parameter(request, view_class)
        if unknown is not None:
            request._unknown_parameter = unknown
            accepted = accepted_parameters(view_class, request.method)
            request.GET = request.GET.copy()
            for name in [name for name in request.GET if name not in accepted]:
                del request.GET[name]
        typed = badly_typed_parameter(request, view_class)
        if typed is not None:
            if request.method not in ("GET", "HEAD") or "/api/" not in request.path:
                # A write never runs without its parameter (`?preview=maybe` must not become a real import).
                return refusal_response(request, typed)
            request._unknown_parameter = getattr(request, "_unknown_parameter", None) or typed
            request.GET = request.GET.copy()
            del request.GET[typed.name]
            while (again := badly_typed_parameter(request, view_class)) is not None:
                del request.GET[again.name]
        return None


def _without_bad_parameters(params):
    """A copy of the QueryDict with every parameter `check_query` refuses removed."""
    kept = params.copy()
    for name in list(kept):
        try:
            check_query({name: kept.getlist(name)})
        except ParameterRefused:
            del kept[name]
    return kept

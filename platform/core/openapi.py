"""How every API describes itself to drf-spectacular (`/api/schema/`, Swagger at `/api/docs/`): one schema class.

A view says what it takes and answers once, HackSoft style, as class attributes: `Input` (the body's
serializer; None: no body), `query_parameters` (a list of `OpenApiParameter` its GET reads) and `Output`: a serializer,
an `inline_serializer` for a body built in SQL or from a dict, `{(200, media type): OpenApiResponse(
OpenApiTypes.BINARY)}` for a file, a mapping `{status: serializer}` for other codes, or a mapping
`{"get": …, "post": …}` when its methods answer differently; `Input` and `query_parameters` may be such a mapping
by method too, and `Input` a mapping `{media type: serializer}` for a multipart upload. `operation_id` names an
operation when the generated name would not do: a string, a template with `{view}` (the view's class name in
snake case, without `Api`) and `{method}`, or a mapping by method. Operations are tagged with their app, and a
plans step module's views with the step (`plans: cycle`) and an investment or monitoring module's with its resource (`investment: projects`), so Swagger UI
groups them. There is no other way:
no `@extend_schema` on views (`tests/core/test_openapi.py`).
(`inline_serializer(name, fields)` empties the `fields` dict it is given, DRF's metaclass pops them: pass a
copy, `{**FIELDS}`, of fields that two shapes share.) The schema class then adds the error answers the project
really gives, by method and route, so that no view repeats them:

- 400 `FieldErrors` `{field: [messages]}` (`non_field_errors` for the whole), nested for nested input
  (`{"properties": {"sector": [...]}}`, `{"order": {"0": [...]}}`), on every operation taking input (a body
  or query parameters) and on every write (POST, PUT, PATCH, DELETE: a service may refuse the state the row
  is in, e.g. "Already published.") (`accounts.errors.api_exception_handler`);
- 401 `Detail` with `WWW-Authenticate: Token` on every route that is not open to anyone: "not signed in"
  (DRF with the token class first, the district gate on district routes);
- 403 `Detail` `{"detail": message}` on the same routes: "signed in but not allowed" (`accounts.access`);
- 404 `Detail` on every route with a path parameter, district routes included (unknown district,
  another district's row, an object the caller may not read: `accounts.access.access_*_by_id`);
- 422 `FieldErrors` `{"Idempotency-Key": [message]}` and the optional `Idempotency-Key` request header on the methods
  decorated with `idempotency.keys.idempotent` (they carry `idempotent = True`): the key was used for another request;
- on the GET answers of a view that may read the streaming replica (`reads_replica = True`, geo/replica.py):
  the headers `X-Read-From` (replica or primary) and `X-Replica-Lag` (seconds behind the primary, one decimal);
- 429 `Detail` on the methods a view says are rate limited (`rate_limited = {"POST"}`: the token route, public
  comments, counted by django-axes or `accounts.limits`) and on DRF-throttled views, with `Retry-After`.
"""
import re

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.plumbing import build_array_type, build_basic_type
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers
from rest_framework.permissions import AllowAny

BODY_METHODS = {"POST", "PUT", "PATCH"}
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.UUID, location=OpenApiParameter.HEADER, required=False,
    description="A UUID the client makes per item (IETF draft-ietf-httpapi-idempotency-key-header, as Stripe's API). "
    "Resent with the same body: the first answer is replayed (same status and body, header `Idempotent-Replayed: true`) "
    "and nothing is written again; with another body: 422. Not a UUID: 400. A refused request (4xx) stores nothing. "
    "Kept IDEMPOTENCY_KEY_DAYS (30) days. See docs/API.md.",
)
WRITE_METHODS = BODY_METHODS | {"DELETE"}
METHODS = {"get", "post", "put", "patch", "delete"}


class FieldErrors(serializers.Serializer):
    """The 400 answer: each field that was refused with its messages, in the request's language;
    `non_field_errors` for a refusal of the whole input; a nested input's errors nested the same way (a
    Feature's `{"properties": {"sector": [...]}}`, a list's `{"order": {"0": [...]}}`). Nothing was written."""


class FieldErrorsExtension(OpenApiSerializerExtension):
    """`FieldErrors` is a map of field name → messages, which a DRF serializer cannot spell."""

    target_class = FieldErrors

    def map_serializer(self, auto_schema, direction):
        itself = {"$ref": "#/components/schemas/FieldErrors"}  # recursive: a nested field's errors
        return {
            "type": "object",
            "description": FieldErrors.__doc__.replace("\n   ", ""),
            "additionalProperties": {"oneOf": [
                build_array_type({"oneOf": [build_basic_type(OpenApiTypes.STR), itself]}), itself,
            ]},
            "example": {"plan_year": ["A year, e.g. 2027."], "properties": {"sector": ["\"x\" is not a valid choice."]}},
        }


class Detail(serializers.Serializer):
    """The 401, 403, 404 and 429 answer: why the request was refused or what was not found, in the request's language."""

    detail = serializers.CharField()


def many(serializer):
    """The list of an output shape: `many(FOO)` is `[FOO]`, one component `FOO` however often it is listed."""
    return type(serializer)(many=True)


def by_method(declared, method: str):
    """A declaration for one method: `declared` itself, or its entry for `method` when it is a mapping by method."""
    if isinstance(declared, dict) and declared and set(declared) <= METHODS:
        return declared.get(method.lower())
    return declared


def valid_input(serializer_class, data, *, partial: bool = False, context: dict | None = None) -> dict:
    """`data` validated by a view's `Input`: a serializer class or the instance `inline_serializer` gives (its class is
    used); `partial` for an edit that sends only the fields it changes, `context` what the serializer reads besides the
    body (the request of a login). Answers the validated data as a dict; a refusal raises DRF's ValidationError, the 400
    `{field: [messages]}` in the request's language. The one helper every API view validates its body with
    (tests/core/test_valid_input.py refuses any other)."""
    if not isinstance(serializer_class, type):
        serializer_class = type(serializer_class)
    serializer = serializer_class(data=data, partial=partial, context=context or {})
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def route_errors(*, path: str, method: str, has_body: bool, has_query: bool, open_to_anyone: bool, throttled: bool) -> dict:
    """The error answers `{status code: serializer}` of one operation, from its method, input and route (see the module)."""
    errors = {}
    if has_body or has_query or method in WRITE_METHODS:
        errors["400"] = FieldErrors
    if not open_to_anyone:
        errors["401"] = Detail
        errors["403"] = Detail
    if "{" in path:
        errors["404"] = Detail
    if throttled:
        errors["429"] = Detail
    return errors


class AutoSchema(openapi.AutoSchema):
    """drf-spectacular's schema class with the view's `Output` as its 2xx body and the project's error answers
    (`REST_FRAMEWORK["DEFAULT_SCHEMA_CLASS"]`)."""

    def get_response_serializers(self):
        output = by_method(getattr(self.view, "Output", None), self.method)
        return output if output is not None else super().get_response_serializers()

    def get_operation_id(self):
        declared = by_method(getattr(self.view, "operation_id", None), self.method)
        if declared is None:
            return super().get_operation_id()
        view = re.sub(r"(?<!^)(?=[A-Z])", "_", type(self.view).__name__.removesuffix("Api")).lower()
        return declared.format(view=view, method=self.method.lower())

    def get_tags(self):
        # Swagger UI's groups: the app, and for an app whose APIs are a package of modules (plans.apis.cycle, by the
        # Decision's steps; investment.apis.projects, monitoring.apis.reports, by resource) the module: "plans: cycle",
        # "investment: plan items". Each tag is declared in SPECTACULAR_SETTINGS["TAGS"] (tests/core/test_openapi.py).
        app, *rest = type(self.view).__module__.split(".")
        module = rest[1] if len(rest) > 1 and rest[0] == "apis" else None
        return [f"{app}: {module.replace('_', ' ')}" if module else app]

    def get_operation(self, *args, **kwargs):
        # One view may serve a file in two formats (`document.docx`, `document.pdf`): one operation id per format,
        # whether the id was generated or given (the view's `operation_id`).
        operation = super().get_operation(*args, **kwargs)
        last = self.path.rpartition("/")[2]
        extension = last.rpartition(".")[2] if "." in last else ""
        if operation and extension and "{" not in extension and not operation["operationId"].endswith("_" + extension):
            operation["operationId"] += "_" + extension
        return operation

    def is_idempotent(self) -> bool:
        """The method honours `Idempotency-Key` (decorated with `idempotency.keys.idempotent`, read as an attribute)."""
        return bool(getattr(getattr(self.view, self.method.lower(), None), "idempotent", False))

    def get_override_parameters(self):
        query = getattr(self.view, "query_parameters", None)
        query = by_method(query, self.method) if isinstance(query, dict) else (query if self.method == "GET" else None)
        header = [IDEMPOTENCY_KEY] if self.is_idempotent() else []
        return [*super().get_override_parameters(), *(query or []), *header]

    def get_request_serializer(self):
        # `Input = None` says the method takes no body.
        if self.method in BODY_METHODS and hasattr(self.view, "Input"):
            return by_method(self.view.Input, self.method)
        return super().get_request_serializer()

    def _get_serializer_name(self, serializer, direction, bypass_extensions=False):
        # Nested HackSoft classes are all called Input or Output: name the component after its view.
        if serializer.__class__.__name__ in ("Input", "Output"):
            owner, _dot, name = serializer.__class__.__qualname__.rpartition(".")
            return owner.removesuffix("Api") + name
        return super()._get_serializer_name(serializer, direction, bypass_extensions)

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction=direction)
        has_query = any(
            isinstance(p, OpenApiParameter) and p.location == OpenApiParameter.QUERY for p in self.get_override_parameters()
        ) or bool(self._get_filter_parameters() or self._get_pagination_parameters())
        open_to_anyone = all(isinstance(p, AllowAny) for p in self.view.get_permissions())
        has_body = self.method in BODY_METHODS and self.get_request_serializer() is not None
        throttled = self.method in getattr(self.view, "rate_limited", ()) or bool(self.view.get_throttles())
        errors = route_errors(path=self.path, method=self.method, has_body=has_body, has_query=has_query,
                              open_to_anyone=open_to_anyone, throttled=throttled)
        if self.is_idempotent():
            errors["422"] = FieldErrors
        for code, serializer in errors.items():
            if code not in responses:
                responses[code] = self._get_response_for_code(serializer, code, direction=direction)
        reads = getattr(self.view, "reads_replica", False)
        if callable(reads):  # decided per request (geo/tile_apis.py): the province's routes, not a district's /d/…
            reads = not self.path.startswith("/d/")
        if self.method == "GET" and reads:
            for code, response in responses.items():
                if str(code).startswith("2"):
                    response.setdefault("headers", {}).update(REPLICA_HEADERS)
        return responses


# The answer headers of a view that may read the streaming replica (docs/OPERATIONS.md, "Streaming replica").
REPLICA_HEADERS = {
    "X-Read-From": {"schema": {"type": "string", "enum": ["replica", "primary"]}, "description":
                    "where the figures were read: the streaming replica, or the primary (no replica, replica down, "
                    "lagging more than REPLICA_MAX_LAG_SECONDS, or the request wrote)"},
    "X-Replica-Lag": {"schema": {"type": "number"}, "description":
                      "the replica's replay lag in seconds (one decimal) measured for this answer (at most 2 s before); "
                      "absent when the replica does not answer"},
}

"""The data version: a name for one committed state of the data a cache reads, which never names another state.

The table `public.province_dataversion` (province's migrations 0010–0012) holds one row per scope; statement triggers
store a fresh `nextval()` of one sequence in a scope's row in the writer's own transaction whenever a statement changes
that scope's data. A sequence is not rolled back, so a value, once committed, is never seen again with other data
(a rolled-back bump leaves nothing behind that another state could repeat). Scopes:

- `UNITS` (`*`): the administrative units and the districts (tenants) — what the unit layers and the public tenant read;
- a district's GSO code: that district's rows of the investment rollup and its refresh time;
- `rollup`: a TRUNCATE of the rollup tables (which names no district).

`version(scopes)` is a hash of the (scope, value) pairs read, so that two writers committing out of order still give a
version of their own each (neither the maximum nor a sum could tell them apart). A reader asks for the scopes its cache
depends on: an administrative-unit layer for `UNITS` only, so that an investment write in a district (which moves that
district's scope) never makes it start over.
"""
import hashlib

from django.db import DEFAULT_DB_ALIAS, connection

UNITS = ("*",)
EVERY_SCOPE = None


_PAIRS = "SELECT string_agg(scope || '=' || version, ',' ORDER BY scope) FROM public.province_dataversion"
# Both versions a province request may need, in one statement (the tenant middleware reads it on the primary).
_BOTH = ("SELECT string_agg(scope || '=' || version, ',' ORDER BY scope), max(version) FILTER (WHERE scope = '*') "
         "FROM public.province_dataversion")


def version(scopes=EVERY_SCOPE, *, using=None, request=None) -> str:
    """The version (16 hex digits) of `scopes` (a tuple of scope names; None: every scope), read on `using` (a
    connection; default: Django's `default`) — read it on the connection that reads the data cached under it, so that a
    lagging replica's answer is kept under the replica's own version. One statement, or none when `request` carries the
    versions the tenant middleware read on the primary (`read_for_request`) and `using` is the primary."""
    using = using or connection
    known = getattr(request, "data_versions", None)
    if known is not None and using.alias == DEFAULT_DB_ALIAS and scopes in known:
        return known[scopes]
    with using.cursor() as cursor:
        if scopes is None:
            cursor.execute(_PAIRS)
        else:
            cursor.execute(_PAIRS + " WHERE scope = ANY(%s)", [list(scopes)])
        pairs = cursor.fetchone()[0] or ""
    return digest(pairs)


def read_for_request(request) -> dict:
    """{None: every scope's version, UNITS: the units' version}, read on the primary in one statement and left on the
    request (`request.data_versions`) for `version(…, request=request)`: what a province request's caches are keyed on
    (the public tenant, the unit layers, the distribution's tiles and pages when they read the primary)."""
    with connection.cursor() as cursor:
        cursor.execute(_BOTH)
        pairs, units = cursor.fetchone()
    request.data_versions = {None: digest(pairs or ""), UNITS: digest("" if units is None else f"*={units}")}
    return request.data_versions


def digest(pairs: str) -> str:
    """The version of the text `pairs` ("scope=value,…" in scope order), as `version` gives it."""
    return hashlib.md5(pairs.encode(), usedforsecurity=False).hexdigest()[:16]

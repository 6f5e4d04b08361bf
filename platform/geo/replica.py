"""Reads on the streaming replica (docs/OPERATIONS.md, "Streaming replica"; issue 18): the province's and the public's reads.

Settings: the database alias `replica` exists when DB_REPLICA_HOST/PORT/NAME are set (config/settings.py), else every
read stays on the primary (`default`). `REPLICA_MAX_LAG_SECONDS` (default 30): beyond it reads fall back to the primary.

Who reads the replica: only GET/HEAD requests of views that opt in (`reads_replica` on a function view, the class
attribute `reads_replica = True` on a class view, or a callable `reads_replica(request) -> bool` for a view that
serves both the province and a district), and only until the request writes. `ReplicaMiddleware` decides
once per request, after measuring the replica's replay lag (cached `LAG_CACHE_SECONDS` per process):
  - the replica answers and lags at most REPLICA_MAX_LAG_SECONDS → reads go to `replica`;
  - the replica is down (connection refused, `connect_timeout` of 2 s) or lags more → reads stay on `default`.
`ReplicaRouter` sends the ORM's reads there; raw SQL takes its connection from `read_connection()`. Sessions, users,
tokens, lockouts, the cache and every access rule's tables (`PRIMARY_ONLY_APPS`) are always read on the primary, so
a right withdrawn a second ago is never granted from a stale copy. Any statement other than a read on the primary
during the request (seen by an `execute_wrapper`) turns the rest of the request's reads back to the primary, except a
write to a cache table (`DatabaseCache`'s set, its cull): storing an answer changes no data the request reads, and
turning there mixed the replica's figures with the primary's in one answer (rv13d finding 3).

The tenant: django-tenants' middleware sets the district (its search_path) on `default` only; `read_connection()`
and the router copy the current tenant of `default` to the replica connection before each read, so a district's read
on the replica reads that district's schema, and `schema_context` blocks are followed too.

What the request read is told in its answer: `request.replica` (a `ReplicaRead`) for pages (the line "Số liệu cập
nhật cách đây N giây"), and the headers `X-Read-From: replica|primary` and `X-Replica-Lag: <seconds>` on every
answer of an opted-in view (`X-Read-From` says what the request read last: `primary` once it wrote).
"""
import contextvars
import re
import threading
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, Error, connections

REPLICA = "replica"
LAG_CACHE_SECONDS = 2.0
# Tables read on the primary whatever the view: sign-in, sessions, tokens, lockouts, the shared cache, and the
# accounts app, where every access rule's data (roles, assignments) lives.
PRIMARY_ONLY_APPS = frozenset({"accounts", "auth", "sessions", "knox", "axes", "admin", "contenttypes", "django_cache"})
_READ = re.compile(r"^\s*(SELECT|SET|SHOW|WITH|SAVEPOINT|RELEASE|BEGIN|COMMIT|ROLLBACK|DECLARE|FETCH|CLOSE|EXPLAIN)\b", re.IGNORECASE)
_LOCKING = re.compile(r"\bFOR\s+(UPDATE|SHARE|NO\s+KEY\s+UPDATE|KEY\s+SHARE)\b|\b(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)

# Replay lag in seconds, measured on the replica against the primary's WAL flush position (the parameter, read on
# the primary just before): 0 once the replica has replayed up to it, else the age of the last replayed transaction.
# (Comparing the replica's own receive and replay positions does not work: receive is page-aligned, replay ends at a
# record, so they are almost never equal and a quiet primary looked "N seconds behind".)
PRIMARY_LSN_SQL = "SELECT pg_current_wal_flush_lsn()::text"
LAG_SQL = """
SELECT CASE
  WHEN NOT pg_is_in_recovery() THEN 0
  WHEN pg_last_wal_replay_lsn() >= %s::pg_lsn THEN 0
  ELSE extract(epoch FROM now() - pg_last_xact_replay_timestamp())::float8
END
"""


@dataclass
class ReplicaRead:
    """What a request read: `alias` "replica" or "default", the replay lag in seconds when measured (None: replica
    down), and whether it fell back (`fallback`: "down", "lag", "write" or "" when it read the replica)."""

    alias: str = DEFAULT_DB_ALIAS
    lag: float | None = None
    fallback: str = ""
    wrote: bool = field(default=False)

    @property
    def on_replica(self) -> bool:
        return self.alias == REPLICA and not self.wrote

    @property
    def lag_seconds(self) -> int | None:
        return None if self.lag is None else int(round(self.lag))


_current: contextvars.ContextVar[ReplicaRead | None] = contextvars.ContextVar("replica_read", default=None)
_lag_cache = {"at": 0.0, "lag": None}
_lag_lock = threading.Lock()


def configured() -> bool:
    """True when the `replica` alias is set (DB_REPLICA_HOST/PORT/NAME) and REPLICA_READS is on."""
    return REPLICA in settings.DATABASES and getattr(settings, "REPLICA_READS", True)


def forget_lag():
    """Drop the cached lag (tests, after stopping or starting the replica)."""
    with _lag_lock:
        _lag_cache.update(at=0.0, lag=None)


def measure_lag() -> float | None:
    """The replica's replay lag in seconds (LAG_SQL against the primary's flush position, PRIMARY_LSN_SQL), or None
    when it does not answer; at most one cheap query on each per LAG_CACHE_SECONDS per process. A broken replica
    connection is closed, so the next measure connects again."""
    with _lag_lock:
        now = time.monotonic()
        if now - _lag_cache["at"] < LAG_CACHE_SECONDS:
            return _lag_cache["lag"]
        replica = connections[REPLICA]
        try:
            with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
                cursor.execute(PRIMARY_LSN_SQL)
                primary_lsn = cursor.fetchone()[0]
            with replica.cursor() as cursor:
                cursor.execute(LAG_SQL, [primary_lsn])
                value = cursor.fetchone()[0]
            lag = None if value is None else max(0.0, float(value))
        except Error:
            replica.close()
            lag = None
        _lag_cache.update(at=now, lag=lag)
        return lag


def decide() -> ReplicaRead:
    """Where an opted-in read of this moment goes: the replica when it answers and lags at most REPLICA_MAX_LAG_SECONDS."""
    lag = measure_lag()
    if lag is None:
        return ReplicaRead(fallback="down")
    if lag > settings.REPLICA_MAX_LAG_SECONDS:
        return ReplicaRead(lag=lag, fallback="lag")
    return ReplicaRead(alias=REPLICA, lag=lag)


def current() -> ReplicaRead | None:
    """The ReplicaRead of the running request, None outside an opted-in view."""
    return _current.get()


def _sync_tenant():
    """Give the replica connection the tenant (search_path) `default` has now."""
    primary, replica = connections[DEFAULT_DB_ALIAS], connections[REPLICA]
    if replica.schema_name != primary.schema_name or replica.include_public_schema != primary.include_public_schema:
        replica.set_tenant(primary.tenant, include_public=primary.include_public_schema)


def read_alias() -> str:
    """The alias the running request reads from: "replica" in an opted-in view that has not written, else "default"."""
    state = _current.get()
    if state is not None and state.on_replica:
        _sync_tenant()
        return REPLICA
    return DEFAULT_DB_ALIAS


def read_connection():
    """The connection raw read SQL uses (`with read_connection().cursor() as cursor:`), its tenant that of `default`."""
    return connections[read_alias()]


class ReplicaRouter:
    """Reads of opted-in views on the replica (except PRIMARY_ONLY_APPS); writes on the primary; never a migration on the replica."""

    def db_for_read(self, model, **hints):
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        alias = read_alias()
        return alias if alias == REPLICA else None

    def db_for_write(self, model, **hints):
        state = _current.get()
        # Storing in the cache (DatabaseCache asks for its table's write alias) changes no data the request reads.
        if state is not None and model._meta.app_label != "django_cache":
            state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # Both aliases hold the same rows: an object read on the replica may point to one on the primary.
        return True if {obj1._state.db, obj2._state.db} <= {DEFAULT_DB_ALIAS, REPLICA} else None

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return False if db == REPLICA else None


def writes(sql: str) -> bool:
    """Whether a statement may write or lock: anything but a plain read (a SELECT or WITH naming INSERT, UPDATE,
    DELETE or FOR UPDATE/SHARE counts as a write: a false alarm only keeps the request on the primary)."""
    if not _READ.match(sql):
        return True
    return sql.lstrip()[:4].upper() in ("SELE", "WITH") and bool(_LOCKING.search(sql))


def _cache_tables() -> frozenset[str]:
    """The tables of the DatabaseCache backends in settings.CACHES (lower case)."""
    return frozenset(c["LOCATION"].lower() for c in settings.CACHES.values() if c["BACKEND"].endswith("db.DatabaseCache"))


_TARGET = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?([\w.]+?)"?[\s(]', re.IGNORECASE)


def writes_data(sql: str) -> bool:
    """`writes(sql)`, except a plain INSERT/UPDATE/DELETE of a cache table, which changes nothing a request reads."""
    if not writes(sql):
        return False
    target = _TARGET.match(sql)
    return not (target and target.group(1).lower() in _cache_tables())


def _write_watcher(state: ReplicaRead):
    def watch(execute, sql, params, many, context):
        if not state.wrote and writes_data(sql):
            state.wrote = True
        return execute(sql, params, many, context)
    return watch


def reads_replica(view):
    """Mark a function view as one whose GET/HEAD reads may go to the replica."""
    view.reads_replica = True
    return view


def _opted_in(view_func, request) -> bool:
    """Whether the view reads the replica for this request: its `reads_replica` is True, or a callable
    `reads_replica(request) -> bool` (a view serving both the province and a district, e.g. the tiles)."""
    view_class = getattr(view_func, "view_class", None) or getattr(view_func, "cls", None)
    for owner in (view_func, view_class):
        choice = getattr(owner, "reads_replica", False)
        if callable(choice):
            choice = choice(request)
        if choice:
            return True
    return False


class ReplicaMiddleware:
    """Chooses where an opted-in view's reads go (once per request) and says it in the answer's headers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _current.set(None)
        try:
            response = self.get_response(request)
        finally:
            state = _current.get()
            _current.reset(token)
            watch = getattr(request, "_replica_watch", None)
            if watch is not None and watch in connections[DEFAULT_DB_ALIAS].execute_wrappers:
                connections[DEFAULT_DB_ALIAS].execute_wrappers.remove(watch)
        if state is not None:
            # What the request read last: once it wrote, its reads went to the primary.
            response["X-Read-From"] = "replica" if state.on_replica else "primary"
            if state.lag is not None:
                response["X-Replica-Lag"] = f"{state.lag:.1f}"
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method not in ("GET", "HEAD") or not configured() or not _opted_in(view_func, request):
            return None
        state = decide()
        request.replica = state
        _current.set(state)
        if state.alias == REPLICA:
            # Removed in __call__ when the answer is made: a later request on this connection is never watched.
            request._replica_watch = _write_watcher(state)
            connections[DEFAULT_DB_ALIAS].execute_wrappers.append(request._replica_watch)
        return None

"""What a process keeps of the layer kit's answers (geo.layers): page statements and whole answers, under one lock.

    STATEMENTS_KEPT, ANSWER_BYTES_KEPT      # the bounds: page statements (count), whole answers (bytes, body + gzip)
    statement(key) -> (sql, params) or None # a kept page statement (`Layer.query` of a layer with a `shared_key`)
    keep_statement(key, statement)          # kept, the oldest out first past STATEMENTS_KEPT
    keeps_answers(layer) -> bool            # whether `kept_answer` keeps this layer's answers
    kept_answer(request, layer, build) -> HttpResponse   # the whole answer kept under the data version
    forget_answers()                        # forget every whole answer (benchmarks of a first request; tests)

gthread workers (deploy/gunicorn.conf.py) run requests of one process in threads: every change to `_STATEMENTS`,
`_ANSWERS` and the running size `_answer_bytes` is made under `_KEPT_LOCK`; a lookup (one dict.get) needs none.
The statements read the rows when they run, so nothing kept can be stale; the answers are kept under the data version
of their scopes (geo.versions; docs/GIS.md, "Caching under the data version").
"""
import hashlib
import threading

from django.http import HttpResponse
from django.utils.http import quote_etag
from django.utils.text import compress_string
from django.utils.translation import get_language

from geo import versions
from geo.middleware import accepts_gzip
from geo.replica import read_connection

MEDIA_TYPE = "application/geo+json"
STATEMENTS_KEPT = 512  # page statements kept per process for layers with a shared_key (Layer.query)
_STATEMENTS = {}
ANSWER_BYTES_KEPT = 64 * 1024 * 1024  # whole answers kept per process (page_response), body + gzip body
_ANSWERS = {}
_KEPT_LOCK = threading.Lock()
_answer_bytes = 0


def statement(key):
    """The page statement (sql, params) kept under `key`, or None."""
    return _STATEMENTS.get(key)


def keep_statement(key, page_statement):
    """Keep a page statement under `key` (the layer's shared key, its arguments, the language), the oldest out first
    past STATEMENTS_KEPT (a map panned over many bboxes)."""
    with _KEPT_LOCK:
        if len(_STATEMENTS) >= STATEMENTS_KEPT:
            _STATEMENTS.pop(next(iter(_STATEMENTS)), None)
        _STATEMENTS[key] = page_statement


def keeps_answers(layer):
    """Whether `kept_answer` keeps this layer's answers: its rows are the same for everybody (`shared_key`) and depend
    on known scopes of the data version (`version_scopes`): the administrative units."""
    return layer.version_scopes is not None and layer.shared_key() is not None


def kept_answer(request, layer, build):
    """The whole answer (body, gzip body, ETag) of a request to a layer that `keeps_answers`, kept per process under the
    layer's `shared_key`, the request's absolute URL (path and every parameter: a page, a limit, a bbox, a filter each
    have their own), the language and the data version of the layer's `version_scopes` (geo.versions; read before the
    rows, so that an answer is never kept under a version newer than its data, and not read again when the tenant
    middleware read it for this request). `build()` -> (body text, ETag or None: a hash of the body) runs only when
    nothing is kept for this version. Used by the legacy layer route (`geo.layers.page_response`) and the OGC items
    (`geo.ogc.items`): a repeated request costs the version read (docs/GIS.md, "Caching under the data version")."""
    version = _layer_version(request, layer.version_scopes)
    key = (layer.shared_key(), request.build_absolute_uri(), get_language())
    answer = _ANSWERS.get(key)
    if answer is not None and answer[0] == version:
        if answer[2] is None and accepts_gzip(request):
            answer = _keep_answer(key, version, answer[1], compressed=True, etag=answer[3])
        return _kept_response(answer)
    body, etag = build()
    return _kept_response(_keep_answer(key, version, body, compressed=accepts_gzip(request), etag=etag))


def _layer_version(request, scopes):
    """The data version of `scopes` on the connection the layer reads (none read again when the tenant middleware read
    it on the primary and the layer reads the primary: `geo.versions.version`)."""
    return versions.version(scopes, using=read_connection(), request=request)


def forget_answers():
    """Forget every whole answer this process keeps (benchmarks measuring a first request; tests)."""
    global _answer_bytes
    with _KEPT_LOCK:
        _ANSWERS.clear()
        _answer_bytes = 0


def _keep_answer(key, version, body, *, compressed, etag=None):
    """Keep (version, body, gzip body or None, ETag) of a layer answer under `key`, within ANSWER_BYTES_KEPT (oldest out
    first); the gzip body is made once, for the first client that accepts it (`compressed`); `etag` None: a hash of
    the body."""
    raw = body.encode() if isinstance(body, str) else body
    answer = (version, raw, compress_string(raw) if compressed else None,
              etag or quote_etag(hashlib.md5(raw, usedforsecurity=False).hexdigest()))

    def size(a):
        return len(a[1]) + len(a[2] or b"")

    global _answer_bytes
    if size(answer) <= ANSWER_BYTES_KEPT:
        with _KEPT_LOCK:  # the running size, not a walk over every kept answer at each insert
            old = _ANSWERS.pop(key, None)
            _answer_bytes -= size(old) if old is not None else 0
            while _ANSWERS and _answer_bytes + size(answer) > ANSWER_BYTES_KEPT:
                _answer_bytes -= size(_ANSWERS.pop(next(iter(_ANSWERS))))
            _ANSWERS[key] = answer
            _answer_bytes += size(answer)
    return answer


def _kept_response(answer):
    """The HttpResponse of a kept answer: its ETag set (geo.middleware hashes nothing) and its gzip body ready
    (`layer_gzip`, which the middleware sends instead of compressing again)."""
    _version, body, compressed, etag = answer
    response = HttpResponse(body, content_type=MEDIA_TYPE)
    response["ETag"] = etag
    if compressed is not None:
        response.layer_gzip = compressed
    return response

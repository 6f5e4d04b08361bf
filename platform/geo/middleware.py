"""Lighter layer answers: an ETag with 304 Not Modified, and gzip, for GeoJSON layers and vector tiles only.

Only answers whose content type is a layer's (`LAYER_TYPES`: GeoJSON, Mapbox vector tiles, TileJSON)
are touched, never HTML pages or JSON carrying tokens: compressing a body that holds a secret next
to text an attacker chooses lets the compressed length leak the secret (BREACH), and a layer holds
no secret. The ETag is a hash of the body (MD5, as Django's own ETags, not for security; an empty tile too):
the answer already depends on the user's scope and the parameters, so equal bodies are equal
answers; a hash of a 750 KB body costs about 1 ms, measured in bench/layer_answers.py, against the
transfer it saves. `Cache-Control: private, no-cache` makes browsers ask again every time (and
shared caches keep nothing), `Vary` names what the body depends on.
"""
import hashlib

from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import quote_etag
from django.utils.regex_helper import _lazy_re_compile
from django.utils.text import compress_string

LAYER_TYPES = ("application/geo+json", "application/vnd.mapbox-vector-tile", "application/x-protobuf", "application/vnd.tilejson+json")
ACCEPTS_GZIP = _lazy_re_compile(r"\bgzip\b")


def accepts_gzip(request) -> bool:
    """Whether the client accepts a gzip body (its Accept-Encoding names gzip): the one rule of the middleware and of the
    views that keep their answers compressed (geo.kept, province.tiles)."""
    return bool(ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))
MIN_BYTES = 200  # below this gzip's own header outweighs what it saves


def is_layer_answer(response) -> bool:
    """True for a complete 200 answer whose content type is a layer's (or that a view marked `layer_answer = True`)."""
    kind = response.get("Content-Type", "").split(";")[0].strip().lower()
    return response.status_code == 200 and not response.streaming and (kind in LAYER_TYPES or getattr(response, "layer_answer", False))


class LayerAnswerMiddleware:
    """ETag / If-None-Match → 304, then gzip when the client accepts it; for layer answers only (see the module)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD") or not is_layer_answer(response):
            return response
        if not response.has_header("ETag"):
            response["ETag"] = quote_etag(hashlib.md5(response.content, usedforsecurity=False).hexdigest())
        if "no-store" not in response.get("Cache-Control", ""):
            # An authenticated API answer stays `no-store` (trust: nothing signed-in is kept by a shared or browser
            # cache); the rest is revalidated every time and answered 304 when unchanged.
            patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ("Accept-Encoding", "Authorization", "Cookie"))
        answer = get_conditional_response(request, etag=response["ETag"], response=response)
        if answer is not response or response.has_header("Content-Encoding") or len(response.content) < MIN_BYTES:
            return answer
        if not accepts_gzip(request):
            return response
        # A view that kept its answer compressed (geo.layers.page_response) hands it over: nothing compressed again.
        compressed = getattr(response, "layer_gzip", None) or compress_string(response.content)
        if len(compressed) >= len(response.content):
            return response
        response.content = compressed
        response["Content-Length"] = str(len(compressed))
        response["Content-Encoding"] = "gzip"
        # The compressed body differs byte for byte: a weak ETag, which If-None-Match still matches.
        if not response["ETag"].startswith("W/"):
            response["ETag"] = "W/" + response["ETag"]
        return response

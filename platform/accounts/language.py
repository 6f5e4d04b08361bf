"""The language of an answer, one rule for the language middleware (frontend.middleware.LanguageMiddleware) and for the
400s Django makes before it runs (accounts.errors.bad_request): Vietnamese unless the person chose otherwise; the
language switch's cookie wins; machine clients (the API, the OGC API, tiles, downloads: MACHINE_ROUTE) may ask through
Accept-Language; pages ignore the browser's language, since the default is Vietnamese."""
import re
from urllib.parse import parse_qsl

from django.conf import settings
from django.core.exceptions import TooManyFieldsSent
from django.utils.translation import get_supported_language_variant
from django.utils.translation.trans_real import parse_accept_lang_header

from geo.params import LANGUAGE_PARAM

# The routes machines call (the API, OGC API Features, tiles, downloads), for the province and under /d/<slug>/: GDAL and
# QGIS cannot set a cookie, so their Accept-Language chooses the language when neither `lang` nor the cookie does.
MACHINE_ROUTE = re.compile(r"^/(?:d/[^/]+/)?(?:api|ogc|tiles|downloads)(?:/|$)")


def language_for(request):
    """The language of an answer: `lang`, else the language cookie, else (machine routes, MACHINE_ROUTE, asked by a
    machine or a page's script) the first supported language of Accept-Language, else settings.LANGUAGE_CODE
    (Vietnamese).

    A browser *navigation* to a machine route (`Sec-Fetch-Mode: navigate`: a person following a page's download link,
    e.g. a plan's tables.xlsx or the comparison map's PNG) reads as pages do, the cookie else Vietnamese: the file
    speaks the page's language, not the browser's (review rv15f). Page scripts send the page's language themselves
    (UI.get); GDAL, QGIS and curl send no Sec-Fetch-Mode and keep their Accept-Language."""
    supported = {code for code, _ in settings.LANGUAGES}
    try:
        asked = request.GET.get(LANGUAGE_PARAM)
    except TooManyFieldsSent:
        # refused later (geo.params.QueryParamsMiddleware, accounts.errors.bad_request): its `lang` read from the raw query
        asked = dict(parse_qsl(request.META.get("QUERY_STRING", ""), keep_blank_values=True)).get(LANGUAGE_PARAM)
    # each in turn: a `lang` that is no language of ours (refused with a 400 naming it) leaves the choice to the cookie
    for chosen in (asked, request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)):
        if chosen in supported:
            return chosen
    navigation = request.headers.get("Sec-Fetch-Mode") == "navigate"
    if not navigation and (MACHINE_ROUTE.match(request.path) or "/api/" in request.path):
        for code, _ in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
            try:
                return get_supported_language_variant(code)
            except LookupError:
                continue
    return settings.LANGUAGE_CODE

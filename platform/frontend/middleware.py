"""Vietnamese unless the person chose otherwise: the language switch's cookie wins; machine clients (the API, the
OGC API, tiles, downloads) may ask through Accept-Language; pages ignore the browser's language, since the default is Vietnamese.
The rule itself is accounts.language.language_for, shared with the 400s Django makes before this middleware runs."""
from django.conf import settings
from django.utils import translation
from django.utils.cache import patch_vary_headers

from accounts.language import language_for


class LanguageMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = language_for(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ("Accept-Language", "Cookie", "Sec-Fetch-Mode"))
        translation.deactivate()
        return response


class SecurityHeadersMiddleware:
    """The headers django-csp and Django's SecurityMiddleware do not send (issue 11, part 1).

    - `Permissions-Policy` (settings.PERMISSIONS_POLICY): geolocation for our own pages only (the
      "use my position" buttons), no camera, microphone, payment or USB for anyone.
    - `Cache-Control: no-store` on API answers to a signed-in caller (session or token), so that a shared
      computer in a commune office or a proxy keeps no copy of what one person was allowed to read;
      and on every answer under /api/auth/ (a new token is a secret whoever asked).
    The Content-Security-Policy comes from django-csp (settings.CONTENT_SECURITY_POLICY);
    `Referrer-Policy` and `X-Content-Type-Options: nosniff` from SecurityMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        # The token endpoint's answer carries a secret before anyone is signed in.
        if "/api/" in request.path and (_signed_in(request) or request.path.startswith("/api/auth/")):
            response.headers["Cache-Control"] = "no-store"
        return response


def _signed_in(request):
    """Whether the caller may be signed in: a signed-in user, a session cookie (a public view that authenticates no one,
    such as the administrative units, leaves the user anonymous unread: the cookie alone then makes the answer
    `no-store`, which only ever errs on the side of storing less), or a token."""
    user = getattr(request, "user", None)
    if request.COOKIES.get(settings.SESSION_COOKIE_NAME):
        return True
    if user is not None and user.is_authenticated:
        return True
    return request.headers.get("Authorization", "").startswith("Token ")

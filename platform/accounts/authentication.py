"""The API's authentication classes (settings REST_FRAMEWORK's DEFAULT_AUTHENTICATION_CLASSES): knox's token and DRF's
session, each with a refusal it lacked (kept apart from accounts.errors, which imports rest_framework.views: DRF's
settings import these classes while that module loads)."""
import re

from django.utils.translation import gettext
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication as DrfSessionAuthentication

# What a key of ours can be: knox writes hexadecimal digits (after an optional TOKEN_PREFIX); printable ASCII bounds it.
TOKEN_KEY = re.compile(rb"[!-~]{1,256}")


def csrf_message() -> str:
    """Why a form or an API write without a valid CSRF token was refused, in the request's language."""
    return gettext("Your session has expired or the form is out of date: reload the page and try again.")


class SessionAuthentication(DrfSessionAuthentication):
    """DRF's session authentication whose CSRF refusal (403 `{"detail": …}`) speaks the request's language: DRF's own
    "CSRF Failed: CSRF token missing." comes from its catalogue, in English only."""

    def enforce_csrf(self, request):
        try:
            super().enforce_csrf(request)
        except exceptions.PermissionDenied:
            raise exceptions.PermissionDenied(csrf_message()) from None


class TokenAuthentication(KnoxTokenAuthentication):
    """knox's `Authorization: Token <key>`, refusing (401 "Invalid token.") a key that cannot be one of knox's before
    it is read: knox decoded it as UTF-8 unguarded, so `Token \\xe9` (a byte gunicorn passes on) was a 500 on the
    province API, and a NUL reached PostgreSQL (a DataError, a 500) (review rv23b). `key`: the header's bytes."""

    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except UnicodeError:  # DRF's get_authorization_header: a character above U+00FF (only a test client sends one)
            raise exceptions.AuthenticationFailed(gettext("Invalid token.")) from None

    def authenticate_credentials(self, key: bytes):
        if not TOKEN_KEY.fullmatch(key):
            raise exceptions.AuthenticationFailed(gettext("Invalid token."))
        return super().authenticate_credentials(key)

"""The API's session authentication: DRF's, with its CSRF refusal in the user's language (kept apart from
accounts.errors, which imports rest_framework.views: DRF's settings import this class while that module loads)."""
from django.utils.translation import gettext
from rest_framework import exceptions
from rest_framework.authentication import SessionAuthentication as DrfSessionAuthentication


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

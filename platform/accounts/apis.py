"""The token endpoints: `POST /api/auth/token/` (log in), `logout/` (revoke this token), `logoutall/` (every token)."""
from django.contrib.auth.signals import user_logged_in
from drf_spectacular.utils import inline_serializer
from knox.models import AuthToken
from knox.settings import knox_settings
from knox.views import LogoutAllView, LogoutView
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.authentication import TokenAuthentication
from core.openapi import valid_input


class TokenInput(AuthTokenSerializer):
    """DRF's serializer with the username's length bounded like the column, so a long one is a 400, not a 500."""

    username = serializers.CharField(label="Username", max_length=150, write_only=True)


class TokenObtainApi(APIView):
    """`{"username", "password"}` → `{"token", "expiry"}`; then `Authorization: Token <token>`.

    The password goes through Django's `authenticate()`, so django-axes counts failures per account and
    per address: past `LOGIN_FAILURE_LIMIT` the answer is 429 with Retry-After, whatever the password.
    Wrong credentials are a 400. The token expires after `API_TOKEN_TTL_HOURS` (ISO 8601 `expiry`).
    """

    authentication_classes = []
    permission_classes = [AllowAny]
    rate_limited = {"POST"}  # documented 429 (core.openapi)

    Input = TokenInput
    Output = {200: inline_serializer("TokenOut", {"token": serializers.CharField(), "expiry": serializers.DateTimeField()})}

    def post(self, request):
        # The plain HttpRequest, so that django-axes marks the request the middleware answers from.
        serializer = valid_input(TokenInput, request.data, context={"request": request._request})
        user = serializer["user"]
        instance, token = AuthToken.objects.create(user=user, expiry=knox_settings.TOKEN_TTL)
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        return Response({"token": token, "expiry": instance.expiry})

class TokenLogoutApi(LogoutView):
    """Revoke the token this request carries (204)."""

    authentication_classes = (TokenAuthentication,)  # knox's, refusing a malformed key (not knox's own class)

    Input = None
    Output = {204: None}

    def post(self, request, format=None):
        return super().post(request, format)

class TokenLogoutAllApi(LogoutAllView):
    """Revoke every token of the caller (204)."""

    authentication_classes = (TokenAuthentication,)  # knox's, refusing a malformed key (not knox's own class)

    Input = None
    Output = {204: None}

    def post(self, request, format=None):
        return super().post(request, format)

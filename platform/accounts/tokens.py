"""API tokens (django-rest-knox): stored as hashes, expire after `API_TOKEN_TTL_HOURS`, revoked by logout."""
from knox.models import AuthToken
from rest_framework.exceptions import AuthenticationFailed

from accounts.authentication import TokenAuthentication


def user_for_token(key: str):
    """The active user an unexpired, unrevoked token belongs to, or None (unknown, expired, revoked, inactive user)."""
    try:
        user, _token = TokenAuthentication().authenticate_credentials(key.encode())
    except (AuthenticationFailed, UnicodeError):
        return None
    return user


def tokens_revoke(*, user) -> int:
    """Revoke every API token of `user` (password changed or reset); returns how many there were."""
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    return deleted

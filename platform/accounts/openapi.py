"""The API's authentication in the OpenAPI schema (drf-spectacular): `accounts.authentication.SessionAuthentication`
(DRF's with its CSRF refusal translated) is the same cookie scheme as DRF's, `accounts.authentication.TokenAuthentication`
(knox's refusing malformed keys) the same `Authorization: Token` scheme as knox's. Imported by AccountsConfig.ready()."""
from drf_spectacular.authentication import SessionScheme
from drf_spectacular.contrib.knox_auth_token import KnoxTokenScheme


class LocalizedSessionScheme(SessionScheme):
    target_class = "accounts.authentication.SessionAuthentication"


class CheckedKnoxTokenScheme(KnoxTokenScheme):
    target_class = "accounts.authentication.TokenAuthentication"

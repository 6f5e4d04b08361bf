"""The API's session authentication in the OpenAPI schema (drf-spectacular): `accounts.authentication.SessionAuthentication`
(DRF's with its CSRF refusal translated) is the same cookie scheme as DRF's. Imported by AccountsConfig.ready()."""
from drf_spectacular.authentication import SessionScheme


class LocalizedSessionScheme(SessionScheme):
    target_class = "accounts.authentication.SessionAuthentication"

"""The primary's database backend: django-tenants' (search_path per tenant) without the repeated `SET search_path`.

django-tenants forgets the search_path it set (TENANT_LIMIT_SET_CALLS) on every `set_tenant`, even to the schema the
connection already has: a request to `/api/…` set it to public, looked the public tenant up (SET + SELECT), set the
tenant it found, public again, and the next query sent the same `SET search_path` a second time; a persistent connection
(CONN_MAX_AGE) whose last request was public did it twice more. Here `set_tenant` to the schema (and public-inclusion)
the connection's search_path already holds keeps it: the path is still what the tenant needs. Every other case is
django-tenants' own: a different schema, and a rollback, a savepoint rollback or a closed connection, which forget the
path (the backend clears `search_path_set_schemas` there) so the next cursor sets it again.
"""
from django_tenants.postgresql_backend.base import DatabaseWrapper as TenantDatabaseWrapper


class DatabaseWrapper(TenantDatabaseWrapper):
    def set_tenant(self, tenant, include_public=True):
        kept = self.search_path_set_schemas
        same = (kept is not None and getattr(self, "schema_name", None) == tenant.schema_name
                and getattr(self, "include_public_schema", None) == include_public)
        super().set_tenant(tenant, include_public)
        if same:
            self.search_path_set_schemas = kept

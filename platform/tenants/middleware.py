"""The tenant of a request by its path (`/d/<slug>/…` a district, anything else the province's public schema), as
django-tenants' TenantSubfolderMiddleware decides it, without reading the public tenant's row on every request.

A province request (`/api/…`, `/tiles/…`, `/ogc/…`, pages) cost a round trip for the public tenant's row, which
setup_province writes once and which only ever lends its `schema_name` ("public") to a request. It is kept per process,
and forgotten when a District row of the public schema is saved or deleted (signals below); a district's row is still
read by its slug on every `/d/<slug>/` request, so a district or a domain added, moved or removed is seen by the next
request. Without a public tenant row the answer is django-tenants' own 404.

A path holding a control character (NUL, a line break, DEL, C1) names nothing the platform serves: it is a 404 before
any lookup, since PostgreSQL refuses a NUL in text (a `DataError`, a 500) and no slug, code or step contains one. Bytes
that are not UTF-8 reach Django percent-encoded again (`%FF`) and are then just an unknown name: a 404 too.
"""
import copy
import re

from django.db import connection
from django.http import Http404
from django.urls import clear_url_caches
from django_tenants.middleware import TenantSubfolderMiddleware
from django_tenants.utils import get_public_schema_name, get_subfolder_prefix, get_tenant_model

_public = {}
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def forget_public_tenant(sender=None, instance=None, **kwargs):
    """Receiver of District's post_save/post_delete: the next province request reads the public tenant's row again."""
    if instance is None or instance.schema_name == get_public_schema_name():
        _public.clear()


def public_tenant():
    """The public tenant (a copy per request: the middleware sets request-specific attributes on it)."""
    tenant = _public.get("tenant")
    if tenant is None:
        tenant = get_tenant_model().objects.get(schema_name=get_public_schema_name())
        _public["tenant"] = tenant
    return copy.copy(tenant)


class DistrictSubfolderMiddleware(TenantSubfolderMiddleware):
    def process_request(self, request):
        if CONTROL_CHARACTER.search(request.path):
            raise Http404("A control character in the path")
        if hasattr(request, "tenant") or request.path.startswith(f"/{get_subfolder_prefix()}/"):
            return super().process_request(request)
        connection.set_schema_to_public()
        try:
            tenant = public_tenant()
        except get_tenant_model().DoesNotExist:
            raise self.TENANT_NOT_FOUND_EXCEPTION("Unable to find public tenant") from None
        self.setup_url_routing(request, force_public=True)
        tenant.domain_url = self.hostname_from_request(request)
        request.tenant = tenant
        connection.set_tenant(tenant)
        clear_url_caches()

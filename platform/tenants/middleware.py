"""The tenant of a request by its path (`/d/<slug>/…` a district, anything else the province's public schema), as
django-tenants' TenantSubfolderMiddleware decides it, without reading the public tenant's row on every request.

A province request (`/api/…`, `/tiles/…`, `/ogc/…`, pages) cost a round trip for the public tenant's row, which
setup_province writes once and which only ever lends its `schema_name` ("public") to a request. It is kept per process
under the units' data version (`geo.versions.UNITS`, the `*` scope, which every statement on tenants_district moves, in
whichever process or session it runs): each province request reads the versions (`geo.versions.read_for_request`, one
statement, instead of the row) and reads the row again only when the units' version moved. The versions are left on the
request (`request.data_versions`) for the caches keyed on them (the administrative-unit layers' kept answers,
geo.layers.page_response; the distribution's tiles): the home page's commune layer then costs this one statement. The signals below also forget the row at once in the process that saves it. A district's
row is still read by its slug on every `/d/<slug>/` request, so a district or a domain added, moved or removed is seen
by the next request. Without a public tenant row the answer is django-tenants' own 404.

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

from geo import versions

_public = {}
CONTROL_CHARACTER = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def forget_public_tenant(sender=None, instance=None, **kwargs):
    """Receiver of District's post_save/post_delete: the next province request reads the public tenant's row again."""
    if instance is None or instance.schema_name == get_public_schema_name():
        _public.clear()


def public_tenant(version=None):
    """The public tenant (a copy per request: the middleware sets request-specific attributes on it), read again when
    `version` (the units' data version, geo.versions.UNITS, read on the primary) is not the one it was read under."""
    tenant = _public.get("tenant")
    if tenant is None or (version is not None and _public.get("version") != version):
        _public.clear()
        tenant = get_tenant_model().objects.get(schema_name=get_public_schema_name())
        _public.update(tenant=tenant, version=version)
    return copy.copy(tenant)


class DistrictSubfolderMiddleware(TenantSubfolderMiddleware):
    def process_request(self, request):
        if CONTROL_CHARACTER.search(request.path):
            raise Http404("A control character in the path")
        if hasattr(request, "tenant") or request.path.startswith(f"/{get_subfolder_prefix()}/"):
            return super().process_request(request)
        connection.set_schema_to_public()
        units_version = versions.read_for_request(request)[versions.UNITS]
        try:
            tenant = public_tenant(units_version)
        except get_tenant_model().DoesNotExist:
            raise self.TENANT_NOT_FOUND_EXCEPTION("Unable to find public tenant") from None
        self.setup_url_routing(request, force_public=True)
        tenant.domain_url = self.hostname_from_request(request)
        request.tenant = tenant
        connection.set_tenant(tenant)
        clear_url_caches()

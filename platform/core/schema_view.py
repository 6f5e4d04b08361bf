"""The view serving the OpenAPI document (`/api/schema/`, docs/API.md, "The schema document"), kept in memory once built."""
from django.utils import translation
from drf_spectacular.views import SpectacularAPIView
from rest_framework.response import Response


class CachedSchemaView(SpectacularAPIView):
    """`/api/schema/` built once per process for each (URLconf, language, API version), then served from memory.

    drf-spectacular walks every route and serializer on each request (1.1 MB, seconds under load); the routes and
    serializers do not change while the process runs, so the document does not either. The language counts
    (`Accept-Language` or `?lang=`: the descriptions are gettext strings), and so does the URLconf (`SERVE_URLCONF` or
    the view's own). A deploy restarts the process and so rebuilds it."""

    _documents: dict = {}  # (URLconf, patterns, language, version) → the document

    def _get_schema_response(self, request):
        version = self.api_version or request.version or self._get_version_parameter(request)
        key = (repr(self.urlconf), tuple(map(repr, self.patterns or ())), translation.get_language(), version)
        if key not in self._documents:
            generator = self.generator_class(urlconf=self.urlconf, api_version=version, patterns=self.patterns)
            self._documents[key] = generator.get_schema(request=request, public=self.serve_public)
        return Response(data=self._documents[key],
                        headers={"Content-Disposition": f'inline; filename="{self._get_filename(request, version)}"'})

"""Download routes, included under api/downloads/ by the province and the district URL configurations."""
from django.urls import path, re_path

from geo import downloads

urlpatterns = [
    path("", downloads.DownloadListApi.as_view(), name="downloads"),
    # Any extension reaches the view, which answers an unknown format with a JSON 400 naming `f` (not an HTML 404).
    re_path(r"^(?P<layer_id>[a-z0-9-]+)\.(?P<fmt>[^/]+)$", downloads.LayerDownloadApi.as_view(), name="download"),
    re_path(r"^(?P<layer_id>[a-z0-9-]+)/$", downloads.LayerDownloadApi.as_view(), name="download-f"),
]

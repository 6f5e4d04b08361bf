"""Download routes, included under api/downloads/ by the province and the district URL configurations."""
from django.urls import path, re_path

from geo import downloads
from geo.exports import FORMATS

urlpatterns = [
    path("", downloads.DownloadListApi.as_view(), name="downloads"),
    re_path(rf"^(?P<layer_id>[a-z0-9-]+)\.(?P<fmt>{'|'.join(FORMATS)})$", downloads.LayerDownloadApi.as_view(), name="download"),
    re_path(r"^(?P<layer_id>[a-z0-9-]+)/$", downloads.LayerDownloadApi.as_view(), name="download-f"),
]

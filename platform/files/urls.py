"""District routes of the downloads, mounted at /d/<slug>/ (the public one bypasses the district gate)."""
from django.urls import re_path

from files import views
from files.storage import KIND_PATTERN, NAME_PATTERN

urlpatterns = [
    re_path(rf"^files/(?P<kind>{KIND_PATTERN})/(?P<name>{NAME_PATTERN})$", views.download, name="file-download"),
    re_path(rf"^public/files/(?P<kind>{KIND_PATTERN})/(?P<name>{NAME_PATTERN})$", views.public_download, name="public-file-download"),
]

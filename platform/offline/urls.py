"""District route of the phone's offline bundle, mounted under /d/<slug>/api/ by config.urls_district."""
from django.urls import path

from offline import apis

api_patterns = [
    path("me/offline/", apis.OfflineBundleApi.as_view(), name="api-offline-bundle"),
]

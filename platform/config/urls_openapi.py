"""Only for the OpenAPI document: province and district routes side by side, districts under /d/{district}/."""
from django.urls import include, path

from config import urls_district, urls_public

urlpatterns = [
    path("api/", include(urls_public.api_patterns)),
    path("d/<slug:district>/api/", include(urls_district.api_patterns)),
]

"""District URLs: django-tenants mounts these under /d/<slug>/ for each district tenant."""
from django.urls import include, path

from frontend import views as pages
from tenants.apis import DistrictSummaryApi

api_patterns = [
    path("district/", DistrictSummaryApi.as_view(), name="api-district"),
]

urlpatterns = [
    path("", pages.district_home, name="district-home"),
    path("api/", include(api_patterns)),
]

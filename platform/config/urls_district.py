"""District URLs: django-tenants mounts these under /d/<slug>/ for each district tenant."""
from django.urls import include, path

from frontend import views as pages
from investment import urls as investment_urls
from tenants.apis import DistrictSummaryApi

api_patterns = [
    path("district/", DistrictSummaryApi.as_view(), name="api-district"),
    *investment_urls.api_patterns,
]

urlpatterns = [
    path("", pages.district_home, name="district-home"),
    path("api/", include(api_patterns)),
    *investment_urls.page_patterns,
]

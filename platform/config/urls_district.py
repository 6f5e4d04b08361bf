"""District URLs: django-tenants mounts these under /d/<slug>/ for each district tenant."""
from django.urls import include, path

from frontend import views as pages
from plans import urls as plans_urls
from tenants.apis import DistrictSummaryApi

api_patterns = [
    path("district/", DistrictSummaryApi.as_view(), name="api-district"),
    path("plans/", include("plans.urls")),
    path("public/plans/", include(plans_urls.public_urlpatterns)),
]

urlpatterns = [
    path("", pages.district_home, name="district-home"),
    path("plans/", include("plans.page_urls")),
    path("public/plans/", include("plans.public_page_urls")),
    path("api/", include(api_patterns)),
]

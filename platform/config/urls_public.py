"""Province URLs (the public schema), at the root of the host."""
from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token

from frontend import views as pages
from geo import apis as geo_apis
from province import apis as province_apis
from province import views as province_views

api_patterns = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("districts/", geo_apis.DistrictListApi.as_view(), name="api-districts"),
    path("admin-units/", geo_apis.AdministrativeUnitListApi.as_view(), name="api-admin-units"),
    path("geometry/check/", geo_apis.GeometryCheckApi.as_view(), name="api-geometry-check"),
    path("plans/cycles/", province_apis.ProvinceCyclesApi.as_view(), name="api-province-plan-cycles"),
    path("province/", include("province.urls")),
]

urlpatterns = [
    path("", pages.home, name="home"),
    path("healthz", pages.healthz, name="healthz"),
    path("accounts/login/", pages.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("plans/", province_views.plans_page, name="province-plans"),
    path("province/compare/", province_views.compare_page, name="province-compare"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include(api_patterns)),
] + static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

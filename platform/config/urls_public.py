"""Province URLs (the public schema), at the root of the host."""
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularSwaggerSplitView

from accounts import apis as account_apis
from accounts import views as account_views
from core.schema_view import CachedSchemaView
from files import urls as file_urls
from frontend import inbox_views, phone
from frontend import views as pages
from geo import apis as geo_apis
from geo import ogc
from guidance import urls as guidance_urls
from province import apis as province_apis
from province import views as province_views

api_patterns = [
    path("auth/token/", account_apis.TokenObtainApi.as_view(), name="api-token"),
    path("downloads/", include("geo.download_urls")),
    path("auth/logout/", account_apis.TokenLogoutApi.as_view(), name="api-token-logout"),
    path("auth/logoutall/", account_apis.TokenLogoutAllApi.as_view(), name="api-token-logout-all"),
    path("districts/", geo_apis.DistrictListApi.as_view(), name="api-districts"),
    path("admin-units/", geo_apis.AdministrativeUnitListApi.as_view(), name="api-admin-units"),
    path("geometry/check/", geo_apis.GeometryCheckApi.as_view(), name="api-geometry-check"),
    path("plans/cycles/", province_apis.ProvinceCyclesApi.as_view(), name="api-province-plan-cycles"),
    path("province/", include("province.urls")),
    path("province/", include(guidance_urls.api_patterns)),
    path("me/inbox/", inbox_views.MyInboxApi.as_view(), name="api-me-inbox"),
]

urlpatterns = [
    path("", pages.home, name="home"),
    path("healthz", pages.healthz, name="healthz"),
    path("sw.js", phone.service_worker, name="service-worker"),
    path("manifest.webmanifest", phone.manifest, name="manifest"),
    path("accounts/login/", pages.LoginView.as_view(), name="login"),
    path("accounts/logout/", account_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/change/", account_views.PasswordChangeView.as_view(), name="password-change"),
    path("accounts/password/change/done/", account_views.PasswordChangeDoneView.as_view(), name="password-change-done"),
    path("accounts/password/reset/", account_views.PasswordResetView.as_view(), name="password-reset"),
    path("accounts/password/reset/sent/", account_views.PasswordResetDoneView.as_view(), name="password-reset-done"),
    path("accounts/password/reset/<uidb64>/<token>/", account_views.PasswordResetConfirmView.as_view(), name="password-reset-confirm"),
    path("accounts/password/reset/done/", account_views.PasswordResetCompleteView.as_view(), name="password-reset-complete"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("plans/", province_views.plans_page, name="province-plans"),
    path("province/compare/", province_views.compare_page, name="province-compare"),
    path("province/publications/", province_views.publications_page, name="province-publications"),
    path("province/", include(guidance_urls.page_patterns)),
    path("inbox/", inbox_views.inbox_page, name="inbox"),
    path("admin/", admin.site.urls),
    path("api/schema/", CachedSchemaView.as_view(), name="api-schema"),
    # The split view serves its start-up script as a file, so the page runs under the same CSP as every other.
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/", include(api_patterns)),
    # The province library's files (guidance.Document), by the same access-checked views as a district's.
    *file_urls.urlpatterns,
    path("tiles/", include("geo.tile_urls")),
    *ogc.urlpatterns,
]

# An unreachable database is a 503 with Retry-After, not a 500 (accounts.errors.server_error).
handler500 = "accounts.errors.server_error"
# API routes answer a JSON 404 in the request's language, pages the 404 page (accounts.errors.not_found).
handler404 = "accounts.errors.not_found"
# A refused page is the framed page with its reason (accounts.errors.permission_denied), an API route JSON.
handler403 = "accounts.errors.permission_denied"
# What Django refuses before any view (too many query parameters): JSON on API routes (accounts.errors.bad_request).
handler400 = "accounts.errors.bad_request"

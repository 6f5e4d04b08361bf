"""District URLs: django-tenants mounts these under /d/<slug>/ for each district tenant."""
from django.urls import include, path

from duties import urls as duties_urls
from files import urls as file_urls
from frontend import phone
from frontend import views as pages
from geo import ogc
from investment import urls as investment_urls
from monitoring import urls as monitoring_urls
from offline import urls as offline_urls
from plans import urls as plans_urls
from proposals import urls as proposal_urls
from proposals import views as proposal_pages
from tenants.apis import DistrictSummaryApi

api_patterns = [
    path("district/", DistrictSummaryApi.as_view(), name="api-district"),
    path("downloads/", include("geo.download_urls")),
    *proposal_urls.api_patterns,
    path("public/", include(proposal_urls.public_api_patterns)),
    path("plans/", include("plans.urls")),
    path("public/plans/", include(plans_urls.public_urlpatterns)),
    *investment_urls.api_patterns,
    *monitoring_urls.api_patterns,
    *duties_urls.api_patterns,
    *offline_urls.api_patterns,
]

urlpatterns = [
    path("", pages.district_home, name="district-home"),
    path("offline/", phone.capture_page, name="offline-capture"),
    path("manifest.webmanifest", phone.manifest, name="district-manifest"),
    path("proposals/", proposal_pages.proposals_page, name="proposals-page"),
    path("proposals/<int:pk>/", proposal_pages.proposal_page, name="proposal-page"),
    path("public/proposals/", proposal_pages.public_proposals_page, name="public-proposals-page"),
    path("public/proposals/<int:pk>/", proposal_pages.public_proposal_page, name="public-proposal-page"),
    path("plans/", include("plans.page_urls")),
    path("public/plans/", include("plans.public_page_urls")),
    path("api/", include(api_patterns)),
    path("tiles/", include("geo.tile_urls")),
    *investment_urls.page_patterns,
    *monitoring_urls.page_patterns,
    *duties_urls.page_patterns,
    *file_urls.urlpatterns,
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

"""The platform as an app on a phone (issue 16): web app manifest, service worker, and the offline capture page.

The capture page (`/d/<slug>/offline/`) is the step-1 work of a village meeting (Đ5.1) that must go on without a
connection: record a village meeting, pin proposals, take photos. It carries in its own HTML what it needs offline
(the commune's boundary and its villages as GeoJSON in EPSG:4326, the code lists), so the cached page is enough; the
items wait in the phone's IndexedDB queue (`frontend/js/offline-queue.js`) and are sent to the ordinary APIs, each
with its `Idempotency-Key`. The server's rules decide; the page only gives a quick answer.

The service worker (`/sw.js`, scope `/`) keeps a versioned cache: the static files listed in `PRECACHE` (its version
is a hash of their contents, so a deploy that changes one replaces the cache) and, as they are visited, the capture
pages and the user's offline bundle.
"""
import hashlib
import json
from functools import lru_cache

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from accounts import access
from core.models import Sector
from geo.selectors import villages_of
from proposals.models import Proposal, ProposalStatus, SourceKind
from proposals.services import default_plan_year

# Static files the phone needs to open the capture page with no connection (paths under STATIC_URL). Leaflet's own
# files are django-leaflet's; its marker images are fetched by Leaflet at run time, so they are listed too.
PRECACHE = [
    "frontend/css/site.css",
    "frontend/js/ui.js",
    "frontend/js/maps.js",
    "frontend/js/numbers.js",
    "frontend/js/register-sw.js",
    "frontend/js/offline-queue.js",
    "frontend/js/offline.js",
    "frontend/js/signout.js",
    "frontend/icons/icon-192.png",
    "frontend/icons/icon-512.png",
    "vendor/idb/umd.js",
    "vendor/flatpickr/flatpickr.min.css",
    "vendor/flatpickr/flatpickr.min.js",
    "vendor/flatpickr/l10n/vn.js",
    "leaflet/leaflet.css",
    "leaflet/leaflet.js",
    "leaflet/leaflet.extras.js",
    "leaflet/leaflet.extras.css",
    "leaflet/leaflet_django.css",
    "leaflet/leaflet.forms.js",
    "leaflet/images/marker-icon.png",
    "leaflet/images/marker-icon-2x.png",
    "leaflet/images/marker-shadow.png",
    "leaflet/images/layers.png",
    "leaflet/draw/leaflet.draw.css",
    "leaflet/draw/leaflet.draw.js",
    "leaflet/draw/images/spritesheet.png",
    "leaflet/draw/images/spritesheet.svg",
    "proposals/proposals.css",
]
SERVICE_WORKER = "frontend/js/sw.js"
THEME_COLOUR = "#8f1d21"


@lru_cache(maxsize=1)
def cache_version() -> str:
    """A 12-hex-digit hash of the service worker and every precached file: it changes with any deployed change to
    them, and the new service worker then replaces the old cache. Files missing here (e.g. before `npm ci`) count as
    empty, so the worker still installs what exists."""
    digest = hashlib.sha256()
    for path in [SERVICE_WORKER, *PRECACHE]:
        found = finders.find(path)
        digest.update(path.encode())
        if found:
            with open(found, "rb") as f:
                digest.update(f.read())
    return digest.hexdigest()[:12]


@require_safe
def service_worker(request):
    """`/sw.js`: the service worker, with its cache version and precache list, for the whole site (scope `/`).

    Served by a view, not as a static file, because a worker's scope cannot be wider than its own path (`/static/`).
    `Cache-Control: no-cache` so that the browser checks for a new version on each visit."""
    found = finders.find(SERVICE_WORKER)
    if not found:
        raise Http404
    with open(found, encoding="utf-8") as f:
        source = f.read()
    head = "var SEDP = " + json.dumps({
        "version": cache_version(),
        "precache": [static(path) for path in PRECACHE if finders.find(path)],
        "scripts": [static("vendor/idb/umd.js"), static("frontend/js/offline-queue.js")],
    }) + ";\n"
    response = HttpResponse(head + source, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_safe
def manifest(request):
    """The web app manifest (`/manifest.webmanifest`, and `/d/<slug>/manifest.webmanifest` whose app opens on the
    district's offline capture page): Vietnamese name, standalone, icons 192 and 512 px (also maskable)."""
    district = getattr(request, "tenant", None)
    start = f"/d/{district.slug}/offline/" if district is not None and district.schema_name != "public" else "/"
    icons = [{"src": static(f"frontend/icons/icon-{size}.png"), "sizes": f"{size}x{size}", "type": "image/png", "purpose": "any maskable"}
             for size in (192, 512)]
    data = {
        "name": "Kế hoạch xã · Bắc Ninh", "short_name": "Kế hoạch xã", "lang": "vi", "dir": "ltr",
        "description": "Lập kế hoạch phát triển kinh tế - xã hội cấp xã có sự tham gia của cộng đồng",
        "start_url": start, "scope": "/", "id": start, "display": "standalone",
        "theme_color": THEME_COLOUR, "background_color": "#ffffff", "icons": icons,
    }
    return JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


def _feature(unit):
    return {"type": "Feature", "geometry": json.loads(unit.geom.geojson) if unit.geom else None,
            "properties": {"code": unit.code, "name": unit.name}}


@login_required
@require_safe
def capture_page(request):
    """`/d/<slug>/offline/`: the offline capture page of a village head, commune team or commune unit (404 else,
    `accounts.access.works_offline`). Its data (commune boundary, villages, code lists) is in the page."""
    commune = access.commune_unit_of(request.user) if access.works_offline(request.user) else None
    if commune is None or commune.parent_id != request.tenant.unit_id:
        raise Http404
    villages = list(villages_of(commune))
    own_village = access.village_of_head(request.user)
    plan_year = default_plan_year()
    data = {
        "district": request.tenant.slug,
        "user": request.user.username,  # the owner of the phone's queue items, drafts and bundle (issue 16)
        "commune": _feature(commune),
        "villages": {"type": "FeatureCollection", "features": [_feature(v) for v in villages]},
        "ownVillage": own_village.code if own_village else "",
        "ownUnit": access.commune_unit_id_of(request.user),
        "planYear": plan_year,
        "maxEdge": settings.OFFLINE_PHOTO_MAX_EDGE,
        "labels": {
            "statuses": {code: str(label) for code, label in ProposalStatus.choices},
            "sectors": {code: str(label) for code, label in Sector.choices},
            "states": {"waiting": _("waiting to be sent"), "sending": _("sending"), "sent": _("sent"), "refused": _("refused")},
            "kinds": {"meeting": _("Village meeting"), "proposal": _("Proposal"), "report": _("Village periodic report"),
                      "evidence": _("Evidence photo")},
            "queued": _("Saved on the phone; it will be sent when there is a connection."),
            "drawFirst": _("Draw the place on the map first."), "noPosition": _("Your position is not available."),
            "outside": _("This place is outside the commune (checked on the phone; the server decides)."),
            "required": _("This field is required."), "edit": _("Correct"), "remove": _("Delete"),
            "expired": _("Your session has expired: sign in again to send; everything stays on the phone."),
            "online": _("Online"), "offline": _("Offline: what you record is kept on the phone."),
            "lastSynced": _("as last synced ({when})"), "never": _("not synced yet"), "nothing": _("Nothing is waiting."),
            "sentCount": _("{sent} of {total} sent"), "photos": _("photos"), "pendingMeeting": _("(waiting to be sent)"),
            "editing": _("Correct the item below and save it again: it keeps its key and is sent once."),
        },
    }
    return render(request, "frontend/offline.html", {
        "commune": commune,
        "villages": villages,
        "own_village": own_village,
        "own_unit": access.commune_unit_id_of(request.user),
        "plan_year": plan_year,
        "sectors": Sector.choices,
        "sources": SourceKind.choices,
        "money_fields": [(name, Proposal._meta.get_field(name).verbose_name) for name in Proposal.RESOURCE_FIELDS],
        "offline": data,
        "phone": True,
        "keep_offline": True,
    })

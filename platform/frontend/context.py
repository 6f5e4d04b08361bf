from django.conf import settings
from django.utils.functional import SimpleLazyObject

from frontend.inbox import inbox_count


def platform(request):
    """What every page template needs: the district of the request and the base-map setting."""
    district = getattr(request, "tenant", None)
    return {
        "district": district if district is not None and district.schema_name != "public" else None,
        "tile_url": settings.TILE_URL,
        # Counted only when a page shows it (the header), once per request.
        "inbox_count": SimpleLazyObject(lambda: inbox_count(request.user)) if getattr(request, "user", None) is not None else 0,
    }

from django.conf import settings


def platform(request):
    """What every page template needs: the district of the request and the base-map setting."""
    district = getattr(request, "tenant", None)
    return {
        "district": district if district is not None and district.schema_name != "public" else None,
        "tile_url": settings.TILE_URL,
    }

"""Reads about a district tenant."""
from django.db.models import Count, Q

from accounts.models import User
from geo.selectors import communes_of
from tenants.counters import district_counts


def district_summary(*, district, with_counts=True):
    """The district's own summary: its unit, communes, and counts of what it holds (those of the apps above come from `tenants.counters`). Without `with_counts` (a reader
    who may not see district-wide figures, `accounts.access.can_read_district_counts`) the counts hold only the
    number of communes and villages."""
    unit = district.unit
    communes = list(communes_of(unit).annotate(villages=Count("children", filter=Q(children__is_current=True))))
    counts = {
        "communes": len(communes),
        "villages": sum(c.villages for c in communes),
    }
    if with_counts:
        counts["users"] = User.objects.filter(Q(unit=unit) | Q(unit__parent=unit) | Q(unit__parent__parent=unit), is_active=True).count()
        counts.update(district_counts())  # each app above registers its own (tenants.counters)
    return {
        "code": unit.code,
        "name": unit.name,
        "slug": district.slug,
        "unit_type": unit.unit_type,
        "area_km2": unit.area_km2,
        "population": unit.population,
        "communes": [
            {"code": c.code, "name": c.name, "unit_type": c.unit_type, "area_km2": c.area_km2, "villages": c.villages} for c in communes
        ],
        "counts": counts,
    }

"""A district's proposals as vector tiles (`/d/<slug>/tiles/proposals/{z}/{x}/{y}.pbf`), registered in `geo.tiles`.

The rows are the layer's: the proposals the caller may read (`accounts.access.proposal_scope`) with the
list's filters (`proposals.selectors.proposal_filter`: commune, village, sector, status, source,
plan_year — `year` is taken as `plan_year` —, late, q), so a tile never shows what the list hides.
"""
from django.db import connection
from django.utils.translation import gettext_lazy

from geo.tiles import TileLayer, mvt_sql, register
from proposals import selectors

COLUMNS = ["id", "commune", "village", "title", "sector", "estimated_cost", "status", "source_kind", "plan_year", "is_published"]

_ROWS = """
SELECT p.id, c.code AS commune, v.code AS village, p.title, p.sector, p.estimated_cost, p.status, p.source_kind,
       p.plan_year, p.is_published, p.geom
FROM proposals_proposal p
JOIN public.geo_administrativeunit c ON c.id = p.commune_id
LEFT JOIN public.geo_administrativeunit v ON v.id = p.village_id
WHERE p.id IN ({ids})
"""


def proposals_tile(proposals, *, z, x, y) -> bytes:
    """The Mapbox vector tile z/x/y (layer "proposals") of the queryset `proposals`: one feature per proposal (geometry as drawn)."""
    ids, params = proposals.values("id").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(mvt_sql(_ROWS.format(ids=ids), name="proposals", columns=COLUMNS), [z, x, y, *params])
        return bytes(cursor.fetchone()[0])


def proposals_from_request(request, z, x, y) -> bytes:
    """The tile of the proposals the caller may read, filtered by the request's query string like the list."""
    query = request.query_params.copy()
    if query.get("year") and not query.get("plan_year"):
        query["plan_year"] = query["year"]
    proposals = selectors.proposal_filter(selectors.proposals_visible_to(request.user, request.tenant), query)
    return proposals_tile(proposals, z=z, x=x, y=y)


def _signed_in(user, district):
    # The district gate has already refused whoever may not enter the district; the scope chooses the rows.
    return user.is_authenticated


def register_tile_layers():
    """Put the proposals layer in `geo.tiles.REGISTRY` (called from ProposalsConfig.ready())."""
    register(TileLayer(
        name="proposals", title=gettext_lazy("Proposals"), description=gettext_lazy("The district's proposals the reader may see"),
        fields={c: "Number" if c in ("id", "estimated_cost", "plan_year") else "Boolean" if c == "is_published" else "String" for c in COLUMNS},
        visible=_signed_in, tile=proposals_from_request, district_level=True, maxzoom=20,
        filters=("year", "plan_year", "sector", "source", "status", "commune", "village", "late", "q"),
    ))

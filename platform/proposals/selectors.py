"""Reads of proposals and village meetings, in the current district schema.

Lists are built as GeoJSON inside PostgreSQL (one query for the page, one for the count): a
per-object serializer costs tens of times the database time on large layers.
"""
from django.db import connection

from accounts import access
from geo.bbox import bbox_polygon
from geo.features import grid_clusters_sql
from geo.text import fold
from proposals.models import Proposal, VillageMeeting


def district_counts():
    """Counts for the district summary."""
    return {"proposals": Proposal.objects.count(), "village_meetings": VillageMeeting.objects.count()}


def proposals_visible_to(user, district):
    """The proposals this user may read in this district: all for district and province staff, the
    commune's for its planning team, the village's own and the commune's published ones for a village head."""
    return access.proposal_scope(user, Proposal.objects.all())


def proposal_filter(proposals, params):
    """Apply the list filters: commune, village, sector, status, source, late, q (with or without diacritics), bbox."""
    for param, field in (("commune", "commune__code"), ("village", "village__code"), ("sector", "sector"),
                         ("status", "status"), ("source", "source_kind"), ("plan_year", "plan_year")):
        value = params.get(param)
        if value:
            proposals = proposals.filter(**{f"{field}__in": value.split(",")})
    if params.get("late") in ("1", "true"):
        proposals = proposals.filter(is_late=True)
    if params.get("q"):
        for word in fold(params["q"]).split():
            proposals = proposals.filter(search_text__contains=word)
    if params.get("bbox"):
        # Bounding-box overlap (&&), as map clients expect of bbox: it uses the spatial index alone.
        proposals = proposals.filter(geom__bboverlaps=bbox_polygon(params["bbox"]))
    return proposals


FEATURE_SQL = """
SELECT max(f.total), coalesce(string_agg(f.feature, ',' ORDER BY f.n), '') FROM (
SELECT page.total,
    row_number() OVER (ORDER BY page.commune_rank NULLS LAST, page.created_at DESC, page.id DESC) AS n,
    json_build_object(
    'type', 'Feature', 'id', p.id,
    'geometry', ST_AsGeoJSON(p.geom, 6)::json,
    'properties', json_build_object(
        'id', p.id, 'commune', c.code, 'commune_name', c.name, 'village', v.code, 'village_name', v.name,
        'title', p.title, 'sector', p.sector, 'estimated_cost', p.estimated_cost,
        'internal_resources', p.residents_cash + p.residents_labour_value,
        'status', p.status, 'source_kind', p.source_kind, 'source_name', p.source_name,
        'priority', p.priority, 'commune_rank', p.commune_rank, 'is_late', p.is_late,
        'is_published', p.is_published, 'merged_into', p.merged_into_id, 'plan_year', p.plan_year,
        'decision_reason', p.decision_reason
    )
)::text AS feature
FROM (
    SELECT q.id, count(*) OVER () AS total, q.commune_rank, q.created_at
    FROM ({ids}) q
    ORDER BY q.commune_rank NULLS LAST, q.created_at DESC, q.id DESC
    LIMIT %s OFFSET %s
) page
JOIN proposals_proposal p ON p.id = page.id
JOIN public.geo_administrativeunit c ON c.id = p.commune_id
LEFT JOIN public.geo_administrativeunit v ON v.id = p.village_id
) f
"""


def proposal_features(proposals, *, limit, offset):
    """(count, features) for one page of a queryset: the features as one JSON text (comma-separated
    Feature objects), built by PostgreSQL in one query.

    The window count runs over the filtered rows before LIMIT, so the total costs no second query;
    JSON is built only for the rows of the page.
    """
    rows_sql, params = proposals.values("id", "commune_rank", "created_at").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(FEATURE_SQL.format(ids=rows_sql), [*params, limit, offset])
        total, features = cursor.fetchone()
    if total is None:
        return (proposals.count() if offset else 0), ""
    return total, features


def proposal_clusters(proposals, *, cell_degrees):
    """Counts of proposals per grid cell (for low zoom): GeoJSON points at each cell's mean position, with the summed cost.

    The grid-cluster SQL is shared with the province's all-projects map (`geo.features.grid_clusters_sql`).
    """
    sql, params = proposals.values("id").query.sql_with_params()
    points = f"SELECT ST_PointOnSurface(p.geom) AS geom, p.estimated_cost FROM proposals_proposal p WHERE p.id IN ({sql})"
    with connection.cursor() as cursor:
        cursor.execute(grid_clusters_sql(points, sums=["estimated_cost"]), [cell_degrees, *params])
        return [row[0] for row in cursor.fetchall()]


def meetings_visible_to(user, district):
    """The village meetings this user may read in this district (`accounts.access.meeting_scope`)."""
    return access.meeting_scope(user, VillageMeeting.objects.select_related("commune", "village", "created_by"))


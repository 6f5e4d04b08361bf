"""Reads of proposals and village meetings, in the current district schema.

Lists are built as GeoJSON inside PostgreSQL (one query for the page, one for the count): a
per-object serializer costs tens of times the database time on large layers.
"""
from accounts import access
from geo.features import grid_clusters_sql
from geo.replica import read_connection
from geo.statements import sql_with_params
from proposals.models import Proposal, VillageMeeting


def district_counts():
    """Counts for the district summary."""
    return {"proposals": Proposal.objects.count(), "village_meetings": VillageMeeting.objects.count()}


def proposals_visible_to(user, district):
    """The proposals this user may read in this district: all for district and province staff, the
    commune's for its planning team, the village's own and the commune's published ones for a village head."""
    return access.proposal_scope(user, Proposal.objects.all())


def proposal_clusters(proposals, *, cell_degrees):
    """Counts of proposals per grid cell (for low zoom): GeoJSON points at each cell's mean position, with the summed cost.

    The grid-cluster SQL is shared with the province's all-projects map (`geo.features.grid_clusters_sql`).
    """
    sql, params = sql_with_params(proposals.values("id"))
    points = f"SELECT ST_PointOnSurface(p.geom) AS geom, p.estimated_cost FROM proposals_proposal p WHERE p.id IN ({sql})"
    with read_connection().cursor() as cursor:
        cursor.execute(grid_clusters_sql(points, sums=["estimated_cost"]), [cell_degrees, *params])
        return [row[0] for row in cursor.fetchall()]


def meetings_visible_to(user, district):
    """The village meetings this user may read in this district (`accounts.access.meeting_scope`)."""
    return access.meeting_scope(user, VillageMeeting.objects.select_related("commune", "village", "created_by"))


"""Reads of the province's all-projects map: every investment project of every district, from `province.ProjectPoint`.

The table is in the public schema and kept current by the districts' own writes (the rollup refresh),
so these reads never touch a district schema. Below `CLUSTER_BELOW_ZOOM` the map gets grid clusters
(count and summed amounts per cell); from it on, the projects of the bbox one page at a time through the layer
kit's "all-projects" layer (province.layers). Both are GeoJSON written by PostgreSQL as text.
"""

from geo.features import cluster_cell_degrees, grid_clusters_sql
from geo.replica import read_connection

# Zoom 12 shows a few communes; below it (a district, the province, the country) a map gets clusters.
CLUSTER_BELOW_ZOOM = 12

AMOUNTS = ("total_investment", "planned", "allocated", "disbursed")

# The filtered points. Parameters are bound client-side, so the planner folds away the unused conditions.
_POINTS_SQL = """
SELECT pp.*
FROM province_projectpoint pp
WHERE (%(xmin)s::float8 IS NULL OR pp.geom && ST_MakeEnvelope(%(xmin)s, %(ymin)s, %(xmax)s, %(ymax)s, 4326))
  AND (%(year)s::int IS NULL OR %(year)s::int BETWEEN pp.start_year AND pp.end_year)
  AND (%(sector)s = '' OR pp.sector = %(sector)s)
  AND (%(source)s = '' OR %(source)s = ANY(pp.sources))
  AND (%(status)s = '' OR pp.status = %(status)s)
"""

def _params(*, bbox=None, year=None, sector="", source="", status=""):
    xmin, ymin, xmax, ymax = bbox or (None, None, None, None)
    return {"xmin": xmin, "ymin": ymin, "xmax": xmax, "ymax": ymax, "year": year,
            "sector": sector or "", "source": source or "", "status": status or ""}


def project_clusters(*, zoom, **filters):
    """(project count, cluster features as JSON texts): the filtered projects counted per grid cell at this zoom,
    each cluster with its count and summed total investment, planned, allocated and disbursed (VND)."""
    query = grid_clusters_sql(_POINTS_SQL, sums=AMOUNTS, cell_placeholder="%(cell)s")
    with read_connection().cursor() as cursor:
        cursor.execute(query, {**_params(**filters), "cell": cluster_cell_degrees(zoom)})
        rows = cursor.fetchall()
    return sum(row[1] for row in rows), [row[0] for row in rows]

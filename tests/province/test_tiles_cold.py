"""The first tile and the first distribution page after a write (issue 13, §4 at national scale): no JIT compilation,
a tile's search box the planner can estimate, and boundaries generalised per zoom band (docs/GIS.md, "Generalised
boundaries and cold answers"). Shapes of plans, never timings."""
import json

import pytest
from django.db import connection

from geo.replica import read_connection

pytestmark = pytest.mark.django_db

ARGUMENTS = {"level": "commune", "year": None, "sector": "", "source": "", "measure": "total_investment", "province": ""}


def _nodes(sql, params):
    """Every node of the statement's plan (EXPLAIN, FORMAT JSON)."""
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    nodes, todo = [], [plan[0]["Plan"]]
    while todo:
        node = todo.pop()
        nodes.append(node)
        todo += node.get("Plans", [])
    return nodes


def test_the_platforms_connections_never_compile_a_statement_just_in_time():
    # PostGIS's costly geography functions pushed the distribution page's estimate past jit_above_cost: 3 of 3.5 s compiling.
    for conn in (connection, read_connection()):
        with conn.cursor() as cursor:
            cursor.execute("SHOW jit")
            assert cursor.fetchone()[0] == "off"


def test_the_distribution_tiles_search_box_is_a_constant_the_planner_estimates(district):
    # A subquery box was an InitPlan ($n), estimated at one unit: the rollup was then joined by a nested loop.
    from province import selectors
    from province.tiles import distribution_sql

    connection.set_schema_to_public()
    params = {**ARGUMENTS, "z": 10, "x": 825, "y": 455, "breaks": selectors.distribution_breaks(**ARGUMENTS)}
    searches = [node for node in _nodes(distribution_sql(name="investment-distribution-communes"), params)
                if "geom &&" in node.get("Index Cond", "") + node.get("Filter", "") + node.get("Recheck Cond", "")]
    assert searches
    for node in searches:
        condition = node.get("Index Cond", "") + node.get("Filter", "") + node.get("Recheck Cond", "")
        assert "$" not in condition, condition  # not an InitPlan's parameter
        assert "ST_TileEnvelope" not in condition.replace("st_tileenvelope", "ST_TileEnvelope"), condition  # folded


def _shapes(unit_id):
    with connection.cursor() as cursor:
        cursor.execute("SELECT band, ST_SRID(geom), GeometryType(geom), ST_IsValid(geom), ST_IsEmpty(geom), ST_NPoints(geom), "
                       "ST_AsEWKB(geom) FROM geo_unitshape WHERE unit_id = %s ORDER BY band", [unit_id])
        return cursor.fetchall()


def test_every_unit_has_its_generalised_shapes_per_zoom_band_valid_in_web_mercator():
    from geo.models import ZOOM_BANDS, AdministrativeUnit

    units = AdministrativeUnit.objects.exclude(geom=None)
    assert units.count() > 100
    with connection.cursor() as cursor:
        cursor.execute("""SELECT count(*) FILTER (WHERE s.unit_id IS NULL), count(*) FILTER (WHERE NOT ST_IsValid(s.geom) OR ST_IsEmpty(s.geom)
                                 OR ST_SRID(s.geom) <> 3857 OR GeometryType(s.geom) <> 'MULTIPOLYGON'), count(DISTINCT s.band)
                          FROM geo_administrativeunit u LEFT JOIN geo_unitshape s ON s.unit_id = u.id WHERE u.geom IS NOT NULL""")
        missing, bad, bands = cursor.fetchone()
        assert (missing, bad, bands) == (0, 0, len(ZOOM_BANDS))
        # simplified: the coarser the band, the fewer the vertices; the last band is the boundary itself
        cursor.execute("SELECT band, sum(ST_NPoints(geom)) FROM geo_unitshape GROUP BY band ORDER BY band")
        points = [n for _band, n in cursor.fetchall()]
        cursor.execute("SELECT sum(ST_NPoints(geom)) FROM geo_administrativeunit WHERE geom IS NOT NULL")
        assert points == sorted(points) and points[0] < points[-1] == cursor.fetchone()[0]


def test_a_units_shapes_follow_its_boundary_whoever_writes_it():
    from django.contrib.gis.geos import MultiPolygon, Polygon

    from geo.models import AdministrativeUnit

    square = MultiPolygon(Polygon.from_bbox((105.0, 21.0, 105.1, 21.1)), srid=4326)
    unit = AdministrativeUnit.objects.create(code="99999", name="Xã Thử", level="commune", geom=square)
    first = _shapes(unit.pk)
    assert [row[0] for row in first] == [5, 8, 11, 22] and all(row[1:5] == (3857, "MULTIPOLYGON", True, False) for row in first)
    unit.name = "Xã Thử Lại"
    unit.save()  # the boundary is written again, unchanged: the shapes stay
    assert _shapes(unit.pk) == first
    unit.geom = MultiPolygon(Polygon.from_bbox((105.0, 21.0, 105.2, 21.1)), srid=4326)
    unit.save()
    moved = _shapes(unit.pk)
    assert [row[0] for row in moved] == [5, 8, 11, 22] and moved != first
    with connection.cursor() as cursor:  # bare SQL too (the import commands, bench/_national.py)
        cursor.execute("UPDATE geo_administrativeunit SET geom = NULL WHERE id = %s", [unit.pk])
        assert _shapes(unit.pk) == []
        cursor.execute("UPDATE geo_administrativeunit SET geom = ST_Multi(ST_MakeEnvelope(105, 21, 105.05, 21.05, 4326)) WHERE id = %s", [unit.pk])
        assert len(_shapes(unit.pk)) == 4
        cursor.execute("DELETE FROM geo_administrativeunit WHERE id = %s", [unit.pk])
        assert _shapes(unit.pk) == []


@pytest.mark.parametrize("zoom", [6, 9, 13])
def test_a_tile_from_the_generalised_shapes_holds_the_same_features_as_from_the_boundaries(client_for, zoom):
    # The tile the platform serves (shapes of the zoom's band) decodes to the same units with the same properties as the
    # statement over the full-resolution boundaries, every geometry a non-empty polygon.
    import mapbox_vector_tile

    from province import selectors
    from province.tiles import distribution_sql
    from tests.geo.test_tiles import tile_of

    connection.set_schema_to_public()
    z, x, y = tile_of(106.07, 21.18, zoom)
    params = {**ARGUMENTS, "z": z, "x": x, "y": y, "breaks": selectors.distribution_breaks(**ARGUMENTS)}
    decoded = {}
    for shaped in (True, False):
        with connection.cursor() as cursor:
            cursor.execute(distribution_sql(name="investment-distribution-communes", shaped=shaped), params)
            tile = bytes(cursor.fetchone()[0])
        features = mapbox_vector_tile.decode(tile)["investment-distribution-communes"]["features"]
        assert all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") and f["geometry"]["coordinates"] for f in features)
        decoded[shaped] = {f["properties"]["code"]: f["properties"] for f in features}
        if shaped:
            served = client_for("tinh").get(f"/tiles/investment-distribution-communes/{z}/{x}/{y}.pbf")
            assert served.status_code == 200 and served.content == tile
    assert decoded[True] == decoded[False] and len(decoded[True]) > 3

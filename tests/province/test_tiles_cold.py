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

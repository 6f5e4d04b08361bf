"""The class breaks' statement sums only the rollup column its measure reads (p13i item 4: the first answer after a
write; docs/GIS.md, "The first answer after a write"): it gives the very values of the whole statement, for every
measure, level and filter, so the breaks, the tiles and the layer's classes do not change."""
import pytest
from django.db import connection

from province import selectors
from tests.investment.factories import CHO, QUE_VO, make_project, point

pytestmark = pytest.mark.django_db


def values(sql, **arguments):
    params = {"level": "commune", "year": None, "sector": "", "source": "", "measure": "total_investment", "province": "", **arguments}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(cursor.fetchone()[0] or [])


def test_each_measures_statement_gives_the_values_of_the_whole_statement(district):
    make_project(district("yen-phong"), code="B-0", geometry=point(CHO), total=1_200_000_000, communes=None)
    make_project(district("que-vo"), code="B-1", geometry=point(QUE_VO), total=5_000_000_000, sector="education")
    assert set(selectors.VALUES_SQL_BY_MEASURE) == set(selectors.MEASURES)
    compared = 0
    for measure, sql in selectors.VALUES_SQL_BY_MEASURE.items():
        assert sql != selectors._VALUES_SQL and sql.count("sum(") == 1  # one sum: the measure's column
        for arguments in ({"level": "commune"}, {"level": "district"}, {"level": "commune", "sector": "education"},
                          {"level": "district", "source": "district_budget"}, {"level": "commune", "year": 2026}):
            whole = values(selectors._VALUES_SQL, measure=measure, **arguments)
            assert values(sql, measure=measure, **arguments) == whole, (measure, arguments)
            compared += bool(whole)
    assert compared >= 12  # most comparisons carry values, not two empty lists
    figures = values(selectors.VALUES_SQL_BY_MEASURE["total_investment"], level="district")
    assert any(v > 0 for v in figures)

"""The data version (geo/versions.py) never names two states: real concurrent connections to the test database.

Two psycopg connections besides Django's own commit (or roll back) for real, as two gunicorn workers would; the rows
they add are removed afterwards. A write names its scope: a district's rollup refresh (an invented code, so that no
figure of the demo changes) or the units (`*`, a statement on geo_administrativeunit that touches no row: the statement
trigger still fires).
"""
import psycopg
import pytest
from django.db import connection

from geo import versions

CODES = ("P13E-A", "P13E-B")


@pytest.fixture
def committed(django_db_setup, django_db_blocker):
    """Django's connection outside any test transaction, and a factory of raw connections to the same database."""
    opened = []

    def open_connection():
        params = connection.get_connection_params()
        params.pop("cursor_factory", None)
        params.pop("context", None)
        raw = psycopg.connect(**params)
        opened.append(raw)
        return raw

    with django_db_blocker.unblock():
        yield open_connection
        for raw in opened:
            raw.rollback()
            raw.close()
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM province_rolluprefresh WHERE district_code = ANY(%s)", [list(CODES)])


def version_on(raw, scopes=None):
    """geo.versions.version read on a raw psycopg connection (in its own transaction, seeing its own bumps)."""
    with raw.cursor() as cursor:
        if scopes is None:
            cursor.execute("SELECT string_agg(scope || '=' || version, ',' ORDER BY scope) FROM public.province_dataversion")
        else:
            cursor.execute("SELECT string_agg(scope || '=' || version, ',' ORDER BY scope) FROM public.province_dataversion "
                           "WHERE scope = ANY(%s)", [list(scopes)])
        return versions.digest(cursor.fetchone()[0] or "")


def touch_units(raw):
    with raw.cursor() as cursor:
        cursor.execute("UPDATE geo_administrativeunit SET population = population WHERE false")


def refresh(raw, code):
    with raw.cursor() as cursor:
        cursor.execute("INSERT INTO province_rolluprefresh (district_code, refreshed_at) VALUES (%s, now()) "
                       "ON CONFLICT (district_code) DO UPDATE SET refreshed_at = now()", [code])


def test_version_reads_the_same_as_the_raw_reading(committed):
    raw = committed()
    assert versions.version() == version_on(raw)
    assert versions.version(versions.UNITS) == version_on(raw, versions.UNITS)
    raw.rollback()


def test_a_rolled_back_bump_never_comes_again_with_other_data(committed):
    first, second = committed(), committed()
    before = version_on(first)
    touch_units(first)
    refresh(first, CODES[0])
    rolled_back = version_on(first)  # what a cache filled inside that transaction was keyed on
    rolled_back_units = version_on(first, versions.UNITS)
    assert rolled_back != before
    first.rollback()
    assert versions.version() == before  # nothing of it is visible
    # Another writer commits the same kind of writes: its state gets a version of its own.
    touch_units(second)
    refresh(second, CODES[0])
    second.commit()
    assert versions.version() not in (before, rolled_back)
    assert versions.version(versions.UNITS) != rolled_back_units


def test_two_writers_committing_out_of_order_give_three_distinct_versions(committed):
    early, late = committed(), committed()
    start = versions.version()
    touch_units(early)        # takes the lower sequence value …
    refresh(late, CODES[1])   # … this one the higher
    late.commit()             # but the higher commits first
    after_late = versions.version()
    early.commit()
    after_both = versions.version()
    assert len({start, after_late, after_both}) == 3


def test_a_districts_write_leaves_the_units_version(committed):
    raw = committed()
    units, every = versions.version(versions.UNITS), versions.version()
    refresh(raw, CODES[0])
    raw.commit()
    assert versions.version(versions.UNITS) == units
    assert versions.version() != every
    touch_units(raw)
    raw.commit()
    assert versions.version(versions.UNITS) != units

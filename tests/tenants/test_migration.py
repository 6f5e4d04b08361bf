"""`migrate_schemas` migrates the district schemas that are behind and skips the others, found in one statement."""
import pytest
from django.core.management import call_command
from django.db import connection

from tenants.migration import schemas_behind
from tenants.models import District

pytestmark = pytest.mark.django_db


def applied(schema):
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')
        return set(cursor.fetchall())


def districts():
    return list(District.objects.exclude(schema_name="public").order_by("schema_name").values_list("schema_name", flat=True))


def test_up_to_date_districts_are_skipped(capsys):
    assert schemas_behind(districts()) == []
    call_command("migrate_schemas", tenant=True, interactive=False, verbosity=1)
    out = capsys.readouterr().out
    assert f"{len(districts())} of {len(districts())} district schemas have nothing to apply" in out
    assert "Applying" not in out and "=== Starting migration" not in out


def test_only_the_district_behind_is_migrated(capsys):
    everyone = districts()
    before = applied("d258")
    # Unapply a real migration in one district (an explicit target: django-tenants' own path).
    call_command("migrate_schemas", "investment", "0001", schema_name="d258", interactive=False, verbosity=0)
    assert ("investment", "0002_plan_items_and_item_reviews") not in applied("d258")
    assert schemas_behind(everyone) == ["d258"]
    capsys.readouterr()
    call_command("migrate_schemas", tenant=True, interactive=False, verbosity=1)
    out = capsys.readouterr().out
    assert f"{len(everyone) - 1} of {len(everyone)} district schemas have nothing to apply" in out
    assert "d258" in out and "Applying investment.0002_plan_items_and_item_reviews" in out
    assert "d256" not in out
    assert applied("d258") == before
    assert schemas_behind(everyone) == []


def test_a_schema_without_a_migration_table_is_behind():
    with connection.cursor() as cursor:
        cursor.execute('CREATE SCHEMA "zz_empty"')
    assert schemas_behind(["d256", "zz_empty"]) == ["zz_empty"]

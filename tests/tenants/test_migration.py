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


# --- Many districts: the first migrated by Django, the SQL it emitted replayed on the others ---

PROBE = ("proposals", "9999_probe")


@pytest.fixture
def probe_migration(settings):
    """The proposals app with one more migration on disk (tests/tenants/migration_probe): AddField + AddIndex."""
    from tenants import template

    settings.MIGRATION_MODULES = {"proposals": "tests.tenants.migration_probe"}
    template._cache.clear()  # the migrations on disk are read once per process
    assert PROBE in template.disk_migrations()
    yield
    template._cache.clear()


def test_replayed_districts_equal_those_migrated_by_django(probe_migration, capsys):
    from tenants.template import TEMPLATE_SCHEMA
    from tests.tenants.test_template import structure

    everyone = districts()
    # Django's own path, schema by schema: d256 takes the probe alone; d260 is set one investment
    # migration back, so its state differs from the group's and it goes Django's way in the whole run.
    call_command("migrate_schemas", tenant=True, schema_name="d256", interactive=False, verbosity=0)
    call_command("migrate_schemas", "investment", "0005", schema_name="d260", interactive=False, verbosity=0)
    capsys.readouterr()

    call_command("migrate_schemas", tenant=True, interactive=False, verbosity=1)
    out = capsys.readouterr().out
    replayed = [schema for schema in everyone if schema not in ("d256", "d260")]
    # The template is migrated first by Django (its lines are prefixed with its schema); the others by replay.
    assert f"[standard:{TEMPLATE_SCHEMA}]" in out and "Applying proposals.9999_probe" in out
    assert f"[replay] proposals.9999_probe replayed as SQL on {len(replayed)} of {len(replayed)} schemas" in out
    assert not any(f"standard:{schema}]" in out for schema in replayed)
    assert "[standard:d260]" in out and "Applying investment.0006" in out

    by_django = structure("d256")
    assert ("column", "proposals_proposal.probe_note", "character varying(40) not null identity ") in by_django
    assert any(kind == "index" and name == "proposal_probe_note_idx" for kind, name, _ in by_django)
    assert ("migration", "proposals.9999_probe", "") in by_django
    for schema in [*replayed, "d260", TEMPLATE_SCHEMA]:
        assert structure(schema) == by_django, schema
    assert schemas_behind(everyone) == []
    # The rows the district already had took the column's default, as under Django.
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT count(*), count(*) FILTER (WHERE probe_note = %s) FROM "{replayed[0]}".proposals_proposal', ["chưa xem"])
        total, defaulted = cursor.fetchone()
    assert total > 0 and defaulted == total


def test_a_district_whose_migration_fails_is_left_unchanged_and_reported(probe_migration, capsys):
    from django.core.management import CommandError

    from tests.tenants.test_template import structure

    everyone = districts()
    with connection.cursor() as cursor:
        cursor.execute('ALTER TABLE "d259".proposals_proposal ADD COLUMN probe_note integer')
    before = structure("d259")
    with pytest.raises(CommandError, match=r'1 schema\(s\) failed to migrate: d259: column "probe_note" .*already exists'):
        call_command("migrate_schemas", tenant=True, interactive=False, verbosity=1)
    captured = capsys.readouterr()
    assert '[d259] migration FAILED, the schema left as it was: column "probe_note"' in captured.err
    assert f"replayed as SQL on {len(everyone) - 1} of {len(everyone)} schemas" in captured.out
    assert structure("d259") == before
    assert schemas_behind(everyone) == ["d259"]
    # The districts after it in the run were migrated all the same.
    assert PROBE in applied(everyone[-1]) and PROBE not in applied("d259")


def test_only_sql_migrations_are_replayed():
    from django.db import migrations, models

    from tenants.migration import replayable

    def migration(*operations, atomic=True, app="proposals"):
        return type("Migration", (migrations.Migration,), {"operations": list(operations), "atomic": atomic})("0099_x", app)

    add = migrations.AddField("proposal", "x", models.IntegerField(null=True))
    assert replayable(migration(add, migrations.RunSQL("SELECT 1")))
    assert not replayable(migration(add, migrations.RunPython(migrations.RunPython.noop)))
    assert not replayable(migration(migrations.SeparateDatabaseAndState(database_operations=[migrations.RunPython(print)])))
    assert not replayable(migration(add, atomic=False))
    # A shared app's migration does nothing in a district schema (the router turns it away): only its row is replayed.
    assert replayable(migration(migrations.RunPython(print), app="accounts"))


@pytest.fixture
def probe_sql_migration(settings):
    """The proposals app with one more migration on disk (tests/tenants/migration_probe_sql): RunSQL statements that begin with a comment."""
    from tenants import template

    settings.MIGRATION_MODULES = {"proposals": "tests.tenants.migration_probe_sql"}
    template._cache.clear()
    assert ("proposals", "9999_probe_sql") in template.disk_migrations()
    yield
    template._cache.clear()


def test_runsql_statements_that_begin_with_a_comment_are_replayed(probe_sql_migration, capsys):
    """The replay once dropped every collected entry starting with `--`: such a RunSQL ran on the first schema only,
    yet every district recorded the migration as applied."""
    from tenants.template import TEMPLATE_SCHEMA

    everyone = districts()
    call_command("migrate_schemas", tenant=True, interactive=False, verbosity=1)
    out = capsys.readouterr().out
    assert f"[replay] proposals.9999_probe_sql replayed as SQL on {len(everyone)} of {len(everyone)} schemas" in out
    with connection.cursor() as cursor:
        for schema in [TEMPLATE_SCHEMA, *everyone]:
            cursor.execute("SELECT to_regclass(%s)::text, to_regclass(%s)::text",
                           [f'"{schema}".probe_sql_note', f'"{schema}".probe_sql_note_idx'])
            assert cursor.fetchone() == (f"{schema}.probe_sql_note", f"{schema}.probe_sql_note_idx"), schema
            assert ("proposals", "9999_probe_sql") in applied(schema)


def test_a_run_with_nothing_pending_replays_nothing(monkeypatch, capsys):
    """Without the skip of up-to-date schemas (as the benchmark runs it), every district is in one group with
    nothing pending: the run ends quietly instead of failing on an empty replay."""
    from tenants.migration import DistrictsExecutor

    monkeypatch.setattr(DistrictsExecutor, "skip_up_to_date", False)
    everyone = districts()
    before = {schema: applied(schema) for schema in everyone}
    call_command("migrate_schemas", tenant=True, interactive=False, verbosity=1)
    out = capsys.readouterr().out
    assert "[replay]" not in out and "Applying" not in out
    assert {schema: applied(schema) for schema in everyone} == before

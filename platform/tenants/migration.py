"""`migrate_schemas` for many districts: skip the schemas with nothing to apply, replay the rest as SQL.

django-tenants runs Django's whole `migrate` for every schema: a new connection, the migration graph
loaded and checked, post-migrate signals, even for a schema with nothing to apply. At 705 districts
one AddField plus AddIndex took 7.5 minutes. For a plain forward run (no app, no target, no --fake…):

1. One statement reads every district's `django_migrations`: the schemas with nothing to apply are
   skipped (`schemas_behind`).
2. The others are grouped by their applied migrations. In each group of two or more whose pending
   migrations can be written as SQL (`replayable`), the first schema — the template schema
   `district_template` when it is in the group — is migrated by Django's own `migrate`, inside one
   transaction; as each migration starts, the SQL Django's schema editor emits for it is collected
   (`collect_sql`, what `sqlmigrate` prints) on that same schema, in the state the migration starts from.
3. That SQL, the `django_migrations` rows and any new `django_content_type` rows are then run on
   every other schema of the group over this one connection, each district in its own transaction
   with `SET LOCAL search_path TO <schema>, public`, after checking its applied migrations are still
   the group's. A district whose statements fail is rolled back (left unchanged) and reported; the
   others go on, and the command ends with a CommandError (exit status 1) naming the failures.

A schema alone in its state, and a group whose pending migrations of tenant apps include anything not
safe to capture (RunPython, an operation outside `_REPLAYABLE`, a non-atomic migration, a squashed one), go
through Django's own path schema by schema; a failure there is reported the same way (Django keeps the
migrations it applied before the failing one). Any other use of the command goes to django-tenants
unchanged. `DISTRICT_MIGRATION_REPLAY=0` turns the replay off (every schema by Django's path).

A whole run (no --schema) also migrates the template schema, so new districts keep being copied from
an up-to-date template (tenants/template.py). tests/tenants/test_migration.py compares replayed
schemas with schemas migrated by Django.

Settings: GET_EXECUTOR_FUNCTION = "tenants.migration.executor_for",
TENANT_BASE_MIGRATE_COMMAND = "tenants.migration.MigrateCommand".
"""
import sys
import time

from django.apps import apps as django_apps
from django.conf import settings
from django.core.management import CommandError
from django.core.management.commands.migrate import Command as DjangoMigrateCommand
from django.db import DatabaseError, connection, transaction
from django.db.migrations import operations
from django.db.migrations.loader import MigrationLoader
from django_tenants.migration_executors import StandardExecutor, get_executor
from django_tenants.migration_executors.base import run_migrations
from psycopg import sql

from tenants.template import TEMPLATE_SCHEMA, disk_migrations

# One statement over any number of schemas: query_to_xml runs a query built per schema, so the
# planner never sees a UNION of hundreds of tables (which costs more to plan than to run).
_MISSING_SQL = """
SELECT nspname,
       (xpath('/row/missing/text()', query_to_xml(format(
           'SELECT count(*) AS missing FROM unnest(%%L::text[]) AS m(key) '
           'WHERE m.key NOT IN (SELECT app || ''.'' || name FROM %%I.django_migrations)', %(disk)s::text[], nspname
       ), false, true, '')))[1]::text::int
FROM pg_namespace n
WHERE nspname = ANY(%(schemas)s::text[])
  AND to_regclass(quote_ident(nspname) || '.django_migrations') IS NOT NULL
"""

# A schema's applied migrations as one text ("app.name,app.name,…" in a fixed order).
_STATE_OF_PATH = "SELECT coalesce(string_agg(app || '.' || name, ',' ORDER BY app, name), '') FROM django_migrations"
_STATES_SQL = """
SELECT nspname,
       coalesce((xpath('/row/state/text()', query_to_xml(format(
           'SELECT string_agg(app || ''.'' || name, '','' ORDER BY app, name) AS state FROM %%I.django_migrations', nspname
       ), false, true, '')))[1]::text, '')
FROM pg_namespace n
WHERE nspname = ANY(%(schemas)s::text[])
  AND to_regclass(quote_ident(nspname) || '.django_migrations') IS NOT NULL
"""

_PLAIN_RUN = ("app_label", "migration_name", "fake", "fake_initial", "plan", "prune", "check_unapplied", "run_syncdb")

# Operations whose whole database effect is the SQL the schema editor emits (no Python run against
# the data). SeparateDatabaseAndState is judged by its database operations.
_REPLAYABLE = (
    operations.CreateModel, operations.DeleteModel, operations.RenameModel, operations.AlterModelTable,
    operations.AlterModelTableComment, operations.AlterUniqueTogether, operations.AlterIndexTogether,
    operations.AlterOrderWithRespectTo, operations.AlterModelOptions, operations.AlterModelManagers,
    operations.AddField, operations.RemoveField, operations.AlterField, operations.RenameField,
    operations.AddIndex, operations.RemoveIndex, operations.RenameIndex,
    operations.AddConstraint, operations.RemoveConstraint, operations.RunSQL,
)

_capture = None  # the _Capture of the schema being migrated by Django's path as a group's first, if any


def schemas_behind(schemas) -> list[str]:
    """Those of `schemas` that lack a migration on disk (or have no migration table at all), in the given order."""
    disk = sorted(f"{app}.{name}" for app, name in disk_migrations())
    with connection.cursor() as cursor:
        cursor.execute(_MISSING_SQL, {"disk": disk, "schemas": list(schemas)})
        up_to_date = {name for name, missing in cursor.fetchall() if missing == 0}
    return [schema for schema in schemas if schema not in up_to_date]


def migration_states(schemas) -> dict[str, str]:
    """Each of `schemas` that has a migration table → its applied migrations as one text, read in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(_STATES_SQL, {"schemas": list(schemas)})
        return dict(cursor.fetchall())


def replayable(migration) -> bool:
    """Whether the SQL Django's schema editor emits for `migration` is all it does to a district schema.

    A shared app's migration (an app not in TENANT_APPS) does nothing there: django-tenants' router
    turns every operation away, RunPython included, and only its row is recorded.
    """
    tenant_labels = {config.label for config in django_apps.get_app_configs() if config.name in settings.TENANT_APPS}
    if migration.app_label not in tenant_labels:
        return not migration.replaces

    def sql_only(ops):
        return all(
            sql_only(op.database_operations) if isinstance(op, operations.SeparateDatabaseAndState)
            else isinstance(op, _REPLAYABLE) and op.reduces_to_sql
            for op in ops
        )

    return migration.atomic and not migration.replaces and sql_only(migration.operations)


class _Capture:
    """The SQL of each migration Django applies to one schema, in order, collected as it starts."""

    def __init__(self, loader):
        self.loader = loader
        self.sql = {}

    def collect(self, migration):
        state = self.loader.project_state((migration.app_label, migration.name), at_end=False)
        with connection.schema_editor(collect_sql=True, atomic=migration.atomic) as editor:
            migration.apply(state, editor, collect_sql=True)
        statements = (_without_leading_comments(entry) for entry in editor.collected_sql)
        self.sql[(migration.app_label, migration.name)] = [statement for statement in statements if statement]


def _without_leading_comments(entry: str) -> str:
    """One entry of the schema editor's collected SQL without its leading `--` comment lines: "" for the editor's own
    headers ("--", "-- Add field …", "-- (no-op)"), the statement itself for a RunSQL statement that begins with a
    comment line (dropping the whole entry would apply it on the first schema and silently skip it on the others)."""
    lines = entry.splitlines()
    while lines and (not lines[0].strip() or lines[0].lstrip().startswith("--")):
        lines.pop(0)
    return "\n".join(lines)


class MigrateCommand(DjangoMigrateCommand):
    """Django's `migrate`, which hands each migration to the active capture just before applying it."""

    def migration_progress_callback(self, action, migration=None, fake=False):
        if action == "apply_start" and _capture is not None and not fake:
            _capture.collect(migration)
        super().migration_progress_callback(action, migration, fake)


def _content_types(schema):
    with connection.cursor() as cursor:
        cursor.execute(sql.SQL("SELECT app_label, model FROM {}.django_content_type ORDER BY id").format(sql.Identifier(schema)))
        return cursor.fetchall()


def _first_line(error):
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


class DistrictsExecutor(StandardExecutor):
    codename = "standard"
    skip_up_to_date = True  # the benchmark turns it off to time django-tenants' own way

    def run_migrations(self, tenants=None):
        tenants = list(tenants or [])
        if self.PUBLIC_SCHEMA_NAME in tenants:
            tenants.remove(self.PUBLIC_SCHEMA_NAME)
            super().run_migrations(tenants=[self.PUBLIC_SCHEMA_NAME])
        if not tenants:
            return
        if any(self.options.get(option) for option in _PLAIN_RUN):
            super().run_migrations(tenants=tenants)
            return
        if not self.options.get("schema_name") and migration_states([TEMPLATE_SCHEMA]):
            tenants.insert(0, TEMPLATE_SCHEMA)  # a whole run keeps the template up to date, and migrates it first
        if self.skip_up_to_date:
            behind = set(schemas_behind(tenants))
            districts = [schema for schema in tenants if schema != TEMPLATE_SCHEMA]
            self.note(f"{len([s for s in districts if s not in behind])} of {len(districts)} district schemas have nothing to apply.")
            tenants = [schema for schema in tenants if schema in behind]
        self.failures = {}
        if getattr(settings, "DISTRICT_MIGRATION_REPLAY", True) and len(tenants) > 1:
            states = migration_states(tenants)
            groups = {}
            for schema in tenants:
                groups.setdefault(states.get(schema), []).append(schema)
            for state, schemas in groups.items():
                self.migrate_group(schemas, state)
        else:
            for schema in tenants:
                self.migrate_by_django(schema)
        if self.failures:
            raise CommandError(
                f"{len(self.failures)} schema(s) failed to migrate: "
                + "; ".join(f"{schema}: {error}" for schema, error in self.failures.items())
            )

    def migrate_group(self, schemas, state):
        """Migrate schemas that have applied the same migrations (`state`): the first by Django, the rest by replay."""
        pending = sorted(disk_migrations() - {tuple(key.split(".", 1)) for key in (state or "").split(",") if key})
        loader = MigrationLoader(None, ignore_no_migrations=True)
        if state is None or len(schemas) < 2 or not all(replayable(loader.disk_migrations[key]) for key in pending):
            for schema in schemas:
                self.migrate_by_django(schema)
            return
        schemas = list(schemas)
        while schemas:
            first = schemas.pop(0)
            captured = self.migrate_by_django(first, capture=loader)
            if captured is not None:
                break
        else:
            return
        sql_by_migration, content_types = captured
        if set(sql_by_migration) != set(pending):  # Django applied something else than planned: no replay
            for schema in schemas:
                self.migrate_by_django(schema)
            return
        self.replay(schemas, state, sql_by_migration, content_types, first)

    def migrate_by_django(self, schema, capture=None):
        """Django's own `migrate` of one schema; with `capture` (a MigrationLoader), in one transaction, returning its SQL and new content types."""
        global _capture
        try:
            if capture is None:
                run_migrations(self.args, self.options, self.codename, schema)
                return None
            before = _content_types(schema)
            _capture = _Capture(capture)
            with transaction.atomic():
                run_migrations(self.args, self.options, self.codename, schema)
            new = [row for row in _content_types(schema) if row not in set(before)]
            return _capture.sql, new
        except Exception as error:  # noqa: BLE001 — any failure of one schema is reported, the others go on
            self.fail(schema, error, unchanged=capture is not None)
            return None
        finally:
            _capture = None
            connection.set_schema_to_public()

    def replay(self, schemas, state, sql_by_migration, content_types, first):
        """Run the captured SQL and rows on each of `schemas`, each in its own transaction."""
        if not sql_by_migration:  # nothing was pending: nothing to replay
            return
        script = "\n".join(line for lines in sql_by_migration.values() for line in lines)
        apps, names = zip(*sql_by_migration)
        started, done = time.perf_counter(), 0
        connection.set_schema_to_public()
        for schema in schemas:
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(sql.SQL("SET LOCAL search_path TO {}, public").format(sql.Identifier(schema)))
                    cursor.execute(_STATE_OF_PATH)
                    if cursor.fetchone()[0] != state:
                        raise DatabaseError("its applied migrations changed during the run")
                    if script:
                        cursor.execute(script)
                    cursor.execute(
                        "INSERT INTO django_migrations (app, name, applied) SELECT a, n, now() FROM unnest(%s::text[], %s::text[]) AS m(a, n)",
                        [list(apps), list(names)],
                    )
                    if content_types:
                        cursor.execute(
                            "INSERT INTO django_content_type (app_label, model) SELECT a, m FROM unnest(%s::text[], %s::text[]) AS c(a, m) "
                            "ON CONFLICT (app_label, model) DO NOTHING",
                            [[row[0] for row in content_types], [row[1] for row in content_types]],
                        )
                done += 1
            except DatabaseError as error:
                self.fail(schema, error)
        # SET LOCAL outlives a savepoint (the caller may hold a transaction): have django-tenants set the path again.
        connection.search_path_set_schemas = None
        connection.set_schema_to_public()
        self.note(
            f"[replay] {', '.join(f'{app}.{name}' for app, name in sql_by_migration)} replayed as SQL on {done} of "
            f"{len(schemas)} schemas in {time.perf_counter() - started:.1f} s (migrated first by Django: {first})."
        )

    def fail(self, schema, error, unchanged=True):
        self.failures[schema] = _first_line(error)
        left = "left as it was" if unchanged else "keeps the migrations applied before the failing one"
        sys.stderr.write(f"[{schema}] migration FAILED, the schema {left}: {self.failures[schema]}\n")

    def note(self, message):
        if int(self.options.get("verbosity", 1)) >= 1:
            sys.stdout.write(message + "\n")


def executor_for(codename=None):
    """django-tenants' executor for `codename`, with ours in place of the standard one."""
    executor = get_executor(codename)
    return DistrictsExecutor if executor is StandardExecutor else executor

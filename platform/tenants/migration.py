"""`migrate_schemas` that skips the district schemas with nothing to apply, found in one SQL statement.

django-tenants runs Django's whole `migrate` for every schema, even one with nothing to apply: a new
connection, the migration graph loaded and checked, post-migrate signals. At hundreds of districts
that is minutes of doing nothing. Before a plain forward migration (no app, no target, no --fake…),
one statement reads every district's `django_migrations` and only the schemas missing a migration
on disk are migrated. Any other use of the command goes to django-tenants unchanged.

Settings: GET_EXECUTOR_FUNCTION = "tenants.migration.executor_for".
"""
from django.db import connection
from django_tenants.migration_executors import StandardExecutor, get_executor

from tenants.template import disk_migrations

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

_PLAIN_RUN = ("app_label", "migration_name", "fake", "fake_initial", "plan", "prune", "check_unapplied", "run_syncdb")


def schemas_behind(schemas) -> list[str]:
    """Those of `schemas` that lack a migration on disk (or have no migration table at all), in the given order."""
    disk = sorted(f"{app}.{name}" for app, name in disk_migrations())
    with connection.cursor() as cursor:
        cursor.execute(_MISSING_SQL, {"disk": disk, "schemas": list(schemas)})
        up_to_date = {name for name, missing in cursor.fetchall() if missing == 0}
    return [schema for schema in schemas if schema not in up_to_date]


class DistrictsExecutor(StandardExecutor):
    codename = "standard"
    skip_up_to_date = True  # the benchmark turns it off to time django-tenants' own way

    def run_migrations(self, tenants=None):
        tenants = list(tenants or [])
        districts = [schema for schema in tenants if schema != self.PUBLIC_SCHEMA_NAME]
        if self.skip_up_to_date and districts and not any(self.options.get(option) for option in _PLAIN_RUN):
            behind = set(schemas_behind(districts))
            if int(self.options.get("verbosity", 1)) >= 1:
                self.stdout_note(f"{len(districts) - len(behind)} of {len(districts)} district schemas have nothing to apply.")
            tenants = [schema for schema in tenants if schema == self.PUBLIC_SCHEMA_NAME or schema in behind]
        if tenants:
            super().run_migrations(tenants=tenants)

    @staticmethod
    def stdout_note(message):
        import sys

        sys.stdout.write(message + "\n")


def executor_for(codename=None):
    """django-tenants' executor for `codename`, with the skipping one in place of the standard one."""
    executor = get_executor(codename)
    return DistrictsExecutor if executor is StandardExecutor else executor

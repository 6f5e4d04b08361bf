"""The district template schema: a new district's schema is a copy of it, not a replay of every migration.

Running the tenant migrations for a new district takes seconds (five apps, dozens of migrations,
each loading Django's migration graph). Instead, one schema, `district_template`, is migrated like
any district; a new district gets its DDL, written by `pg_dump --schema-only` once per process and
renamed, executed as one statement, plus the rows the migrations left in it (`django_migrations`,
`django_content_type`). The whole copy runs in one transaction, so a district is created whole or
not at all.

The template is not a tenant, so `migrate_schemas` leaves it behind; before each copy its applied
migrations are compared with the migration files, and a stale template is migrated first. The copy
is checked against a migrated schema in tests/tenants/test_template.py.
"""
import os
import re
import shutil
import subprocess

from django.core.management import call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader

TEMPLATE_SCHEMA = "district_template"
# Taken inside the provisioning transaction so that two processes never migrate or copy the
# template at the same time (any constant; pg_advisory_xact_lock releases it at commit).
_LOCK_KEY = 7_2015_07

_cache = {}  # per process: the migrations on disk, and the template's DDL for one migration state


class TemplateUnavailable(RuntimeError):
    """The template path cannot be used here (no pg_dump); provisioning falls back to migrations."""


def disk_migrations() -> frozenset:
    """Every (app, migration) on disk: what a fully migrated district has recorded as applied.

    Shared apps' migrations are recorded in a district schema too (their operations are routed away).
    """
    if "migrations" not in _cache:
        loader = MigrationLoader(None, ignore_no_migrations=True, load=True)
        _cache["migrations"] = frozenset(loader.disk_migrations)
    return _cache["migrations"]


def _applied(cursor, schema):
    cursor.execute(
        "SELECT to_regclass(%s) IS NOT NULL", [f'"{schema}".django_migrations'],
    )
    if not cursor.fetchone()[0]:
        return frozenset()
    cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')
    return frozenset(cursor.fetchall())


def template_ensure() -> None:
    """Create the template schema or migrate it until it has applied every tenant migration on disk."""
    with connection.cursor() as cursor:
        if disk_migrations() <= _applied(cursor, TEMPLATE_SCHEMA):
            return
        cursor.execute(f'CREATE SCHEMA IF NOT EXISTS "{TEMPLATE_SCHEMA}"')
    call_command("migrate_schemas", tenant=True, schema_name=TEMPLATE_SCHEMA, interactive=False, verbosity=0)
    connection.set_schema_to_public()
    _cache.pop("ddl", None)


def _template_ddl(applied) -> tuple[str, list[str]]:
    """The template's DDL (schema name as a placeholder) and the tables holding rows, for this migration state."""
    cached = _cache.get("ddl")
    if cached and cached[0] == applied:
        return cached[1], cached[2]
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        raise TemplateUnavailable("pg_dump is not installed")
    db = connection.settings_dict
    try:
        result = subprocess.run(
            # pg_dump reads from its own connection: it cannot see a template migrated in a transaction
            # not yet committed, and would wait for its locks forever; give up soon and fall back.
            [pg_dump, "--lock-wait-timeout=3000", "--schema-only", "--no-owner", "--no-privileges", "--no-comments", f"--schema={TEMPLATE_SCHEMA}",
             "--host", db["HOST"] or "127.0.0.1", "--port", str(db["PORT"] or 5432), "--username", db["USER"], db["NAME"]],
            capture_output=True, text=True, env={**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}, timeout=60,
        )
    except subprocess.TimeoutExpired:
        raise TemplateUnavailable("pg_dump did not answer in time") from None
    if result.returncode != 0:
        raise TemplateUnavailable(f"pg_dump failed: {result.stderr.strip()[:500]}")
    # Keep the DDL only: pg_dump's session settings (search_path '' among them) must not leak into
    # the connection, which django-tenants believes is on the district's search path; and recent
    # pg_dump wraps its output in psql's \restrict meta-commands, which are not SQL.
    statements = [
        line for line in result.stdout.splitlines()
        if not line.startswith(("SET ", "SELECT pg_catalog.set_config", "--", "\\"))
    ]
    ddl = re.sub(rf"\b{TEMPLATE_SCHEMA}\b", "{schema}", "\n".join(statements).replace("{", "{{").replace("}", "}}"))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = %s AND c.relkind = 'r' ORDER BY c.relname", [TEMPLATE_SCHEMA],
        )
        tables = [name for (name,) in cursor.fetchall()]
        with_rows = []
        for table in tables:
            cursor.execute(f'SELECT EXISTS (SELECT 1 FROM "{TEMPLATE_SCHEMA}"."{table}")')
            if cursor.fetchone()[0]:
                with_rows.append(table)
    _cache["ddl"] = (applied, ddl, with_rows)
    return ddl, with_rows


def schema_copy(schema_name: str) -> None:
    """Create `schema_name` as a copy of the template (structure and migration rows), inside the caller's transaction."""
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", schema_name) or schema_name == TEMPLATE_SCHEMA:
        raise ValueError(f"not a district schema name: {schema_name!r}")
    template_ensure()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
        applied = _applied(cursor, TEMPLATE_SCHEMA)
        ddl, with_rows = _template_ddl(applied)
        cursor.execute(ddl.format(schema=schema_name))
        for table in with_rows:
            cursor.execute(f'INSERT INTO "{schema_name}"."{table}" SELECT * FROM "{TEMPLATE_SCHEMA}"."{table}"')
            # Identity sequences start where the template's rows end.
            cursor.execute(
                "SELECT a.attname FROM pg_attribute a WHERE a.attrelid = %s::regclass AND a.attidentity <> ''",
                [f'"{schema_name}"."{table}"'],
            )
            for (column,) in cursor.fetchall():
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence(%s, %s), "
                    f'(SELECT coalesce(max("{column}"), 0) + 1 FROM "{schema_name}"."{table}"), false)',
                    [f'"{schema_name}"."{table}"', column],
                )

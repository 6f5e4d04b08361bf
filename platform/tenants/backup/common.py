"""What backup, restore and the site backup share: the archive's format and signing constants, which rows of
`public` belong to a district, database helpers (connections, pg tools, checksums) and file helpers."""
import hashlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import psycopg
from django.apps import apps
from django.conf import settings
from django.db import connection, models
from psycopg import sql

FORMAT = 1
PROVINCE_WIDE = set({
    "auth.group", "auth.group_permissions", "auth.permission", "contenttypes.contenttype", "sessions.session",
    "core.stepdeadline", "core.reportingdeadline",
    # The province's departments (Sở, ban, ngành, Đ5.2): bodies of the province, not of a district.
    "accounts.department",
    # Login failures and lockouts (django-axes) name a username and an address, not a user row: a
    # security log of the whole site, kept by the site backup.
    "axes.accessattempt", "axes.accessattemptexpiration", "axes.accessfailurelog", "axes.accesslog",
})


def register_province_wide(label: str) -> None:
    """Declare a public model of an app above this one province-wide (`app_label.model_name`), from its AppConfig.ready()
    (a lower app never names an upper one): e.g. the files of a department's publication."""
    PROVINCE_WIDE.add(label)


SIGNATURE = "signature"
SIGNING_SALT = "tenants.backup"
NOT_SIGNED = "the archive was not made by this site or was changed; nothing was changed"
# How long a restore waits for the district's tables before giving up (live requests hold short locks).
LOCK_TIMEOUT = "30s"


class BackupError(RuntimeError):
    """A backup or restore that cannot be done; the message says why. Nothing was changed."""


# --- what belongs to a district in `public` ---------------------------------------------------

@dataclass
class Scope:
    """The ids and names that pick a district's rows out of the public tables."""

    district_ids: list[int]
    unit_ids: list[int]
    user_ids: list[int]
    code: str
    schema_name: str

    def params(self):
        return {"district_ids": self.district_ids, "unit_ids": self.unit_ids, "user_ids": self.user_ids,
                "code": self.code, "schema_name": self.schema_name}


@dataclass
class PublicTable:
    """One public table and the SQL condition (on the Scope's parameters) that picks the district's rows."""

    label: str
    table: str
    pk: str
    where: str = field(default="")


def public_models() -> list:
    """Every concrete model stored in the public schema (shared apps), auto-created many-to-many tables included."""
    shared = set(settings.SHARED_APPS)
    found = []
    for config in apps.get_app_configs():
        if config.name not in shared:
            continue
        for model in config.get_models(include_auto_created=True):
            if model._meta.managed and not model._meta.proxy:
                found.append(model)
    return found


def public_tables() -> tuple[list[PublicTable], list[str]]:
    """The public tables that hold district rows, parents first, and the labels of unclassified models.

    A model holds district rows when it is the district, a unit or a user model itself, or when it has
    a foreign key to one of them, or a `district_code` or `schema_name` column. Models in PROVINCE_WIDE
    hold none; any other model is returned as unclassified (the backup warns, a test fails).
    """
    district_model = apps.get_model(settings.TENANT_MODEL)
    unit_model = apps.get_model("geo", "AdministrativeUnit")
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    by_target = {district_model: "district_ids", unit_model: "unit_ids", user_model: "user_ids"}
    tables, unclassified = [], []
    for model in public_models():
        meta = model._meta
        label = meta.label_lower
        if model in by_target:
            conditions = [f'"{meta.pk.column}" = ANY(%({by_target[model]})s)']
        else:
            conditions = []
            for f in meta.concrete_fields:
                target = f.related_model if f.many_to_one or f.one_to_one else None
                if target in by_target:
                    conditions.append(f'"{f.column}" = ANY(%({by_target[target]})s)')
                elif f.column == "district_code":
                    conditions.append(f'"{f.column}" = %(code)s')
                elif f.column == "schema_name":
                    conditions.append(f'"{f.column}" = %(schema_name)s')
        if conditions:
            tables.append(PublicTable(label, meta.db_table, meta.pk.column, " OR ".join(conditions)))
        elif label not in PROVINCE_WIDE:
            unclassified.append(label)
    first = {district_model._meta.label_lower: 0, unit_model._meta.label_lower: 1, user_model._meta.label_lower: 2}
    tables.sort(key=lambda t: (first.get(t.label, 3), t.table))
    return tables, sorted(unclassified)


def file_columns() -> list[tuple[str, str]]:
    """(table, column) of every FileField (ImageField included) of the models stored in a district schema."""
    tenant = set(settings.TENANT_APPS) - set(settings.SHARED_APPS)
    found = []
    for config in apps.get_app_configs():
        if config.name not in tenant:
            continue
        for model in config.get_models():
            for f in model._meta.concrete_fields:
                if isinstance(f, models.FileField):
                    found.append((model._meta.db_table, f.column))
    return sorted(found)


# --- database helpers ---------------------------------------------------------------------------

def _connect(**options) -> psycopg.Connection:
    db = connection.settings_dict
    return psycopg.connect(
        dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"] or None, host=db["HOST"] or "127.0.0.1",
        port=str(db["PORT"] or 5432), **options,
    )


def _pg_env():
    db = connection.settings_dict
    return {**os.environ, "PGPASSWORD": db["PASSWORD"] or ""}


def _pg_args():
    db = connection.settings_dict
    return ["--host", db["HOST"] or "127.0.0.1", "--port", str(db["PORT"] or 5432), "--username", db["USER"]]


def _tool(name):
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client-15)")
    return path


def _checksum(cursor, relation: sql.Composable, where: str = "TRUE", params=None) -> tuple[int, str]:
    """(row count, md5 over the md5 of every row's text, sorted) of the rows of `relation` meeting `where`."""
    cursor.execute(
        sql.SQL("SELECT count(*), coalesce(md5(string_agg(h, '' ORDER BY h)), '') "
                "FROM (SELECT md5(t::text) AS h FROM {} t WHERE {}) s").format(relation, sql.SQL(where)),
        params or {},
    )
    count, digest = cursor.fetchone()
    return count, digest


def schema_state(cursor, schema: str) -> dict:
    """For every table of `schema`: {"rows", "md5"}; for every sequence: its value. Read in the cursor's transaction."""
    cursor.execute(
        "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relkind IN ('r', 'S') ORDER BY c.relname", [schema],
    )
    tables, sequences = {}, {}
    for name, kind in cursor.fetchall():
        if kind == "r":
            rows, digest = _checksum(cursor, sql.Identifier(schema, name))
            tables[name] = {"rows": rows, "md5": digest}
        else:
            cursor.execute(sql.SQL("SELECT last_value, is_called FROM {}").format(sql.Identifier(schema, name)))
            last_value, is_called = cursor.fetchone()
            sequences[name] = [last_value, is_called]
    return {"tables": tables, "sequences": sequences}


def _subtree(cursor, unit_id: int) -> list[int]:
    unit_table = apps.get_model("geo", "AdministrativeUnit")._meta.db_table
    cursor.execute(
        sql.SQL("WITH RECURSIVE tree AS (SELECT id FROM {t} WHERE id = %s "
                "UNION SELECT u.id FROM {t} u JOIN tree ON u.parent_id = tree.id) SELECT id FROM tree ORDER BY id").format(
            t=sql.Identifier("public", unit_table)),
        [unit_id],
    )
    return [row[0] for row in cursor.fetchall()]


# --- files ----------------------------------------------------------------------------------------

def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT).resolve()


def _safe_relative(name: str) -> PurePosixPath | None:
    """A stored file name as a path inside MEDIA_ROOT, or None when it would leave it (absolute, '..')."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or ".." in path.parts:
        return None
    return path


def _private_file(path: Path):
    """Open `path` for writing (binary), created or truncated with mode 0600: archives hold password and token hashes."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    return os.fdopen(fd, "wb")


def _private_dir(path: Path):
    """Create the folder `path` (and its parents) if missing; a folder this creates has mode 0700."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def district_files(cursor, schema: str) -> tuple[list[str], list[str]]:
    """(files present, names missing on disk), relative to MEDIA_ROOT: every FileField value of the schema's
    rows, and every file under MEDIA_ROOT/<schema>/."""
    names = _named_files(cursor, schema)
    root = _media_root()
    own = root / schema
    if own.is_dir():
        names.update(p.relative_to(root).as_posix() for p in own.rglob("*") if p.is_file())
    present, missing = [], []
    for name in sorted(names):
        rel = _safe_relative(name)
        # Symbolic links are not followed: a link could carry any file of the server into the archive.
        if rel is not None and (root / rel).is_file() and (root / rel).resolve().is_relative_to(root):
            present.append(str(rel))
        else:
            missing.append(name)
    return present, missing


def _named_files(cursor, schema: str) -> set[str]:
    """Every value of every FileField of the (restored) schema's rows."""
    names = set()
    for table, column in file_columns():
        cursor.execute(sql.SQL("SELECT DISTINCT {c} FROM {t} WHERE {c} <> ''").format(
            c=sql.Identifier(column), t=sql.Identifier(schema, table)))
        names.update(row[0] for row in cursor.fetchall())
    return names

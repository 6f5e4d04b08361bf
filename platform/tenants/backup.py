"""Backing up and restoring one district, and backing up the whole site.

A district archive is one tar file holding:

  manifest.json          what is inside: the district (id, slug, schema, GSO code), the ids of its
                         administrative units and users, for every table of its schema the row count
                         and checksum, for every sequence its value, for every public table the columns,
                         row count and checksum of the district's rows, for every file its sha256 and size
  schema.dump            `pg_dump --format=custom --schema=<schema>`: the district schema, structure and rows
  public/<table>.copy    the district's rows of one public table, in COPY text format
  files/<path>           every file named by a FileField of the district's rows, and MEDIA_ROOT/<schema>/ whole
  signature              HMAC-SHA256 (hex), keyed from SECRET_KEY with the salt "tenants.backup", over the name and
                         sha256 of every other member: only this site (the same SECRET_KEY) makes or restores an archive

All of it is read in one REPEATABLE READ snapshot (pg_dump joins it with --snapshot), so the schema,
the public rows and the file names agree with one another.

Restoring first unpacks every member into a private scratch folder and checks the signature: an archive
that another site made, or that anyone changed, is refused before anything else runs (the dump's SQL runs as
our database role, and the public rows replace rows of `public`). Then, as defence in depth, the manifest's
district must be the one registered under the slug (or, when its row is gone, no other district may hold its
id, schema or code), every public row of the archive must belong to the district by the rule the backup
selects them with, and every file name must lie under MEDIA_ROOT/<schema>/ or be named by the district's rows.

Restoring runs on one connection in one transaction: the schema is dropped and re-created from the
dump (pg_restore only turns the archive into SQL; the SQL runs on our connection, so a failure rolls
everything back), the district's public rows are replaced, and every table's count and checksum must
equal the manifest's before the transaction commits. The schema needs what `pg_dump --schema` leaves
out (PostGIS's types and functions in `public`); restoring into the database that holds the public
schema (this module's only case) finds them there. Files are written after the commit, each checked
against its sha256.

What is kept: the records the steps of the Decision produce in a district, from the village meetings
and proposals (Đ5) through the approved plan (Đ6) to the M&E reports (Đ9–Đ11) that the district's
Finance-Planning Office consolidates and checks (Đ11.4, Đ16). (The Decision itself says nothing of
backups.) The district's rows in `public`: rows of the district itself, of its administrative units (district, communes, villages), of its users (users
scoped to those units), and of every public model that refers to one of them (a foreign key to the
district, a unit or a user) or names the district by `district_code` or `schema_name`.
`PROVINCE_WIDE` lists the public models that hold nothing of one district; a test checks that every
public model is one or the other.
"""
import datetime
import hashlib
import io
import json
import os
import shutil
import subprocess
import tarfile
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import psycopg
from django.apps import apps
from django.conf import settings
from django.db import connection, models
from django.db.models import Q
from django.utils.crypto import constant_time_compare, salted_hmac
from psycopg import sql

from tenants import template

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


# --- district backup ------------------------------------------------------------------------------

def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes):
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    tar.addfile(info, io.BytesIO(data))


def district_backup(*, district, path: Path) -> dict:
    """Write the archive of `district` (a tenants.District) to `path` (a .tar file); return its manifest.

    Raises BackupError when pg_dump is missing or fails; a partial file is never left at `path`.
    """
    if district.schema_name == "public":
        raise BackupError("the province (public schema) is backed up with site_backup")
    pg_dump = _tool("pg_dump")
    schema = district.schema_name
    started = time.perf_counter()
    tables, unclassified = public_tables()
    path = Path(path)
    partial = path.with_name(path.name + ".partial")
    try:
        _private_dir(path.parent)
    except OSError as exc:
        raise BackupError(f"cannot create the folder {path.parent}: {exc.strerror or exc}") from None
    with tempfile.TemporaryDirectory() as scratch, _connect() as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cursor:
            snapshot = cursor.execute("SELECT pg_export_snapshot()").fetchone()[0]
            cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema])
            if cursor.fetchone() is None:
                raise BackupError(f"schema {schema} does not exist")
            dump = Path(scratch) / "schema.dump"
            result = subprocess.run(
                [pg_dump, "--format=custom", f"--schema={schema}", f"--snapshot={snapshot}", "--file", str(dump),
                 *_pg_args(), connection.settings_dict["NAME"]],
                capture_output=True, text=True, env=_pg_env(),
            )
            if result.returncode != 0:
                raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
            units = _subtree(cursor, district.unit_id)
            user_table = apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table
            cursor.execute(sql.SQL("SELECT id FROM {} WHERE unit_id = ANY(%s) ORDER BY id").format(
                sql.Identifier("public", user_table)), [units])
            users = [row[0] for row in cursor.fetchall()]
            scope = Scope([district.pk], units, users, district.unit.code, schema)
            public = {}
            copies = {}
            for t in tables:
                cursor.execute(
                    "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped "
                    "ORDER BY attnum", [f'public."{t.table}"'],
                )
                columns = [row[0] for row in cursor.fetchall()]
                rows, digest = _checksum(cursor, sql.Identifier("public", t.table), t.where, scope.params())
                buffer = io.BytesIO()
                query = sql.SQL("COPY (SELECT {cols} FROM {t} WHERE {w} ORDER BY {pk}) TO STDOUT").format(
                    cols=sql.SQL(", ").join(map(sql.Identifier, columns)), t=sql.Identifier("public", t.table),
                    w=sql.SQL(t.where), pk=sql.Identifier(t.pk))
                with cursor.copy(query, scope.params()) as copy:
                    for data in copy:
                        buffer.write(data)
                copies[t.table] = buffer.getvalue()
                public[t.table] = {"model": t.label, "pk": t.pk, "columns": columns, "rows": rows, "md5": digest}
            state = schema_state(cursor, schema)
            cursor.execute(sql.SQL("SELECT app, name FROM {} ORDER BY app, name").format(
                sql.Identifier(schema, "django_migrations")))
            migrations = [list(row) for row in cursor.fetchall()]
            present, missing = district_files(cursor, schema)
        conn.rollback()
        manifest = {
            "format": FORMAT, "kind": "district",
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "district": {"id": district.pk, "slug": district.slug, "name": district.name, "schema_name": schema,
                         "code": district.unit.code, "unit_id": district.unit_id},
            "unit_ids": units, "user_ids": users,
            "schema": state, "migrations": migrations, "public": public,
            "files": {}, "missing_files": missing, "unclassified_public_models": unclassified,
        }
        try:
            _write_archive(partial, dump, copies, present, manifest, started)
            os.replace(partial, path)
        except BaseException as exc:
            try:
                partial.unlink(missing_ok=True)
            except OSError:
                pass
            if isinstance(exc, OSError):
                raise BackupError(f"cannot write the archive {path}: {exc.strerror or exc}") from None
            raise
    manifest["bytes"] = path.stat().st_size
    return manifest


def _write_archive(partial, dump, copies, present, manifest, started):
    """The tar file (mode 0600): the dump, the public rows, the files (their sha256 into the manifest), the manifest,
    and last the signature over all of them. Raises OSError when the disk is full or not writable."""
    root = _media_root()
    with _private_file(partial) as out, tarfile.open(fileobj=out, mode="w") as tar:
        tar.add(dump, "schema.dump")
        for table, data in copies.items():
            _add_bytes(tar, f"public/{table}.copy", data)
        for name in present:
            source = root / name
            manifest["files"][name] = {"sha256": _sha256(source), "bytes": source.stat().st_size}
            with open(source, "rb") as handle:  # the content, even where the name is a link inside MEDIA_ROOT
                info = tar.gettarinfo(fileobj=handle, arcname=f"files/{name}")
                tar.addfile(info, handle)
        manifest["seconds"] = round(time.perf_counter() - started, 3)
        _add_bytes(tar, "manifest.json", json.dumps(manifest, ensure_ascii=False, indent=1).encode())
    # Signed over what was written, read back: the digests are of the members exactly as stored.
    with tarfile.open(partial, "r:") as tar:
        digests = {m.name: _member_sha256(tar, m) for m in tar.getmembers()}
    with tarfile.open(partial, "a:") as tar:
        _add_bytes(tar, SIGNATURE, signature(digests).encode())


def _member_sha256(tar: tarfile.TarFile, member: tarfile.TarInfo, into: Path | None = None) -> str:
    """sha256 (hex) of one member's bytes; with `into`, the bytes are also written to that file (mode 0600)."""
    digest = hashlib.sha256()
    source = tar.extractfile(member)
    out = _private_file(into) if into is not None else None
    try:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            digest.update(chunk)
            if out is not None:
                out.write(chunk)
    finally:
        if out is not None:
            out.close()
    return digest.hexdigest()


def signature(digests: dict[str, str]) -> str:
    """The archive's signature (64 hex digits): HMAC-SHA256 keyed from settings.SECRET_KEY with the salt
    SIGNING_SALT, over the JSON list of [member name, sha256 hex] of every member but the signature, sorted by name."""
    message = json.dumps(sorted((name, digest) for name, digest in digests.items() if name != SIGNATURE))
    return salted_hmac(SIGNING_SALT, message, algorithm="sha256").hexdigest()


# --- district restore -------------------------------------------------------------------------------

def read_manifest(tar: tarfile.TarFile) -> dict:
    """The manifest of an archive (for reading; district_restore reads it only after checking the signature)."""
    try:
        return _parse_manifest(tar.extractfile("manifest.json").read())
    except KeyError as exc:
        raise BackupError(f"not a district archive (no readable manifest.json): {exc}") from None


def _parse_manifest(data: bytes) -> dict:
    try:
        manifest = json.loads(data)
    except ValueError as exc:
        raise BackupError(f"not a district archive (no readable manifest.json): {exc}") from None
    if not isinstance(manifest, dict) or manifest.get("kind") != "district" or manifest.get("format") != FORMAT:
        raise BackupError(f"not a district archive of format {FORMAT}")
    return manifest


def unpack_verified(path: Path, into: Path) -> dict[str, Path]:
    """Copy every member of the archive at `path` into the folder `into` (one file per member, named by its
    position) and check the signature; return {member name: its copy}. Only the copies are read afterwards,
    so what was checked is what is restored.

    Raises BackupError, having run and written nothing else, when the file is not a complete uncompressed tar
    (truncated: tarfile.ReadError), holds anything but regular files or a name twice, or when the signature is
    missing or is not this site's (another SECRET_KEY, or any byte of any member changed).
    """
    members, digests = {}, {}
    try:
        with tarfile.open(path, "r:") as tar:
            for index, member in enumerate(tar):
                if not member.isfile() or member.name in members:
                    raise BackupError(NOT_SIGNED)
                members[member.name] = into / str(index)
                digests[member.name] = _member_sha256(tar, member, members[member.name])
    except tarfile.TarError as exc:
        raise BackupError(f"{path} is not a complete district archive ({exc}); nothing was changed") from None
    except OSError as exc:
        raise BackupError(f"cannot read {path} into {into} ({exc.strerror or exc}); nothing was changed") from None
    if SIGNATURE not in members:
        raise BackupError(NOT_SIGNED)
    if not constant_time_compare(members[SIGNATURE].read_bytes().strip(), signature(digests).encode()):
        raise BackupError(NOT_SIGNED)
    return members


def _check_district(slug: str, archived: dict):
    """The archive's district (manifest "district": id, schema_name, code, unit_id) must be the district registered
    under `slug`; when no district has that slug, no other district may hold its id, schema or code. Raises BackupError."""
    District = apps.get_model(settings.TENANT_MODEL)
    schema, code = archived["schema_name"], archived["code"]
    if schema != f"d{code}":
        raise BackupError(f"the archive's schema {schema!r} is not the schema of district {code}")
    current = District.objects.select_related("unit").filter(slug=slug).first()
    if current is not None:
        now = {"id": current.pk, "schema_name": current.schema_name, "code": current.unit.code, "unit_id": current.unit_id}
        if now != {key: archived.get(key) for key in now}:
            raise BackupError(f"the archive's district (id {archived['id']}, schema {schema}, code {code}) is not the "
                              f"district {slug!r} (id {current.pk}, schema {current.schema_name}, code {current.unit.code})")
        return
    other = District.objects.filter(Q(pk=archived["id"]) | Q(schema_name=schema) | Q(unit__code=code)).first()
    if other is not None:
        raise BackupError(f"district {other.slug!r} holds the archive's id, schema or code; it cannot be restored as {slug!r}")


def _checked_file_name(name: str, schema: str, named: set[str]) -> PurePosixPath:
    """A manifest file name as a relative path, when it lies under <schema>/ or is named by the district's rows."""
    rel = _safe_relative(name)
    if rel is None or str(rel) != name:
        raise BackupError(f"the archive names a file outside MEDIA_ROOT: {name!r}")
    if not ((len(rel.parts) > 1 and rel.parts[0] == schema) or name in named):
        raise BackupError(f"the archive names a file {name!r} that is neither under {schema}/ nor named by the district's rows")
    return rel


def _run_restore_script(cursor, script: str):
    """Run pg_restore's SQL output on our cursor: the SQL as it is, each COPY block through COPY FROM STDIN.

    psql meta-commands (\\restrict and \\unrestrict, written by recent pg_dump) are not SQL and are skipped.
    """
    pending = []

    def flush():
        text = "".join(pending).strip()
        pending.clear()
        if text:
            cursor.execute(text)

    lines = iter(io.StringIO(script, newline="\n"))
    for line in lines:
        stripped = line.rstrip("\n")
        if stripped.startswith("COPY ") and stripped.endswith(" FROM stdin;"):
            flush()
            rows = []
            for data in lines:
                if data.rstrip("\n") == "\\.":
                    break
                rows.append(data)
            else:
                raise BackupError("the schema dump ends inside a COPY block")
            with cursor.copy(stripped[: -len(" FROM stdin;")] + " FROM STDIN") as copy:
                copy.write("".join(rows))
        elif stripped.startswith("\\"):
            continue
        else:
            pending.append(line)
    flush()


def _staged_files(members: dict[str, Path], manifest: dict) -> dict[str, Path]:
    """{file name: its unpacked copy}, each checked against the manifest's sha256; absolute and '..' names refused."""
    staged = {}
    for name, expected in manifest["files"].items():
        rel = _safe_relative(name)
        if rel is None or str(rel) != name:
            raise BackupError(f"the archive names a file outside MEDIA_ROOT: {name!r}")
        source = members.get(f"files/{name}")
        if source is None:
            raise BackupError(f"the archive lacks the file {name}")
        if _sha256(source) != expected["sha256"]:
            raise BackupError(f"the archive's copy of {name} does not match its checksum")
        staged[name] = source
    return staged


def district_restore(*, slug: str, path: Path) -> dict:
    """Put the district `slug` back as archived at `path`: its schema, its public rows and its files.

    The schema and the public rows are replaced in one transaction, which commits only when every table's
    row count and checksum equal the manifest's; then the files are written (MEDIA_ROOT/<schema>/ is
    replaced whole, files elsewhere are written over). Units and users made since the backup are kept.
    Works whether the district still exists, was damaged, or was dropped (schema and rows).
    Returns a summary: {"tables", "rows", "public_rows", "files", "kept_users", "pending_migrations", "seconds"}.
    Raises BackupError, with nothing changed in the database: first (before pg_restore runs or anything is
    written) when the archive is truncated or its signature is missing or not this site's (unpack_verified); then
    when its district is not the one registered under `slug` (_check_district), a public row does not belong to
    the district (_check_rows_belong) or a file name lies outside it (_checked_file_name); on any error of
    pg_restore or of the SQL.
    """
    started = time.perf_counter()
    pg_restore = _tool("pg_restore")
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"no such archive: {path}")
    with tempfile.TemporaryDirectory() as scratch:
        members = unpack_verified(path, Path(scratch))
        if "manifest.json" not in members:
            raise BackupError("not a district archive (no manifest.json)")
        manifest = _parse_manifest(members["manifest.json"].read_bytes())
        district = manifest["district"]
        if district["slug"] != slug:
            raise BackupError(f"the archive is of district {district['slug']!r}, not {slug!r}")
        _check_district(slug, district)
        schema = district["schema_name"]
        staged = _staged_files(members, manifest)
        if "schema.dump" not in members:
            raise BackupError("the archive lacks schema.dump")
        result = subprocess.run([pg_restore, "--no-owner", "--no-privileges", "--file", "-", str(members["schema.dump"])],
                                capture_output=True)
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.decode(errors='replace').strip()}")
        script = result.stdout.decode()
        copies = {}
        for table in manifest["public"]:
            if f"public/{table}.copy" not in members:
                raise BackupError(f"the archive lacks public/{table}.copy")
            copies[table] = members[f"public/{table}.copy"].read_bytes()

        tables, _ = public_tables()
        wanted = {t.table: t for t in tables}
        try:
            with _connect() as conn, conn.cursor() as cursor:
                cursor.execute(f"SET lock_timeout = '{LOCK_TIMEOUT}'")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
                District = apps.get_model(settings.TENANT_MODEL)
                cursor.execute(sql.SQL("SELECT id FROM {} WHERE slug = %s OR schema_name = %s").format(
                    sql.Identifier("public", District._meta.db_table)), [slug, schema])
                district_ids = sorted({district["id"], *(row[0] for row in cursor.fetchall())})
                scope = Scope(district_ids, manifest["unit_ids"], manifest["user_ids"], district["code"], schema)
                # Serialise with provisioning, which copies the template into new schemas.
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [template._LOCK_KEY])
                cursor.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))
                _run_restore_script(cursor, script)
                cursor.execute("SET search_path = public")
                state = schema_state(cursor, schema)
                if state != manifest["schema"]:
                    bad = sorted(k for k in set(state["tables"]) | set(manifest["schema"]["tables"])
                                 if state["tables"].get(k) != manifest["schema"]["tables"].get(k))
                    raise BackupError(f"the restored schema differs from the archive's checksums: {', '.join(bad) or 'sequences'}")
                public_rows = _restore_public(cursor, manifest, copies, wanted, scope)
                _check_rows_belong(cursor, manifest, wanted)
                named = _named_files(cursor, schema)
                for name in manifest["files"]:
                    _checked_file_name(name, schema, named)
                kept = _kept_users(cursor, manifest)
                cursor.execute(sql.SQL("SELECT app, name FROM {}").format(sql.Identifier(schema, "django_migrations")))
                pending = sorted(f"{app}.{name}" for app, name in template.disk_migrations() - set(cursor.fetchall()))
        except psycopg.Error as exc:
            raise BackupError(f"restore failed, nothing was changed: {str(exc).strip()}") from None
        except BackupError as exc:
            raise BackupError(f"{exc}; nothing was changed") from None
        try:
            files = _place_files(staged, schema)
        except OSError as exc:
            raise BackupError(f"the database is restored, but the files could not be written ({exc}); "
                              "free the space or fix the permissions and restore again") from None
    return {
        "tables": len(manifest["schema"]["tables"]), "rows": sum(t["rows"] for t in manifest["schema"]["tables"].values()),
        "public_rows": public_rows, "files": files, "kept_users": kept, "pending_migrations": pending,
        "seconds": round(time.perf_counter() - started, 3),
    }


def _restore_public(cursor, manifest, copies, wanted, scope) -> int:
    """Replace the district's rows of every public table in the archive; return how many rows were written."""
    written = 0
    for table, saved in manifest["public"].items():
        if table not in wanted:
            raise BackupError(f"the archive has rows of public.{table}, which this code does not know as a district table")
        cursor.execute(
            "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
            [f'public."{table}"'],
        )
        columns = [row[0] for row in cursor.fetchall()]
        if columns != saved["columns"]:
            raise BackupError(f"public.{table} has other columns than when the archive was made (migrate to the archive's "
                              f"state, or restore the whole site): {columns} against {saved['columns']}")
        ident, temp = sql.Identifier("public", table), sql.Identifier(f"restore_{table}")
        pk = sql.Identifier(saved["pk"])
        cols = sql.SQL(", ").join(map(sql.Identifier, columns))
        cursor.execute(sql.SQL("CREATE TEMP TABLE {} (LIKE {}) ON COMMIT DROP").format(temp, ident))
        with cursor.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(temp, cols)) as copy:
            copy.write(copies[table])
        cursor.execute(
            sql.SQL("DELETE FROM {t} WHERE {w} OR {pk} IN (SELECT {pk} FROM {tmp})").format(
                t=ident, w=sql.SQL(wanted[table].where), pk=pk, tmp=temp),
            scope.params(),
        )
        cursor.execute(sql.SQL("INSERT INTO {t} ({c}) SELECT {c} FROM {tmp}").format(t=ident, c=cols, tmp=temp))
        written += cursor.rowcount
        rows, digest = _checksum(cursor, ident, f'"{saved["pk"]}" IN (SELECT "{saved["pk"]}" FROM "restore_{table}")')
        if (rows, digest) != (saved["rows"], saved["md5"]):
            raise BackupError(f"public.{table}: the restored rows differ from the archive's checksum")
        # Never hand out an id again that a restored row holds.
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [f'public."{table}"', saved["pk"]])
        sequence = cursor.fetchone()[0]
        if sequence:
            cursor.execute(sql.SQL("SELECT setval(%s, max({pk})) FROM {t} HAVING max({pk}) > "
                                   "(SELECT last_value FROM {seq})").format(
                pk=pk, t=ident, seq=sql.SQL(sequence)), [sequence])
    return written


def _check_rows_belong(cursor, manifest, wanted):
    """Every public row of the archive (still in its temporary table restore_<table>) must belong to the district by
    the rule the backup selected it with, the scope computed from the restored rows: the district's row, its unit's
    subtree, the users scoped to those units. The manifest's unit and user ids must be exactly the archived rows'."""
    district = manifest["district"]
    unit_model, user_model = apps.get_model("geo", "AdministrativeUnit"), apps.get_model(settings.AUTH_USER_MODEL)
    cursor.execute(sql.SQL("SELECT code FROM {} WHERE id = %s").format(sql.Identifier("public", unit_model._meta.db_table)),
                   [district["unit_id"]])
    row = cursor.fetchone()
    if row is None or row[0] != district["code"]:
        raise BackupError(f"the archive's district unit {district['unit_id']} is not the unit of district {district['code']}")
    units = _subtree(cursor, district["unit_id"])
    cursor.execute(sql.SQL("SELECT id FROM {} WHERE unit_id = ANY(%s) ORDER BY id").format(
        sql.Identifier("public", user_model._meta.db_table)), [units])
    scope = Scope([district["id"]], units, [r[0] for r in cursor.fetchall()], district["code"], district["schema_name"])
    for model, ids in ((unit_model, manifest["unit_ids"]), (user_model, manifest["user_ids"])):
        table = model._meta.db_table
        archived = []
        if table in manifest["public"]:
            cursor.execute(sql.SQL("SELECT {pk} FROM {tmp} ORDER BY {pk}").format(
                pk=sql.Identifier(model._meta.pk.column), tmp=sql.Identifier(f"restore_{table}")))
            archived = [r[0] for r in cursor.fetchall()]
        if archived != sorted(ids):
            raise BackupError(f"the manifest's ids of public.{table} are not the archive's rows")
    for table in manifest["public"]:
        cursor.execute(sql.SQL("SELECT count(*) FROM {tmp} WHERE ({w}) IS NOT TRUE").format(
            tmp=sql.Identifier(f"restore_{table}"), w=sql.SQL(wanted[table].where)), scope.params())
        stray = cursor.fetchone()[0]
        if stray:
            raise BackupError(f"public.{table}: {stray} row(s) of the archive do not belong to district {district['code']}")


def _named_files(cursor, schema: str) -> set[str]:
    """Every value of every FileField of the (restored) schema's rows."""
    names = set()
    for table, column in file_columns():
        cursor.execute(sql.SQL("SELECT DISTINCT {c} FROM {t} WHERE {c} <> ''").format(
            c=sql.Identifier(column), t=sql.Identifier(schema, table)))
        names.update(row[0] for row in cursor.fetchall())
    return names


def _kept_users(cursor, manifest) -> list[str]:
    """Users now scoped to the district's units that the archive does not hold (made since): kept, and named."""
    user_table = apps.get_model(settings.AUTH_USER_MODEL)._meta.db_table
    cursor.execute(sql.SQL("SELECT username FROM {} WHERE unit_id = ANY(%s) AND NOT id = ANY(%s) ORDER BY username").format(
        sql.Identifier("public", user_table)), [manifest["unit_ids"], manifest["user_ids"]])
    return [row[0] for row in cursor.fetchall()]


def _place_files(staged: dict[str, Path], schema: str) -> int:
    """Copy the checked files ({name relative to MEDIA_ROOT: unpacked copy}) into MEDIA_ROOT;
    MEDIA_ROOT/<schema>/ becomes exactly the archive's."""
    root = _media_root()
    own = root / schema
    if own.is_dir():
        for p in sorted(own.rglob("*"), reverse=True):
            if p.is_file() and p.relative_to(root).as_posix() not in staged:
                p.unlink()
    for name, source in staged.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    return len(staged)


# --- whole site -----------------------------------------------------------------------------------

SITE_PREFIX = "site-"


def site_backup(*, directory: Path, keep: int) -> dict:
    """Back the whole site up into `directory`/site-<UTC time>/: database.dump (pg_dump of the whole database,
    custom format), media.tar (MEDIA_ROOT) and manifest.json (sizes and sha256); then keep only the newest
    `keep` backups. Returns the manifest with "path". Raises BackupError when pg_dump fails.

    A backup is written under a .partial name and renamed when complete, so rotation never counts a broken one.
    """
    if keep < 1:
        raise BackupError("keep must be at least 1")
    pg_dump = _tool("pg_dump")
    started = time.perf_counter()
    directory = Path(directory)
    try:
        _private_dir(directory)
    except OSError as exc:
        raise BackupError(f"cannot create the folder {directory}: {exc.strerror or exc}") from None
    stamp = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    final = directory / f"{SITE_PREFIX}{stamp}"
    partial = directory / f"{SITE_PREFIX}{stamp}.partial"
    if final.exists():
        raise BackupError(f"{final} exists already")
    shutil.rmtree(partial, ignore_errors=True)
    try:
        partial.mkdir(mode=0o700)
        dump = partial / "database.dump"
        result = subprocess.run(
            [pg_dump, "--format=custom", "--file", str(dump), *_pg_args(), connection.settings_dict["NAME"]],
            capture_output=True, text=True, env=_pg_env(),
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        dump.chmod(0o600)
        media = partial / "media.tar"
        root = _media_root()
        with _private_file(media) as out, tarfile.open(fileobj=out, mode="w") as tar:
            if root.is_dir():
                tar.add(root, "media")
        manifest = {
            "format": FORMAT, "kind": "site", "database": connection.settings_dict["NAME"],
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "files": {p.name: {"bytes": p.stat().st_size, "sha256": _sha256(p)} for p in (dump, media)},
            "seconds": round(time.perf_counter() - started, 3),
        }
        with _private_file(partial / "manifest.json") as out:
            out.write(json.dumps(manifest, indent=1).encode())
        os.replace(partial, final)
    except BaseException as exc:
        shutil.rmtree(partial, ignore_errors=True)
        if isinstance(exc, OSError):
            raise BackupError(f"cannot write the backup {final}: {exc.strerror or exc}") from None
        raise
    # Unfinished backups of runs that died are removed; of the finished ones, the newest `keep` stay.
    for p in directory.glob(f"{SITE_PREFIX}*.partial"):
        shutil.rmtree(p, ignore_errors=True)
    backups = sorted(p for p in directory.iterdir() if p.is_dir() and p.name.startswith(SITE_PREFIX))
    removed = [p.name for p in backups[:-keep]]
    for p in backups[:-keep]:
        shutil.rmtree(p)
    return {**manifest, "path": str(final), "removed": removed}

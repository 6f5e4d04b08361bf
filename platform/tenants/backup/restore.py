"""A district's restore: verify an archive's signature and contents, then put the district back in one transaction."""
import io
import json
import shutil
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path, PurePosixPath

import psycopg
from django.apps import apps
from django.conf import settings
from django.db.models import Q
from django.utils.crypto import constant_time_compare
from psycopg import sql

from tenants import template
from tenants.backup.archive import (
    _member_sha256,
    signature,
)
from tenants.backup.common import (
    FORMAT,
    LOCK_TIMEOUT,
    NOT_SIGNED,
    SIGNATURE,
    BackupError,
    Scope,
    _checksum,
    _connect,
    _media_root,
    _named_files,
    _safe_relative,
    _sha256,
    _subtree,
    _tool,
    public_tables,
    schema_state,
)

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

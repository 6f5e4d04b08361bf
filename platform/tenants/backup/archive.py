"""A district's backup: one signed tar archive of its schema, its rows of `public` and its files (see tenants.backup)."""
import datetime
import hashlib
import io
import json
import os
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path

import psycopg
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.utils.crypto import salted_hmac
from psycopg import sql

from tenants.backup.common import (
    FORMAT,
    SIGNATURE,
    SIGNING_SALT,
    BackupError,
    Scope,
    _checksum,
    _connect,
    _media_root,
    _pg_args,
    _pg_env,
    _private_dir,
    _private_file,
    _sha256,
    _subtree,
    _tool,
    district_files,
    public_tables,
    schema_state,
)

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

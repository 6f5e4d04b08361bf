"""The whole site's backup: the database and MEDIA_ROOT, for the nightly run (deploy/backup)."""
import datetime
import json
import os
import shutil
import subprocess
import tarfile
import time
from pathlib import Path

from django.db import connection

from tenants.backup.common import (
    FORMAT,
    BackupError,
    _media_root,
    _pg_args,
    _pg_env,
    _private_dir,
    _private_file,
    _sha256,
    _tool,
)

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

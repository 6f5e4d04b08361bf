"""Parse uploaded files in a child process with memory, CPU and time limits, and no network.

`parse_jailed(data, kind=…)` writes the bytes to a private temporary folder and runs
`python -m geo.jail <file> <kind> <geometry>` there. The child, before reading anything:
- limits itself with `resource.setrlimit`: address space (IMPORT_MAX_MEMORY_MB), CPU seconds
  (IMPORT_MAX_CPU_SECONDS), size of any file it writes (IMPORT_MAX_EXPANDED_BYTES), open files;
- gets an environment with nothing of the server's (no secret key, no database password) and GDAL
  configuration that refuses the network and other files: `/vsicurl/` only for an extension no
  file has, an unreachable HTTP proxy, no directory listing next to the file, no SQLite external
  access, no VRT Python, no `.aux.xml` side files.
Then `geo.formats` reads the file with that format's own reader (one GDAL driver allowed at a time,
VRT never). The parent waits at most IMPORT_TIMEOUT_SECONDS (wall clock) and kills the child
after it; a crash, a kill or an out-of-memory becomes a refusal, never a dead web worker. The
answer comes back as JSON on stdout (never pickle: the child handles hostile bytes).
"""
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import Path

from geo.formats import Refused

GDAL_JAIL_CONFIG = {
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".sedp-no-network",
    "GDAL_HTTP_PROXY": "127.0.0.1:9",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_MAX_RETRY": "0",
    "http_proxy": "http://127.0.0.1:9", "https_proxy": "http://127.0.0.1:9", "no_proxy": "",
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    "OGR_SQLITE_ALLOW_EXTERNAL_ACCESS": "NO",
    "GDAL_VRT_ENABLE_PYTHON": "NO",
    "GDAL_PAM_ENABLED": "NO",
    "OGR_GPKG_INTEGRITY_CHECK": "NO",
}


def limits_from_settings() -> dict:
    """The limits of one parse, from settings (see docs/SECURITY.md, "Reading files")."""
    from django.conf import settings

    return {
        "memory_mb": settings.IMPORT_MAX_MEMORY_MB,
        "cpu_seconds": settings.IMPORT_MAX_CPU_SECONDS,
        "timeout_seconds": settings.IMPORT_TIMEOUT_SECONDS,
        "max_expanded_bytes": settings.IMPORT_MAX_EXPANDED_BYTES,
        "max_entries": settings.IMPORT_MAX_ENTRIES,
        "max_ratio": settings.IMPORT_MAX_RATIO,
        "max_records": settings.IMPORT_MAX_RECORDS,
        "max_vertices": settings.GEOMETRY_MAX_VERTICES,
        "max_output_bytes": settings.IMPORT_MAX_OUTPUT_BYTES,
        "max_columns": settings.IMPORT_MAX_COLUMNS,
        "max_name_chars": settings.IMPORT_MAX_NAME_CHARS,
        "max_cell_chars": settings.IMPORT_MAX_CELL_CHARS,
    }


def parse_jailed(data: bytes, *, kind: str, geometry: bool = True, limits: dict | None = None) -> dict:
    """Parse `data` as `kind` (a `geo.formats.KINDS` name) in the jail.

    Returns {"format", "records", "errors"} as `geo.formats.parse` gives it (dates and times come
    back as Python objects; a record whose geometry had more than `max_vertices` vertices has
    geometry None and `geometry_error` {"code": "too_many_vertices", "limit"}). Every size limit
    (columns, name and cell length, vertices, records, bytes of the answer) is enforced by the
    child before it answers, so the worker never decodes more than `max_output_bytes` (docs/SECURITY.md,
    "Reading files"). Raises `Refused` with a code for a refused file, "too_slow" when the
    wall-clock or CPU limit was hit, "too_big" for the memory limit, "crashed" when the child died
    otherwise.
    """
    limits = limits or limits_from_settings()
    folder = tempfile.mkdtemp(prefix="sedp-jail-")
    try:
        path = os.path.join(folder, f"upload.{kind}")
        with open(path, "wb") as fh:
            fh.write(data)
        root = str(Path(__file__).resolve().parent.parent)
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "PYTHONPATH": root, "LANG": "C.UTF-8", "PYTHONIOENCODING": "utf-8", "HOME": folder,
               "TMPDIR": folder, "SEDP_JAIL_LIMITS": json.dumps(limits), **GDAL_JAIL_CONFIG}
        for name in ("GDAL_LIBRARY_PATH", "GEOS_LIBRARY_PATH", "PROJ_DATA", "PROJ_LIB", "GDAL_DATA"):
            if os.environ.get(name):
                env[name] = os.environ[name]
        try:
            done = subprocess.run(
                [sys.executable, "-m", "geo.jail", path, kind, "1" if geometry else "0"],
                cwd=folder, env=env, stdin=subprocess.DEVNULL, capture_output=True, timeout=limits["timeout_seconds"],
            )
        except subprocess.TimeoutExpired:
            raise Refused("too_slow", seconds=limits["timeout_seconds"])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if done.returncode != 0 or not done.stdout:
        if done.returncode in (-9, -24, 152, 137):  # SIGKILL / SIGXCPU: the CPU limit
            raise Refused("too_slow", seconds=limits["cpu_seconds"])
        raise Refused("crashed")
    if len(done.stdout) > limits["max_output_bytes"]:  # the child checks; this only guards against a bug there
        raise Refused("too_much_output", limit=f"{limits['max_output_bytes'] / 1_000_000:g}")
    answer = json.loads(done.stdout, object_hook=_decode)
    if "refused" in answer:
        raise Refused(answer["refused"]["code"], **answer["refused"].get("params", {}))
    return _expand(answer["ok"])


def _compact(parsed: dict) -> dict:
    """The answer with every field name sent once: records carry [column index, value] pairs."""
    columns, index = [], {}

    def pairs(mapping):
        out = []
        for name, value in mapping.items():
            if name not in index:
                index[name] = len(columns)
                columns.append(name)
            out.append([index[name], value])
        return out

    records = []
    for record in parsed["records"]:
        record = dict(record)
        record["fields"] = pairs(record.get("fields") or {})
        record["formats"] = pairs(record.get("formats") or {})
        records.append(record)
    return {**parsed, "columns": columns, "records": records}


def _expand(compact: dict) -> dict:
    columns = compact.pop("columns")
    for record in compact["records"]:
        record["fields"] = {columns[i]: value for i, value in record["fields"]}
        record["formats"] = {columns[i]: value for i, value in record["formats"]}
    return compact


def _encode(value):
    if isinstance(value, datetime):
        return {"$datetime": value.isoformat()}
    if isinstance(value, date):
        return {"$date": value.isoformat()}
    if isinstance(value, time):
        return {"$time": value.isoformat()}
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, bytes):
        return value.hex()
    return str(value)


def _decode(obj):
    if len(obj) == 1:
        key, value = next(iter(obj.items()))
        kind = {"$datetime": datetime, "$date": date, "$time": time}.get(key)
        if kind is not None and isinstance(value, str):
            try:
                return kind.fromisoformat(value)
            except ValueError:
                pass
    return obj


def _limit_self(limits):
    memory = limits["memory_mb"] * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = limits["cpu_seconds"]
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    size = limits["max_expanded_bytes"] + 1_000_000
    resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def main():
    path, kind, geometry = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
    limits = json.loads(os.environ["SEDP_JAIL_LIMITS"])
    _limit_self(limits)
    from geo.formats import parse

    try:
        answer = {"ok": _compact(parse(path, kind, geometry=geometry, limits=limits))}
    except Refused as exc:
        answer = {"refused": {"code": exc.code, "params": exc.params}}
    except MemoryError:
        answer = {"refused": {"code": "too_big", "params": {"limit": limits["memory_mb"]}}}
    except RecursionError:
        answer = {"refused": {"code": "unreadable", "params": {"reason": "nesting"}}}
    except Exception as exc:  # anything a hostile file provokes in a reader: refuse, say what kind of failure
        answer = {"refused": {"code": "unreadable", "params": {"reason": type(exc).__name__}}}
    text = json.dumps(answer, default=_encode, ensure_ascii=False)
    if len(text.encode("utf-8")) > limits["max_output_bytes"]:
        text = json.dumps({"refused": {"code": "too_much_output", "params": {"limit": f"{limits['max_output_bytes'] / 1_000_000:g}"}}})
    sys.stdout.write(text)


if __name__ == "__main__":
    main()

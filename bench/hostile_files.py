"""What a hostile file costs the server now: wall time and the parsing child's peak memory, per file.

Each case runs in its own Python process, so the peak resident memory of its children
(`RUSAGE_CHILDREN`) is that case's jail alone; the web worker's own memory does not grow, since it
only writes the bytes to a file and reads JSON back. Needs no database.

    .venv/bin/python bench/hostile_files.py
"""
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "platform")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def zipped(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def vrt(source):
    return f"<OGRVRTDataSource><OGRVRTLayer name='x'><SrcDataSource>{source}</SrcDataSource></OGRVRTLayer></OGRVRTDataSource>".encode()


def xlsx_bomb():
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Tên", "Kinh phí"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as original:
        entries = {i.filename: original.read(i) for i in original.infolist()}
    row = "<row><c t=\"inlineStr\"><is><t>Đường thôn</t></is></c></row>".encode()
    entries["xl/worksheets/sheet1.xml"] = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                                           + row * 1_700_000 + b"</sheetData></worksheet>")
    return zipped(entries)


LAUGHS = ("<?xml version='1.0'?><!DOCTYPE kml [<!ENTITY a 'lol'>"
          + "".join(f"<!ENTITY {chr(98 + i)} '{('&' + chr(97 + i) + ';') * 10}'>" for i in range(8))
          + "]><kml><Placemark><name>&i;</name></Placemark></kml>").encode()


def wide_csv():
    data = ",".join(f"h{i}" for i in range(1000)).encode() + b"\n"
    return data + b"".join((",".join(f"{r:04d}{c:04d}" for c in range(1000)) + "\n").encode() for r in range(900))


def long_names_csv():
    """1 MB: 100 header names of 10 000 characters, 300 rows (the header once repeated in every row of the answer)."""
    header = ",".join(f"c{i}".ljust(10_000, "x") for i in range(100))
    return (header + "\n" + "\n".join(",".join("1" for _ in range(100)) for _ in range(300)) + "\n").encode()


def many_vertices_kmz():
    """One LineString of 1.6 M vertices, zipped (GEOMETRY_MAX_VERTICES is 20 000)."""
    coordinates = " ".join(f"{106 + i * 1e-7:.7f},21.15" for i in range(1_600_000))
    return zipped({"doc.kml": f'<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>A</name>'
                              f"<LineString><coordinates>{coordinates}</coordinates></LineString></Placemark></Document></kml>"})


CASES = {
    "VRT reading /etc/passwd, sent as .kml": ("x.kml", lambda: vrt("CSV:/etc/passwd")),
    "VRT fetching /vsicurl/, sent as .gpkg": ("x.gpkg", lambda: vrt("/vsicurl/http://127.0.0.1:9/x.csv")),
    "zip bomb: 60 MB of zeros as a Shapefile .zip": ("x.zip", lambda: zipped({"x.shp": b"\0" * 60_000_000})),
    "xlsx bomb: ~100 MB of sheet XML": ("x.xlsx", xlsx_bomb),
    "KML billion laughs": ("x.kml", lambda: LAUGHS),
    "CSV 8 MB, 900 rows × 1000 distinct cells (accepted)": ("x.csv", wide_csv),
    "CSV 1 MB, 100 header names of 10 000 characters": ("x.csv", long_names_csv),
    "KMZ, one line of 1.6 M vertices": ("x.kmz", many_vertices_kmz),
}


def run_case(title, path):
    import django

    django.setup()
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import translation

    from geo.readers import read_records

    name, _ = CASES[title]
    data = Path(path).read_bytes()
    started = time.monotonic()
    with translation.override("en"):
        try:
            result = read_records(SimpleUploadedFile(name, data), kinds={"csv", "xlsx", "geojson", "kml", "kmz", "gpx", "shp", "gpkg"})
            outcome = f"read, {len(result.records)} records, {sum(bool(r.errors) for r in result.records)} refused"
        except ValidationError as exc:
            outcome = "400: " + exc.message_dict["file"][0][:70]
    seconds = time.monotonic() - started
    child_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    worker_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"size_mb": round(len(data) / 1e6, 2), "seconds": round(seconds, 2), "child_peak_mb": round(child_mb),
                      "worker_peak_mb": round(worker_mb), "outcome": outcome}))


def main():
    if len(sys.argv) > 1:
        return run_case(sys.argv[1], sys.argv[2])
    print(f"{'file':52} {'size MB':>8} {'seconds':>8} {'child MB':>9} {'worker MB':>10}  outcome")
    for title, (_, make) in CASES.items():
        # The case runs in a fresh process that holds only the file's bytes, so that the child's
        # peak (counted from the fork) is not the bench's own memory.
        with tempfile.NamedTemporaryFile() as fh:
            fh.write(make())
            fh.flush()
            out = subprocess.run([sys.executable, __file__, title, fh.name], capture_output=True, text=True, check=True).stdout
        row = json.loads(out.strip().splitlines()[-1])
        print(f"{title:52} {row['size_mb']:8} {row['seconds']:8} {row['child_peak_mb']:9} {row['worker_peak_mb']:10}  {row['outcome']}")


if __name__ == "__main__":
    main()

"""A real GIS client against the live server: GDAL's OAPIF driver (Debian's gdal-bin) reads the OGC API whole."""
import json
import shutil
import subprocess
import urllib.request

import pytest

from tests.conftest import DEMO_PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.skipif(shutil.which("ogr2ogr") is None, reason="gdal-bin is installed by deploy")]

DISTRICT = "yen-phong"


def _token(live_url, username):
    request = urllib.request.Request(
        live_url + "/api/auth/token/", data=json.dumps({"username": username, "password": DEMO_PASSWORD}).encode(),
        headers={"Content-Type": "application/json"}, method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["token"]


def _gdal(tool, *args, token=None, tmp_path=None):
    env = {"PATH": "/usr/bin:/bin", "GDAL_HTTP_TIMEOUT": "60", "CPL_VSIL_CURL_USE_HEAD": "NO"}
    if token:
        env["GDAL_HTTP_HEADERS"] = f"Authorization: Token {token}"
    return subprocess.run([tool, *args], capture_output=True, text=True, env=env, timeout=300, cwd=tmp_path)


def _read(live_url, tmp_path, layer, *, token=None, page_size=None, service=f"/d/{DISTRICT}/ogc"):
    """The layer as ogr2ogr writes it to GeoJSON through OAPIF, parsed; and the run."""
    out = tmp_path / f"{layer}.geojson"
    options = ["-oo", f"PAGE_SIZE={page_size}"] if page_size else []
    run = _gdal("ogr2ogr", "-f", "GeoJSON", str(out), f"OAPIF:{live_url}{service}", layer, *options, token=token, tmp_path=tmp_path)
    return (json.loads(out.read_text()) if out.exists() else None), run


def _server_count(live_url, token, layer):
    request = urllib.request.Request(f"{live_url}/d/{DISTRICT}/ogc/collections/{layer}/items?limit=1",
                                     headers={"Authorization": f"Token {token}"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.load(response)["numberMatched"]


def test_gdal_reads_every_proposal_with_a_small_page_and_typed_fields(live_url, tmp_path):
    token = _token(live_url, f"huyen.{DISTRICT}")
    matched = _server_count(live_url, token, "proposals")
    assert matched > 20
    collection, run = _read(live_url, tmp_path, "proposals", token=token, page_size=7)
    assert run.returncode == 0, run.stderr
    ids = [f["properties"]["id"] for f in collection["features"]]
    assert len(ids) == len(set(ids)) == matched
    info = _gdal("ogrinfo", "-ro", "-so", "-oo", "PAGE_SIZE=7", f"OAPIF:{live_url}/d/{DISTRICT}/ogc", "proposals", token=token)
    assert info.returncode == 0, info.stderr
    fields = dict(line.strip().split(": ", 1) for line in info.stdout.splitlines() if line.strip().split(":")[0] in
                  ("id", "estimated_cost", "is_late", "plan_year", "title", "created_at"))
    assert fields["estimated_cost"].startswith("Integer")
    assert fields["plan_year"].startswith("Integer")
    assert fields["is_late"].startswith("Integer(Boolean)")
    assert fields["title"].startswith("String")
    assert fields["created_at"].startswith("DateTime")


def test_gdal_with_another_districts_token_gets_nothing(live_url, tmp_path):
    token = _token(live_url, "huyen.que-vo")
    collection, run = _read(live_url, tmp_path, "proposals", token=token)
    assert run.returncode != 0
    assert collection is None or collection["features"] == []


def test_gdal_anonymous_reads_the_public_communes_whole(live_url, tmp_path):
    collection, run = _read(live_url, tmp_path, "communes", page_size=20, service="/ogc")
    assert run.returncode == 0, run.stderr
    codes = {f["properties"]["code"] for f in collection["features"]}
    assert len(codes) == 121
    assert {f["geometry"]["type"] for f in collection["features"]} == {"MultiPolygon"}

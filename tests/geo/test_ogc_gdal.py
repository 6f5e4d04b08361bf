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
    assert fields["estimated_cost"].startswith("Real")  # an amount: 64-bit, never clamped to 32 bits (geo.ogc.feature_json_schema)
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


# What GDAL's OAPIF driver makes of each declared kit type (ogrinfo's field line starts with it).
OGR_TYPES = {"integer": ("Integer",), "number": ("Real",), "date": ("Date ",), "datetime": ("DateTime",),
             "boolean": ("Integer(Boolean)",), "string": ("String",)}


def _fields(live_url, service, layer, token=None):
    """{field: OGR type text} as ogrinfo lists a collection's fields; a field listed twice fails."""
    info = _gdal("ogrinfo", "-ro", "-so", "-oo", "PAGE_SIZE=20", f"OAPIF:{live_url}{service}", layer, token=token)
    assert info.returncode == 0, info.stderr
    lines = info.stdout.split("Data axis to CRS axis mapping")[-1].splitlines()[1:]
    pairs = [(name.strip(), kind.strip() + " ") for name, _sep, kind in (line.partition(": ") for line in lines if ": " in line)]
    assert len({name for name, _kind in pairs}) == len(pairs), (layer, pairs)
    if "Feature Count: 0" in info.stdout:
        pairs.append(("id", "(no row: GDAL takes the properties' id from the data) "))
    return dict(pairs)


def _assert_declared_types(layer, fields):
    for name, (kind, _sql) in layer.properties.items():
        expected = ("Real",) if name in layer.amounts else OGR_TYPES.get(kind)
        if name == "id" and fields[name].startswith("(no row"):
            continue
        if expected:
            assert fields[name].startswith(expected), (layer.id, name, kind, fields[name])


def test_gdal_types_every_declared_property_by_the_collection_schema_even_all_null(live_url):
    """Declared columns that arrive all-null (proposals' commune_rank and merged_into, plan works' starts_on/ends_on,
    investment projects' decision_date, villages' population and area_km2) keep their declared type through OAPIF: the
    collection links its JSON Schema (describedby) and GDAL types the fields by it, every layer of both services."""
    from geo.layers import registry

    token = _token(live_url, f"huyen.{DISTRICT}")
    nulls = {"proposals": ("commune_rank", "merged_into"), "plan-works": ("starts_on", "ends_on"),
             "investment-projects": ("decision_date",), "villages": ("population", "area_km2")}
    for layer_id, names in nulls.items():
        layer = registry.get(layer_id)
        service = "/ogc" if layer.scope == "province" else f"/d/{DISTRICT}/ogc"
        with urllib.request.urlopen(urllib.request.Request(
                f"{live_url}{service}/collections/{layer_id}/items?limit=5000", headers={"Authorization": f"Token {token}"}),
                timeout=60) as response:
            features = json.load(response)["features"]
        # all-null indeed (or no row at all: GDAL then has nothing to guess from either)
        assert all(f["properties"][n] is None for f in features for n in names), layer_id
        assert features or layer_id != "proposals"
    kinds_seen = set()
    for layer in registry.for_district():
        fields = _fields(live_url, f"/d/{DISTRICT}/ogc", layer.id, token=token)
        _assert_declared_types(layer, fields)
        kinds_seen |= {kind for kind, _sql in layer.properties.values()}
    for layer in registry.for_province():
        if layer.readable(_anonymous(), None):
            _assert_declared_types(layer, _fields(live_url, "/ogc", layer.id))
    assert {"integer", "number", "date", "datetime", "boolean", "string"} <= kinds_seen


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()

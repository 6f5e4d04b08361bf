"""What GIS files carry for every layer of the kit (review rv13 of issue 13): the platform's id, a placemark name, an
empty layer's columns, Excel cells that show the value they hold. Real downloads through the middleware, read back by
GDAL (ogr2ogr, ogrinfo) and openpyxl."""
import io
import json
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from geo.layers import registry

pytestmark = pytest.mark.django_db

D = "/d/yen-phong/api"
KML = "{http://www.opengis.net/kml/2.2}"


def _layers_and_readers():
    """(layer, username, base URL) of every layer in the registry, with a reader who may download it."""
    for layer in registry.all():
        if layer.scope == "district":
            yield layer, "huyen.yen-phong", D
        else:
            yield layer, "tinh", "/api"


def _as_geojson(tmp_path, name, content, *, vsizip=False):
    """Every layer of a downloaded file as GeoJSON FeatureCollections (ogr2ogr), {layer name: collection}."""
    path = tmp_path / name
    path.write_bytes(content)
    source = f"/vsizip/{path}" if vsizip else str(path)
    listing = subprocess.run(["ogrinfo", "-ro", "-q", source], capture_output=True, text=True, check=True).stdout
    names = [line.split(":", 1)[1].split("(")[0].strip() for line in listing.splitlines() if ":" in line]
    out = {}
    for layer_name in names:
        target = tmp_path / f"{layer_name}.geojson"
        subprocess.run(["ogr2ogr", "-f", "GeoJSON", str(target), source, layer_name], check=True, capture_output=True)
        out[layer_name] = json.loads(target.read_text())
        target.unlink()
    return out


def _text(value):
    return str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)


def _fields(tmp_path, name, content, *, vsizip=False):
    path = tmp_path / name
    path.write_bytes(content)
    source = f"/vsizip/{path}" if vsizip else str(path)
    text = subprocess.run(["ogrinfo", "-ro", "-so", "-al", source], capture_output=True, text=True, check=True).stdout
    return text


def test_every_layers_files_carry_its_feature_id_and_name_their_placemarks(client_for, plan_works, tmp_path):
    """Every layer of the registry: GeoPackage, Shapefile and KML keep the platform's feature id as a property (plan works
    21…37 stayed 21…37, not a fid 1…17) and KML names each placemark by the layer's name property; none answers 409."""
    checked = 0
    for layer, username, base in _layers_and_readers():
        client = client_for(username)
        query = "?year=2027" if layer.id.startswith("investment-distribution") else ""
        geojson = client.get(f"{base}/downloads/{layer.id}.geojson{query}")
        assert geojson.status_code == 200, layer.id
        features = geojson.json()["features"]
        ids = sorted(str(f["id"]) for f in features)
        located = {str(f["id"]): f["properties"][layer.name_property] for f in features if f["geometry"]}
        assert all(str(f["properties"][layer.id_property]) == str(f["id"]) for f in features), layer.id
        for fmt in ("gpkg", "shp", "kml"):
            response = client.get(f"{base}/downloads/{layer.id}.{fmt}{query}")
            assert response.status_code == 200, (layer.id, fmt, response.content[:200])
            read = _as_geojson(tmp_path, f"{layer.id}.{'zip' if fmt == 'shp' else fmt}", response.content, vsizip=fmt == "shp")
            rows = [f for collection in read.values() for f in collection["features"]]
            column = layer.id_property[:10]
            # KML has no 64-bit integer field type: GDAL reads its ids back as reals ("21.0" for the text "21")
            got = sorted(_text(f["properties"][column]) for f in rows)
            assert got == (ids if fmt == "gpkg" else sorted(located)), (layer.id, fmt)
            if fmt == "kml":
                placemarks = ET.fromstring(response.content).iter(f"{KML}Placemark")
                names = sorted(p.findtext(f"{KML}name") or "" for p in placemarks)
                assert names == sorted(str(v) if v is not None else "" for v in located.values()), layer.id
        checked += 1
        if layer.id == "plan-works":
            assert ids and min(int(i) for i in ids) > 9, "ids past 1…9: a renumbered file would show"
    assert checked == len(registry.all())


def test_a_kml_placemark_of_a_proposal_and_a_plan_work_has_its_title_for_name(client_for, plan_works):
    for path, title in ((f"{D}/downloads/proposals.kml", None), (f"{D}/downloads/plan-works.kml", "Công trình thôn Đông số 4")):
        root = ET.fromstring(client_for("huyen.yen-phong").get(path).content)
        names = [p.findtext(f"{KML}name") for p in root.iter(f"{KML}Placemark")]
        assert names and all(names), path
        assert title is None or title in names


@pytest.mark.parametrize("fmt", ["gpkg", "shp", "kml", "csv", "xlsx", "geojson"])
def test_an_empty_layer_downloads_with_its_columns_and_no_rows(client_for, tmp_path, fmt):
    """evidence-photos of Yên Phong has no row: every format still answers a file (the Shapefile was a 409)."""
    layer = registry.get("evidence-photos")
    response = client_for("huyen.yen-phong").get(f"{D}/downloads/evidence-photos.{fmt}")
    assert response.status_code == 200, response.content[:300]
    if fmt in ("gpkg", "shp"):
        text = _fields(tmp_path, f"empty.{'zip' if fmt == 'shp' else fmt}", response.content, vsizip=fmt == "shp")
        assert "Feature Count: 0" in text and "Geometry: Point" in text
        for name, (kind, _sql) in layer.properties.items():
            if kind in ("array", "object"):
                continue
            assert f"\n{name if fmt == 'gpkg' else name[:10]}: " in text, (fmt, name)
        if fmt == "gpkg":
            assert "taken_on: Date" in text and "uploaded_at: DateTime" in text and "id: Integer64" in text
        else:
            assert zipfile.ZipFile(io.BytesIO(response.content)).namelist() == [
                f"evidence_photos_points.{ext}" for ext in ("cpg", "dbf", "prj", "shp", "shx")]
    elif fmt == "csv":
        assert response.content.decode("utf-8-sig").splitlines() == [",".join([*layer.properties, "wkt"])]
    elif fmt == "xlsx":
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        assert rows == [(*layer.properties, "wkt")]
    elif fmt == "kml":
        assert ET.fromstring(response.content).find(f"{KML}Document/{KML}Folder/{KML}name").text == "evidence_photos"
    else:
        assert response.json()["features"] == []


def test_mixed_layer_empty_shapefile_has_one_file_per_geometry_family(client_for, tmp_path):
    response = client_for("huyen.yen-phong").get(f"{D}/downloads/plan-works.shp?plan_year=2001")
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert {n.rsplit(".", 1)[0] for n in names} == {"plan_works_points", "plan_works_lines", "plan_works_polygons"}
    text = _fields(tmp_path, "mixed.zip", response.content, vsizip=True)
    assert text.count("Feature Count: 0") == 3 and "\nestimated_: Integer64" in text


def test_excel_cells_show_what_they_hold(client_for, plan_works):
    """Years, ids and ranks plain (2031, not 2.031); money with separators; lon/lat to 7 decimals (not 106,08); dates and
    date-times real Excel dates shown dd/mm/yyyy (hh:mm), in Vietnam time."""
    client = client_for("huyen.yen-phong")
    sheet = load_workbook(io.BytesIO(client.get(f"{D}/downloads/plan-works.xlsx?lonlat=1").content)).active
    head = [c.value for c in sheet[1]]
    row = {name: cell for name, cell in zip(head, sheet[2])}
    assert row["plan_year"].value == 2031 and row["plan_year"].number_format == "0"
    assert row["id"].number_format == "0" and row["order"].number_format == "0" and row["plan"].number_format == "0"
    assert row["estimated_cost"].value >= 3_000_000_000 and row["estimated_cost"].number_format == "#,##0"
    assert row["lon"].number_format == "0.0000000" and row["lat"].number_format == "0.0000000"
    assert abs(row["lon"].value - 106) < 1 and round(row["lon"].value, 7) == row["lon"].value

    proposals = load_workbook(io.BytesIO(client.get(f"{D}/downloads/proposals.xlsx").content)).active
    head = [c.value for c in proposals[1]]
    row = {name: cell for name, cell in zip(head, proposals[2])}
    feature = client.get(f"/d/yen-phong/ogc/collections/proposals/items/{row['id'].value}").json()
    created = datetime.fromisoformat(feature["properties"]["created_at"])
    assert isinstance(row["created_at"].value, datetime) and row["created_at"].number_format == "dd/mm/yyyy hh:mm"
    assert row["created_at"].value == created.replace(tzinfo=None)  # +07:00: the wall clock of Vietnam
    assert row["plan_year"].number_format == "0" and row["estimated_cost"].number_format == "#,##0"
    meetings = load_workbook(io.BytesIO(client.get(f"{D}/downloads/village-meetings.xlsx").content)).active
    head = [c.value for c in meetings[1]]
    row = {name: cell for name, cell in zip(head, meetings[2])}
    assert type(row["held_on"].value) in (date, datetime) and row["held_on"].number_format == "dd/mm/yyyy"


def test_each_collection_links_its_features_json_schema_listed_in_the_api(client_for):
    """The schema route of every collection a reader may read: linked from the collection (describedby,
    application/schema+json), listed in /api, typed from the kit's declared properties; another district's reader 404."""
    client = client_for("huyen.yen-phong")
    for service, layers in (("/d/yen-phong/ogc", registry.for_district()), ("/ogc", registry.for_province())):
        api = client.get(f"{service}/api").json()
        for layer in layers:
            collection = client.get(f"{service}/collections/{layer.id}")
            if collection.status_code == 404:
                continue
            links = [link for link in collection.json()["links"] if link["rel"].lower() == "describedby"]
            assert links and {link["type"] for link in links} == {"application/schema+json"}, layer.id
            assert f"/collections/{layer.id}/schema" in api["paths"], layer.id
            response = client.get(links[0]["href"])
            assert response.status_code == 200 and response["Content-Type"] == "application/schema+json", layer.id
            properties = response.json()["properties"]["properties"]["properties"]
            for name, (kind, _sql) in layer.properties.items():
                if name == "id":
                    continue
                expected = {"integer": "integer", "number": "number", "boolean": "boolean", "string": "string", "date": "string",
                            "datetime": "string", "array": "array", "object": "object"}[kind]
                assert properties[name]["type"] == ("number" if name in layer.amounts else expected), (layer.id, name)
                if kind in ("date", "datetime"):
                    assert properties[name]["format"] == {"date": "date", "datetime": "date-time"}[kind]
    assert client_for("huyen.que-vo").get("/d/yen-phong/ogc/collections/proposals/schema").status_code == 404
    assert client.get("/d/yen-phong/ogc/collections/proposals/schema?x=1").status_code == 400

"""geo.exports: every format opened back with GDAL's ogrinfo (layer name, feature count, Vietnamese text)."""
import csv
import io
import subprocess
import zipfile
from datetime import date

import pytest
from openpyxl import load_workbook

from geo.exports import export_filename, layer_file

TITLE = "Đường bê tông thôn Đông Yên"


def _mixed(n=30):
    """n features cycling point / line / polygon, with Vietnamese titles, a formula-looking one, and one without geometry."""
    features = []
    for i in range(n):
        x, y = 106.0 + i * 0.001, 21.1
        geometry = [
            {"type": "Point", "coordinates": [x, y]},
            {"type": "LineString", "coordinates": [[x, y], [x + 0.0005, y + 0.0005]]},
            {"type": "Polygon", "coordinates": [[[x, y], [x + 0.0005, y], [x + 0.0005, y + 0.0005], [x, y]]]},
        ][i % 3]
        features.append({"type": "Feature", "id": i + 1, "geometry": geometry,
                          "properties": {"title": f"{TITLE} {i}", "estimated_cost": 1_000_000 * (i + 1), "sector": "transport"}})
    features[0]["properties"]["title"] = '=HYPERLINK("http://example.invalid","x")'
    return {"type": "FeatureCollection", "features": features}


def _ogrinfo(tmp_path, filename, content, *args):
    path = tmp_path / filename
    path.write_bytes(content)
    done = subprocess.run(["ogrinfo", "-ro", "-al", "-so", *args, str(path)], capture_output=True, text=True, check=True)
    return done.stdout


def _layers(info):
    return {line.split(":", 1)[1].strip(): None for line in info.splitlines() if line.startswith("Layer name:")}


def _counts(info):
    return [int(line.split(":")[1]) for line in info.splitlines() if line.startswith("Feature Count:")]


def test_file_name_is_district_layer_date_in_ascii():
    assert export_filename(district="Yên Phong", layer="plan works", fmt="gpkg", on=date(2026, 11, 29)) == "yen-phong-plan-works-29-11-2026.gpkg"
    assert export_filename(district="đông-anh", layer="proposals", fmt="shp", on=date(2026, 1, 2)) == "dong-anh-proposals-02-01-2026.zip"


def test_geopackage_has_the_layers_name_every_feature_and_vietnamese_text(tmp_path):
    made = layer_file(_mixed(), fmt="gpkg", layer="plan-works", district="yen-phong", on=date(2026, 11, 29))
    assert made.filename == "yen-phong-plan-works-29-11-2026.gpkg"
    info = _ogrinfo(tmp_path, made.filename, made.content)
    assert list(_layers(info)) == ["plan_works"]
    assert _counts(info) == [30]
    full = subprocess.run(["ogrinfo", "-ro", "-al", str(tmp_path / made.filename)], capture_output=True, text=True, check=True).stdout
    assert f"{TITLE} 7" in full


def test_shapefile_zip_has_one_shapefile_per_geometry_type_with_cpg_and_prj(tmp_path):
    made = layer_file(_mixed(), fmt="shp", layer="plan-works", district="yen-phong")
    names = set(zipfile.ZipFile(io.BytesIO(made.content)).namelist())
    for family in ("points", "lines", "polygons"):
        for ext in ("shp", "shx", "dbf", "prj", "cpg"):
            assert f"plan_works_{family}.{ext}" in names
    assert not any(n.startswith(".") for n in names)
    zipped = tmp_path / made.filename
    zipped.write_bytes(made.content)
    info = subprocess.run(["ogrinfo", "-ro", "-al", "-so", f"/vsizip/{zipped}"], capture_output=True, text=True, check=True).stdout
    assert sorted(_layers(info)) == ["plan_works_lines", "plan_works_points", "plan_works_polygons"]
    assert sum(_counts(info)) == 30
    assert zipfile.ZipFile(io.BytesIO(made.content)).read("plan_works_points.cpg").decode().strip().upper() in ("UTF-8", "UTF8")
    full = subprocess.run(["ogrinfo", "-ro", "-al", f"/vsizip/{zipped}/plan_works_lines.shp"], capture_output=True, text=True, check=True).stdout
    assert f"{TITLE} 4" in full


def test_kml_names_its_folder_and_keeps_every_feature(tmp_path):
    made = layer_file(_mixed(), fmt="kml", layer="proposals", district="que-vo")
    info = _ogrinfo(tmp_path, made.filename, made.content)
    assert list(_layers(info)) == ["proposals"]
    assert _counts(info) == [30]
    assert TITLE.encode() in made.content


@pytest.mark.parametrize("lonlat", [False, True])
def test_csv_has_wkt_or_lon_lat_and_inert_formulas(tmp_path, lonlat):
    made = layer_file(_mixed(), fmt="csv", layer="proposals", district="que-vo", lonlat=lonlat)
    text = made.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 30
    assert rows[1]["title"] == f"{TITLE} 1"
    assert rows[0]["title"].startswith("'=")
    if lonlat:
        assert float(rows[0]["lon"]) == pytest.approx(106.0) and float(rows[0]["lat"]) == pytest.approx(21.1)
    else:
        assert rows[1]["wkt"].startswith("LINESTRING")
    assert _counts(_ogrinfo(tmp_path, made.filename, made.content)) == [30]


def test_excel_sheet_has_every_feature_and_text_formulas():
    made = layer_file(_mixed(), fmt="xlsx", layer="proposals", district="que-vo")
    sheet = load_workbook(io.BytesIO(made.content)).active
    assert sheet.title == "proposals"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("id", "title") and rows[0][-1] == "wkt"
    assert len(rows) == 31
    assert rows[1][1] == '=HYPERLINK("http://example.invalid","x")'
    assert sheet.cell(row=2, column=2).data_type == "s"


def test_geojson_carries_the_layer_name(tmp_path):
    made = layer_file(_mixed(), fmt="geojson", layer="proposals", district="que-vo")
    info = _ogrinfo(tmp_path, made.filename, made.content)
    assert list(_layers(info)) == ["proposals"]
    assert _counts(info) == [30]


DECLARED = {"id": "integer", "title": "string", "commune_rank": "integer", "merged_into": "integer", "share": "number",
            "decided_on": "date"}


def _all_null(n=3):
    """Features whose declared integer, number and date columns are null everywhere (GDAL would guess String)."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": i, "geometry": {"type": "Point", "coordinates": [106.0 + i * 0.01, 21.1]},
         "properties": {"id": i, "title": f"{TITLE} {i}", "commune_rank": None, "merged_into": None, "share": None,
                        "decided_on": None}} for i in range(1, n + 1)]}


def _field_types(info):
    """{field: OGR type} from `ogrinfo -so` output ("commune_rank: Integer64 (0.0)")."""
    types = {}
    for line in info.splitlines():
        name, colon, rest = line.partition(": ")
        if colon and rest[:1].isupper() and "(" in rest and " " not in name.strip():
            types[name.strip()] = rest.split(" ")[0]
    return types


@pytest.mark.parametrize("fmt", ["gpkg", "shp"])
def test_declared_types_reach_the_file_even_when_every_value_is_null(tmp_path, fmt):
    made = layer_file(_all_null(), fmt=fmt, layer="plan-works", district="yen-phong", properties=DECLARED)
    if fmt == "shp":
        (tmp_path / made.filename).write_bytes(made.content)
        info = subprocess.run(["ogrinfo", "-ro", "-al", "-so", "/vsizip/" + str(tmp_path / made.filename)],
                              capture_output=True, text=True, check=True).stdout
    else:
        info = _ogrinfo(tmp_path, made.filename, made.content)
    types = {name: kind for name, kind in _field_types(info).items()}
    if fmt == "shp":  # dBase field names hold 10 characters
        types = {name: types[name[:10]] for name in DECLARED}
    assert types["commune_rank"].startswith("Integer") and types["merged_into"].startswith("Integer"), types
    assert types["share"] == "Real" and types["decided_on"] == "Date" and types["title"] == "String", types


def test_csv_and_excel_have_one_id_column_and_the_declared_columns_even_when_empty():
    made = layer_file(_all_null(), fmt="csv", layer="plan-works", district="yen-phong", properties=DECLARED)
    head = made.content.decode("utf-8-sig").splitlines()[0].split(",")
    assert head == [*DECLARED, "wkt"]
    empty = {"type": "FeatureCollection", "features": []}
    made = layer_file(empty, fmt="csv", layer="plan-works", district="yen-phong", properties=DECLARED, lonlat=True)
    assert made.content.decode("utf-8-sig").splitlines() == [",".join([*DECLARED, "lon", "lat"])]
    made = layer_file(empty, fmt="xlsx", layer="plan-works", district="yen-phong", properties={"title": "string"})
    rows = list(load_workbook(io.BytesIO(made.content)).active.iter_rows(values_only=True))
    assert rows == [("id", "title", "wkt")]


def test_a_shapefile_of_a_layer_without_geometries_has_the_declared_columns_and_no_rows(tmp_path):
    """Was NothingToExport (a 409 the browser showed as a cancelled download): now an empty Shapefile of the declared type."""
    made = layer_file({"type": "FeatureCollection", "features": []}, fmt="shp", layer="proposals", district="que-vo",
                      properties={"title": "string", "estimated_cost": "integer", "decided_on": "date"}, geometry_type="Point")
    path = tmp_path / "empty.zip"
    path.write_bytes(made.content)
    text = subprocess.run(["ogrinfo", "-ro", "-so", "-al", f"/vsizip/{path}"], capture_output=True, text=True, check=True).stdout
    assert "Layer name: proposals_points" in text and "Feature Count: 0" in text and "Geometry: Point" in text
    assert "title: String" in text and "estimated_: Integer64" in text and "decided_on: Date" in text

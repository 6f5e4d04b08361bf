"""Every format users have, read as field tools write it: names kept, every folder, declared systems honoured.

The files are made here (by openpyxl, by hand, or by GDAL's own `ogr2ogr` for Shapefile and
GeoPackage), so each test says how its file was built. Expected positions in VN-2000 are computed
independently with pyproj (its own PROJ and EPSG database).
"""
import io
import json
import subprocess
import unicodedata
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from pyproj import Geod, Transformer

from geo.readers import read_records

ALL = {"csv", "xlsx", "geojson", "kml", "kmz", "gpx", "shp", "gpkg"}
LON, LAT = 106.0796, 21.1530  # in Bắc Ninh
GEOD = Geod(ellps="WGS84")
TO_TM3 = Transformer.from_crs("EPSG:4326", "EPSG:9209", always_xy=True)  # VN-2000 / TM-3 105-30, EPSG:6960 shift


def read(name, data, kinds=ALL, **kwargs):
    with translation.override("en"):
        return read_records(SimpleUploadedFile(name, data), kinds=kinds, **kwargs)


def metres(geometry, lon, lat):
    return GEOD.inv(geometry.x, geometry.y, lon, lat)[2]


def kml(*folders):
    body = ""
    for folder, marks in folders:
        body += f"<Folder><name>{folder}</name>"
        for title, sector, coordinates in marks:
            body += (f"<Placemark><name>{title}</name><ExtendedData><Data name=\"Lĩnh vực\"><value>{sector}</value></Data>"
                     f"<Data name=\"Kinh phí dự kiến\"><value>150000000</value></Data></ExtendedData>"
                     f"<Point><coordinates>{coordinates}</coordinates></Point></Placemark>")
        body += "</Folder>"
    return f'<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>{body}</Document></kml>'.encode()


def test_kml_reads_every_folder_and_keeps_vietnamese_field_names():
    data = kml(("Thôn Đông", [("Đường thôn Đông", "Giao thông", f"{LON},{LAT},12.5")]),
               ("Thôn Tây", [("Trường mầm non", "Giáo dục", f"{LON + 0.001},{LAT},0"), ("Trạm y tế", "Y tế", f"{LON},{LAT + 0.001}")]))
    result = read("de-xuat.kml", data)
    assert result.format == "kml"
    assert [(r.layer, r.fields["name"], r.fields["Lĩnh vực"]) for r in result.records] == [
        ("Thôn Đông", "Đường thôn Đông", "Giao thông"), ("Thôn Tây", "Trường mầm non", "Giáo dục"), ("Thôn Tây", "Trạm y tế", "Y tế")]
    assert result.records[0].fields["Kinh phí dự kiến"] == "150000000"
    first = result.records[0].geometry
    assert (first.geom_type, first.hasz, first.srid, first.coords) == ("Point", False, 4326, (LON, LAT))


def test_kmz_is_the_zipped_kml_with_every_folder():
    data = kml(("A", [("Một", "Khác", f"{LON},{LAT}")]), ("B", [("Hai", "Khác", f"{LON},{LAT}")]))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("doc.kml", data)
        archive.writestr("files/icon.png", b"\x89PNG")
    result = read("de-xuat.kmz", buffer.getvalue())
    assert [r.layer for r in result.records] == ["A", "B"]


def test_kml_polygon_with_altitude_and_multigeometry():
    ring = f"{LON},{LAT},5 {LON + 0.001},{LAT},5 {LON + 0.001},{LAT + 0.001},5 {LON},{LAT},5"
    data = (f'<kml xmlns="http://www.opengis.net/kml/2.2"><Placemark><name>Ao</name><MultiGeometry>'
            f"<Polygon><outerBoundaryIs><LinearRing><coordinates>{ring}</coordinates></LinearRing></outerBoundaryIs></Polygon>"
            f"<Point><coordinates>{LON},{LAT}</coordinates></Point></MultiGeometry></Placemark></kml>").encode()
    (record,) = read("ao.kml", data).records
    assert record.geometry.geom_type == "GeometryCollection" and not record.geometry.hasz


def test_gpx_tracks_and_waypoints():
    data = f"""<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="OsmAnd" xmlns="http://www.topografix.com/GPX/1/1">
<wpt lat="{LAT}" lon="{LON}"><ele>11.2</ele><time>2026-04-25T08:30:00Z</time><name>Cống thôn Đông</name></wpt>
<trk><name>Đường đê tả Cầu</name><trkseg><trkpt lat="{LAT}" lon="{LON}"><ele>5</ele></trkpt>
<trkpt lat="{LAT + 0.002}" lon="{LON + 0.002}"><ele>6</ele></trkpt></trkseg></trk></gpx>""".encode()
    result = read("duong-di.gpx", data)
    by_layer = {r.layer: r for r in result.records}
    assert set(by_layer) == {"waypoints", "tracks"}
    assert by_layer["waypoints"].fields["name"] == "Cống thôn Đông" and by_layer["waypoints"].geometry.coords == (LON, LAT)
    assert isinstance(by_layer["waypoints"].fields["time"], datetime)
    assert by_layer["tracks"].fields["name"] == "Đường đê tả Cầu"
    assert by_layer["tracks"].geometry.geom_type == "MultiLineString" and by_layer["tracks"].geometry.num_coords == 2


def test_geojson_feature_collection_in_vn2000_lands_where_it_should():
    truth = [(LON, LAT), (LON + 0.01, LAT - 0.02)]
    features = []
    for lon, lat in truth:
        x, y = TO_TM3.transform(lon, lat)
        features.append({"type": "Feature", "properties": {"Tên": "Cầu"}, "geometry": {"type": "Point", "coordinates": [x, y, 3.0]}})
    collection = {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::9209"}}, "features": features}
    records = read("vn2000.geojson", json.dumps(collection).encode()).records
    for record, (lon, lat) in zip(records, truth, strict=True):
        assert metres(record.geometry, lon, lat) < 0.5, metres(record.geometry, lon, lat)
        assert not record.geometry.hasz and record.geometry.srid == 4326
    # Without the crs member, the same numbers are refused as metres, not read as degrees.
    del collection["crs"]
    record = read("vn2000.geojson", json.dumps(collection).encode()).records[0]
    assert record.geometry is None and "VN-2000/UTM metres" in record.errors["geometry"][0]


def test_geojson_crs_on_a_feature_and_vn2000_geographic():
    # VN-2000 geographic degrees differ from WGS 84 by about 200 m in Bắc Ninh; the crs says which.
    to_vn2000 = Transformer.from_crs("EPSG:4326", "EPSG:4756", always_xy=True)
    lon, lat = to_vn2000.transform(LON, LAT)
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "crs": {"type": "name", "properties": {"name": "EPSG:4756"}}, "properties": {},
         "geometry": {"type": "Point", "coordinates": [lon, lat]}},
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [lon, lat]}},
    ]}
    declared, undeclared = read("x.geojson", json.dumps(collection).encode()).records
    assert metres(declared.geometry, LON, LAT) < 0.5
    assert 150 < metres(undeclared.geometry, LON, LAT) < 300  # the error the crs member prevents


def test_geojson_unknown_crs_is_refused_not_ignored():
    collection = {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:999999"}},
                  "features": [{"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [LON, LAT]}}]}
    (record,) = read("x.geojson", json.dumps(collection).encode()).records
    assert record.geometry is None and "EPSG:999999" in record.errors["geometry"][0]


def cp1258(text):
    """Encode as Windows-1258 does: â, ê, ô, ơ, ư, ă, đ are letters of the code page, tone marks combine."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        try:
            out.append(ch.encode("cp1258"))
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tones = [m for m in parts[1:] if m in "\u0300\u0301\u0303\u0309\u0323"]
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tones))
            out.append((base + "".join(tones)).encode("cp1258"))
    return b"".join(out)


def test_csv_in_windows_1258_with_a_title_and_semicolons():
    rows = ["DANH SÁCH ĐỀ XUẤT THÔN ĐÔNG NĂM 2027", "", "Tên đề xuất;Lĩnh vực;Kinh phí dự kiến;Kinh độ;Vĩ độ"]
    rows += [f"Đường bê tông ngõ {n};Giao thông;150.000.000;{LON};{LAT}" for n in range(1, 13)]
    text = "\r\n".join(rows) + "\r\n"
    data = cp1258(text)
    result = read("de-xuat.csv", data)
    assert len(result.records) == 12
    first = result.records[0]
    assert first.row == 4
    assert first.fields == {"Tên đề xuất": "Đường bê tông ngõ 1", "Lĩnh vực": "Giao thông", "Kinh phí dự kiến": "150.000.000",
                            "Kinh độ": str(LON), "Vĩ độ": str(LAT)}


def test_csv_utf8_bom_with_commas():
    data = "\ufeffTên,Lĩnh vực,lon,lat\nCầu,Giao thông,106.1,21.2\n".encode()
    (record,) = read("x.csv", data).records
    assert record.fields == {"Tên": "Cầu", "Lĩnh vực": "Giao thông", "lon": "106.1", "lat": "21.2"} and record.row == 2


def test_xlsx_keeps_types_and_number_formats_under_a_title():
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["Báo cáo tiến độ giải ngân"])
    sheet.append(["Mã dự án", "Ngày", "Tiến độ", "Số tiền"])
    sheet.append(["DA-01", datetime(2026, 5, 31), 0.45, 1_500_000_000])
    sheet["B3"].number_format = "DD/MM/YYYY"
    sheet["C3"].number_format = "0%"
    buffer = io.BytesIO()
    book.save(buffer)
    (record,) = read("tien-do.xlsx", buffer.getvalue()).records
    assert record.row == 3 and record.layer == sheet.title
    assert record.fields == {"Mã dự án": "DA-01", "Ngày": datetime(2026, 5, 31), "Tiến độ": 0.45, "Số tiền": 1_500_000_000}
    assert record.formats["Tiến độ"] == "0%" and record.formats["Ngày"] == "DD/MM/YYYY"


def ogr2ogr(tmp_path, driver, target, *options):
    source = tmp_path / "source.geojson"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"ten": "Nhà văn hóa thôn Đông", "linh_vuc": "Văn hóa"},
         "geometry": {"type": "Point", "coordinates": [LON, LAT]}}]}), encoding="utf-8")
    subprocess.run(["ogr2ogr", "-f", driver, str(target), str(source), "-t_srs", "EPSG:9209", *options], check=True, capture_output=True)


def test_zipped_shapefile_in_vn2000_with_cpg_and_prj(tmp_path):
    ogr2ogr(tmp_path, "ESRI Shapefile", tmp_path / "nha_van_hoa.shp", "-lco", "ENCODING=UTF-8")
    parts = sorted(p.name for p in tmp_path.glob("nha_van_hoa.*"))
    assert parts == ["nha_van_hoa.cpg", "nha_van_hoa.dbf", "nha_van_hoa.prj", "nha_van_hoa.shp", "nha_van_hoa.shx"]
    assert "VN" in (tmp_path / "nha_van_hoa.prj").read_text()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in parts:
            archive.write(tmp_path / name, f"nha_van_hoa/{name}")
    (record,) = read("nha-van-hoa.zip", buffer.getvalue()).records
    assert record.fields == {"ten": "Nhà văn hóa thôn Đông", "linh_vuc": "Văn hóa"}
    assert metres(record.geometry, LON, LAT) < 0.5


def test_shapefile_prj_without_datum_shift_still_gets_the_official_vn2000_parameters(tmp_path):
    ogr2ogr(tmp_path, "ESRI Shapefile", tmp_path / "a.shp", "-lco", "ENCODING=UTF-8")
    # An ESRI .prj names the datum D_Vietnam_2000 and carries no shift; PROJ alone would take it as WGS 84.
    assert "TOWGS84" not in (tmp_path / "a.prj").read_text()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path in tmp_path.glob("a.*"):
            archive.write(path, path.name)
    (record,) = read("a.zip", buffer.getvalue()).records
    assert metres(record.geometry, LON, LAT) < 0.5


def test_geopackage_in_vn2000(tmp_path):
    ogr2ogr(tmp_path, "GPKG", tmp_path / "diem.gpkg", "-nln", "Nhà văn hóa")
    (record,) = read("diem.gpkg", Path(tmp_path / "diem.gpkg").read_bytes()).records
    assert record.layer == "Nhà văn hóa" and record.fields["ten"] == "Nhà văn hóa thôn Đông"
    assert metres(record.geometry, LON, LAT) < 0.5


def test_a_format_not_allowed_for_the_upload_is_a_400_naming_the_formats():
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        read_records(SimpleUploadedFile("x.kml", kml()), kinds={"csv", "xlsx"})
    assert caught.value.message_dict["file"] == ["Send one of these formats: CSV, Excel (.xlsx)."]


def test_geometry_false_reads_no_geometry():
    (record,) = read("x.kml", kml(("A", [("Một", "Khác", f"{LON},{LAT}")])), geometry=False).records
    assert record.geometry is None and record.fields["name"] == "Một"


def test_positions_out_of_range_that_look_like_metres_say_so():
    collection = {"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {},
                  "geometry": {"type": "Point", "coordinates": [560123.4, 2340567.8]}}]}
    (record,) = read("x.geojson", json.dumps(collection).encode()).records
    assert "look like VN-2000/UTM metres" in record.errors["geometry"][0]


def test_geopackage_layer_of_generic_geometry_type_keeps_each_features_geometry(tmp_path):
    """A GEOMETRY (mixed) layer, as QGIS or ogr2ogr from KML/GeoJSON write it: the layer's type is 0."""
    source = tmp_path / "s.geojson"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"ten": "A"}, "geometry": {"type": "Point", "coordinates": [LON, LAT]}},
        {"type": "Feature", "properties": {"ten": "B"}, "geometry": {"type": "LineString", "coordinates": [[LON, LAT], [LON + 0.001, LAT]]}},
        {"type": "Feature", "properties": {"ten": "C"}, "geometry": None},
    ]}), encoding="utf-8")
    subprocess.run(["ogr2ogr", "-f", "GPKG", str(tmp_path / "m.gpkg"), str(source), "-nln", "m"], check=True, capture_output=True)
    info = subprocess.run(["ogrinfo", "-so", str(tmp_path / "m.gpkg"), "m"], check=True, capture_output=True, text=True).stdout
    assert "Geometry: Unknown (any)" in info
    records = read("m.gpkg", Path(tmp_path / "m.gpkg").read_bytes()).records
    assert [r.geometry.geom_type if r.geometry else None for r in records] == ["Point", "LineString", None]
    assert metres(records[0].geometry, LON, LAT) < 0.5


def test_a_crs_with_no_transformation_to_wgs84_refuses_the_feature_not_the_server():
    collection = {"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "EPSG:5773"}}, "features": [
        {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [LON, LAT]}}]}
    (record,) = read("x.geojson", json.dumps(collection).encode()).records
    assert record.geometry is None and "EPSG:5773 is not supported" in record.errors["geometry"][0]

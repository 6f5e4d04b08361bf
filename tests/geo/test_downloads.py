"""Whole layers to download (issue 13, part 3): every format opened back with ogrinfo, same access and filters as the layer."""
import csv
import io
import subprocess
import zipfile

import pytest
from django.utils import timezone
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db

D = "/d/yen-phong/api"


def whole(client, url):
    features = []
    while url:
        body = client.get(url).json()
        features += body["features"]
        url = body["next"]
    return features


def ogrinfo(tmp_path, response, *, vsizip=False):
    """(layer names, total feature count, full text) of a downloaded file, read by GDAL."""
    name = response["Content-Disposition"].split('filename="')[1].rstrip('"')
    path = tmp_path / name
    path.write_bytes(response.content)
    target = f"/vsizip/{path}" if vsizip else str(path)
    text = subprocess.run(["ogrinfo", "-ro", "-al", target], capture_output=True, text=True, check=True).stdout
    layers = [line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("Layer name:")]
    count = sum(int(line.split(":")[1]) for line in text.splitlines() if line.startswith("Feature Count:"))
    return layers, count, text


def test_the_list_names_the_layers_the_reader_may_download(client_for):
    district = client_for("huyen.yen-phong").get(f"{D}/downloads/").json()
    ids = {layer["id"] for layer in district}
    assert {"proposals", "village-meetings", "plan-works", "investment-projects"} <= ids
    proposals = next(layer for layer in district if layer["id"] == "proposals")
    assert proposals["formats"]["gpkg"] == "http://testserver/d/yen-phong/api/downloads/proposals.gpkg"
    assert set(proposals["formats"]) == {"geojson", "gpkg", "shp", "kml", "csv", "xlsx"}
    province = {layer["id"] for layer in client_for("tinh").get("/api/downloads/").json()}
    assert {"investment-distribution-communes", "all-projects", "communes"} <= province
    assert "investment-distribution-communes" not in {layer["id"] for layer in client_for("huyen.yen-phong").get("/api/downloads/").json()}


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "kml", "csv"])
def test_proposals_download_whole_with_name_and_vietnamese_text(client_for, tmp_path, fmt):
    client = client_for("huyen.yen-phong")
    listed = whole(client, f"{D}/proposals/?page_size=20")  # several pages
    assert len(listed) > 20
    response = client.get(f"{D}/downloads/proposals.{fmt}")
    assert response.status_code == 200
    today = timezone.localdate().strftime("%d-%m-%Y")
    assert response["Content-Disposition"] == f'attachment; filename="yen-phong-proposals-{today}.{fmt}"'
    layers, count, text = ogrinfo(tmp_path, response)
    assert count == len(listed)
    if fmt != "csv":  # GDAL names a CSV layer after its file
        assert layers == ["proposals"]
    assert listed[0]["properties"]["title"] in text
    assert any("ờ" in f["properties"]["commune_name"] or "ệ" in f["properties"]["title"] for f in listed)


def test_proposals_as_a_zipped_shapefile_and_excel(client_for, tmp_path):
    client = client_for("huyen.yen-phong")
    listed = whole(client, f"{D}/proposals/?page_size=20")
    response = client.get(f"{D}/downloads/proposals/?f=shp")
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert "proposals_points.shp" in names and "proposals_points.cpg" in names and "proposals_points.prj" in names
    layers, count, text = ogrinfo(tmp_path, response, vsizip=True)
    assert count == len(listed)
    assert listed[0]["properties"]["title"] in text
    book = load_workbook(io.BytesIO(client.get(f"{D}/downloads/proposals.xlsx?lonlat=1").content))
    rows = list(book.active.iter_rows(values_only=True))
    assert book.active.title == "proposals" and rows[0][-2:] == ("lon", "lat") and len(rows) == len(listed) + 1


def test_plan_works_mixing_points_lines_polygons_give_one_shapefile_each(client_for, plan_works, tmp_path):
    plan = plan_works  # three shapes, three of each (tests/geo/conftest.py)
    client = client_for("huyen.yen-phong")
    response = client.get(f"{D}/downloads/plan-works.shp?plan={plan.pk}")
    assert response.status_code == 200
    names = set(zipfile.ZipFile(io.BytesIO(response.content)).namelist())
    assert {f"plan_works_{kind}.{ext}" for kind in ("points", "lines", "polygons") for ext in ("shp", "dbf", "shx", "prj", "cpg")} <= names
    layers, count, text = ogrinfo(tmp_path, response, vsizip=True)
    assert sorted(layers) == ["plan_works_lines", "plan_works_points", "plan_works_polygons"] and count == 9
    assert "Công trình thôn Đông số 4" in text
    gpkg_layers, gpkg_count, _ = ogrinfo(tmp_path, client.get(f"{D}/downloads/plan-works.gpkg?plan={plan.pk}"))
    assert gpkg_layers == ["plan_works"] and gpkg_count == 9


def test_filters_follow_the_layer_and_the_readers_scope(client_for):
    district_staff, commune = client_for("huyen.yen-phong"), client_for("xa.09193")
    every = whole(district_staff, f"{D}/proposals/?page_size=500")
    transport = [f for f in every if f["properties"]["sector"] == "transport"]
    rows = list(csv.DictReader(io.StringIO(district_staff.get(f"{D}/downloads/proposals.csv?sector=transport").content.decode("utf-8-sig"))))
    assert len(rows) == len(transport) and {r["sector"] for r in rows} == {"transport"}
    own = whole(commune, f"{D}/proposals/?page_size=500")
    rows = list(csv.DictReader(io.StringIO(commune.get(f"{D}/downloads/proposals.csv").content.decode("utf-8-sig"))))
    assert len(rows) == len(own) < len(every) and {r["commune"] for r in rows} == {"09193"}


def test_another_district_gets_nothing_and_anonymous_the_public_rows_only(client_for):
    assert client_for("huyen.que-vo").get(f"{D}/downloads/proposals.gpkg").status_code == 404
    assert client_for("huyen.yen-phong").get("/api/downloads/investment-distribution-communes.gpkg").status_code == 404
    anonymous = client_for(None)
    assert anonymous.get("/api/downloads/all-projects.gpkg").status_code == 404
    assert anonymous.get(f"{D}/downloads/review-notes.csv").status_code == 404
    listed = {layer["id"] for layer in anonymous.get(f"{D}/downloads/").json()}
    assert "proposals" in listed and "review-notes" not in listed


def test_anonymous_downloads_the_same_rows_as_the_ogc_items(client_for):
    anonymous = client_for(None)
    for path, ogc in ((f"{D}/downloads/proposals.csv", "/d/yen-phong/ogc/collections/proposals/items"),
                      ("/api/downloads/communes.csv", "/ogc/collections/communes/items")):
        response = anonymous.get(path)
        assert response.status_code == 200, (path, response.status_code)
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        items = anonymous.get(ogc, {"limit": 5000}).json()
        ids = [str(f["id"]) for f in items["features"]]
        assert sorted(r["id"] for r in rows) == sorted(ids) and len(ids) == items["numberMatched"] > 0
    published = list(csv.DictReader(io.StringIO(anonymous.get(f"{D}/downloads/proposals.csv").content.decode("utf-8-sig"))))
    assert {r["is_published"] for r in published} == {"true"}


def test_bad_format_or_parameter_is_a_400_naming_it(client_for):
    client = client_for("huyen.yen-phong")
    response = client.get(f"{D}/downloads/proposals/?f=dwg")
    assert response.status_code == 400 and response.json()["f"][0].startswith("f: “dwg” không phải là một trong")  # Vietnamese by default
    response = client.get(f"{D}/downloads/proposals.csv?colour=red")
    assert response.status_code == 400 and "colour" in response.json()
    response = client.get(f"{D}/downloads/proposals.csv?plan_year=abc")
    assert response.status_code == 400 and "plan_year" in response.json()
    assert client.get(f"{D}/downloads/nothing.csv").status_code == 404


def test_province_distribution_downloads_every_commune(client_for, tmp_path):
    response = client_for("tinh").get("/api/downloads/investment-distribution-communes.shp?year=2027")
    assert response.status_code == 200
    today = timezone.localdate().strftime("%d-%m-%Y")
    assert response["Content-Disposition"] == f'attachment; filename="tinh-bac-ninh-investment-distribution-communes-{today}.zip"'
    layers, count, text = ogrinfo(tmp_path, response, vsizip=True)
    assert layers == ["investment_distribution_communes_polygons"] and count == 121
    assert "Thị trấn Chờ" in text


@pytest.mark.parametrize("path", [f"{D}/downloads/proposals.pdf", "/api/downloads/communes.docx"])
def test_an_unknown_format_is_a_json_400_naming_f(client_for, path):
    response = client_for("huyen.yen-phong" if path.startswith("/d/") else "tinh").get(path, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400, (response.status_code, response.content[:200])
    assert response["Content-Type"].startswith("application/json") and "f" in response.json()


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_a_format_refused_in_the_path_or_in_f_reads_the_same(client_for, lang):
    """rv13d finding 7: `proposals.pdf` and `proposals/?f=pdf` refuse the format with one message."""
    client = client_for("huyen.yen-phong")
    by_path = client.get(f"{D}/downloads/proposals.pdf", HTTP_ACCEPT_LANGUAGE=lang)
    by_f = client.get(f"{D}/downloads/proposals/?f=pdf", HTTP_ACCEPT_LANGUAGE=lang)
    assert by_path.status_code == by_f.status_code == 400
    assert by_path.json() == by_f.json() and "pdf" in by_path.json()["f"][0]


def test_csv_writes_booleans_as_geojson_does(client_for):
    """rv13d finding 7: true/false as in GeoJSON (OGR's CSV driver reads them back), never Python's True/False."""
    client = client_for("huyen.yen-phong")
    rows = list(csv.DictReader(io.StringIO(client.get(f"{D}/downloads/proposals.csv").content.decode("utf-8-sig"))))
    assert rows and {row["is_published"] for row in rows} == {"true", "false"}
    assert {row["is_late"] for row in rows} <= {"true", "false"}
    projects = client_for("tinh").get("/api/downloads/all-projects.csv").content.decode("utf-8-sig")
    assert "True" not in projects and "False" not in projects


@pytest.mark.parametrize("path", ["/tiles/", f"{D}/downloads/", "/api/downloads/"])
def test_an_empty_token_is_refused_in_vietnamese(client_for, path):
    response = client_for(None).get(path, HTTP_AUTHORIZATION="Token ")
    assert response.status_code == 401
    assert response.json()["detail"] == "Tiêu đề token không hợp lệ: thiếu khóa."


def test_the_public_proposals_page_offers_anonymous_callers_the_download_menu(client_for):
    anonymous = client_for(None)
    page = anonymous.get("/d/yen-phong/public/proposals/")
    assert page.status_code == 200
    assert b"/d/yen-phong/api/downloads/published-proposals.gpkg" in page.content  # the page's rows, whoever reads it
    assert anonymous.get("/d/yen-phong/api/downloads/published-proposals.gpkg").status_code == 200


@pytest.mark.parametrize("fmt", ["csv", "pdf", "docx", "gpkg"])
@pytest.mark.parametrize("who, path", [
    ("huyen.yen-phong", f"{D}/downloads/nosuch"),  # no such layer
    ("tinh", "/api/downloads/nosuch"),
    (None, "/api/downloads/all-projects"),  # a layer anonymous callers may not read: as if it did not exist
])
def test_a_layer_that_is_not_there_is_a_404_whatever_the_format(client_for, who, path, fmt):
    """p13i item 2: `nosuch.pdf` answered the format's 400 and `nosuch.csv` a 404; the layer is looked up first, so
    both (and `nosuch/?f=pdf`) are a 404, and a layer the caller may not read is not told apart from a missing one."""
    client = client_for(who)
    for url in (f"{path}.{fmt}", f"{path}/?f={fmt}"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="vi")
        assert response.status_code == 404, (url, response.status_code, response.content[:200])


def test_a_known_layer_in_an_unknown_format_is_still_the_formats_400(client_for):
    client = client_for("tinh")
    for url in ("/api/downloads/communes.pdf", "/api/downloads/communes/?f=pdf"):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400 and "pdf" in response.json()["f"][0]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_lang_is_taken_by_layer_items_features_and_downloads_as_by_every_read(client, language):
    """docs/API.md: every read takes `lang` (geo.params.ALWAYS_ACCEPTED); the OGC items and feature routes and the layer
    downloads refused it as "lang is not a parameter of this collection/layer" (review rv15g)."""
    items = client.get(f"/ogc/collections/districts/items?limit=2&lang={language}")
    assert items.status_code == 200 and items["Content-Language"] == language
    assert f"lang={language}" in next(link["href"] for link in items.json()["links"] if link["rel"] == "next")
    feature = client.get(f"/ogc/collections/districts/items/{items.json()['features'][0]['id']}?lang={language}")
    assert feature.status_code == 200 and feature["Content-Language"] == language
    download = client.get(f"/api/downloads/districts.geojson?lang={language}")
    assert download.status_code == 200 and download["Content-Language"] == language
    assert client.get(f"/api/downloads/districts.geojson?lang={language}&nosuch=1").status_code == 400

"""The "Download the layer" menu on the map pages (issue 13, part 3): the layers the reader may read, every format."""
import subprocess

import pytest

pytestmark = pytest.mark.django_db

MENUS = [
    ("xa.09193", "/d/yen-phong/proposals/", ["proposals", "village-meetings"]),
    ("huyen.yen-phong", "/d/yen-phong/", ["proposals", "investment-projects"]),
    ("tinh", "/province/compare/", ["investment-distribution-communes", "investment-distribution-districts", "all-projects"]),
    ("tinh", "/", ["districts", "communes", "villages"]),
]


@pytest.mark.parametrize("username,url,layers", MENUS)
def test_map_pages_offer_every_format_of_their_layers(client_for, username, url, layers):
    page = client_for(username).get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-testid="download-menu"' in html
    base = "/d/yen-phong/api/downloads/" if url.startswith("/d/") else "/api/downloads/"
    for layer in layers:
        for fmt in ("geojson", "gpkg", "shp", "kml", "csv", "xlsx"):
            assert f'href="{base}{layer}.{fmt}"' in html


def test_the_menu_offers_nothing_a_reader_may_not_read(client_for):
    html = client_for("huyen.yen-phong").get("/").content.decode()
    assert "investment-distribution" not in html


@pytest.mark.browser
def test_the_proposals_page_downloads_the_whole_layer_as_geopackage(page, login, tmp_path):
    login("xa.09193", next_url="/d/yen-phong/proposals/")
    page.click("[data-testid=download-menu] summary")
    with page.expect_download() as download:
        page.click("a[data-layer=proposals][href$='.gpkg']")
    assert download.value.suggested_filename.startswith("yen-phong-proposals-") and download.value.suggested_filename.endswith(".gpkg")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    info = subprocess.run(["ogrinfo", "-ro", "-al", "-so", str(path)], capture_output=True, text=True, check=True).stdout
    assert "Layer name: proposals" in info
    count = int(next(line for line in info.splitlines() if line.startswith("Feature Count:")).split(":")[1])
    listed = page.request.get("/d/yen-phong/api/proposals/?page_size=1").json()["count"]
    assert count == listed > 0

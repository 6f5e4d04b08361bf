"""The "Download the layer" menu on the map pages (issue 13, part 3): the layers the reader may read, every format."""
import re
import subprocess
from pathlib import Path

import pytest

from tests.plans.test_public import consultation_draft  # noqa: F401  (a fixture)

pytestmark = pytest.mark.django_db

MENUS = [
    ("xa.09193", "/d/yen-phong/proposals/", ["proposals", "village-meetings"]),
    ("huyen.yen-phong", "/d/yen-phong/", ["proposals", "investment-projects"]),
    ("tinh", "/province/compare/", ["investment-distribution-communes", "investment-distribution-districts", "all-projects"]),
    ("tinh", "/", ["provinces", "districts", "communes", "villages"]),
    ("huyen.yen-phong", "/d/yen-phong/investment/projects/", ["investment-projects"]),
    (None, "/d/yen-phong/public/plans/", ["public-plan-works"]),
    (None, "/d/yen-phong/public/proposals/", ["published-proposals"]),
    ("xa.09193", "/d/yen-phong/public/proposals/", ["published-proposals"]),
]
TEMPLATES = Path(__file__).resolve().parents[2] / "platform"
# Map pages without a layer to download, and why: the plan-cycle maps colour communes by their cycle's step (no layer
# of the kit; the communes themselves are on the home page's menu); the phone's capture map shows the commune to pin on.
NO_MENU = {"plans/dashboard.html", "province/plans.html", "frontend/offline.html"}


def _templates():
    """{"<app>/<page>.html": its text} of every page template of the project."""
    return {"/".join(path.parts[-2:]): path.read_text(encoding="utf-8") for path in TEMPLATES.glob("*/templates/*/*.html")}


def test_every_map_page_offers_its_layers_and_every_layer_is_offered_somewhere():
    """Review rv13: the projects map had no menu and the announced plans' works were offered on no page at all."""
    from geo.layers import registry

    offered = set()
    for name, text in _templates().items():
        menus = re.findall(r"{% download_menu ([^%]*)%}", text)
        for menu in menus:
            offered |= set(re.findall(r'"([^"]+)"', menu))
        if re.search(r'class="map[ "]', text) and name not in NO_MENU:
            assert menus, f"{name} draws a map but offers no download"
    assert sorted(layer.id for layer in registry.all() if layer.id not in offered) == []



@pytest.mark.parametrize("username,url,layers", MENUS)
def test_map_pages_offer_every_format_of_their_layers(client_for, client, username, url, layers):
    page = (client_for(username) if username else client).get(url)
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


UNIT_AND_PROVINCE_LABELS = {
    "provinces": ("Province", "Tỉnh"),
    "districts": ("Districts, towns and cities", "Huyện, thị xã, thành phố"),
    "communes": ("Communes, wards and townships", "Xã, phường, thị trấn"),
    "villages": ("Villages and residential groups", "Thôn, khu phố"),
    "all-projects": ("Public-investment projects of the whole province", "Dự án đầu tư công toàn tỉnh"),
    "investment-distribution-districts": ("Investment by district", "Phân bổ đầu tư theo huyện"),
    "investment-distribution-communes": ("Investment by commune", "Phân bổ đầu tư theo xã"),
}


def test_every_layer_has_a_label_in_each_language():
    """The administrative-unit and province layers are named in the page's language too (they had no `label`: an
    English page offered their Vietnamese data titles); every registered layer has one."""
    from django.utils import translation

    from geo.layers import registry

    for layer in registry.all():
        assert getattr(layer, "label", None), layer.id
    for layer_id, (english, vietnamese) in UNIT_AND_PROVINCE_LABELS.items():
        label = registry.get(layer_id).label
        with translation.override("en"):
            assert str(label) == english
        with translation.override("vi"):
            assert str(label) == vietnamese
    assert registry.get("communes").with_level("village").label == registry.get("communes").label


@pytest.mark.parametrize("url, layer_ids", [("/", ["districts", "communes", "villages"]),
                                            ("/province/compare/", ["investment-distribution-communes",
                                                                    "investment-distribution-districts", "all-projects"])])
def test_the_province_menus_name_their_layers_in_english_on_an_english_page(client_for, url, layer_ids):
    tinh = client_for("tinh")
    english = tinh.get(url + "?lang=en").content.decode()
    vietnamese = tinh.get(url + "?lang=vi").content.decode()
    for layer_id in layer_ids:
        assert UNIT_AND_PROVINCE_LABELS[layer_id][0] in english, layer_id
        assert UNIT_AND_PROVINCE_LABELS[layer_id][1] in vietnamese, layer_id


def test_an_announced_plans_page_downloads_its_own_works(client, consultation_draft):  # noqa: F811
    """The public plan page's menu carries the plan's id, so its files hold that plan's works only."""
    plan = consultation_draft
    html = client.get(f"/d/yen-phong/public/plans/{plan}/").content.decode()
    href = f"/d/yen-phong/api/downloads/public-plan-works.geojson?plan={plan}"
    assert f'href="{href}"' in html
    features = client.get(href).json()["features"]
    assert features and {f["properties"]["plan"] for f in features} == {plan}
    assert client.get(f"/d/yen-phong/api/downloads/public-plan-works.geojson?plan={plan + 1000}").json()["features"] == []


@pytest.mark.parametrize("username", ["xa.09193", "thon.09193-01", "huyen.yen-phong"])
def test_the_public_maps_file_is_the_public_maps_whoever_downloads_it(client_for, client, username):
    """Review rv13b: signed in, the public proposals page's menu gave the reader's working scope (a village head's drafts
    in, the other villages' published proposals out), not what the page shows."""
    url = "/d/yen-phong/api/downloads/published-proposals.geojson"
    ids = sorted(f["properties"]["id"] for f in client.get(url).json()["features"])
    shown = sorted(f["id"] for f in client.get("/d/yen-phong/api/public/proposals/?page_size=5000").json()["features"])
    assert ids and ids == shown
    assert sorted(f["properties"]["id"] for f in client_for(username).get(url).json()["features"]) == ids

"""The comparison page draws communes from vector tiles (issue 13, part 4), in Chromium against a live server."""
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PAGE = "/province/compare/"
COLOURS = {"#fff5eb", "#fdd0a2", "#fd8d3c", "#d94801", "#7f2704", "#d9d9d9"}


def test_communes_come_from_tiles_coloured_by_class_with_figures_on_hover(page, login):
    tiles, layer_pages = [], []
    page.on("response", lambda r: tiles.append(r) if "/tiles/investment-distribution-communes/" in r.url else None)
    page.on("request", lambda r: layer_pages.append(r.url) if "/api/province/investment-distribution/" in r.url else None)
    login("tinh", next_url=PAGE)
    page.wait_for_selector("#compare-map[data-ready='1'][data-drawn-from='geojson']")
    assert not tiles  # districts: the GeoJSON layer
    page.select_option("#compare-filters select[name=level]", "commune")
    page.wait_for_selector("#compare-map[data-ready='1'][data-drawn-from='tiles'][data-tiles='1']")
    assert tiles and all(r.status == 200 for r in tiles)
    assert all(r.headers["content-type"] == "application/vnd.mapbox-vector-tile" for r in tiles)
    # only the legend's page of the GeoJSON layer was asked for at the commune level, never every feature
    assert any("level=commune" in url and "page_size=1" in url for url in layer_pages)
    assert not any("level=commune" in url and "page_size=5000" in url for url in layer_pages)
    assert page.get_attribute("#compare-map", "data-features") == "121"
    shapes = page.locator(".leaflet-tile path.unit-shape, svg path.unit-shape")
    assert shapes.count() >= 121
    fills = {shapes.nth(i).get_attribute("fill") for i in range(0, shapes.count(), 7)}
    assert fills <= COLOURS, fills
    # the figures of a commune come with its tile feature
    page.mouse.move(0, 0)
    box = page.locator("#compare-map").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_selector(".leaflet-tooltip")
    assert "triệu đồng" in page.inner_text(".leaflet-tooltip")

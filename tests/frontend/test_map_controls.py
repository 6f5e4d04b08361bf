"""Every map speaks Vietnamese, shows a metric scale bar and claims no base map it did not draw (issue 15, parts 3 and 5).

All maps are made by PlanMaps.createMap (frontend/js/maps.js); the tests run with TILE_URL="" (no base map).
"""
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=False)]
PAGE = "/d/yen-phong/proposals/"


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, {"width": 390, "height": 844}], ids=["desktop", "phone"])
def test_zoom_and_drawing_tools_are_vietnamese_with_a_scale_bar_and_no_claimed_base_map(page, login, viewport):
    page.set_viewport_size(viewport)
    login("thon.09193-01", next_url=PAGE)
    page.wait_for_selector("#proposal-map[data-ready='1']")
    assert page.get_attribute(".leaflet-control-zoom-in", "title") == "Phóng to"
    assert page.get_attribute(".leaflet-control-zoom-out", "title") == "Thu nhỏ"
    assert page.get_attribute(".leaflet-draw-draw-marker", "title") == "Đặt điểm"
    page.click(".leaflet-draw-draw-marker")
    assert page.inner_text(".leaflet-draw-actions") == "Hủy" and "Bấm vào bản đồ để đặt điểm." in page.inner_text(".leaflet-draw-tooltip")
    scale = page.inner_text(".leaflet-control-scale")
    assert scale.endswith(("km", "m")) and "mi" not in scale and "ft" not in scale
    assert "OpenStreetMap" not in page.inner_text(".leaflet-control-attribution")

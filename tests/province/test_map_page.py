"""The comparison page in Chromium: the legend in millions from the server's classes, hover figures, the PNG button."""
import re
from io import BytesIO

import pytest
from PIL import Image

pytestmark = [pytest.mark.browser, pytest.mark.django_db]

PAGE = "/province/compare/"


def test_legend_and_hover_read_millions_and_the_png_button_downloads_the_current_map(page, login):
    login("tinh", next_url=PAGE)
    page.wait_for_selector("#compare-map[data-ready='1']")
    legend = page.inner_text("[data-testid=legend]")
    assert "(triệu đồng)" in legend and "không có số liệu" in legend
    # class bounds in millions, Vietnamese style ("1.234" or "12,3"), never whole đồng ("1.234.000.000")
    assert not re.search(r"\d{1,3}(\.\d{3}){3}", legend), legend
    page.locator("path.unit-shape").first.hover(force=True)
    tooltip = page.inner_text(".leaflet-tooltip")
    assert "triệu đồng" in tooltip and "triệu đồng/km²" in tooltip

    page.select_option("#compare-filters select[name=measure]", "per_km2")
    page.wait_for_function("() => document.querySelector('[data-testid=legend]').innerText.includes('triệu đồng/km²')")
    button = page.locator("[data-testid=export-png]")
    assert button.inner_text() == "Ảnh PNG"
    assert "investment-distribution.png?" in button.get_attribute("href") and "measure=per_km2" in button.get_attribute("href")
    with page.expect_download() as download:
        button.click()
    image = Image.open(BytesIO(open(download.value.path(), "rb").read()))
    assert image.format == "PNG" and image.size == (1400, 1000)

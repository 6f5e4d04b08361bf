"""The all-projects layer of the province comparison page, in Debian's Chromium against a live server."""
import json

import pytest
from django.db import connection

from investment.models import InvestmentProject
from province.services import rollup_rebuild
from tests.conftest import click_map_shape
from tests.investment.factories import CHO, DONG_TIEN, QUE_VO, make_project, point

# Browser tests here are not django_db: their data is committed (the live server must see it). The page test
# below is, so pytest-django creates the test database for this module.
pytestmark = [pytest.mark.browser]

PAGE = "/province/compare/"


@pytest.mark.django_db
def test_the_page_carries_the_projects_layer_for_province_staff(client_for):
    response = client_for("tinh").get(PAGE)
    assert response.status_code == 200
    assert b"province/js/projects-layer.js" in response.content and b"/api/province/projects/" in response.content
    html = response.content.decode()
    config = json.loads(html.split('id="compare-config" type="application/json">', 1)[1].split("</script>", 1)[0])
    assert config["projects"]["text"]["layer"] == "Dự án đầu tư" and config["projects"]["statuses"]["completed"]


@pytest.fixture
def committed_projects(django_db_setup, django_db_blocker, live_url):
    """Projects in two districts, committed where the live server sees them; deleted (and the rollup rebuilt) after."""
    from django.conf import settings

    from tenants.models import District

    assert settings.DATABASES["default"]["NAME"].startswith("test_"), "refusing to write outside the test database"
    made = []
    with django_db_blocker.unblock():
        yp = District.objects.select_related("unit").get(slug="yen-phong")
        qv = District.objects.select_related("unit").get(slug="que-vo")
        for district, code, lonlat in [(yp, "PL-1", CHO), (yp, "PL-2", DONG_TIEN), (yp, "PL-3", CHO), (qv, "PL-4", QUE_VO)]:
            made.append((district, make_project(district, code=code, geometry=point(lonlat), total=2_500_000_000).pk))
        connection.set_schema_to_public()
        rollup_rebuild()
        connection.close()
    try:
        yield made
    finally:
        with django_db_blocker.unblock():
            for district, pk in made:
                connection.set_tenant(district)
                InvestmentProject.objects.filter(pk=pk).delete()
            connection.set_schema_to_public()
            rollup_rebuild()
            connection.close()


def test_the_projects_layer_draws_clusters_at_province_zoom_and_points_closer_in(committed_projects, page, login):
    login("tinh", next_url=PAGE)
    page.wait_for_selector("#compare-map[data-ready='1']")
    control = page.locator("[data-testid=projects-control]")
    assert "Dự án đầu tư" in control.inner_text()
    assert page.locator(".project-cluster").count() == 0  # off until asked for
    control.locator("input[name=projects-layer]").check()
    page.wait_for_selector("#compare-map[data-projects-ready='1']")
    map_el = page.locator("#compare-map")
    assert map_el.get_attribute("data-projects-mode") == "clusters"
    total = int(map_el.get_attribute("data-projects-count"))
    assert total >= len(committed_projects)
    clusters = page.locator(".project-cluster")
    assert 1 <= clusters.count() < total  # Chờ's projects share a circle at province zoom
    assert sum(int(clusters.nth(i).inner_text()) for i in range(clusters.count())) == total
    # Closer in: single projects coloured by status, with a popup in millions of đồng.
    page.evaluate("window.ProvinceCompare.map.setView([21.2063, 105.9594], 14)")
    page.wait_for_selector("#compare-map[data-projects-ready='1'][data-projects-mode='points']")
    points = page.locator("path.project-point")
    assert points.count() >= 3
    assert points.first.get_attribute("fill") == "#9e9e9e"  # proposed
    click_map_shape(page, "path.project-point", ".leaflet-popup-content")
    popup = page.locator(".leaflet-popup-content")
    text = popup.inner_text()
    assert "PL-" in text and "2.500 triệu đồng" in text and "Yên Phong" in text
    # Switched off, the layer goes away.
    control.locator("input[name=projects-layer]").uncheck()
    assert page.locator("path.project-point").count() == 0

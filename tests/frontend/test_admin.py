"""The Django admin edits administrative units on a Leaflet map widget."""
import pytest

from geo.models import AdministrativeUnit


@pytest.mark.django_db
def test_unit_change_page_has_a_leaflet_widget(client_for):
    admin = client_for("admin")
    unit = AdministrativeUnit.objects.get(code="09193")
    response = admin.get(f"/admin/geo/administrativeunit/{unit.pk}/change/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "leaflet" in html.lower()
    assert 'id="id_geom"' in html
    assert admin.get("/admin/geo/administrativeunit/?level__exact=commune").status_code == 200


@pytest.mark.django_db
def test_admin_saves_a_redrawn_boundary(client_for):
    admin = client_for("admin")
    unit = AdministrativeUnit.objects.get(code="09193-01")
    square = '{"type": "MultiPolygon", "coordinates": [[[[105.95, 21.20], [105.96, 21.20], [105.96, 21.21], [105.95, 21.21], [105.95, 21.20]]]]}'
    response = admin.post(
        f"/admin/geo/administrativeunit/{unit.pk}/change/",
        {"code": unit.code, "name": unit.name, "name_short": unit.name_short, "slug": "", "unit_type": unit.unit_type,
         "level": "village", "parent": unit.parent_id, "geom": square, "is_current": "on", "is_demo": "on", "notes": ""},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    unit.refresh_from_db()
    assert unit.geom.extent == pytest.approx((105.95, 21.20, 105.96, 21.21))


@pytest.mark.django_db
def test_admin_is_closed_to_non_staff(client_for):
    response = client_for("huyen.yen-phong").get("/admin/geo/administrativeunit/")
    assert response.status_code == 302

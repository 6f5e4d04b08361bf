import pytest
from django.db import connection

from geo.models import AdministrativeUnit

CHO = "09193"           # Thị trấn Chờ, Yên Phong
DUNG_LIET = "09196"     # Xã Dũng Liệt, Yên Phong
URL = "/d/yen-phong/api/proposals/"


def inside(code):
    """A point well inside a unit, as [lon, lat]."""
    p = AdministrativeUnit.objects.get(code=code).geom.point_on_surface
    return [round(p.x, 6), round(p.y, 6)]


def feature(commune=CHO, coordinates=None, geometry=None, **properties):
    props = {"commune": commune, "title": "Cứng hóa đường thôn Đông", "sector": "transport", "estimated_cost": 500_000_000}
    props.update(properties)
    return {"type": "Feature", "geometry": geometry or {"type": "Point", "coordinates": coordinates or inside(f"{commune}-01")},
            "properties": props}


@pytest.fixture
def yen_phong(district, db):
    d = district("yen-phong")
    connection.set_tenant(d)
    return d


@pytest.fixture
def post_feature(client_for):
    def post(username, body, url=URL):
        return client_for(username).post(url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    return post

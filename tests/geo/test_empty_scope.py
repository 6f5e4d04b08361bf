"""A reader whom an access rule gives no rows of a layer gets an empty answer, never a 500 (review rv15d, finding 1).

`accounts.access` scopes answer `.none()` for readers outside a layer's rows (a commune unit's village meetings);
Django refuses to write SQL for such a queryset, and the layer kit, its extents, its tiles and the proposal
clusters build raw SQL around the scope's SQL (`geo.statements.sql_with_params`).
"""
import pytest

from accounts.models import User
from geo.layers import LayerNotReadable, registry
from proposals.models import Proposal
from proposals.selectors import proposal_clusters, proposals_visible_to

pytestmark = pytest.mark.django_db
UNITS = ("donvi.09193.1", "donvi.09193.2")
# Every README demo role (README.md, "Demo accounts and what each role sees").
DEMO_ROLES = ("tinh", "huyen.yen-phong", "xa.09193", "thon.09193-01", "hdnd.09193", "thongke.09193", *UNITS,
              "phong.yen-phong.gddt", "so.khdt", "admin")


@pytest.mark.parametrize("username", UNITS)
@pytest.mark.parametrize("url", [
    "/d/yen-phong/api/village-meetings/?commune=09193",
    "/d/yen-phong/api/village-meetings/",
    "/d/yen-phong/ogc/collections/village-meetings/items",
])
def test_a_commune_unit_reads_an_empty_collection_of_village_meetings(client_for, username, url):
    response = client_for(username).get(url)
    assert response.status_code == 200, response.content[:300]
    body = response.json()
    assert body["type"] == "FeatureCollection" and body["features"] == []


@pytest.mark.parametrize("username", UNITS)
def test_a_commune_unit_reads_the_village_meetings_collection_without_an_extent(client_for, username):
    response = client_for(username).get("/d/yen-phong/ogc/collections/village-meetings")
    assert response.status_code == 200, response.content[:300]
    assert response.json()["extent"]["spatial"]["bbox"] == [[-180, -90, 180, 90]]


def test_every_layer_answers_every_demo_role_whatever_its_scope(district):
    """Every district layer, page and extent, for every README role that may read it: an answer, never an error."""
    yen_phong = district()
    from django.db import connection
    connection.set_tenant(yen_phong)
    try:
        answered = 0
        for username in DEMO_ROLES:
            user = User.objects.get(username=username)
            for layer in registry.for_district():
                try:
                    text, total, returned = layer.query(user, yen_phong)
                except LayerNotReadable:
                    continue
                extent = layer.spatial_extent(user, yen_phong)
                assert (total == 0) == (text == "") == (extent is None) == (returned == 0), (username, layer.id)
                answered += 1
        assert answered > len(DEMO_ROLES)
    finally:
        connection.set_schema_to_public()


def test_an_empty_scope_gives_no_clusters_and_no_tile_rows(district, client_for):
    """`proposal_scope` gives nobody-in-particular no proposals: the clusters are none and a tile is an empty one."""
    yen_phong = district()
    from django.contrib.auth.models import AnonymousUser
    from django.db import connection
    connection.set_tenant(yen_phong)
    try:
        nobody = proposals_visible_to(AnonymousUser(), yen_phong)
        assert not nobody.exists() and Proposal.objects.exists()
        assert proposal_clusters(nobody, cell_degrees=0.01) == []
    finally:
        connection.set_schema_to_public()
    for username in UNITS:
        response = client_for(username).get("/d/yen-phong/tiles/proposals/12/3264/1800.pbf")
        assert response.status_code in (200, 204), response.content[:300]

"""Arbitrary input never makes a 500: property-based tests of the geometry guard and the proposal API."""
import json
import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from proposals.models import Proposal

numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True), st.integers(min_value=-10**20, max_value=10**20),
    st.floats(min_value=105.9, max_value=106.1), st.floats(min_value=21.1, max_value=21.3),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, st.text(max_size=12))
positions = st.lists(st.one_of(numbers, scalars), min_size=0, max_size=4)
coordinates = st.recursive(positions, lambda inner: st.lists(inner, max_size=5), max_leaves=40)
geometry_types = st.sampled_from(
    ["Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon", "GeometryCollection", "Feature", "Circle", ""]
)
geometries = st.recursive(
    st.fixed_dictionaries({"type": geometry_types, "coordinates": coordinates}),
    lambda inner: st.fixed_dictionaries({"type": st.just("GeometryCollection"), "geometries": st.lists(inner, max_size=3)}),
    max_leaves=6,
) | scalars | st.dictionaries(st.text(max_size=5), scalars, max_size=3)

FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def dumps(value):
    # Python's json writes NaN/Infinity as bare words, as a careless client would.
    return json.dumps(value, allow_nan=True)


@pytest.mark.django_db
@FUZZ
@given(geometry=geometries)
def test_geometry_check_answers_200_or_400(client_for, geometry):
    response = client_for("xa.09193").post("/api/geometry/check/", dumps({"geometry": geometry, "unit": "09193"}), content_type="application/json")
    assert response.status_code in (200, 400), (geometry, response.content[:300])
    if response.status_code == 400:
        assert response.json()


money = st.one_of(st.integers(min_value=-10**16, max_value=10**16), st.floats(allow_nan=True), st.text(max_size=6), st.none(), st.booleans())


@pytest.mark.django_db
@FUZZ
@given(
    geometry=geometries,
    cost=money,
    share=money,
    sector=st.one_of(st.sampled_from(["transport", "health", "nope", ""]), st.integers()),
    village=st.one_of(st.none(), st.sampled_from(["09193-01", "09196-01", "x"]), st.integers()),
)
def test_proposal_create_answers_201_400_or_403_and_never_leaves_half_a_record(client_for, geometry, cost, share, sector, village):
    from django.db import connection

    from tenants.models import District

    body = {"type": "Feature", "geometry": geometry,
            "properties": {"commune": "09193", "title": "Fuzz", "sector": sector, "estimated_cost": cost,
                           "commune_budget": share, "village": village}}
    connection.set_tenant(District.objects.get(slug="yen-phong"))
    before = Proposal.objects.count()
    response = client_for("xa.09193").post("/d/yen-phong/api/proposals/", dumps(body), content_type="application/json")
    assert response.status_code in (201, 400, 403), (body, response.content[:300])
    connection.set_tenant(District.objects.get(slug="yen-phong"))
    assert Proposal.objects.count() == before + (1 if response.status_code == 201 else 0)
    if response.status_code == 201:
        assert isinstance(cost, int) and not isinstance(cost, bool) and cost >= 0 and not (isinstance(cost, float) and math.isnan(cost))

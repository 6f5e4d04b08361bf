"""An envelope amount too large for a database integer is a 400 naming the envelopes, never a 500 (issue 15 review)."""
import json

import pytest
from django.db import connection

from plans.models import Orientation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("amount", [10**20, "100.000.000.000.000.000.000"])
def test_an_envelope_too_large_is_refused_and_nothing_is_written(client_for, district, amount):
    response = client_for("huyen.yen-phong").post("/d/yen-phong/api/plans/orientations/", json.dumps({
        "plan_year": 2031, "title": "Định hướng", "envelopes": [
            {"commune": "09193", "sector": "transport", "capital_source": "district_budget", "amount": amount}]}),
        content_type="application/json", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400, response.content[:300]
    assert list(response.json()) == ["envelopes"], response.json()
    connection.set_tenant(district("yen-phong"))
    assert not Orientation.objects.filter(plan_year=2031).exists()

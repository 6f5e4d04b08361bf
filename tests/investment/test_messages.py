"""Refusals of the project form name capital sources as people read them, not by their codes (issue 15 review, part 5:
"Vietnamese everywhere"): "Ngân sách tỉnh", never "provincial_budget"."""
import pytest

from investment.models import InvestmentProject
from tests.investment.factories import in_district, make_plan
from tests.investment.test_api import BASE, post, project_feature

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("change", "field"), [
    ({"allocations": [{"source": "commune_budget", "year": 2026, "amount": 1_000}]}, "allocations"),
    ({"sources": [{"source": "district_budget", "amount": 2_500_000_000}, {"source": "district_budget", "amount": 2_500_000_000}]}, "sources"),
])
def test_a_capital_source_is_named_by_its_label_in_vietnamese(client_for, district, change, field):
    plan = make_plan(district("yen-phong"))
    body = project_feature(plan.pk)
    for key, rows in change.items():
        body["properties"][key] = [dict(row, plan=plan.pk) if key == "allocations" else row for row in rows]
    response = post(client_for("huyen.yen-phong"), BASE + "investment-projects/", body)
    assert response.status_code == 400, response.content
    message = " ".join(map(str, response.json()[field]))
    assert "Ngân sách" in message and "_budget" not in message, message
    in_district(district("yen-phong"))
    assert not InvestmentProject.objects.exists()

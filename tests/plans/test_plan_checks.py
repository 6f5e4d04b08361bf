"""Issue 14, part 3 (Đ2.2, Đ2.4): a commune draft against its step-2 envelopes, and an annual public-investment plan
against the medium-term plan it belongs to; differences shown in the API and on the pages, as warnings, not blocks."""
import json

import pytest
from django.db import connection

from tests.investment.factories import CHO, make_plan, make_project, point
from tests.plans.factories import TEAM, inside_point

D = "/d/yen-phong/api/plans"
pytestmark = pytest.mark.django_db


def send(client, url, data=None, method="post"):
    response = getattr(client, method)(url, json.dumps(data or {}), content_type="application/json")
    assert response.status_code in (200, 201), (url, response.content)
    return response.json()


def test_a_commune_draft_against_its_envelopes(client_for):
    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    cycle = send(xa, f"{D}/cycles/", {"commune": "09193", "plan_year": 2031})["id"]
    send(xa, f"{D}/cycles/{cycle}/team/", {"members": TEAM}, "put")
    for step in ("team", "proposals"):
        send(xa, f"{D}/cycles/{cycle}/steps/{step}/complete/")
    orientation = send(huyen, f"{D}/orientations/", {"plan_year": 2031, "title": "Định hướng", "envelopes": [
        {"commune": "09193", "sector": "transport", "capital_source": "district_budget", "amount": 2_000_000_000},
        {"commune": "09193", "sector": "education", "capital_source": "provincial_budget", "amount": 900_000_000},
        {"commune": "09196", "sector": "transport", "capital_source": "district_budget", "amount": 7_000_000_000}]})["id"]
    send(huyen, f"{D}/orientations/{orientation}/publish/")
    send(huyen, f"{D}/cycles/{cycle}/steps/orientation/complete/")
    v1 = send(xa, f"{D}/cycles/{cycle}/draft/", {"from_accepted": False})["id"]
    point_, _ = inside_point("09193")
    for title, sector, funding in (("Đường trục xã", "transport", {"district_budget": 2_500_000_000}),
                                   ("Nhà văn hóa", "culture_sport", {"commune_budget": 400_000_000})):
        send(xa, f"{D}/{v1}/items/", {"type": "Feature", "geometry": point_, "properties": {
            "title": title, "sector": sector, "estimated_cost": sum(funding.values()), "funding": funding}})

    check = xa.get(f"{D}/{v1}/envelope-check/").json()
    rows = {(r["sector"], r["capital_source"]): r for r in check["rows"]}
    assert (rows[("transport", "district_budget")]["envelope"], rows[("transport", "district_budget")]["planned"],
            rows[("transport", "district_budget")]["difference"]) == (2_000_000_000, 2_500_000_000, 500_000_000)
    assert rows[("education", "provincial_budget")]["difference"] == -900_000_000  # an envelope not used
    assert rows[("culture_sport", "commune_budget")]["envelope"] is None and rows[("culture_sport", "commune_budget")]["difference"] is None
    assert [(r["sector"], r["capital_source"]) for r in check["over"]] == [("transport", "district_budget")] and check["ok"] is False
    assert all(r["envelope"] != 7_000_000_000 for r in check["rows"])  # another commune's envelope never counts
    page = xa.get(f"/d/yen-phong/plans/cycles/{cycle}/").content.decode()
    assert 'data-testid="envelope-check"' in page and "1 dòng vượt khung nguồn lực." in page
    assert client_for("xa.09196").get(f"{D}/{v1}/envelope-check/").status_code == 404  # another commune's plan


def test_an_annual_plan_against_its_medium_term_plan(district, client_for):
    yen_phong = district()
    medium = make_plan(yen_phong, kind="medium_term", start_year=2026, approve=True)
    annual = make_plan(yen_phong, kind="annual", start_year=2027, name="Kế hoạch năm 2027")
    make_project(yen_phong, code="DA-TH-1", geometry=point(CHO), communes=["09193"], allocations=[
        {"plan": medium, "year": 2026, "source": "district_budget", "amount": 1_000_000_000},
        {"plan": annual, "year": 2027, "source": "district_budget", "amount": 1_500_000_000},
        {"plan": annual, "year": 2027, "source": "commune_budget", "amount": 100_000_000}])
    make_project(yen_phong, code="DA-TH-2", geometry=point(CHO), communes=["09193"], allocations=[
        {"plan": annual, "year": 2027, "source": "district_budget", "amount": 300_000_000}])
    connection.set_schema_to_public()

    huyen = client_for("huyen.yen-phong")
    check = huyen.get(f"/d/yen-phong/api/investment-plans/{annual.pk}/medium-term-check/").json()
    assert check["medium_term"]["id"] == medium.pk and check["ok"] is False
    rows = {(r["code"], r["source"]): r for r in check["rows"]}
    assert (rows[("DA-TH-1", "district_budget")]["medium_term"], rows[("DA-TH-1", "district_budget")]["over"]) == (1_000_000_000, 500_000_000)
    assert (rows[("DA-TH-1", "commune_budget")]["medium_term"], rows[("DA-TH-1", "commune_budget")]["over"]) == (0, 100_000_000)
    assert [p["code"] for p in check["not_in_medium_term"]] == ["DA-TH-2"] and rows[("DA-TH-2", "district_budget")]["over"] is None
    assert huyen.get(f"/d/yen-phong/api/investment-plans/{medium.pk}/medium-term-check/").json()["rows"] == []
    assert client_for("xa.09193").get(f"/d/yen-phong/api/investment-plans/{annual.pk}/medium-term-check/").status_code == 403
    page = huyen.get(f"/d/yen-phong/investment/review/?plan={annual.pk}").content.decode()
    assert "Đối chiếu với kế hoạch trung hạn" in page and 'data-project="DA-TH-2"' in page and "vượt 500 triệu" in page

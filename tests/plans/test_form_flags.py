"""Each form of the plan pages is rendered only for the role that owns its action (the API decides again)."""
import json

import pytest

from tests.plans.factories import TEAM, proposals_decided

D = "/d/yen-phong/api/plans"


def post(client, path, data, method="post"):
    return getattr(client, method)(path, json.dumps(data), content_type="application/json")


@pytest.mark.django_db
def test_cycle_page_forms_follow_the_role_and_the_step(client_for, district):
    xa, huyen, thon = client_for("xa.09193"), client_for("huyen.yen-phong"), client_for("thon.09193-01")
    cycle = post(xa, f"{D}/cycles/", {"commune": "09193", "plan_year": 2027}).json()["id"]
    url = f"/d/yen-phong/plans/cycles/{cycle}/"
    assert 'id="team-form"' in xa.get(url).content.decode()
    for other in (huyen, thon):  # the district reviews the commune, the village head reads its own commune's cycle
        page = other.get(url)
        assert page.status_code == 200
        assert "Thị trấn Chờ" in page.content.decode() and 'id="team-form"' not in page.content.decode()
    assert post(xa, f"{D}/cycles/{cycle}/team/", {"members": TEAM}, "put").status_code == 200
    proposals_decided(district("yen-phong"))
    for step in ("team", "proposals"):
        assert post(xa, f"{D}/cycles/{cycle}/steps/{step}/complete/", {}).status_code == 200
    page = xa.get(url).content.decode()
    assert 'id="team-form"' not in page and "Nguyễn Văn An" in page  # after step Đ3 the team is shown, not edited
    orientation = post(huyen, f"{D}/orientations/", {"plan_year": 2027, "title": "Định hướng"}).json()["id"]
    assert post(huyen, f"{D}/orientations/{orientation}/publish/", {}).status_code == 200
    assert post(huyen, f"{D}/cycles/{cycle}/steps/orientation/complete/", {}).status_code == 200
    assert 'id="draft-form"' in xa.get(url).content.decode()
    assert 'id="draft-form"' not in huyen.get(url).content.decode()
    assert post(xa, f"{D}/cycles/{cycle}/draft/", {"from_accepted": False}).status_code == 201
    team_page, district_page = xa.get(url).content.decode(), huyen.get(url).content.decode()
    for form in ('id="target-form"', 'id="item-form"', 'id="conference-form"'):
        assert form in team_page and form not in district_page
    assert 'id="feedback-form"' not in district_page  # step 4 has not started


@pytest.mark.django_db
def test_dashboard_offers_to_open_a_cycle_and_the_orientation_only_to_who_may(client_for):
    huyen, xa = client_for("huyen.yen-phong"), client_for("xa.09193")
    district_page = huyen.get("/d/yen-phong/plans/?plan_year=2041").content.decode()
    assert 'id="open-cycle-form"' in district_page and 'id="orientation-form"' in district_page
    assert district_page.count('<option value="09') >= 14  # every commune can be opened
    commune_page = xa.get("/d/yen-phong/plans/?plan_year=2041").content.decode()
    assert 'id="open-cycle-form"' in commune_page and 'id="orientation-form"' not in commune_page
    assert commune_page.count("<option value=\"09193\"") == 1 and 'value="09196"' not in commune_page
    assert post(xa, f"{D}/cycles/", {"commune": "09193", "plan_year": 2041}).status_code == 201
    assert 'id="open-cycle-form"' not in xa.get("/d/yen-phong/plans/?plan_year=2041").content.decode()
    assert 'id="open-cycle-form"' not in client_for("tinh").get("/d/yen-phong/plans/?plan_year=2041").content.decode()

"""Issue 15, part 2: each role's menu reaches every page of that role (frontend/navigation.py), through real requests."""
import re

import pytest
from django.db import connection

from monitoring.models import MEPlan
from tests.monitoring.factories import me_plan_with_report

pytestmark = pytest.mark.django_db


def menu(client, path):
    """{key: href} of the menu of the page at `path`."""
    response = client.get(path)
    assert response.status_code == 200, path
    html = response.content.decode()
    nav = re.search(r'<nav class="menu".*?</nav>', html, re.S)
    assert nav, f"no menu on {path}"
    return dict((key, href) for href, key in re.findall(r'<a href="([^"]+)" data-page="([^"]+)"', nav.group(0)))


def test_district_office_reaches_its_investment_pages_and_monitoring(client_for):
    links = menu(client_for("huyen.yen-phong"), "/d/yen-phong/")
    assert links["monitoring"] == "/d/yen-phong/monitoring/"
    assert links["investment-plans"] == "/d/yen-phong/investment/plans/"
    assert links["investment-projects"] == "/d/yen-phong/investment/projects/"
    assert links["investment-review"] == "/d/yen-phong/investment/review/"
    assert {"district", "proposals", "plans", "public-proposals", "public-plans"} <= set(links)
    assert "province-compare" not in links


def test_every_menu_link_answers_200_for_its_role(client_for, district):
    me_plan_with_report(district("yen-phong"))
    connection.set_schema_to_public()
    for username in ("huyen.yen-phong", "xa.09193", "thon.09193-01", "tinh"):
        client = client_for(username)
        start = "/" if username == "tinh" else "/d/yen-phong/"
        for key, href in menu(client, start).items():
            assert client.get(href).status_code == 200, (username, key, href)


def test_village_head_reaches_the_village_report_without_typing_its_url(client_for, district):
    me_plan = me_plan_with_report(district("yen-phong"))
    connection.set_schema_to_public()
    links = menu(client_for("thon.09193-01"), "/d/yen-phong/proposals/")
    assert links["village-report"] == f"/d/yen-phong/monitoring/plans/{me_plan.pk}/"
    assert links["monitoring"] == "/d/yen-phong/monitoring/"
    assert "investment-plans" not in links and "me-plan" not in links
    team = menu(client_for("xa.09193"), "/d/yen-phong/proposals/")
    assert team["me-plan"] == f"/d/yen-phong/monitoring/plans/{me_plan.pk}/"


def test_commune_and_village_accounts_keep_their_own_pages_outside_the_district(client_for, district):
    """On /inbox/ and the province's pages (no district in the address) the commune team's menu had no "Kế hoạch theo
    dõi, đánh giá" and the village head's no "Báo cáo của thôn" (issue 15 review): their one district is linked into."""
    me_plan = me_plan_with_report(district("yen-phong"))
    connection.set_schema_to_public()
    for start in ("/inbox/", "/province/library/"):
        head = client_for("thon.09193-01")
        assert menu(head, start)["village-report"] == f"/d/yen-phong/monitoring/plans/{me_plan.pk}/", start
        team = client_for("xa.09193")
        assert menu(team, start)["me-plan"] == f"/d/yen-phong/monitoring/plans/{me_plan.pk}/", start
        assert "Kế hoạch theo dõi, đánh giá" in team.get(start).content.decode(), start


def test_province_staff_and_visitors(client_for, client):
    province = menu(client_for("tinh"), "/")
    assert province["province-compare"] == "/province/compare/" and province["province-plans"] == "/plans/"
    visitor = menu(client, "/d/yen-phong/public/proposals/")
    assert set(visitor) == {"province-map", "library", "public-proposals", "public-plans"}


def test_the_current_page_is_marked(client_for):
    html = client_for("huyen.yen-phong").get("/d/yen-phong/monitoring/").content.decode()
    assert re.search(r'data-page="monitoring" aria-current="page"', html)


def test_the_me_year_selector_offers_next_year_and_the_2027_plan_can_be_built(client_for, district):
    """After a 2027 plan is announced the commune team must see a way to build its 2027 M&E plan (it defaulted to this year)."""
    from django.utils import timezone

    from tests.monitoring.factories import approved_plan

    next_year = timezone.localdate().year + 1
    plan = approved_plan(district("yen-phong"), plan_year=next_year)
    assert not MEPlan.objects.filter(plan=plan).exists()
    connection.set_schema_to_public()
    html = client_for("xa.09193").get("/d/yen-phong/monitoring/").content.decode()
    selector = re.search(r'<select name="year".*?</select>', html, re.S)
    assert selector and f'<option value="{next_year}"' in selector.group(0)
    assert f'value="{plan.pk}"' in html and 'data-testid="build-me-plan"' in html
    shown = client_for("xa.09193").get(f"/d/yen-phong/monitoring/?year={next_year}").content.decode()
    assert re.search(rf'<option value="{next_year}" selected>', shown)

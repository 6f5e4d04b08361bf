"""The forms of the plan cycle in Chromium: a commune team and the district use the cycle through the browser.

The live server runs in its own process, so what these tests make is committed; they use a plan year
no other test uses (in Yên Phong) and remove every row of that year through a connection of their own.
"""
import pytest
from django.conf import settings

from geo.models import AdministrativeUnit
from tests.plans.factories import TEAM, remove_plan_year

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
YEAR = 2043
BASE = "/d/yen-phong/api/plans"


def api(page, method, path, data=None):
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    return page.request.fetch(path, method=method, data=data, headers={"X-CSRFToken": csrf, "Referer": page.url})


@pytest.fixture
def cleanup():
    db = settings.DATABASES["default"]
    assert db["NAME"].startswith("test"), db["NAME"]
    yield
    remove_plan_year(YEAR)


def as_user(page, login, username, next_url="/d/yen-phong/"):
    page.context.clear_cookies()
    login(username, next_url=next_url)


def fill_member(page, row, member):
    cells = page.locator("#team-form tr.member").nth(row)
    cells.locator("input[name=full_name]").fill(member["full_name"])
    cells.locator("input[name=position]").fill(member["position"])
    cells.locator("input[name=represents]").fill(member.get("represents", ""))
    if member.get("is_leader"):
        cells.locator("input[name=is_leader]").check()
    if member.get("is_commune_chairman"):
        cells.locator("input[name=is_commune_chairman]").check()


def to_draft_step(page, login, cycle):
    """Team, proposals and the district's orientation done through the API: the cycle is at step 3 (draft)."""
    assert api(page, "PUT", f"{BASE}/cycles/{cycle}/team/", {"members": TEAM}).status == 200
    for step in ("team", "proposals"):
        assert api(page, "POST", f"{BASE}/cycles/{cycle}/steps/{step}/complete/", {}).status == 200
    as_user(page, login, "huyen.yen-phong")
    orientation = api(page, "POST", f"{BASE}/orientations/", {"plan_year": YEAR, "title": f"Định hướng {YEAR}"}).json()["id"]
    assert api(page, "POST", f"{BASE}/orientations/{orientation}/publish/").status == 200
    assert api(page, "POST", f"{BASE}/cycles/{cycle}/steps/orientation/complete/", {}).status == 200
    as_user(page, login, "xa.09193")


def test_commune_opens_its_cycle_and_the_team_form_refuses_four_members_then_takes_five(page, login, cleanup):
    login("xa.09193", next_url=f"/d/yen-phong/plans/?plan_year={YEAR}")
    page.select_option("#open-cycle-form select[name=commune]", "09193")
    page.click("#open-cycle-form button[type=submit]")
    page.wait_for_url("**/plans/cycles/*/")
    assert page.locator("#team-form tr.member").count() == 7
    for row, member in enumerate(TEAM[:4]):
        fill_member(page, row, member)
    page.click("#team-form button[type=submit]")
    error = page.wait_for_selector("#team-form [data-error-for=members]:not(:empty)")
    assert "5" in error.inner_text() and "7" in error.inner_text()
    assert page.locator("#team-form input[name=full_name]").nth(3).input_value() == TEAM[3]["full_name"]  # what was typed stays
    assert page.locator("[data-testid=team-saved]").count() == 0
    fill_member(page, 4, TEAM[4])
    page.click("#team-form button[type=submit]")
    saved = page.wait_for_selector("[data-testid=team-saved]")
    assert "5" in saved.inner_text()
    assert page.locator("#team-form input[name=full_name]").nth(4).input_value() == TEAM[4]["full_name"]
    # The cycle is open: the dashboard no longer offers to open one for this commune and year.
    page.goto(f"/d/yen-phong/plans/?plan_year={YEAR}")
    assert page.locator("#open-cycle-form").count() == 0


def test_commune_adds_a_target_and_a_plan_item_drawn_on_the_map(page, login, cleanup):
    login("xa.09193", next_url="/d/yen-phong/")
    cycle = api(page, "POST", f"{BASE}/cycles/", {"commune": "09193", "plan_year": YEAR}).json()["id"]
    to_draft_step(page, login, cycle)
    page.goto(f"/d/yen-phong/plans/cycles/{cycle}/")
    page.click("#draft-form button[type=submit]")
    page.wait_for_selector("#target-form")
    # A target without its value is refused next to the field; then it is added.
    page.fill("#target-form input[name=indicator]", "Tỷ lệ hộ nghèo")
    page.fill("#target-form input[name=unit]", "%")
    page.click("#target-form button[type=submit]")
    page.wait_for_selector("#target-form [data-error-for=next_target]:not(:empty)")
    assert page.locator("#target-form input[name=indicator]").input_value() == "Tỷ lệ hộ nghèo"
    page.fill("#target-form input[name=current_estimate]", "2,5")
    page.fill("#target-form input[name=next_target]", "1,8")
    page.click("#target-form button[type=submit]")
    page.wait_for_selector("table.targets tr[data-target]")
    assert "Tỷ lệ hộ nghèo" in page.inner_text("table.targets")
    assert "1.80" in page.inner_text("table.targets") or "1,80" in page.inner_text("table.targets")
    # A work drawn on the map inside the commune.
    page.wait_for_selector("#item-map[data-ready='1']")
    p = AdministrativeUnit.objects.get(code="09193").geom.point_on_surface
    page.click(".leaflet-draw-draw-marker")
    x, y = page.evaluate(f"(() => {{ const q = window.planItemMap.latLngToContainerPoint([{p.y}, {p.x}]); return [q.x, q.y]; }})()")
    box = page.locator("#item-map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_selector("#item-map[data-has-geometry='1']")
    page.fill("#item-form input[name=title]", "Nhà văn hóa thôn Đông")
    page.select_option("#item-form select[name=sector]", "culture_sport")
    page.fill("#item-form input[name=estimated_cost]", "2.000")
    page.fill("#item-form input[name='funding.commune_budget']", "3000")  # more than the cost: refused
    page.click("#item-form button[type=submit]")
    page.wait_for_selector("#item-form [data-error-for=funding]:not(:empty)")
    page.fill("#item-form input[name='funding.commune_budget']", "1500")
    page.fill("#item-form input[name=responsible_unit]", "UBND xã")
    page.click("#item-form button[type=submit]")
    page.wait_for_selector("table.items tr[data-item]")
    assert "Nhà văn hóa thôn Đông" in page.inner_text("table.items")
    item = api(page, "GET", f"{BASE}/{page.get_attribute('#works-map', 'data-plan')}/items/").json()["features"][0]
    assert item["geometry"]["type"] == "Point"
    assert item["properties"]["estimated_cost"] == 2_000_000_000
    assert item["properties"]["funding"] == {"commune_budget": 1_500_000_000}
    # The district sees the plan but none of the team's forms.
    as_user(page, login, "huyen.yen-phong", next_url=f"/d/yen-phong/plans/cycles/{cycle}/")
    assert page.locator("#target-form, #item-form, #team-form, #draft-form").count() == 0


def test_district_comments_on_an_item_and_the_commune_answers(page, login, cleanup):
    login("xa.09193", next_url="/d/yen-phong/")
    cycle = api(page, "POST", f"{BASE}/cycles/", {"commune": "09193", "plan_year": YEAR}).json()["id"]
    to_draft_step(page, login, cycle)
    plan = api(page, "POST", f"{BASE}/cycles/{cycle}/draft/", {"from_accepted": False}).json()["id"]
    point = AdministrativeUnit.objects.get(code="09193").geom.point_on_surface
    item = api(page, "POST", f"{BASE}/{plan}/items/", {"type": "Feature", "geometry": {"type": "Point", "coordinates": [point.x, point.y]},
                                                       "properties": {"title": "Đường trục xã", "sector": "transport"}}).json()["id"]
    page.goto(f"/d/yen-phong/plans/cycles/{cycle}/")
    # The commune records the consultation conference through its form, then reports the draft.
    page.fill("#conference-form input[name=held_on]", "2026-06-20")
    page.fill("#conference-form textarea[name=summary]", "Nhân dân đồng tình")
    page.click("#conference-form button[type=submit]")
    page.wait_for_selector("#conference-form [data-error-for=participants]:not(:empty)")
    page.fill("#conference-form input[name=participants]", "45")
    page.click("#conference-form button[type=submit]")
    page.wait_for_selector(".meeting")
    assert page.locator("#feedback-form").count() == 0  # the commune never comments for the district
    assert api(page, "POST", f"{BASE}/cycles/{cycle}/steps/draft/complete/", {}).status == 200

    as_user(page, login, "huyen.yen-phong", next_url=f"/d/yen-phong/plans/cycles/{cycle}/")
    page.fill("#feedback-form textarea[name=body]", "Bổ sung nguồn vốn")
    page.click("#feedback-form button[type=submit]")  # neither an item nor a sector: refused
    page.wait_for_selector("#feedback-form [data-error-for=sector]:not(:empty)")
    assert page.locator("#feedback-form textarea[name=body]").input_value() == "Bổ sung nguồn vốn"
    page.select_option("#feedback-form select[name=item]", str(item))
    page.fill("#feedback-form input[name=office]", "Phòng Tài chính - Kế hoạch")
    page.click("#feedback-form button[type=submit]")
    page.wait_for_selector("li[data-feedback]")
    assert "Bổ sung nguồn vốn" in page.inner_text("ul.feedback")
    assert page.locator(".answer-form").count() == 0  # the district does not answer its own comment

    as_user(page, login, "xa.09193", next_url=f"/d/yen-phong/plans/cycles/{cycle}/")
    page.click(".answer-form button[type=submit]")  # an empty answer is refused
    page.wait_for_selector(".answer-form [data-error-for=answer]:not(:empty)")
    page.fill(".answer-form textarea[name=answer]", "Đã bổ sung vốn ngân sách xã")
    page.click(".answer-form button[type=submit]")
    answer = page.wait_for_selector("[data-testid=feedback-answer]")
    assert "Đã bổ sung vốn ngân sách xã" in answer.inner_text()
    feedback = api(page, "GET", f"{BASE}/{plan}/feedback/").json()
    assert feedback[0]["item"] == item and feedback[0]["answer"] == "Đã bổ sung vốn ngân sách xã"


def test_district_writes_and_publishes_the_orientation_with_envelopes(page, login, cleanup):
    login("xa.09193", next_url=f"/d/yen-phong/plans/?plan_year={YEAR}")
    assert page.locator("#orientation-form").count() == 0  # a commune team never writes the orientation
    as_user(page, login, "huyen.yen-phong", next_url=f"/d/yen-phong/plans/?plan_year={YEAR}")
    form = page.locator("#orientation-form")
    form.locator("input[name=title]").fill(f"Định hướng {YEAR}")
    row = form.locator("tr.envelope").first
    row.locator("select[name=commune]").select_option("09193")
    row.locator("select[name=sector]").select_option("transport")
    row.locator("select[name=capital_source]").select_option("district_budget")
    page.click("#orientation-form button[type=submit]")  # no amount: the row is refused, nothing is saved
    page.wait_for_selector("#orientation-form [data-error-for=envelopes]:not(:empty)")
    assert api(page, "GET", f"{BASE}/orientations/").json()["results"] == [] or all(
        o["plan_year"] != YEAR for o in api(page, "GET", f"{BASE}/orientations/").json()["results"])
    row.locator("input[name=amount]").fill("1.500")
    page.click("#orientation-form button[type=submit]")
    page.wait_for_selector("li[data-orientation] .publish-form")
    page.click("li[data-orientation] .publish-form button")
    page.wait_for_selector("li[data-orientation] .state-published")
    mine = [o for o in api(page, "GET", f"{BASE}/orientations/").json()["results"] if o["plan_year"] == YEAR]
    assert len(mine) == 1 and mine[0]["published_at"]
    assert mine[0]["envelopes"] == [{"commune": "09193", "sector": "transport", "capital_source": "district_budget", "amount": 1_500_000_000}]


def test_revised_and_final_versions_comments_approval_and_comparison(page, login, cleanup, tmp_path):
    from datetime import date, timedelta

    login("xa.09193", next_url="/d/yen-phong/")
    cycle = api(page, "POST", f"{BASE}/cycles/", {"commune": "09193", "plan_year": YEAR}).json()["id"]
    to_draft_step(page, login, cycle)
    plan = api(page, "POST", f"{BASE}/cycles/{cycle}/draft/", {"from_accepted": False}).json()["id"]
    point = AdministrativeUnit.objects.get(code="09193").geom.point_on_surface
    assert api(page, "POST", f"{BASE}/{plan}/items/", {"type": "Feature", "geometry": {"type": "Point", "coordinates": [point.x, point.y]},
                                                       "properties": {"title": "Đường trục xã", "sector": "transport"}}).status == 201
    assert api(page, "POST", f"{BASE}/cycles/{cycle}/conferences/", {"kind": "consultation", "held_on": "2026-06-20",
                                                                      "participants": 40, "summary": "ok"}).status == 201
    assert api(page, "POST", f"{BASE}/cycles/{cycle}/steps/draft/complete/", {}).status == 200
    as_user(page, login, "huyen.yen-phong")
    assert api(page, "POST", f"{BASE}/{plan}/feedback/", {"no_comments": True}).status == 201
    assert api(page, "POST", f"{BASE}/cycles/{cycle}/steps/district_feedback/complete/", {}).status == 200
    as_user(page, login, "xa.09193", next_url=f"/d/yen-phong/plans/cycles/{cycle}/")

    # The revised draft, then the comment window (a date in the past is refused next to the field).
    page.click("#new-version-form button[type=submit]")
    page.wait_for_selector("#consultation-form")
    page.fill("#consultation-form input[name=closes_on]", "2020-01-01")
    page.click("#consultation-form button[type=submit]")
    page.wait_for_selector("#consultation-form [data-error-for=closes_on]:not(:empty)")
    page.fill("#consultation-form input[name=closes_on]", (date.today() + timedelta(days=10)).isoformat())
    page.click("#consultation-form button[type=submit]")
    page.wait_for_selector("[data-testid=consultation-open]")
    revised = int(page.get_attribute("#works-map", "data-plan"))
    assert api(page, "POST", f"{BASE}/{revised}/targets/", {"indicator": "Thu nhập bình quân", "unit": "triệu đồng", "next_target": "80"}).status == 201

    # A resident's comment, moderated and answered by the team.
    page.request.post(f"/d/yen-phong/api/public/plans/{revised}/comments/",
                      data={"body": "Cần lát thêm đường thôn Bắc", "author_name": "Nguyễn Văn Dân"}, headers={"Referer": page.url})
    page.reload()
    page.click("li[data-comment] .moderate-form:has(input[value=publish]) button")
    page.wait_for_selector("li[data-comment][data-status=published]")
    page.click(".comment-answer-form button[type=submit]")
    page.wait_for_selector(".comment-answer-form [data-error-for=answer]:not(:empty)")
    page.fill(".comment-answer-form textarea[name=answer]", "Đã đưa vào kế hoạch")
    page.click(".comment-answer-form button[type=submit]")
    page.wait_for_selector("li[data-comment] .answer")

    # The comparison of v1 and the revised draft shows the new target.
    page.select_option("#compare-form select[name=a]", str(plan))
    page.select_option("#compare-form select[name=b]", str(revised))
    page.click("#compare-form button[type=submit]")
    page.wait_for_selector("table.differences:not([hidden]) tr[data-change=added]")
    assert "Thu nhập bình quân" in page.inner_text("table.differences")

    assert api(page, "POST", f"{BASE}/cycles/{cycle}/conferences/", {"kind": "sedp", "held_on": "2026-10-20",
                                                                      "participants": 40, "summary": "ok"}).status == 201
    assert api(page, "POST", f"{BASE}/cycles/{cycle}/steps/sedp_conference/complete/", {}).status == 200
    page.reload()
    page.select_option("#new-version-form select[name=kind]", "final")
    page.click("#new-version-form button[type=submit]")
    page.wait_for_selector("#new-version-form", state="detached")  # the final version exists: no further version
    # Đ6.1: the team does not record the council's resolution; the People's Council does, on the same page.
    assert page.locator("#resolution-form").count() == 0
    as_user(page, login, "hdnd.09193", next_url=f"/d/yen-phong/plans/cycles/{cycle}/")
    page.wait_for_selector("#resolution-form")
    assert page.locator("#approval-form, #new-version-form").count() == 0
    page.fill("#resolution-form input[name=number]", "12/NQ-HĐND")
    page.click("#resolution-form button[type=submit]")  # no date: refused
    page.wait_for_selector("#resolution-form [data-error-for=date]:not(:empty)")
    scan = tmp_path / "nghi-quyet.pdf"
    scan.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.fill("#resolution-form input[name=date]", "2026-11-10")  # a decision is dated on or before today
    page.set_input_files("#resolution-form input[name=file]", str(scan))
    page.click("#resolution-form button[type=submit]")
    page.wait_for_selector("[data-testid=resolution]")
    assert page.locator("[data-testid=resolution] a").count() == 1

    as_user(page, login, "huyen.yen-phong", next_url=f"/d/yen-phong/plans/cycles/{cycle}/")
    assert page.locator("#resolution-form, #new-version-form, #consultation-form").count() == 0
    page.fill("#approval-form input[name=number]", "345/QĐ-UBND")
    page.fill("#approval-form input[name=date]", "2026-11-20")
    page.click("#approval-form button[type=submit]")
    page.wait_for_selector("[data-testid=approval]")
    final = api(page, "GET", f"{BASE}/{page.get_attribute('#works-map', 'data-plan')}/").json()
    assert final["kind"] == "final" and final["status"] == "approved"
    assert final["council_resolution"]["number"] == "12/NQ-HĐND" and final["council_resolution"]["file"]
    assert final["district_decision"] == {"number": "345/QĐ-UBND", "date": "2026-11-20", "file": None}

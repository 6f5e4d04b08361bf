"""The review map in Debian's Chromium against a live server on the test database.

The live server sees only committed rows, so these tests commit their project and remove it afterwards.
pytest-django sets up the test database only when a collected test uses it: the first test below does,
and `committed_project` refuses to write anywhere but a test database. Once Playwright's event loop
runs, ORM calls here may get a connection of their own context: each committed step closes it, or the
test database could not be dropped at the end of the session.
"""
import pytest
from django.db import connection

from investment.models import InvestmentProject, PublicInvestmentPlan
from investment.services import review_create
from proposals.models import Proposal
from tests.conftest import click_map_shape
from tests.investment.factories import CHO, district_user, make_plan, make_project, make_proposal, point

PAGE = "/d/yen-phong/investment/review/"


@pytest.mark.django_db
@pytest.mark.parametrize("username, status", [("huyen.yen-phong", 200), ("tinh", 200), ("xa.09193", 200), ("huyen.que-vo", 404)])
def test_review_page_is_served_inside_the_district(client_for, username, status):
    response = client_for(username).get(PAGE)
    assert response.status_code == status
    if status == 200:
        assert b'id="review-map"' in response.content and b"review-config" in response.content


@pytest.fixture
def committed_project(django_db_setup, django_db_blocker, live_url):
    from django.conf import settings

    from tenants.models import District

    assert settings.DATABASES["default"]["NAME"].startswith("test_"), "refusing to write outside the test database"
    with django_db_blocker.unblock():
        yen_phong = District.objects.select_related("unit").get(slug="yen-phong")
        plan = make_plan(yen_phong, name="Kế hoạch ĐTC trung hạn 2026–2030 (thử)")
        proposal = make_proposal(yen_phong, title="Mở rộng đường thôn Đông (thử)")
        project = make_project(yen_phong, code="BR-1", plan=plan, geometry=point(CHO), proposals=[proposal.pk])
        connection.set_schema_to_public()
        connection.close()
    try:
        yield yen_phong, project
    finally:
        with django_db_blocker.unblock():
            connection.set_tenant(yen_phong)
            InvestmentProject.objects.filter(pk=project.pk).delete()
            PublicInvestmentPlan.objects.filter(pk=plan.pk).delete()
            Proposal.objects.filter(pk=proposal.pk).delete()
            connection.set_schema_to_public()
            connection.close()


@pytest.mark.browser
def test_district_reviewer_opens_the_map_clicks_a_project_and_records_a_decision(committed_project, page, login):
    yen_phong, project = committed_project
    login("huyen.yen-phong", next_url=PAGE)
    assert page.url.endswith(PAGE)
    page.wait_for_selector("#review-map[data-ready='1']")
    assert page.locator("path.commune-shape").count() == 14
    assert page.locator("path.project-shape").count() == 1
    click_map_shape(page, "path.project-shape", "[data-testid=project-title]:has-text('BR-1')")
    assert "Mở rộng đường thôn Đông (thử)" in page.inner_text("[data-testid=origin-proposals]")
    assert "Đã tạo" in page.inner_text("[data-testid=project-history]")
    page.select_option("#decision-form select[name=decision]", "include")
    page.fill("#decision-form textarea[name=comment]", "Đưa vào kế hoạch năm 2026, ưu tiên 1")
    page.click("#decision-form button[type=submit]")
    page.wait_for_selector("#flash:has-text('Đã ghi quyết định.')")
    page.wait_for_selector("[data-testid=project-reviews]:has-text('Đưa vào kế hoạch năm 2026, ưu tiên 1')")
    assert "Quyết định thẩm định" in page.inner_text("[data-testid=project-history]")
    page.wait_for_selector("#review-list li.review-item:has-text('Đưa vào kế hoạch năm 2026, ưu tiên 1')")
    # Read back through the API in the same browser session (the ORM here would run in Playwright's context).
    reviews = page.request.get(f"/d/yen-phong/api/reviews/?project={project.pk}").json()["features"]
    assert [(r["properties"]["decision"], r["properties"]["comment"]) for r in reviews] == [("include", "Đưa vào kế hoạch năm 2026, ưu tiên 1")]


@pytest.mark.browser
def test_layer_filters_hide_and_show_projects(committed_project, page, login):
    login("tinh", next_url=PAGE)
    page.wait_for_selector("#review-map[data-ready='1']")
    assert page.locator("#decision-form").count() == 0 and page.locator("#pin-note").count() == 0
    page.uncheck("fieldset[data-filter=status] input[value=proposed]")
    assert page.locator("path.project-shape").count() == 0
    page.check("fieldset[data-filter=status] input[value=proposed]")
    page.uncheck("fieldset[data-filter=sector] input[value=transport]")
    assert page.locator("path.project-shape").count() == 0
    page.check("fieldset[data-filter=sector] input[value=transport]")
    assert page.locator("path.project-shape").count() == 1


@pytest.mark.browser
def test_a_note_pinned_on_a_project_is_attached_to_it_and_lies_under_its_line(committed_project, page, login):
    """Issue 15: a note pinned on a project was a note at a place only, and its marker hid the project's line."""
    yen_phong, project = committed_project
    login("huyen.yen-phong", next_url=PAGE)
    page.wait_for_selector("#review-map[data-ready='1']")
    page.click("#pin-note")
    click_map_shape(page, "path.project-shape", "[data-testid=note-on-project]:has-text('BR-1')")
    page.fill("#note-form textarea[name=comment]", "Cần bổ sung rãnh thoát nước ở đây")
    page.click("#note-form button[type=submit]")
    page.wait_for_selector("path.review-note-on-project")
    notes = page.request.get(f"/d/yen-phong/api/reviews/?project={project.pk}&kind=note").json()["features"]
    assert [n["properties"]["comment"] for n in notes] == ["Cần bổ sung rãnh thoát nước ở đây"]
    assert notes[0]["geometry"]["type"] == "Point"
    # What is on top at the note's centre is the project, not the note.
    on_top = page.evaluate("""() => {
        const note = document.querySelector('path.review-note-on-project').getBoundingClientRect();
        const el = document.elementFromPoint(note.x + note.width / 2, note.y + note.height / 2);
        return el.getAttribute('class') || '';
    }""")
    assert "project-shape" in on_top


@pytest.fixture
def committed_review(committed_project, django_db_blocker):
    yen_phong, project = committed_project
    with django_db_blocker.unblock():
        connection.set_tenant(yen_phong)
        review_create(district=yen_phong, actor=district_user(), project=project, decision="request_change", comment="Thu hẹp mặt cắt ngang")
        connection.set_schema_to_public()
        connection.close()


@pytest.mark.browser
def test_commune_sees_the_decision_on_its_map_and_answers(committed_review, page, login):
    login("xa.09193", next_url=PAGE)
    page.wait_for_selector("#review-map[data-ready='1']")
    item = page.locator("#review-list li.review-item").first
    assert "Thu hẹp mặt cắt ngang" in item.inner_text()
    item.locator("textarea[name=text]").fill("Xã đồng ý, đã sửa hồ sơ")
    item.locator("button[type=submit]").click()
    page.wait_for_selector("#review-list .answers li:has-text('Xã đồng ý, đã sửa hồ sơ')")


@pytest.fixture
def committed_plan_item(django_db_setup, django_db_blocker, live_url):
    """A work of Xã Dũng Liệt's draft plan carrying a village proposal, committed for the live server."""
    from django.conf import settings

    from investment.models import Review
    from plans.models import PlanCycle
    from tenants.models import District
    from tests.investment.factories import DUNG_LIET, make_draft_item

    assert settings.DATABASES["default"]["NAME"].startswith("test_"), "refusing to write outside the test database"
    with django_db_blocker.unblock():
        yen_phong = District.objects.select_related("unit").get(slug="yen-phong")
        proposal = make_proposal(yen_phong, commune="09196", title="Kênh tưới đồng Dũng Liệt (thử)", lonlat=DUNG_LIET)
        item = make_draft_item(yen_phong, commune="09196", title="Kiên cố hóa kênh tưới (thử)", lonlat=DUNG_LIET, proposals=[proposal])
        connection.set_schema_to_public()
        connection.close()
    try:
        yield yen_phong, item
    finally:
        with django_db_blocker.unblock():
            connection.set_tenant(yen_phong)
            Review.objects.filter(plan_item_lineage=item.lineage).delete()
            PlanCycle.objects.filter(pk=item.plan.cycle_id).delete()
            Proposal.objects.filter(pk=proposal.pk).delete()
            connection.set_schema_to_public()
            connection.close()


@pytest.mark.browser
def test_district_reviewer_clicks_a_commune_work_and_records_a_decision(committed_plan_item, page, login):
    yen_phong, item = committed_plan_item
    login("huyen.yen-phong", next_url=PAGE)
    page.wait_for_selector("#review-map[data-ready='1']")
    assert page.locator("path.plan-item-shape").count() == 1
    click_map_shape(page, "path.plan-item-shape", "[data-testid=plan-item-title]:has-text('Kiên cố hóa kênh tưới (thử)')")
    assert "Kênh tưới đồng Dũng Liệt (thử)" in page.inner_text("[data-testid=item-proposals]")
    assert "Dũng Liệt" in page.inner_text("#project-panel dl")
    page.select_option("#decision-form select[name=decision]", "defer")
    page.fill("#decision-form textarea[name=comment]", "Chuyển sang năm sau, chờ quy hoạch thủy lợi")
    page.click("#decision-form button[type=submit]")
    page.wait_for_selector("#flash:has-text('Đã ghi quyết định.')")
    page.wait_for_selector("[data-testid=item-reviews]:has-text('Chuyển sang năm sau, chờ quy hoạch thủy lợi')")
    page.wait_for_selector("#review-list li.review-item:has-text('Kiên cố hóa kênh tưới (thử)')")
    reviews = page.request.get(f"/d/yen-phong/api/reviews/?plan_item={item.pk}").json()["features"]
    assert [(r["properties"]["decision"], r["properties"]["communes"]) for r in reviews] == [("defer", ["09196"])]
    page.uncheck("#show-plan-items")
    assert page.locator("path.plan-item-shape").count() == 0

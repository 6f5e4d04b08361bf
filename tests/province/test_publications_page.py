"""A provincial department writes, with a file, and publishes its orientation on its page (Đ5.2, Đ15.2), with refusals
next to their fields; the district sees it with its file on its plan-cycles page and passes it on with its orientation.

The live server runs in its own process, so what this test makes is committed: it uses plan year 2044 (no other test
does) and removes its rows through a connection of its own."""
import psycopg
import pytest
from django.conf import settings

from tests.plans.factories import remove_plan_year

pytestmark = [pytest.mark.browser, pytest.mark.django_db]
YEAR = 2044


@pytest.fixture
def cleanup():
    yield
    remove_plan_year(YEAR)
    db = settings.DATABASES["default"]
    assert db["NAME"].startswith("test"), db["NAME"]
    with psycopg.connect(dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"]) as conn:
        mine = "SELECT id FROM accounts_departmentpublication WHERE plan_year = %s"
        conn.execute(f"DELETE FROM d258.plans_orientation_department_publications WHERE departmentpublication_id IN ({mine})", [YEAR])
        conn.execute(f"DELETE FROM province_publicationfile WHERE publication_id IN ({mine})", [YEAR])
        conn.execute("DELETE FROM accounts_departmentpublication WHERE plan_year = %s", [YEAR])


def api(page, method, path, data=None):
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    return page.request.fetch(path, method=method, data=data, headers={"X-CSRFToken": csrf, "Referer": page.url})


def test_a_department_publishes_with_a_file_and_the_district_passes_it_on(page, login, cleanup, tmp_path):
    login("so.khdt", next_url="/inbox/")
    with page.expect_navigation():
        page.click("[data-testid=menu] a[data-page=department-publications]")  # reachable from the department's menu
    form = page.locator("[data-testid=publication-form]")
    form.locator("input[name=plan_year]").fill(str(YEAR))
    form.locator("select[name=kind]").select_option("orientation")
    evil = tmp_path / "dinh-huong.pdf"
    evil.write_bytes(b"<html><script>alert(1)</script></html>")
    form.locator("input[name=file]").set_input_files(str(evil))
    form.locator("button[type=submit]").click()  # no title: refused next to the title
    page.wait_for_selector("[data-testid=publication-form] [data-error-for=title]:not(:empty)")
    assert "không được bỏ trống" in form.locator("[data-error-for=title]").inner_text()
    form.locator("input[name=title]").fill(f"Định hướng phát triển ngành {YEAR}")
    form.locator("button[type=submit]").click()  # HTML named .pdf: refused next to the file
    page.wait_for_selector("[data-testid=publication-form] [data-error-for=file]:not(:empty)")
    assert form.locator("[data-error-for=title]").inner_text() == ""
    assert page.locator("[data-testid=publications] tr[id^=publication-]", has_text=f"{YEAR}").count() == 0  # nothing written
    good = tmp_path / "dinh-huong-nganh.pdf"
    good.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    form.locator("input[name=file]").set_input_files(str(good))
    form.locator("button[type=submit]").click()
    row = page.locator("[data-testid=publications] tr[id^=publication-]", has_text=f"Định hướng phát triển ngành {YEAR}")
    row.locator("[data-testid=publish-form]").wait_for()
    assert row.locator("[data-testid=publication-file]").inner_text() == "dinh-huong-nganh.pdf"
    row.locator("[data-testid=publish-form] button").click()
    row.locator("[data-testid=publish-form]").wait_for(state="detached")
    assert row.locator("[data-testid=publication-file-form]").count() == 0  # published: frozen
    pk = int(row.get_attribute("id").split("-")[1])

    page.context.clear_cookies()
    login("huyen.yen-phong", next_url=f"/d/yen-phong/plans/?plan_year={YEAR}")
    box = page.locator(f"[data-testid=department-publications] input[value='{pk}']")
    passed = page.locator("[data-testid=department-publications]")
    assert "Định hướng phát triển ngành" in passed.inner_text()
    link = passed.locator("[data-testid=department-publication-file]")
    assert link.inner_text() == "dinh-huong-nganh.pdf"
    assert page.request.get(link.get_attribute("href")).body().startswith(b"%PDF")
    form = page.locator("#orientation-form")
    form.locator("input[name=title]").fill(f"Định hướng huyện {YEAR}")
    box.check()
    envelope = form.locator("tr.envelope").first
    envelope.locator("select[name=commune]").select_option("09193")
    envelope.locator("input[name=amount]").fill("1.000")
    form.locator("button[type=submit]").click()
    page.wait_for_selector("li[data-orientation]")
    mine = [o for o in api(page, "GET", "/d/yen-phong/api/plans/orientations/").json()["results"] if o["plan_year"] == YEAR]
    assert len(mine) == 1 and [p["id"] for p in mine[0]["department_publications"]] == [pk]
    assert [f["name"] for f in mine[0]["department_publications"][0]["files"]] == ["dinh-huong-nganh.pdf"]

"""The difficulties page and the inbox in Chromium against a live server: a commune raises a difficulty with the form,
the district office finds it in its inbox (counted in the header) and answers it on the page (Đ19, issue 14 part 4)."""
import pytest
from playwright.sync_api import expect

# django_db: so that a run of this file alone still gets a test database (see tests/conftest.py).
pytestmark = [pytest.mark.browser, pytest.mark.django_db]

TITLE = "Kiểm thử trình duyệt: thiếu vốn đối ứng"


def remove_difficulties():
    """Delete, through a connection of its own, the difficulties this test committed through the live server."""
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    assert db["NAME"].startswith("test"), db["NAME"]
    with psycopg.connect(dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"]) as conn:
        conn.execute("DELETE FROM d258.duties_difficulty WHERE title LIKE %s", [TITLE + "%"])


@pytest.fixture
def cleaned():
    remove_difficulties()
    yield
    remove_difficulties()


def test_a_commune_raises_a_difficulty_and_the_district_answers_it_from_its_inbox(page, login, cleaned):
    violations = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
    login("xa.09193", next_url="/d/yen-phong/duties/difficulties/")
    form = page.locator("[data-testid=difficulty-form]")
    form.locator("button[type=submit]").click()
    # Empty fields: the Vietnamese refusal next to the field, nothing written.
    expect(form.locator("[data-error-for=title]")).to_contain_text("Trường này không được bỏ trống")
    form.locator("input[name=title]").fill(TITLE)
    form.locator("textarea[name=body]").fill("Xã không đủ vốn đối ứng <b>cho</b> đường trục.")
    form.locator("button[type=submit]").click()
    row = page.locator("[data-testid=difficulties] tbody tr", has_text=TITLE)
    row.wait_for()
    assert "Chờ huyện trả lời" in row.inner_text() and "<b>cho</b>" in row.inner_text()  # shown as text, never as HTML

    with page.expect_navigation():  # the sign-out first checks the phone's queue (signout.js), then submits

        page.click("form[action='/accounts/logout/'] button")
    login("huyen.yen-phong", next_url="/inbox/")  # without `next`, the login lands here too (tests/frontend/test_inbox.py)
    expect(page.locator("[data-testid=inbox] a", has_text=TITLE)).to_be_visible()
    assert int(page.inner_text("[data-testid=inbox-count]")) >= 1
    page.locator("[data-testid=inbox] a", has_text=TITLE).click()
    page.wait_for_load_state("networkidle")
    row = page.locator("[data-testid=difficulties] tbody tr", has_text=TITLE)
    row.locator("input[name=answer]").fill("Huyện hỗ trợ 30% vốn đối ứng")
    row.locator("form[data-api$='/answer/'] button").click()
    page.locator("[data-testid=difficulties] tbody tr", has_text="Huyện đã trả lời").wait_for()
    assert violations == []

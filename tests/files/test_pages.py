"""Issue 11, part 2, in Chromium: photos show where users expect them, loaded through the access-checked routes
(the proposal's detail on the proposals page, the public proposals page after publication, evidence on the M&E map)."""
import base64
import uuid

import pytest

from tests.conftest import click_map_shape
from tests.files.conftest import png
from tests.monitoring.test_pages import committed_me_plan  # noqa: F401  (fixture)
from tests.proposals.test_pages import PAGE, point_in

# The proposal test is marked django_db (so a test database is made); the M&E one writes committed rows through
# `committed_me_plan` (a test transaction would hide them from the server) and reads the database unblocked.
pytestmark = pytest.mark.browser
IMAGE_LOADED = "el => el.complete && el.naturalWidth > 0"


def api(page, method, url, body=None):
    """A JSON call from the page's own session (CSRF header from the cookie)."""
    return page.evaluate("""async ([method, url, body]) => {
        const token = (document.cookie.match(/csrftoken=([^;]+)/) || [])[1];
        const r = await fetch(url, {method, credentials: "same-origin", headers: {"Content-Type": "application/json", "X-CSRFToken": token},
                                    body: body ? JSON.stringify(body) : undefined});
        return {status: r.status, url: r.url};
    }""", [method, url, body])


@pytest.mark.django_db(transaction=False)
def test_proposal_photo_shows_in_its_detail_and_on_the_public_page_once_published(page, login):
    title = f"Ảnh hiện trạng {uuid.uuid4().hex[:6]}"
    login("thon.09193-01", next_url=PAGE)
    page.wait_for_selector("#proposal-map[data-ready='1']")
    page.evaluate("([lat, lon]) => window.placeProposalAt(lat, lon)", list(point_in("09193-01")))
    page.fill("input[name=title]", title)
    page.select_option("select[name=sector]", "transport")
    page.fill("input[name=estimated_cost]", "120.000.000")
    page.set_input_files("input[name=files]", files=[{"name": "hiện trạng.png", "mimeType": "image/png", "buffer": png(30, 20)}])
    page.click("#proposal-form button[type=submit]")
    page.wait_for_selector(".saved:not(:empty)")
    page.locator("#proposal-rows td.clickable", has_text=title).click()
    photo = page.wait_for_selector("[data-testid=proposal-detail] .file-gallery img")
    page.wait_for_function(IMAGE_LOADED, arg=photo)
    staff_url = photo.get_attribute("src")
    assert staff_url.startswith("/d/yen-phong/files/proposal-attachments/") and staff_url.endswith(".png")
    assert page.inner_text("[data-testid=proposal-detail] figcaption") == "hiện trạng.png"
    proposal = int(page.get_attribute("[data-testid=proposal-detail]", "data-proposal"))

    # Not published yet: nothing for the public, and the staff link sends an anonymous caller to the login page.
    page.context.clear_cookies()
    public_url = staff_url.replace("/files/", "/public/files/")
    assert page.request.get(public_url).status == 404
    assert "/accounts/login/" in page.request.get(staff_url).url

    login("xa.09193", next_url=PAGE)
    assert api(page, "POST", "/d/yen-phong/api/proposals/publish/", {"commune": "09193", "ids": [proposal]})["status"] == 200
    page.context.clear_cookies()
    page.goto("/d/yen-phong/public/proposals/")
    page.wait_for_selector("#public-map[data-ready='1']")
    page.select_option("#public-commune", "09193")
    page.locator("#public-rows [data-testid=public-proposal-link]", has_text=title).click()  # a plain click on the title shows the photos beside the map
    public_photo = page.wait_for_selector("[data-testid=proposal-detail] .file-gallery img")
    page.wait_for_function(IMAGE_LOADED, arg=public_photo)
    assert public_photo.get_attribute("src") == public_url
    served = page.request.get(public_url)
    assert served.status == 200 and served.headers["content-type"] == "image/png" and served.headers["x-content-type-options"] == "nosniff"


def test_evidence_photo_opens_on_the_monitoring_map(committed_me_plan, page, login, django_db_blocker):  # noqa: F811
    url = f"/d/yen-phong/monitoring/plans/{committed_me_plan.pk}/"
    login("xa.09193", next_url=url)
    page.wait_for_selector("#me-map[data-ready='1']")
    config = page.evaluate("() => JSON.parse(document.getElementById('me-config').textContent)")
    with django_db_blocker.unblock():
        lat, lon = point_in("09193")
    status = page.evaluate("""async ([api, mePlan, data, lon, lat]) => {
        const token = (document.cookie.match(/csrftoken=([^;]+)/) || [])[1];
        const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
        const form = new FormData();
        form.append("me_plan", mePlan);
        form.append("caption", "Mặt đường <b>đã</b> đổ bê tông");
        form.append("geometry", JSON.stringify({type: "Point", coordinates: [lon, lat]}));
        form.append("photo", new Blob([bytes], {type: "image/png"}), "mat-duong.png");
        const r = await fetch(api + "evidence/", {method: "POST", credentials: "same-origin", headers: {"X-CSRFToken": token}, body: form});
        return r.status;
    }""", [config["api"], committed_me_plan.pk, base64.b64encode(png(40, 30)).decode(), lon, lat])
    assert status == 201
    page.reload()
    page.wait_for_selector("#me-map[data-ready='1']")
    click_map_shape(page, ".photo-marker", ".evidence-popup:has(figcaption:text-is('Mặt đường <b>đã</b> đổ bê tông'))")
    photo = page.wait_for_selector(".evidence-popup img")
    page.wait_for_function(IMAGE_LOADED, arg=photo)
    assert photo.get_attribute("src").startswith("/d/yen-phong/files/evidence-photos/")
    # The caption is shown as text, never as markup.
    assert page.inner_text(".evidence-popup figcaption") == "Mặt đường <b>đã</b> đổ bê tông"
    assert page.locator(".evidence-popup figcaption b").count() == 0

"""Issue 16, the phone: the platform as an installable app, the offline capture page, its queue in IndexedDB.

Browser tests run Chromium as a phone (tests/conftest.py `phone`): sign in, go offline, record, reload offline, come
back online and check through the ORM that the server holds each item exactly once."""
import io
import json
import re
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from PIL import Image

from geo.models import AdministrativeUnit
from proposals.models import Attachment, Proposal, VillageMeeting

PAGE = "/d/yen-phong/offline/"
HEAD = "thon.09193-01"   # village head of Thôn 1, Thị trấn Chờ, Yên Phong


def point_in(code):
    p = AdministrativeUnit.objects.get(code=code).geom.point_on_surface
    return p.y, p.x


def photo(width=3000, height=2000, colour=(30, 120, 60)):
    """A camera-sized JPEG, as the file input gets it."""
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "JPEG", quality=90)
    return {"name": "anh.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def yesterday():
    return (timezone.localdate() - timedelta(days=1)).strftime("%d/%m/%Y")


def tag():
    return uuid.uuid4().hex[:8]


# ---- the app shell: manifest, service worker, page ------------------------------------------------------------

@pytest.mark.django_db
def test_the_manifest_names_the_app_in_vietnamese_and_opens_on_the_districts_capture_page(client_for):
    client = client_for(HEAD)
    answer = client.get("/d/yen-phong/manifest.webmanifest")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/manifest+json")
    manifest = answer.json()
    assert manifest["short_name"] == "Kế hoạch xã" and manifest["lang"] == "vi" and manifest["display"] == "standalone"
    assert manifest["start_url"] == PAGE and manifest["theme_color"]
    assert {(i["sizes"], i["purpose"]) for i in manifest["icons"]} == {("192x192", "any maskable"), ("512x512", "any maskable")}
    for icon in manifest["icons"]:
        image = Image.open(io.BytesIO(b"".join(client.get(icon["src"]).streaming_content)))
        assert image.size == tuple(int(n) for n in icon["sizes"].split("x"))
    assert client.get("/manifest.webmanifest").json()["start_url"] == "/"


@pytest.mark.django_db
def test_the_service_worker_covers_the_site_is_revalidated_and_carries_a_versioned_precache(client):
    answer = client.get("/sw.js")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/javascript")
    assert answer["Cache-Control"] == "no-cache" and answer["Service-Worker-Allowed"] == "/"
    body = answer.content.decode()
    version = re.search(r'"version": "([0-9a-f]{12})"', body).group(1)
    for path in ("/static/vendor/idb/umd.js", "/static/leaflet/leaflet.js", "/static/frontend/js/offline.js"):
        assert f'"{path}"' in body
    from frontend import phone
    assert phone.cache_version() == version


@pytest.mark.django_db
def test_the_capture_page_is_for_those_who_propose_in_a_commune(client_for):
    assert client_for(HEAD).get(PAGE).status_code == 200
    assert client_for("xa.09193").get(PAGE).status_code == 200
    assert client_for("huyen.yen-phong").get(PAGE).status_code == 404


# ---- in Chromium, as a phone -----------------------------------------------------------------------------------

def open_capture(phone, lat, lon):
    page = phone(lat, lon)
    phone.sign_in(page, HEAD, PAGE)
    page.wait_for_selector("body[data-offline-ready='1']")
    page.wait_for_selector("body[data-kept-offline='1']")  # the service worker holds the page
    return page


def record_meeting(page, place):
    page.click("#meeting summary")
    page.fill("#meeting-form input[name=held_on]", yesterday())
    page.fill("#meeting-form input[name=place]", place)
    page.fill("#meeting-form input[name=chair]", "Nguyễn Văn An")
    page.fill("#meeting-form input[name=participants]", "85")
    page.fill("#meeting-form input[name=women]", "40")
    page.fill("#meeting-form input[name=poor_households]", "6")
    page.set_input_files("#meeting-form input[name=minutes]", photo())
    page.click("#meeting-form button[type=submit]")
    page.wait_for_selector("#meeting-form .saved:not(:empty)")


def record_proposal(page, title, *, cost="250.000.000", photos=1, meeting=None):
    page.click("#use-my-position")
    page.wait_for_selector("#proposal-form[data-has-geometry='1']")
    page.fill("#proposal-form input[name=title]", title)
    page.select_option("#proposal-form select[name=sector]", "transport")
    page.fill("#proposal-form input[name=estimated_cost]", cost)
    if meeting:  # the meeting still waiting on the phone ("q:<its key>")
        value = page.eval_on_selector("#proposal-form select[name=meeting]", "s => [...s.options].find(o => o.value.startsWith('q:')).value")
        page.select_option("#proposal-form select[name=meeting]", value)
    if photos:
        page.set_input_files("#proposal-form input[name=files]", [photo(colour=(10 * n, 80, 200)) for n in range(photos)])
    page.click("#proposal-form button[type=submit]")
    page.wait_for_selector(f"#queue-items li[data-kind=proposal] strong:has-text('{title}')")


def items(page, state):
    return page.locator(f"#queue-items li[data-state={state}]").count()


@pytest.fixture
def yen_phong(district):
    d = district("yen-phong")
    connection.set_tenant(d)
    return d


@pytest.mark.browser
@pytest.mark.django_db(transaction=False)
def test_recorded_offline_a_meeting_and_two_proposals_survive_a_reload_and_reach_the_server_once(phone, yen_phong):
    lat, lon = point_in("09193-01")
    page = open_capture(phone, lat, lon)
    t = tag()
    page.context.set_offline(True)
    page.wait_for_selector("[data-testid=connection][data-online='0']")
    record_meeting(page, f"Nhà văn hóa thôn 1 ({t})")
    record_proposal(page, f"Lát gạch ngõ Đông ({t})", meeting=True)
    record_proposal(page, f"Cống thoát nước ({t})", photos=2)
    assert items(page, "waiting") == 3

    response = page.reload()  # offline: the service worker answers from its cache, the queue is in IndexedDB
    assert response.ok and response.from_service_worker
    page.wait_for_selector("body[data-offline-ready='1']")
    assert items(page, "waiting") == 3
    assert VillageMeeting.objects.filter(place__contains=t).count() == 0

    page.context.set_offline(False)  # the `online` event sends the queue
    page.wait_for_function("() => document.querySelectorAll('#queue-items li[data-state=sent]').length === 3")
    meeting = VillageMeeting.objects.get(place__contains=t)
    assert (meeting.participants, meeting.women, meeting.poor_households) == (85, 40, 6) and meeting.minutes
    first = Proposal.objects.get(title=f"Lát gạch ngõ Đông ({t})")
    second = Proposal.objects.get(title=f"Cống thoát nước ({t})")
    assert first.meeting_id == meeting.pk and first.estimated_cost == 250_000_000
    assert Attachment.objects.filter(proposal=first).count() == 1 and Attachment.objects.filter(proposal=second).count() == 2
    for attachment in Attachment.objects.filter(proposal__in=[first, second]):
        with attachment.file.open("rb") as f:
            assert max(Image.open(f).size) == 1600  # resized on the phone from 3000 × 2000
    # "My proposals, as last synced": refreshed after the send.
    page.wait_for_selector(f"#mine-items li:has-text('Lát gạch ngõ Đông ({t})')")
    assert re.search(r"\d\d/\d\d/\d{4} \d\d:\d\d", page.inner_text("[data-testid=mine-synced]"))


@pytest.mark.browser
@pytest.mark.django_db(transaction=False)
def test_a_connection_cut_after_the_server_wrote_is_resent_with_the_same_key_and_created_once(phone, yen_phong):
    lat, lon = point_in("09193-01")
    page = open_capture(phone, lat, lon)
    t = tag()
    page.context.set_offline(True)
    record_proposal(page, f"Đèn đường ({t})", photos=1)
    keys = []

    def cut_after_the_server(route):
        keys.append(route.request.headers.get("idempotency-key"))
        if len(keys) == 1:
            route.fetch()  # the server handles it; the answer never reaches the phone
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/api/proposals/", cut_after_the_server)
    with page.expect_event("requestfailed", lambda request: request.url.endswith("/api/proposals/")):
        page.context.set_offline(False)
    assert Proposal.objects.filter(title=f"Đèn đường ({t})").count() == 1  # written, though the phone does not know
    assert items(page, "sent") == 0
    page.click("[data-testid=send-now]")  # (or the retry after 5 s, whichever comes first)
    page.wait_for_selector("#queue-items li[data-state=sent]")
    assert len(keys) == 2 and keys[0] == keys[1] and uuid.UUID(keys[0])
    proposal = Proposal.objects.get(title=f"Đèn đường ({t})")
    assert Attachment.objects.filter(proposal=proposal).count() == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=False)
def test_a_refused_item_shows_the_servers_reason_and_is_resent_after_correction(phone, yen_phong):
    lat, lon = point_in("09193-01")
    page = open_capture(phone, lat, lon)
    t = tag()
    page.context.set_offline(True)
    # "150,000" cannot be read one way only: the phone shows its hint but only the server refuses.
    record_proposal(page, f"Nhà văn hóa ({t})", cost="150,000", photos=0)
    page.context.set_offline(False)
    reason = page.wait_for_selector("#queue-items li[data-state=refused] [data-testid=item-reason]")
    assert "estimated_cost" in reason.inner_text() and "không đọc được" in reason.inner_text().lower()
    assert Proposal.objects.filter(title=f"Nhà văn hóa ({t})").count() == 0

    page.reload()  # the refusal and its reason are kept on the phone
    page.click("#queue-items li[data-state=refused] button[data-action=edit]")
    page.wait_for_selector("#proposal-form[data-editing]")  # set once the item is back in its form, with its reasons
    assert "không đọc được" in page.inner_text("#proposal-form [data-error-for=estimated_cost]").lower()
    assert page.input_value("#proposal-form input[name=title]") == f"Nhà văn hóa ({t})"
    page.fill("#proposal-form input[name=estimated_cost]", "150.000.000")
    page.click("#proposal-form button[type=submit]")
    page.wait_for_selector("#queue-items li[data-state=sent]")
    assert items(page, "refused") == 0 and page.locator("#queue-items li").count() == 1  # the same item, not a second
    assert Proposal.objects.get(title=f"Nhà văn hóa ({t})").estimated_cost == 150_000_000


@pytest.mark.browser
@pytest.mark.django_db(transaction=False)
def test_an_expired_session_keeps_the_item_and_asks_to_sign_in_again(phone, yen_phong):
    lat, lon = point_in("09193-01")
    page = open_capture(phone, lat, lon)
    t = tag()
    page.context.set_offline(True)
    record_proposal(page, f"Sân thể thao ({t})", photos=0)
    page.context.clear_cookies(name="sessionid")
    page.context.set_offline(False)
    page.wait_for_selector("[data-testid=session-expired]:not([hidden])")
    assert items(page, "waiting") == 1 and Proposal.objects.filter(title=f"Sân thể thao ({t})").count() == 0
    phone.sign_in(page, HEAD, PAGE)
    page.wait_for_selector("#queue-items li[data-state=sent]")
    assert Proposal.objects.filter(title=f"Sân thể thao ({t})").count() == 1


@pytest.fixture
def committed_me_plan(django_db_setup, django_db_blocker, live_url):
    """An approved M&E plan of Thị trấn Chờ committed for the live server (tests.monitoring.factories), removed after."""
    from django.conf import settings

    from monitoring.models import EvidencePhoto, MEPlan, PeriodicReport, ReportingPeriod
    from plans.models import PlanCycle
    from tenants.models import District
    from tests.monitoring.factories import me_plan_with_report

    assert settings.DATABASES["default"]["NAME"].startswith("test_"), "refusing to write outside the test database"
    with django_db_blocker.unblock():
        yen_phong = District.objects.select_related("unit").get(slug="yen-phong")
        connection.set_tenant(yen_phong)
        me_plan = me_plan_with_report(yen_phong)
        cycle_id = me_plan.plan.cycle_id
        connection.set_schema_to_public()
        connection.close()
    try:
        yield me_plan
    finally:
        with django_db_blocker.unblock():
            connection.set_tenant(yen_phong)
            EvidencePhoto.objects.filter(me_plan=me_plan).delete()
            PeriodicReport.objects.filter(me_plan=me_plan).delete()
            MEPlan.objects.filter(pk=me_plan.pk).delete()
            PlanCycle.objects.filter(pk=cycle_id).delete()
            ReportingPeriod.objects.all().delete()
            connection.set_schema_to_public()
            connection.close()


@pytest.mark.browser
def test_the_village_report_and_a_geolocated_evidence_photo_recorded_offline_reach_the_server_once(phone, committed_me_plan, django_db_blocker):
    from monitoring.models import EvidencePhoto, PeriodicReport
    from tenants.models import District

    with django_db_blocker.unblock():
        lat, lon = point_in("09193-01")
    page = open_capture(phone, lat, lon)
    t = tag()
    page.wait_for_selector(f"#report-form select[name=me_plan] option[value='{committed_me_plan.pk}']", state="attached")
    page.context.set_offline(True)
    page.click("#report summary")
    page.select_option("#report-form select[name=me_plan]", str(committed_me_plan.pk))
    q1 = page.eval_on_selector("#report-form select[name=period]", f"s => [...s.options].find(o => o.text.startsWith('01/01/{committed_me_plan.year}')).value")
    page.select_option("#report-form select[name=period]", q1)
    page.fill("#report-form textarea[name=problems]", f"Mưa lớn làm chậm thi công ({t})")
    page.fill("#report-form textarea[name=recommendations]", "Bổ sung kinh phí rãnh thoát nước")
    page.click("#report-form button[type=submit]")
    page.wait_for_selector("#report-form .saved:not(:empty)")
    page.select_option("#evidence-form select[name=me_plan]", str(committed_me_plan.pk))
    page.fill("#evidence-form input[name=caption]", f"Rãnh thoát nước thôn 1 ({t})")
    page.set_input_files("#evidence-form input[name=photo]", photo())
    page.click("#evidence-form button[type=submit]")
    page.wait_for_selector("#evidence-form .saved:not(:empty)")
    assert items(page, "waiting") == 2

    page.context.set_offline(False)
    page.wait_for_function("() => document.querySelectorAll('#queue-items li[data-state=sent]').length === 2")
    with django_db_blocker.unblock():
        connection.set_tenant(District.objects.get(slug="yen-phong"))
        try:
            report = PeriodicReport.objects.get(me_plan=committed_me_plan, village__code="09193-01")
            assert report.period_id == int(q1) and t in report.problems
            assert report.recommendations == "Bổ sung kinh phí rãnh thoát nước"
            evidence = EvidencePhoto.objects.get(me_plan=committed_me_plan, caption__contains=t)
            assert abs(evidence.location.x - lon) < 1e-5 and abs(evidence.location.y - lat) < 1e-5  # lon/lat order kept
            with evidence.photo.open("rb") as f:
                assert max(Image.open(f).size) == 1600
        finally:
            connection.set_schema_to_public()
            connection.close()


# ---- a shared phone: signing out, another user (issue 16 review) ----------------------------------------------

TEAM = "xa.09193"   # the commune team of Thị trấn Chờ: a second user of the same phone


@pytest.mark.django_db
def test_signing_out_asks_the_browser_to_clear_what_the_site_kept(client_for):
    client = client_for(HEAD)
    answer = client.post("/accounts/logout/")
    assert answer.status_code == 302 and answer["Clear-Site-Data"] == '"cache", "storage"'
    assert "_auth_user_id" not in client.session


def sign_out(page):
    """Submit the menu's sign-out form as its button does (the menu may be folded on a phone)."""
    page.evaluate("document.querySelector(\"form[action='/accounts/logout/']\").requestSubmit()")


def flushed_once(page):
    page.wait_for_function("() => Number(document.body.dataset.flushed || 0) >= 1")


@pytest.mark.browser
@pytest.mark.django_db(transaction=False)
def test_signing_out_warns_while_items_wait_and_leaves_nothing_of_the_user_on_the_phone(phone, yen_phong):
    lat, lon = point_in("09193-01")
    page = open_capture(phone, lat, lon)
    t = tag()
    title = f"Bí mật của thôn 1 ({t})"
    page.context.set_offline(True)
    record_proposal(page, title, photos=0)
    page.context.route("**/api/proposals/", lambda route: route.abort("connectionreset"))  # it keeps waiting
    page.context.set_offline(False)
    flushed_once(page)
    assert items(page, "waiting") == 1

    sign_out(page)  # the warning, "send first": still signed in, the item still there
    page.wait_for_selector("[data-testid=ask]")
    assert "1 mục chưa gửi sẽ bị xóa khỏi máy này" in page.inner_text("[data-testid=ask]")
    assert page.inner_text("[data-testid=ask-cancel]") == "Gửi trước"
    page.click("[data-testid=ask-cancel]")
    assert items(page, "waiting") == 1 and page.url.endswith(PAGE)

    sign_out(page)  # "sign out anyway"
    page.wait_for_selector("[data-testid=ask]")
    with page.expect_navigation():
        page.click("[data-testid=ask-ok]")
    assert not page.url.endswith(PAGE)

    page.context.set_offline(True)  # signed out, offline: the worker answers nothing of the previous user
    try:
        response = page.goto(PAGE)
    except Exception:  # net::ERR_INTERNET_DISCONNECTED: nothing kept at all
        response = None
    if response is not None:
        assert not response.ok
        assert title not in page.content() and HEAD not in page.content()
        bundle = page.evaluate("fetch('/d/yen-phong/api/me/offline/').then(r => r.status + ' ' + r.text()).catch(e => 'none')")
        assert HEAD not in bundle and not bundle.startswith("200")
    page.context.set_offline(False)
    page.context.unroute("**/api/proposals/")

    phone.sign_in(page, TEAM, PAGE)  # another user on the same phone: an empty queue, A's item never sent
    page.wait_for_selector("body[data-offline-ready='1']")
    flushed_once(page)
    assert page.locator("#queue-items li[data-key]").count() == 0
    assert title not in page.inner_text("#queue-items") and title not in page.inner_text("#mine-items")
    assert Proposal.objects.filter(title=title).count() == 0


@pytest.mark.browser
@pytest.mark.django_db(transaction=False)
def test_an_item_left_sending_by_one_user_is_never_sent_under_another_users_session(phone, yen_phong):
    """The reviewer's case: A's item left "sending" (a cut), A's session gone without signing out, B signs in on the
    same phone: B neither sees nor sends it (server keys are per user and key: it would be created twice)."""
    lat, lon = point_in("09193-01")
    page = open_capture(phone, lat, lon)
    t = tag()
    title = f"Đường nội đồng ({t})"
    page.context.set_offline(True)
    record_proposal(page, title, photos=0)
    page.evaluate("""async () => {
        const item = (await OfflineQueue.list("yen-phong", "thon.09193-01"))[0];
        item.state = "sending"; await OfflineQueue.put(item);
    }""")
    page.context.clear_cookies(name="sessionid")
    page.context.set_offline(False)

    phone.sign_in(page, TEAM, PAGE)
    page.wait_for_selector("body[data-offline-ready='1']")
    flushed_once(page)
    assert page.locator("#queue-items li[data-key]").count() == 0
    assert Proposal.objects.filter(title=title).count() == 0

    phone.sign_in(page, HEAD, PAGE)  # A again: their item is theirs, sent once under their name
    page.wait_for_selector("#queue-items li[data-state=sent]")
    from accounts.models import User
    assert list(Proposal.objects.filter(title=title).values_list("created_by_id", flat=True)) == [User.objects.get(username=HEAD).pk]


def kept_paths(page):
    """The paths the service worker's caches hold (Cache Storage, readable from any page of the origin)."""
    return page.evaluate("""async () => {
        const out = [];
        for (const name of await caches.keys()) {
            for (const request of await (await caches.open(name)).keys()) { out.push(new URL(request.url).pathname); }
        }
        return out;
    }""")


def signed_in(page):
    return page.locator("[data-testid=who]").count() == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=False)
def test_signing_out_from_another_page_asks_first_send_first_keeps_then_sends_and_then_no_question(phone, yen_phong):
    """The review's case: the capture page warned, the other pages' "Đăng xuất" did not. From the inbox: asked;
    "Gửi trước" with no answer from the server takes the item to the capture page, still waiting; with the server
    answering it is sent from the inbox itself; with nothing left the sign-out goes at once, clearing everything."""
    lat, lon = point_in("09193-01")
    page = open_capture(phone, lat, lon)
    t = tag()
    title = f"Mương tiêu thôn 1 ({t})"
    page.context.set_offline(True)
    record_proposal(page, title, photos=0)
    page.context.route("**/api/proposals/", lambda route: route.abort("connectionreset"))  # it keeps waiting
    page.context.set_offline(False)
    flushed_once(page)
    assert items(page, "waiting") == 1

    page.goto("/inbox/")
    sign_out(page)
    page.wait_for_selector("[data-testid=ask]")
    assert "1 mục chưa gửi sẽ bị xóa khỏi máy này" in page.inner_text("[data-testid=ask]")
    assert page.inner_text("[data-testid=ask-cancel]") == "Gửi trước" and page.inner_text("[data-testid=ask-ok]") == "Vẫn đăng xuất"
    with page.expect_navigation(url=f"**{PAGE}"):
        page.click("[data-testid=ask-cancel]")  # no answer from here: the capture page shows what waits
    page.wait_for_selector("body[data-offline-ready='1']")
    flushed_once(page)
    assert items(page, "waiting") == 1 and signed_in(page)
    assert Proposal.objects.filter(title=title).count() == 0

    page.goto("/inbox/")
    page.context.unroute("**/api/proposals/")
    sign_out(page)
    page.wait_for_selector("[data-testid=ask]")
    page.click("[data-testid=ask-cancel]")  # "Gửi trước", answered: sent from this page, still signed in
    page.wait_for_selector("[data-testid=flash]:has-text('đã gửi 1/1')")
    assert page.url.endswith("/inbox/") and signed_in(page)
    assert Proposal.objects.filter(title=title).count() == 1

    with page.expect_response("**/accounts/logout/") as answer, page.expect_navigation():  # nothing waits: no question
        sign_out(page)
    assert answer.value.all_headers()["clear-site-data"] == '"cache", "storage"'
    assert page.locator("[data-testid=ask]").count() == 0 and not signed_in(page)


@pytest.mark.browser
@pytest.mark.django_db(transaction=False)
def test_another_accounts_unsent_items_are_named_at_sign_out_and_stay_on_the_phone_for_their_owner(phone, yen_phong):
    """A shared phone: head A records a proposal with a photo offline and leaves it unsent (A's session ends); the
    commune team member B signs in on the same browser, opens the capture page (kept for B, B's bundle), and signs out
    from the inbox: told about A's item, may cancel; signing out keeps A's item (the server clears the HTTP cache
    only) and leaves nothing of B: no kept page, no bundle, no marker. A signs in: the item is sent once, with its photo."""
    lat, lon = point_in("09193-01")
    page = open_capture(phone, lat, lon)
    t = tag()
    title = f"Cầu qua mương thôn 1 ({t})"
    page.context.set_offline(True)
    record_proposal(page, title, photos=1)
    page.context.clear_cookies(name="sessionid")  # A's session ends without signing out
    page.context.set_offline(False)
    page.wait_for_selector("[data-testid=session-expired]:not([hidden])")

    phone.sign_in(page, TEAM, PAGE)
    page.wait_for_selector("body[data-offline-ready='1']")
    page.wait_for_selector("body[data-kept-offline='1']")
    flushed_once(page)
    assert page.locator("#queue-items li[data-key]").count() == 0  # A's item is not B's to see or send
    page.goto("/inbox/")
    sign_out(page)
    page.wait_for_selector("[data-testid=ask]")
    question = page.inner_text("[data-testid=ask]")
    assert "Mục của tài khoản khác trên máy này" in question
    assert f"1 mục chưa gửi của tài khoản khác ({HEAD})" in question and "cho đến khi tài khoản đó đăng nhập và gửi" in question
    assert "sẽ bị xóa" not in question  # B has nothing of their own waiting
    page.click("[data-testid=ask-cancel]")  # cancel: still signed in, nothing deleted
    assert page.locator("[data-testid=ask]").count() == 0 and signed_in(page) and page.url.endswith("/inbox/")
    assert any(p == PAGE for p in kept_paths(page))

    sign_out(page)
    page.wait_for_selector("[data-testid=ask]")
    with page.expect_response("**/accounts/logout/") as answer, page.expect_navigation():
        page.click("[data-testid=ask-ok]")
    assert answer.value.all_headers()["clear-site-data"] == '"cache"'
    assert not signed_in(page)
    paths = kept_paths(page)  # the site's storage was kept: the precache stays, B's kept page and bundle are gone
    assert "/static/frontend/js/offline-queue.js" in paths
    assert not [p for p in paths if p.endswith("/offline/")]
    page.context.set_offline(True)  # signed out, offline: the worker answers nothing of B
    response = page.goto(PAGE)
    assert not response.ok and TEAM not in page.content()
    bundle = page.evaluate("fetch('/d/yen-phong/api/me/offline/').then(r => r.status + ' ' + r.text()).catch(e => 'none')")
    assert TEAM not in bundle and not bundle.startswith("200")
    page.context.set_offline(False)

    phone.sign_in(page, HEAD, PAGE)  # A: the item was kept, and is sent once, photo included
    page.wait_for_selector(f"#queue-items li[data-state=sent] strong:has-text('{title}')")
    proposal = Proposal.objects.get(title=title)
    assert proposal.created_by.username == HEAD and Attachment.objects.filter(proposal=proposal).count() == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=False)
def test_without_indexeddb_or_a_service_worker_signing_out_works_as_before(phone, yen_phong):
    """Private mode or an old browser: no IndexedDB, no Cache Storage, no service worker. Every page still loads
    without a script error and its sign-out goes at once, the server clearing everything."""
    lat, lon = point_in("09193-01")
    page = phone(lat, lon)
    page.context.add_init_script("""
        for (const name of ["indexedDB", "caches"]) { Object.defineProperty(window, name, { value: undefined, configurable: true }); }
        delete Navigator.prototype.serviceWorker;
    """)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    phone.sign_in(page, HEAD, "/inbox/")
    assert page.evaluate("typeof indexedDB === 'undefined' && !('serviceWorker' in navigator)")
    with page.expect_response("**/accounts/logout/") as answer, page.expect_navigation():
        sign_out(page)
    assert answer.value.all_headers()["clear-site-data"] == '"cache", "storage"'
    assert not signed_in(page) and page.locator("[data-testid=ask]").count() == 0
    assert errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=False)
def test_the_app_installs_from_the_capture_page_its_manifest_fetched_with_the_session(phone, yen_phong):
    """Chromium fetches the manifest itself (no cookies without crossorigin="use-credentials": the district gate
    answered the sign-in page); CDP Page.getAppManifest says what the browser parsed."""
    lat, lon = point_in("09193-01")
    page = open_capture(phone, lat, lon)
    cdp = page.context.new_cdp_session(page)
    answer = cdp.send("Page.getAppManifest")
    assert answer["url"].endswith("/d/yen-phong/manifest.webmanifest")
    assert answer["errors"] == []
    manifest = json.loads(answer["data"])
    assert manifest["name"] == "Kế hoạch xã · Bắc Ninh" and manifest["start_url"] == PAGE

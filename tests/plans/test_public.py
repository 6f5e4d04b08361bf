"""The public surface: read-only, and a comment appears only after moderation; abuse protection."""
import json

import pytest
from django.core.cache import cache
from django_tenants.utils import tenant_context

from plans.models import PublicComment
from tests.plans.factories import TEAM, accepted_proposal, iso, proposals_decided, today_plus

D = "/d/yen-phong/api/plans"
PUB = "/d/yen-phong/api/public/plans"


def post(client, url, data=None, **extra):
    return client.post(url, json.dumps(data or {}), content_type="application/json", **extra)


@pytest.fixture
def consultation_draft(client_for, district):
    """A revised draft of Thị trấn Chờ open for comment (step 5)."""
    cache.clear()
    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    accepted_proposal(district("yen-phong"))
    cycle = post(xa, f"{D}/cycles/", {"commune": "09193", "plan_year": 2027}).json()["id"]
    xa.put(f"{D}/cycles/{cycle}/team/", json.dumps({"members": TEAM}), content_type="application/json")
    proposals_decided(district("yen-phong"))
    for client, step in [(xa, "team"), (xa, "proposals")]:
        post(client, f"{D}/cycles/{cycle}/steps/{step}/complete/")
    o = post(huyen, f"{D}/orientations/", {"plan_year": 2027, "title": "Định hướng"}).json()["id"]
    post(huyen, f"{D}/orientations/{o}/publish/")
    post(huyen, f"{D}/cycles/{cycle}/steps/orientation/complete/")
    v1 = post(xa, f"{D}/cycles/{cycle}/draft/").json()["id"]
    post(xa, f"{D}/cycles/{cycle}/conferences/", {"kind": "consultation", "held_on": "2026-06-20", "participants": 45, "summary": "ok"})
    post(xa, f"{D}/cycles/{cycle}/steps/draft/complete/")
    post(huyen, f"{D}/{v1}/feedback/", {"no_comments": True})
    post(huyen, f"{D}/cycles/{cycle}/steps/district_feedback/complete/")
    v2 = post(xa, f"{D}/{v1}/new-version/", {"kind": "revised"}).json()["id"]
    assert anonymous_get(client_for, f"{PUB}/{v2}/").status_code == 404  # not open yet
    assert post(xa, f"{D}/{v2}/consultation/", {"closes_on": iso(today_plus(7))}).status_code == 200
    return v2


def anonymous_get(client_for, url):
    return client_for(None).get(url)


@pytest.mark.django_db
def test_a_public_comment_appears_only_after_moderation(client_for, district, consultation_draft):
    plan = consultation_draft
    anonymous, xa = client_for(None), client_for("xa.09193")
    listed = anonymous.get(f"{PUB}/").json()["results"]
    assert [p["id"] for p in listed] == [plan]
    item = anonymous.get(f"{PUB}/{plan}/").json()["items"]["features"][0]["id"]
    r = post(anonymous, f"{PUB}/{plan}/comments/", {"author_name": "Công ty TNHH Minh Phát", "author_kind": "business",
                                                    "body": "Đề nghị mở rộng mặt đường lên 5 m", "item": item})
    assert r.status_code == 202 and r.json()["status"] == "pending"
    spam = post(anonymous, f"{PUB}/{plan}/comments/", {"author_name": "Spam", "body": "rác"}).json()["id"]
    assert anonymous.get(f"{PUB}/{plan}/comments/").json() == []
    assert {c["status"] for c in xa.get(f"{D}/{plan}/comments/").json()} == {"pending"}
    assert post(client_for("huyen.yen-phong"), f"{D}/comments/{r.json()['id']}/moderate/", {"decision": "publish"}).status_code == 403
    assert post(client_for("xa.09196"), f"{D}/comments/{r.json()['id']}/moderate/", {"decision": "publish"}).status_code == 404
    assert post(xa, f"{D}/comments/{r.json()['id']}/answer/", {"answer": "x"}).status_code == 400  # not published yet
    assert post(xa, f"{D}/comments/{r.json()['id']}/moderate/", {"decision": "publish"}).status_code == 200
    assert post(xa, f"{D}/comments/{spam}/moderate/", {"decision": "reject"}).status_code == 200
    assert post(xa, f"{D}/comments/{spam}/moderate/", {"decision": "publish"}).status_code == 400  # once only
    public = anonymous.get(f"{PUB}/{plan}/comments/").json()
    assert [c["author_name"] for c in public] == ["Công ty TNHH Minh Phát"] and public[0]["item"] == item
    assert "status" not in public[0]
    # Comments given at the commune office are typed in by the team and moderated the same way.
    r = post(xa, f"{D}/{plan}/comments/", {"author_name": "Hội Nông dân xã", "author_kind": "organisation", "body": "Ủng hộ"})
    assert r.status_code == 201 and r.json()["via_commune"] is True and r.json()["status"] == "pending"
    assert post(client_for("huyen.yen-phong"), f"{D}/{plan}/comments/", {"author_name": "x", "body": "y"}).status_code == 403
    assert len(anonymous.get(f"{PUB}/{plan}/comments/").json()) == 1


@pytest.mark.django_db
def test_public_comment_abuse_protection(client_for, district, consultation_draft):
    plan = consultation_draft
    anonymous = client_for(None)
    tenant = district("yen-phong")
    r = post(anonymous, f"{PUB}/{plan}/comments/", {"author_name": "Bot", "body": "mua ngay", "website": "http://spam.example"})
    assert r.status_code == 202
    with tenant_context(tenant):
        assert PublicComment.objects.count() == 0  # the honeypot was filled: nothing stored
    assert post(anonymous, f"{PUB}/{plan}/comments/", {"author_name": "Dân", "body": "x" * 2001}).status_code == 400
    assert post(anonymous, f"{PUB}/{plan}/comments/", {"author_name": "", "body": "ý kiến"}).status_code == 400
    assert post(anonymous, f"{PUB}/{plan}/comments/", {"author_name": "Dân", "body": "ý kiến", "item": 999999}).status_code == 400
    cache.clear()
    codes = [post(anonymous, f"{PUB}/{plan}/comments/", {"author_name": "Dân", "body": f"ý kiến {i}"}, REMOTE_ADDR="203.0.113.7").status_code
             for i in range(7)]
    assert codes == [202] * 5 + [429] * 2
    # A forged X-Forwarded-For from a remote client does not reset its limit.
    assert post(anonymous, f"{PUB}/{plan}/comments/", {"author_name": "Dân", "body": "giả"}, REMOTE_ADDR="203.0.113.7",
                HTTP_X_FORWARDED_FOR="198.51.100.1").status_code == 429
    assert post(anonymous, f"{PUB}/{plan}/comments/", {"author_name": "Dân", "body": "khác"}, REMOTE_ADDR="203.0.113.8").status_code == 202
    with tenant_context(tenant):
        assert PublicComment.objects.count() == 6


@pytest.mark.django_db
def test_only_accepted_comments_count_towards_the_limit(client_for, district, consultation_draft):
    """Refused comments (400) do not use up an address's 5 comments per 10 minutes; the 429 says when to come back."""
    plan = consultation_draft
    anonymous = client_for(None)
    for _ in range(6):
        assert post(anonymous, f"{PUB}/{plan}/comments/", {"author_name": "", "body": "thiếu tên"}, REMOTE_ADDR="203.0.113.9").status_code == 400
    codes = [post(anonymous, f"{PUB}/{plan}/comments/", {"author_name": "Dân", "body": f"ý kiến {i}"}, REMOTE_ADDR="203.0.113.9").status_code
             for i in range(6)]
    assert codes == [202] * 5 + [429]
    refused = post(anonymous, f"{PUB}/{plan}/comments/", {"author_name": "Dân", "body": "nữa"}, REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 429 and 0 < int(refused["Retry-After"]) <= 600
    with tenant_context(district("yen-phong")):
        assert PublicComment.objects.count() == 5


@pytest.mark.django_db
def test_public_surface_is_read_only_and_hides_working_drafts(client_for, consultation_draft):
    plan = consultation_draft
    anonymous = client_for(None)
    assert anonymous.patch(f"{PUB}/{plan}/", "{}", content_type="application/json").status_code == 405
    assert anonymous.delete(f"{PUB}/{plan}/comments/").status_code == 405
    assert anonymous.get(f"{D}/{plan}/").status_code == 401  # the staff API stays closed
    assert anonymous.get(f"{PUB}/{plan - 1}/").status_code == 404  # v1 is not public
    assert anonymous.get(f"{PUB}/{plan}/works.geojson").json()["type"] == "FeatureCollection"


@pytest.mark.django_db
def test_public_pages_show_the_draft_and_only_moderated_comments(client_for, consultation_draft):
    plan = consultation_draft
    anonymous, xa = client_for(None), client_for("xa.09193")
    listing = anonymous.get("/d/yen-phong/public/plans/")
    assert listing.status_code == 200 and f"/public/plans/{plan}/" in listing.content.decode()
    page = anonymous.get(f"/d/yen-phong/public/plans/{plan}/").content.decode()
    assert "Thị trấn Chờ" in page and "Đường trục thôn Đông" in page and "1.500.000.000" in page
    assert 'id="comment-form"' in page and 'name="website"' in page
    c = post(anonymous, f"{PUB}/{plan}/comments/", {"author_name": "Ngô Thị Hoa", "body": "Cần đèn chiếu sáng"}).json()["id"]
    assert "Cần đèn chiếu sáng" not in anonymous.get(f"/d/yen-phong/public/plans/{plan}/").content.decode()
    post(xa, f"{D}/comments/{c}/moderate/", {"decision": "publish"})
    assert "Cần đèn chiếu sáng" in anonymous.get(f"/d/yen-phong/public/plans/{plan}/").content.decode()
    assert anonymous.get(f"/d/yen-phong/public/plans/{plan - 1}/").status_code == 404


@pytest.mark.django_db
def test_citizens_keep_the_teams_answers_after_the_consultation_closes(client_for, district, consultation_draft):
    """Issue 15: once the window closed (the plan approved), the consulted draft became a 404 and the answers were lost."""
    from plans.models import CommunePlan

    plan = consultation_draft
    anonymous, xa = client_for(None), client_for("xa.09193")
    c = post(anonymous, f"{PUB}/{plan}/comments/", {"author_name": "Ngô Thị Hoa", "body": "Cần đèn chiếu sáng"}).json()["id"]
    assert post(xa, f"{D}/comments/{c}/moderate/", {"decision": "publish"}).status_code == 200
    assert post(xa, f"{D}/comments/{c}/answer/", {"answer": "Đã đưa vào kế hoạch năm 2027"}).status_code == 200
    with tenant_context(district("yen-phong")):
        CommunePlan.objects.filter(pk=plan).update(consultation_closes_on=today_plus(-1))
    page = anonymous.get(f"/d/yen-phong/public/plans/{plan}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Cần đèn chiếu sáng" in html and "Đã đưa vào kế hoạch năm 2027" in html
    assert 'id="comment-form"' not in html  # read-only now
    assert anonymous.get(f"{PUB}/{plan}/comments/").json()[0]["answer"] == "Đã đưa vào kế hoạch năm 2027"
    assert post(anonymous, f"{PUB}/{plan}/comments/", {"author_name": "Dân", "body": "muộn"}).status_code == 400

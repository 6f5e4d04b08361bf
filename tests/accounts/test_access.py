"""One place decides who may act (issue 11, part 3): the holes found inside a district, each closed, and the rule that
no role check lives outside `accounts/access.py`."""
import json
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from accounts import access
from accounts.models import User
from geo.guard import parse_geometry
from plans.models import PublicComment
from proposals import services as proposal_services
from tests.investment.factories import make_draft_item, make_plan, make_project
from tests.proposals.conftest import inside

pytestmark = pytest.mark.django_db

BASE = "/d/yen-phong/api/"
PLATFORM = Path(__file__).resolve().parents[2] / "platform"


@pytest.fixture
def yen_phong(district):
    d = district("yen-phong")
    connection.set_tenant(d)
    return d


def point(code):
    return parse_geometry({"type": "Point", "coordinates": inside(code)})


def school_proposal(district, *, publish=True):
    """The commune team's school proposal in Thị trấn Chờ (no village), published so that its village heads read it."""
    team = User.objects.get(username="xa.09193")
    proposal = proposal_services.proposal_create(
        actor=team, district=district, commune_code="09193", geom=point("09193"), title="Xây phòng học Trường THCS Chờ",
        sector="education", estimated_cost=2_000_000_000, source_kind="school", source_name="Trường THCS Chờ",
    )
    if publish:
        proposal_services.proposals_publish(actor=team, district=district, commune_code="09193", ids=[proposal.pk])
    return proposal


def patch(client, url, body):
    return client.patch(url, json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def test_a_village_head_cannot_edit_the_commune_teams_published_proposal(yen_phong, client_for):
    proposal = school_proposal(yen_phong)
    head = client_for("thon.09193-02")
    assert head.get(f"{BASE}proposals/{proposal.pk}/").status_code == 200  # published: the head may read it
    response = patch(head, f"{BASE}proposals/{proposal.pk}/", {"type": "Feature", "properties": {"estimated_cost": 1, "sector": "other"}})
    assert response.status_code == 403, response.content
    assert response.json()["detail"] == "You may not edit this proposal."
    proposal.refresh_from_db()
    assert (proposal.estimated_cost, proposal.sector) == (2_000_000_000, "education")
    assert not proposal.events.filter(action="updated").exists()
    # Nor may the head attach files to it; the team still edits it.
    upload = head.post(f"{BASE}proposals/{proposal.pk}/attachments/", {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n")},
                       HTTP_ACCEPT_LANGUAGE="en")
    assert upload.status_code == 403 and not proposal.attachments.exists()
    team = patch(client_for("xa.09193"), f"{BASE}proposals/{proposal.pk}/", {"type": "Feature", "properties": {"estimated_cost": 1_900_000_000}})
    assert team.status_code == 200 and team.json()["properties"]["estimated_cost"] == 1_900_000_000


def test_the_service_itself_refuses_the_village_head(yen_phong):
    """A new route that forgets to check still goes through the service, which asks accounts.access."""
    proposal = school_proposal(yen_phong)
    head = User.objects.get(username="thon.09193-02")
    with pytest.raises(access.AccessDenied) as refused:
        proposal_services.proposal_update(actor=head, proposal_id=proposal.pk, estimated_cost=1)
    assert refused.value.status == 403
    proposal.refresh_from_db()
    assert proposal.estimated_cost == 2_000_000_000


def test_a_village_head_still_edits_the_own_villages_proposal(yen_phong, client_for):
    head = User.objects.get(username="thon.09193-01")
    proposal = proposal_services.proposal_create(
        actor=head, district=yen_phong, commune_code="09193", geom=point("09193-01"), title="Đèn đường thôn", sector="electricity",
        estimated_cost=100_000_000,
    )
    response = patch(client_for("thon.09193-01"), f"{BASE}proposals/{proposal.pk}/", {"properties": {"estimated_cost": 90_000_000}})
    assert response.status_code == 200, response.content


def test_a_village_head_does_not_follow_another_villages_draft_to_the_money(yen_phong, client_for):
    other_head = User.objects.get(username="thon.09193-02")
    secret = proposal_services.proposal_create(
        actor=other_head, district=yen_phong, commune_code="09193", geom=point("09193-02"), title="Kênh mương nội đồng BÍ MẬT",
        sector="irrigation", estimated_cost=300_000_000,
    )
    url = f"{BASE}investment-chain/proposals/{secret.pk}/"
    response = client_for("thon.09193-01").get(url)
    assert response.status_code == 404
    assert "BÍ MẬT".encode() not in response.content
    assert client_for("thon.09193-01").get(f"{BASE}proposals/{secret.pk}/").status_code == 404  # the same answer as its own route
    assert client_for("thon.09193-02").get(url).status_code == 200
    assert client_for("xa.09193").get(url).json()["proposal"]["title"] == "Kênh mương nội đồng BÍ MẬT"


def test_a_village_head_reads_only_published_public_comments(yen_phong, client_for):
    item = make_draft_item(yen_phong, commune="09193")
    plan = item.plan
    pending = PublicComment.objects.create(plan=plan, author_name="Nguyễn Thị Riêng Tư", body="Ý kiến chờ duyệt")
    rejected = PublicComment.objects.create(plan=plan, author_name="Trần Văn Bị Loại", body="Ý kiến bị loại", status="rejected")
    shown = PublicComment.objects.create(plan=plan, author_name="Lê Văn Công Khai", body="Ý kiến đã đăng", status="published")
    head = client_for("thon.09193-01")
    listed = head.get(f"{BASE}plans/{plan.pk}/comments/")
    assert listed.status_code == 200
    assert [c["id"] for c in listed.json()] == [shown.pk]
    assert "Riêng Tư".encode() not in listed.content and "Bị Loại".encode() not in listed.content
    for comment in (pending, rejected):
        answer = head.post(f"{BASE}plans/comments/{comment.pk}/answer/", {"answer": "x"}, content_type="application/json")
        assert answer.status_code == 404 and b"Ri\xc3\xaang" not in answer.content
    # Those who moderate or oversee still read every comment.
    for username in ("xa.09193", "huyen.yen-phong", "tinh"):
        assert {c["id"] for c in client_for(username).get(f"{BASE}plans/{plan.pk}/comments/").json()} == {pending.pk, rejected.pk, shown.pk}


@pytest.mark.parametrize("username", ["xa.09193", "thon.09193-01"])
def test_commune_and_village_users_do_not_read_district_wide_allocation_totals(yen_phong, client_for, username):
    plan = make_plan(yen_phong)
    make_project(yen_phong, plan=plan, communes=["09193"])
    make_project(yen_phong, code="DA-02", plan=plan, communes=["09196"])
    client = client_for(username)
    detail = client.get(f"{BASE}investment-plans/{plan.pk}/")
    assert detail.status_code == 200 and "allocations_by_year" not in detail.json()
    assert client.get(f"{BASE}investment-plans/{plan.pk}/allocations/?year=2026").status_code == 403
    assert client.get(f"{BASE}investment-plans/{plan.pk}/envelopes/?year=2026").status_code == 403
    # Their own projects' allocations stay readable through the projects; district and province staff read the totals.
    assert client_for("huyen.yen-phong").get(f"{BASE}investment-plans/{plan.pk}/").json()["allocations_by_year"]["2026"]
    assert client_for("tinh").get(f"{BASE}investment-plans/{plan.pk}/allocations/?year=2026").status_code == 200


def test_a_refusal_speaks_vietnamese_by_default(yen_phong, client_for):
    proposal = school_proposal(yen_phong)
    response = client_for("thon.09193-02").patch(f"{BASE}proposals/{proposal.pk}/", json.dumps({"properties": {"estimated_cost": 1}}),
                                                 content_type="application/json")
    assert response.status_code == 403
    assert response.json()["detail"] == "Bạn không được sửa đề xuất này."


def test_one_exception_for_every_refusal():
    """AccessDenied carries its status; the old PermissionError and PermissionDenied are no longer raised anywhere."""
    assert access.not_found().status == 404 and access.forbidden().status == 403
    raised = []
    for path in PLATFORM.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for pattern in (r"raise PermissionError", r"PermissionError\(", r"raise PermissionDenied", r"import PermissionDenied"):
            if re.search(pattern, text) and "accounts/middleware.py" not in str(path):
                raised.append(f"{path.relative_to(PLATFORM)}: {pattern}")
    assert raised == []


ROLE_CHECK = re.compile(r"\.role\b|\bRole\.(PROVINCE|DISTRICT|COMMUNE|VILLAGE|CITIZEN)\b|\bis_superuser\b")


def test_no_role_check_outside_the_access_module():
    """Who may do what is decided in accounts/access.py only: nothing else reads a user's role."""
    allowed = {"accounts/access.py", "accounts/models.py", "accounts/admin.py", "fixtures/demo.py", "fixtures/synthetic.py"}
    found = []
    for path in sorted(PLATFORM.rglob("*.py")):
        name = str(path.relative_to(PLATFORM))
        if name in allowed or "/migrations/" in name or "/management/" in name:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if ROLE_CHECK.search(line):
                found.append(f"{name}:{number}: {line.strip()}")
    assert found == []

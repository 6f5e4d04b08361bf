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
            # geo is the ground layer, below accounts: its tile view relays the refusal of a layer (whose rule lives
            # in accounts.access, asked by the layer's app) with DRF's 403, since it may not import AccessDenied.
            if re.search(pattern, text) and not str(path).endswith(("accounts/middleware.py", "geo/tile_apis.py")):
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


# ---- the attacker's review (afix): C, E, F ------------------------------------------------------------------

def village_report_with_photo(district, settings, tmp_path):
    """Thị trấn Chờ's M&E plan, a periodic report of its village 09193-02 and a photo attached to that report."""
    from files.uploads import checked_file
    from monitoring import services as monitoring_services
    from monitoring.models import EvidencePhoto, MEPlan, PeriodicReport
    from tests.files.conftest import png

    settings.MEDIA_ROOT = tmp_path
    plan = make_draft_item(district, commune="09193").plan
    team, head = User.objects.get(username="xa.09193"), User.objects.get(username="thon.09193-02")
    me_plan = MEPlan.objects.create(plan=plan, commune=plan.cycle.commune, year=2027, created_by=team)
    period = monitoring_services.periods_ensure(year=2027)[0]
    report = PeriodicReport.objects.create(me_plan=me_plan, period=period, village=head.unit, problems="Báo cáo thôn 2", created_by=head)
    stored = checked_file(SimpleUploadedFile("ảnh thôn 2.png", png(), content_type="image/png"), field="photo")
    photo = EvidencePhoto.objects.create(me_plan=me_plan, report=report, photo=stored, photo_name=stored.original_name,
                                         content_type="image/png", location=point("09193-02"), uploaded_by=head)
    return me_plan, report, photo


def test_another_villages_head_neither_lists_nor_downloads_a_village_reports_photo(yen_phong, client_for, settings, tmp_path):
    me_plan, report, photo = village_report_with_photo(yen_phong, settings, tmp_path)
    own, other, team = client_for("thon.09193-02"), client_for("thon.09193-01"), client_for("xa.09193")
    url = photo.photo.url
    assert [f["id"] for f in own.get(f"{BASE}monitoring/evidence/?report={report.pk}").json()["features"]] == [photo.pk]
    assert own.get(url).status_code == 200 and team.get(url).status_code == 200
    assert other.get(f"{BASE}monitoring/evidence/?report={report.pk}").json()["features"] == []
    assert photo.pk not in [f["id"] for f in other.get(f"{BASE}monitoring/evidence/?me_plan={me_plan.pk}").json()["features"]]
    assert other.get(url).status_code == 404
    assert [f["id"] for f in team.get(f"{BASE}monitoring/evidence/?report={report.pk}").json()["features"]] == [photo.pk]


def test_evidence_for_another_villages_report_is_not_found_like_a_missing_report(yen_phong, client_for, settings, tmp_path):
    from monitoring.models import EvidencePhoto
    from tests.files.conftest import png

    me_plan, report, _photo = village_report_with_photo(yen_phong, settings, tmp_path)
    other = client_for("thon.09193-01")
    answers = []
    for report_id in (report.pk, 987654):
        response = other.post(f"{BASE}monitoring/evidence/", {
            "me_plan": me_plan.pk, "report": report_id, "photo": SimpleUploadedFile("a.png", png(), content_type="image/png"),
            "geometry": json.dumps({"type": "Point", "coordinates": inside("09193-01")})})
        answers.append((response.status_code, response.content))
    assert answers[0] == answers[1] and answers[0][0] == 404
    assert EvidencePhoto.objects.count() == 1


def test_commune_and_village_users_get_no_district_wide_counts(yen_phong, client_for):
    for username in ("xa.09193", "thon.09193-01"):
        body = client_for(username).get(f"{BASE}district/").json()
        assert body["code"] == "258" and set(body["counts"]) == {"communes", "villages"}, (username, body["counts"])
        page = client_for(username).get("/d/yen-phong/")
        assert page.status_code == 200
    for username in ("huyen.yen-phong", "tinh"):
        counts = client_for(username).get(f"{BASE}district/").json()["counts"]
        assert {"proposals", "users", "communes"} <= set(counts), (username, counts)


def post(client, url, body):
    return client.post(url, json.dumps(body), content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")


def test_writes_are_refused_before_the_body_is_read(yen_phong, client_for, settings, tmp_path):
    """A refusal (403/404) comes before any 400, however empty or broken the body."""
    item = make_draft_item(yen_phong, commune="09193")
    head = client_for("thon.09193-01")
    assert patch(head, f"{BASE}plans/items/{item.pk}/", {}).status_code == 403
    assert head.delete(f"{BASE}plans/items/{item.pk}/").status_code == 403
    assert post(head, f"{BASE}plans/{item.plan_id}/items/", {}).status_code == 403
    assert post(head, f"{BASE}plans/{item.plan_id}/targets/", {}).status_code == 403
    assert post(head, f"{BASE}plans/{item.plan_id}/new-version/", {}).status_code == 403
    assert post(head, f"{BASE}plans/{item.plan_id}/amend/", {}).status_code == 403
    province = client_for("tinh")
    assert post(province, f"{BASE}monitoring/findings/", {}).status_code == 403
    assert post(province, f"{BASE}monitoring/evidence/", {}).status_code == 403
    # A broken photo sent by another commune's team for Chờ's M&E plan: not found, the photo never decoded.
    me_plan, _report, _photo = village_report_with_photo(yen_phong, settings, tmp_path)
    response = client_for("xa.09196").post(f"{BASE}monitoring/evidence/", {
        "me_plan": me_plan.pk, "photo": SimpleUploadedFile("a.png", b"not a png", content_type="image/png"),
        "geometry": json.dumps({"type": "Point", "coordinates": inside("09193")})})
    assert response.status_code == 404, response.content
    # The team itself still gets its 400s.
    team = client_for("xa.09193")
    assert patch(team, f"{BASE}plans/items/{item.pk}/", {"properties": {"estimated_cost": "nhiều"}}).status_code == 400
    assert post(team, f"{BASE}plans/{item.plan_id}/new-version/", {"kind": "nonsense"}).status_code == 400


# ---- B: nested lists of proposals and plan items go through the reader's scope; links stay inside the project's communes

def test_a_project_and_a_plan_item_list_only_the_proposals_and_items_the_reader_may_read(yen_phong, client_for):
    from investment import services as investment_services
    from proposals.models import Proposal

    head_a2 = User.objects.get(username="thon.09193-02")
    secret = proposal_services.proposal_create(actor=head_a2, district=yen_phong, commune_code="09193", village_code="09193-02",
                                               geom=point("09193-02"), title="BÍ-MẬT thôn 2", sector="transport", estimated_cost=1)
    Proposal.objects.filter(pk=secret.pk).update(status="accepted")  # accepted into the plan, never published
    item_a = make_draft_item(yen_phong, commune="09193", title="Hạng mục Chờ", proposals=[secret])
    item_b = make_draft_item(yen_phong, commune="09196", title="BÍ-MẬT hạng mục Dũng Liệt", lonlat=[106.0012, 21.2458])
    project = make_project(yen_phong, code="DA-HAI-XA", communes=["09193", "09196"])
    investment_services.project_update(district=yen_phong, project=project, actor=User.objects.get(username="huyen.yen-phong"),
                                       proposals=[secret.pk], plan_items=[item_a.pk, item_b.pk])
    head = client_for("thon.09193-01")
    for url in (f"{BASE}investment-projects/{project.pk}/", f"{BASE}investment-plan-items/{item_a.pk}/"):
        response = head.get(url)
        assert response.status_code == 200 and "BÍ-MẬT".encode() not in response.content, (url, response.content[:300])
    seen = head.get(f"{BASE}investment-projects/{project.pk}/").json()["properties"]
    assert [i["id"] for i in seen["plan_items"]] == [item_a.pk] and seen["proposals"] == []
    # The other commune's team sees its own item, not Chờ's; the district sees everything.
    other = client_for("xa.09196").get(f"{BASE}investment-projects/{project.pk}/").json()["properties"]
    assert [i["id"] for i in other["plan_items"]] == [item_b.pk] and other["proposals"] == []
    full = client_for("huyen.yen-phong").get(f"{BASE}investment-projects/{project.pk}/").json()["properties"]
    assert {i["id"] for i in full["plan_items"]} == {item_a.pk, item_b.pk} and [p["id"] for p in full["proposals"]] == [secret.pk]
    assert client_for("xa.09193").get(f"{BASE}investment-plan-items/{item_a.pk}/").json()["properties"]["proposals"][0]["id"] == secret.pk


def test_a_proposal_does_not_show_the_merged_origins_the_reader_may_not_read(yen_phong, client_for):
    from proposals.models import Proposal

    head_a2 = User.objects.get(username="thon.09193-02")
    school = school_proposal(yen_phong)  # published: every head of Chờ reads it
    merged = proposal_services.proposal_create(actor=head_a2, district=yen_phong, commune_code="09193", village_code="09193-02",
                                               geom=point("09193-02"), title="BÍ-MẬT gộp vào", sector="education", estimated_cost=1)
    Proposal.objects.filter(pk=merged.pk).update(merged_into=school, status="merged")
    response = client_for("thon.09193-01").get(f"{BASE}proposals/{school.pk}/")
    assert response.status_code == 200 and "BÍ-MẬT".encode() not in response.content
    assert [o["id"] for o in response.json()["properties"]["origins"]] == [school.pk]
    assert merged.pk in [o["id"] for o in client_for("xa.09193").get(f"{BASE}proposals/{school.pk}/").json()["properties"]["origins"]]


def test_a_project_links_only_proposals_and_plan_items_of_its_communes(yen_phong, client_for):
    from investment.models import InvestmentProject

    outsider = proposal_services.proposal_create(actor=User.objects.get(username="xa.09196"), district=yen_phong, commune_code="09196",
                                                 geom=point("09196"), title="Đề xuất Dũng Liệt", sector="transport", estimated_cost=1)
    item_b = make_draft_item(yen_phong, commune="09196", title="Hạng mục Dũng Liệt", lonlat=[106.0012, 21.2458])
    project = make_project(yen_phong, code="DA-CHO-1", communes=["09193"])
    staff = client_for("huyen.yen-phong")
    for field, ids in (("proposals", [outsider.pk]), ("plan_items", [item_b.pk])):
        response = patch(staff, f"{BASE}investment-projects/{project.pk}/", {field: ids, "name": "Tên mới"})
        assert response.status_code == 400 and field in response.json(), response.content
    project = InvestmentProject.objects.get(pk=project.pk)
    assert project.name != "Tên mới" and not project.proposals.exists() and not project.plan_items.exists()
    # Once the project serves Dũng Liệt, both may be linked.
    response = patch(staff, f"{BASE}investment-projects/{project.pk}/",
                     {"communes": ["09193", "09196"], "proposals": [outsider.pk], "plan_items": [item_b.pk]})
    assert response.status_code == 200, response.content


# ---- D: the import's duplicate check looks only at what the importer may read

def test_the_import_never_names_another_communes_proposal_as_a_duplicate(yen_phong, client_for):
    head_a2 = User.objects.get(username="thon.09193-02")
    lon, lat = inside("09193-02")
    secret = proposal_services.proposal_create(actor=head_a2, district=yen_phong, commune_code="09193", village_code="09193-02",
                                               geom=parse_geometry({"type": "Point", "coordinates": [lon, lat]}), title="Cống BÍ-MẬT",
                                               sector="transport", estimated_cost=1)
    sheet = f"title,sector,estimated_cost,lon,lat,commune,village\nCống BÍ-MẬT,transport,1000000,{lon},{lat},09193,09193-02\n"
    for username in ("xa.09196", "thon.09193-01"):
        response = client_for(username).post(f"{BASE}proposals/import/?preview=1",
                                             {"file": SimpleUploadedFile("x.csv", sheet.encode())}, HTTP_ACCEPT_LANGUAGE="en")
        body = response.json()
        assert body["unchanged"] == 0 and [r["status"] for r in body["rows"]] == ["refused"], (username, body)
        assert all(r.get("id") != secret.pk for r in body["rows"]), (username, body["rows"])
    # The owner still learns of its own duplicate.
    own = client_for("thon.09193-02").post(f"{BASE}proposals/import/?preview=1", {"file": SimpleUploadedFile("x.csv", sheet.encode())}).json()
    assert [r["id"] for r in own["rows"] if r["status"] == "unchanged"] == [secret.pk]

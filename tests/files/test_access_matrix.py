"""Issue 11, part 2: every kind of uploaded file opens for the right people, and only for them.

One district (Yên Phong, commune Thị trấn Chờ 09193) gets one file of every kind through the real APIs and
services; every file is then fetched, over HTTP through all the middleware, by the owner, someone of the same
commune, another commune, the district office, the province, another district's office, a citizen and an
anonymous caller, on the staff route and on the public route, before and after publication (proposals
published, orientation published, plan announced). The expected tables are written out below; the test
prints the table it observed.
"""
import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from accounts.models import Role, User
from files.uploads import checked_file
from plans import services as plan_services
from plans.models import OrientationDocument, PlanCycle
from proposals import services as proposal_services
from tests.files.conftest import PDF, png
from tests.investment.factories import CHO, point
from tests.monitoring.factories import approved_plan
from tests.monitoring.test_chain import approved_me_plan
from tests.proposals.conftest import URL, feature

pytestmark = pytest.mark.django_db

PEOPLE = ["owner", "same commune", "other commune", "district", "province", "other district", "citizen", "anonymous"]
USERNAMES = {"other commune": "xa.09196", "district": "huyen.yen-phong", "province": "tinh", "other district": "huyen.que-vo",
             "citizen": "dan.09193", "anonymous": None}
# Who uploads each kind, and who is "someone else of the same commune" for it.
OWNERS = {
    "proposal-attachments": ("thon.09193-01", "thon.09193-02"),
    "meeting-minutes": ("thon.09193-01", "thon.09193-02"),
    "step-evidence": ("xa.09193", "thon.09193-01"),
    "council-resolutions": ("xa.09193", "thon.09193-01"),
    "district-decisions": ("huyen.yen-phong", "xa.09193"),
    "orientation-documents": ("huyen.yen-phong", "xa.09193"),
    "evidence-photos": ("thon.09193-01", "xa.09193"),
}
# Staff route /d/yen-phong/files/…: status per person (302 = sent to the login page), then the public route's
# status, the same for every caller. "draft" is before publication, "published" after.
EXPECTED = {
    ("proposal-attachments", "draft"):      "200 404 404 200 200 404 404 302 | public 404",
    ("proposal-attachments", "published"):  "200 200 404 200 200 404 404 302 | public 200",
    ("meeting-minutes", "draft"):           "200 404 404 200 200 404 404 302 | public 404",
    ("meeting-minutes", "published"):       "200 404 404 200 200 404 404 302 | public 404",
    ("step-evidence", "draft"):             "200 200 404 200 200 404 404 302 | public 404",
    ("step-evidence", "published"):         "200 200 404 200 200 404 404 302 | public 404",
    ("council-resolutions", "draft"):       "200 200 404 200 200 404 404 302 | public 404",
    ("council-resolutions", "published"):   "200 200 404 200 200 404 404 302 | public 200",
    ("district-decisions", "draft"):        "200 200 404 200 200 404 404 302 | public 404",
    ("district-decisions", "published"):    "200 200 404 200 200 404 404 302 | public 200",
    ("orientation-documents", "draft"):     "200 404 404 200 200 404 404 302 | public 404",
    ("orientation-documents", "published"): "200 200 200 200 200 404 404 302 | public 404",
    ("evidence-photos", "draft"):           "200 200 404 200 200 404 404 302 | public 404",
    ("evidence-photos", "published"):       "200 200 404 200 200 404 404 302 | public 404",
}


def client(username):
    c = Client()
    if username:
        c.force_login(User.objects.get(username=username))
    return c


def upload(name, content, content_type):
    return SimpleUploadedFile(name, content, content_type=content_type)


class Urls(dict):
    """{kind: staff URL}, with the id of the proposal the attachment belongs to."""

    proposal = None


def build_every_kind(district):
    """One file of every kind in Yên Phong, uploaded by its owner; returns {kind: staff URL from the API's answer}."""
    urls = Urls()
    village_head, team, office = client("thon.09193-01"), client("xa.09193"), client("huyen.yen-phong")
    proposal = village_head.post(URL, feature(), content_type="application/json").json()["id"]
    answer = village_head.post(f"{URL}{proposal}/attachments/", {"file": upload("ảnh hiện trạng.png", png(), "image/png")})
    assert answer.status_code == 201, answer.content
    urls["proposal-attachments"] = answer.json()["url"]
    urls.proposal = proposal
    meeting = village_head.post("/d/yen-phong/api/village-meetings/", {
        "commune": "09193", "village": "09193-01", "held_on": "25/04/2026", "place": "Nhà văn hóa", "chair": "Nguyễn Văn An",
        "participants": 50, "minutes": upload("biên bản họp thôn.pdf", PDF, "application/pdf")})
    assert meeting.status_code == 201, meeting.content
    urls["meeting-minutes"] = meeting.json()["properties"]["minutes"]

    # The plan cycle: a final version at the approval step gets the resolution (team) and the decision (district).
    plan = approved_plan(district, status="working")
    PlanCycle.objects.filter(pk=plan.cycle_id).update(step="approval")
    plan_services.plan_record_resolution(actor=User.objects.get(username="hdnd.09193"), plan=plan, number="12/NQ-HĐND", on=date(2026, 11, 20),
                                         file=upload("nghị quyết.pdf", PDF, "application/pdf"))
    plan_services.plan_record_district_approval(actor=User.objects.get(username="huyen.yen-phong"), plan=plan, number="345/QĐ-UBND",
                                                on=date(2026, 11, 25), file=upload("quyết định.pdf", PDF, "application/pdf"))
    evidence = team.post(f"/d/yen-phong/api/plans/cycles/{plan.cycle_id}/evidence/",
                         {"step": "approval", "title": "Biên bản kỳ họp HĐND", "file": upload("biên bản.pdf", PDF, "application/pdf")})
    assert evidence.status_code == 201, evidence.content
    cycle = team.get(f"/d/yen-phong/api/plans/cycles/{plan.cycle_id}/").json()
    urls["step-evidence"] = next(e["file"] for s in cycle["steps"] for e in s["evidence"])
    version = team.get(f"/d/yen-phong/api/plans/{plan.pk}/").json()
    urls["council-resolutions"] = version["council_resolution"]["file"]
    urls["district-decisions"] = version["district_decision"]["file"]

    # The district's orientation with a document (no upload API yet: the document is checked and stored like any upload).
    orientation = plan_services.orientation_create(actor=User.objects.get(username="huyen.yen-phong"), district_unit=district.unit,
                                                   plan_year=2028, title="Định hướng 2028")
    connection.set_tenant(district)
    checked = checked_file(upload("định hướng.pdf", PDF, "application/pdf"), field="file")
    OrientationDocument.objects.create(orientation=orientation, title="Văn bản định hướng", file=checked, file_name=checked.original_name)
    docs = office.get("/d/yen-phong/api/plans/orientations/").json()
    urls["orientation-documents"] = next(d["url"] for o in docs["results"] for d in o["documents"] if d["url"])

    # M&E: the approved plan's M&E plan and a geolocated photo by a village head.
    me_plan = approved_me_plan(team, plan)
    photo = village_head.post("/d/yen-phong/api/monitoring/evidence/", {
        "me_plan": me_plan["id"], "photo": upload("công trình.png", png(), "image/png"), "geometry": json.dumps(point(CHO))})
    assert photo.status_code == 201, photo.content
    urls["evidence-photos"] = photo.json()["properties"]["url"]
    return urls, plan, orientation


def publish_everything(district, plan, orientation):
    proposal_services.proposals_publish(actor=User.objects.get(username="xa.09193"), district=district, commune_code="09193")
    plan_services.orientation_publish(actor=User.objects.get(username="huyen.yen-phong"), orientation=orientation)
    plan_services.cycle_step_complete(actor=User.objects.get(username="xa.09193"), cycle=plan.cycle, step="approval")


def observe(urls):
    """{(kind): "staff statuses | public status"} as fetched by every person."""
    table = {}
    for kind, url in urls.items():
        owner, same = OWNERS[kind]
        names = {**USERNAMES, "owner": owner, "same commune": same}
        staff = [client(names[p]).get(url).status_code for p in PEOPLE]
        public_url = url.replace("/d/yen-phong/files/", "/d/yen-phong/public/files/")
        public = {client(names[p]).get(public_url).status_code for p in PEOPLE}
        table[kind] = " ".join(map(str, staff)) + " | public " + "/".join(map(str, sorted(public)))
    return table


def print_matrix(state, table):
    print(f"\n{state}: {'kind':22} " + " | ".join(PEOPLE) + " || public route")
    for kind, row in table.items():
        print(f"{state}: {kind:22} {row}")


def test_every_kind_of_file_opens_for_the_right_people(district, media):
    yen_phong = district("yen-phong")
    connection.set_tenant(yen_phong)
    User.objects.create_user(username="dan.09193", password="x", role=Role.CITIZEN)
    urls, plan, orientation = build_every_kind(yen_phong)
    assert set(urls) == set(OWNERS), "one file of every registered kind"
    for url in urls.values():
        assert url.startswith("/d/yen-phong/files/"), url
    before = observe(urls)
    print_matrix("draft", before)
    publish_everything(yen_phong, plan, orientation)
    after = observe(urls)
    print_matrix("published", after)
    assert before == {kind: EXPECTED[(kind, "draft")] for kind in urls}
    assert after == {kind: EXPECTED[(kind, "published")] for kind in urls}


def test_the_public_answers_link_the_public_route(district, media):
    yen_phong = district("yen-phong")
    connection.set_tenant(yen_phong)
    urls, plan, orientation = build_every_kind(yen_phong)
    proposal_id = urls.proposal
    anonymous = Client()
    assert anonymous.get(f"/d/yen-phong/api/public/proposals/{proposal_id}/attachments/").status_code == 404
    publish_everything(yen_phong, plan, orientation)
    listed = anonymous.get(f"/d/yen-phong/api/public/proposals/{proposal_id}/attachments/").json()
    assert [a["name"] for a in listed] == ["ảnh hiện trạng.png"]
    assert listed[0]["url"] == urls["proposal-attachments"].replace("/files/", "/public/files/")
    public_plan = anonymous.get(f"/d/yen-phong/api/public/plans/{plan.pk}/").json()
    assert public_plan["council_resolution"]["file"] == urls["council-resolutions"].replace("/files/", "/public/files/")
    assert anonymous.get(public_plan["district_decision"]["file"]).status_code == 200
    page = anonymous.get(f"/d/yen-phong/public/plans/{plan.pk}/").content.decode()
    assert f'href="{public_plan["council_resolution"]["file"]}" data-testid="public-resolution-file"' in page
    assert f'href="{public_plan["district_decision"]["file"]}" data-testid="public-decision-file"' in page


def test_a_file_is_not_found_through_another_district(district, media):
    yen_phong = district("yen-phong")
    connection.set_tenant(yen_phong)
    urls, plan, orientation = build_every_kind(yen_phong)
    publish_everything(yen_phong, plan, orientation)
    for kind, url in urls.items():
        elsewhere = url.replace("/d/yen-phong/", "/d/que-vo/")
        # Quế Võ's own staff: the file's name is looked up in Quế Võ's schema, where it is not.
        assert client("huyen.que-vo").get(elsewhere).status_code == 404, kind
        assert Client().get(elsewhere.replace("/files/", "/public/files/")).status_code == 404, kind
        # The province reads both districts, and still only finds the file in its own.
        assert client("tinh").get(elsewhere).status_code == 404, kind

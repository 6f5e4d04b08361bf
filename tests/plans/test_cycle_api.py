"""A whole cycle through the API, from the planning team to publication and an amendment."""
import io
import json

import pytest
from docx import Document
from openpyxl import load_workbook

from tests.plans.factories import TEAM, accepted_proposal, inside_point, iso, proposals_decided, today_plus

D = "/d/yen-phong/api/plans"
PUB = "/d/yen-phong/api/public/plans"


def post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def put(client, url, data):
    return client.put(url, json.dumps(data), content_type="application/json")


def patch(client, url, data):
    return client.patch(url, json.dumps(data), content_type="application/json")


def council_client(commune_code):
    """A client signed in as the commune's People's Council (which records its own resolution, Đ6.1)."""
    from django.test import Client

    from accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=f"hdnd.{commune_code}"))
    return client


def complete(client, cycle, step, note=""):
    return post(client, f"{D}/cycles/{cycle}/steps/{step}/complete/", {"note": note})


@pytest.mark.django_db
def test_whole_cycle_from_team_to_publication(client_for, district):
    xa, huyen, other_xa = client_for("xa.09193"), client_for("huyen.yen-phong"), client_for("xa.09196")
    anonymous = client_for(None)
    proposal = accepted_proposal(district("yen-phong"))

    # Đ3: the cycle and its team.
    r = post(xa, f"{D}/cycles/", {"commune": "09193", "plan_year": 2027})
    assert r.status_code == 201, r.content
    cycle = r.json()["id"]
    assert [s["due_date"] for s in r.json()["steps"]][:2] == ["2026-05-05", "2026-05-10"]
    assert post(xa, f"{D}/cycles/", {"commune": "09193", "plan_year": 2027}).status_code == 400
    assert complete(xa, cycle, "team").status_code == 400  # no team yet
    assert put(xa, f"{D}/cycles/{cycle}/team/", {"members": TEAM}).status_code == 200
    assert complete(xa, cycle, "team", "Quyết định 12/QĐ-UBND").status_code == 200

    # Step 1 closes once every proposal of the plan year is decided; step 2 is the district's: orientation with envelopes,
    # published, then completed.
    proposals_decided(district("yen-phong"))
    assert complete(xa, cycle, "proposals").status_code == 200
    r = post(huyen, f"{D}/orientations/", {
        "plan_year": 2027, "title": "Định hướng kế hoạch 2027", "summary": "Ưu tiên giao thông nông thôn",
        "documents": [{"title": "Công văn 123/UBND-TCKH", "url": "https://example.org/cv123.pdf"}],
        "envelopes": [{"commune": "09193", "sector": "transport", "capital_source": "district_budget", "amount": 2_000_000_000},
                      {"commune": "09196", "sector": "education", "capital_source": "district_budget", "amount": 900_000_000}],
    })
    assert r.status_code == 201, r.content
    orientation = r.json()["id"]
    assert complete(huyen, cycle, "orientation").status_code == 400  # not yet published
    assert post(huyen, f"{D}/orientations/{orientation}/publish/").status_code == 200
    assert complete(huyen, cycle, "orientation").status_code == 200
    seen = xa.get(f"{D}/cycles/{cycle}/orientation/").json()["results"][0]
    assert [e["commune"] for e in seen["envelopes"]] == ["09193"]  # a commune sees its own envelopes only
    page = xa.get(f"/d/yen-phong/plans/cycles/{cycle}/").content.decode()
    assert "Định hướng kế hoạch 2027" in page and "2000" in page and "900" not in page

    # Step 3: v1 from the accepted proposal, an item drawn by the team, a target, the consultation conference.
    r = post(xa, f"{D}/cycles/{cycle}/draft/")
    assert r.status_code == 201, r.content
    v1 = r.json()["id"]
    items = r.json()["items"]["features"]
    assert len(items) == 1 and items[0]["properties"]["proposals"] == [proposal.pk]
    assert items[0]["geometry"]["coordinates"] == pytest.approx([proposal.geom.x, proposal.geom.y])
    point, _ = inside_point("09193")
    r = post(xa, f"{D}/{v1}/items/", {"type": "Feature", "geometry": point, "properties": {
        "title": "Nhà văn hóa thôn Bắc", "sector": "culture_sport", "estimated_cost": 800_000_000,
        "funding": {"commune_budget": 600_000_000, "residents": 200_000_000}, "responsible_unit": "UBND xã",
        "starts_on": "2027-03-01", "ends_on": "2027-10-30"}})
    assert r.status_code == 201, r.content
    hall = r.json()["id"]
    assert post(xa, f"{D}/{v1}/targets/", {"indicator": "Thu nhập bình quân đầu người", "unit": "triệu đồng",
                                           "current_estimate": "62", "next_target": "68"}).status_code == 201
    assert patch(xa, f"{D}/{v1}/", {"assessment": "Năm 2026 đạt 15/17 chỉ tiêu."}).status_code == 200
    assert complete(xa, cycle, "draft").status_code == 400  # no consultation conference yet
    assert post(xa, f"{D}/cycles/{cycle}/conferences/", {"kind": "consultation", "held_on": "2026-06-20", "participants": 45,
                                                        "summary": "Đồng ý ưu tiên đường trục thôn"}).status_code == 201
    assert complete(xa, cycle, "draft").status_code == 200
    draft_step = next(s for s in xa.get(f"{D}/cycles/{cycle}/").json()["steps"] if s["step"] == "draft")
    assert draft_step["state"] == "done" and draft_step["meetings"][0]["participants"] == 45
    assert "Hội nghị ngày 20/06/2026, 45 người tham dự" in xa.get(f"/d/yen-phong/plans/cycles/{cycle}/").content.decode()
    assert patch(xa, f"{D}/items/{hall}/", {"type": "Feature", "properties": {"title": "Sửa sau khi nộp"}}).status_code == 400

    # Step 4: the district comments per item and per sector; the commune answers; another commune cannot.
    r = post(huyen, f"{D}/{v1}/feedback/", {"item": hall, "body": "Làm rõ nguồn vốn đối ứng", "office": "Phòng Văn hóa"})
    assert r.status_code == 201, r.content
    fb = r.json()["id"]
    fb2 = post(huyen, f"{D}/{v1}/feedback/", {"sector": "transport", "body": "Phù hợp quy hoạch giao thông"}).json()["id"]
    assert post(xa, f"{D}/{v1}/feedback/", {"sector": "transport", "body": "tự nhận xét"}).status_code == 403
    assert post(other_xa, f"{D}/feedback/{fb}/answer/", {"answer": "x"}).status_code == 404
    assert post(xa, f"{D}/feedback/{fb}/answer/", {"answer": "Nhân dân đóng góp 200 triệu"}).status_code == 200
    assert complete(huyen, cycle, "district_feedback").status_code == 200
    assert complete(huyen, cycle, "sedp_conference").status_code == 403  # the commune's step

    # Step 5: the revised draft, open for public comment, moderated and answered; the SEDP conference.
    r = post(xa, f"{D}/{v1}/new-version/", {"kind": "revised"})
    assert r.status_code == 201, r.content
    v2 = r.json()["id"]
    assert post(xa, f"{D}/{v2}/consultation/", {"closes_on": iso(today_plus(10))}).status_code == 200
    assert post(huyen, f"{D}/{v2}/feedback/", {"sector": "transport", "body": "muộn"}).status_code == 400  # step 4 is over
    r = post(anonymous, f"{PUB}/{v2}/comments/", {"author_name": "Ngô Văn Dân", "body": "Đề nghị làm rãnh thoát nước"})
    assert r.status_code == 202, r.content
    comment = r.json()["id"]
    assert anonymous.get(f"{PUB}/{v2}/comments/").json() == []
    assert complete(xa, cycle, "sedp_conference").status_code == 400  # comments and conference outstanding
    assert post(xa, f"{D}/comments/{comment}/moderate/", {"decision": "publish"}).status_code == 200
    assert post(xa, f"{D}/comments/{comment}/answer/", {"answer": "Đã bổ sung rãnh thoát nước"}).status_code == 200
    public = anonymous.get(f"{PUB}/{v2}/comments/").json()
    assert [c["body"] for c in public] == ["Đề nghị làm rãnh thoát nước"] and public[0]["answer"]
    assert post(xa, f"{D}/cycles/{cycle}/conferences/", {"kind": "sedp", "held_on": "2026-07-08", "participants": 80,
                                                        "summary": "Thống nhất dự thảo"}).status_code == 201
    r = complete(xa, cycle, "sedp_conference")
    assert r.status_code == 400 and "feedback" in r.json()  # the sector comment is not answered yet
    assert post(xa, f"{D}/feedback/{fb2}/answer/", {"answer": "Tiếp thu"}).status_code == 200
    assert complete(xa, cycle, "sedp_conference").status_code == 200

    # Đ6: final plan, People's Council resolution, district approval, announcement.
    r = post(xa, f"{D}/{v2}/new-version/", {"kind": "final"})
    assert r.status_code == 201, r.content
    v3 = r.json()["id"]
    assert complete(xa, cycle, "approval").status_code == 400  # not approved yet
    assert post(huyen, f"{D}/{v3}/district-approval/", {"number": "45/QĐ-UBND", "date": "2026-11-20"}).status_code == 400
    assert post(huyen, f"{D}/{v3}/resolution/", {"number": "10/NQ-HĐND", "date": "2026-11-15"}).status_code == 403
    # Đ6.1: the People's Council records its own resolution; the planning team may no longer type it in.
    assert post(xa, f"{D}/{v3}/resolution/", {"number": "10/NQ-HĐND", "date": "2026-11-15"}).status_code == 403
    assert post(client_for("hdnd.09193"), f"{D}/{v3}/resolution/", {"number": "10/NQ-HĐND", "date": "2026-11-15"}).status_code == 200
    assert post(xa, f"{D}/{v3}/district-approval/", {"number": "45/QĐ-UBND", "date": "2026-11-20"}).status_code == 403
    assert post(huyen, f"{D}/{v3}/district-approval/", {"number": "45/QĐ-UBND", "date": "2026-11-20"}).status_code == 200
    assert anonymous.get(f"{PUB}/{v3}/").status_code == 404  # approved but not announced yet
    r = complete(xa, cycle, "approval", "Công bố ngày 28/12")
    assert r.status_code == 200 and r.json()["step"] == "published"
    assert [(t["from"], t["to"]) for t in r.json()["events"]] == [
        ("team", "proposals"), ("proposals", "orientation"), ("orientation", "draft"), ("draft", "district_feedback"),
        ("district_feedback", "sedp_conference"), ("sedp_conference", "approval"), ("approval", "published")]
    assert [t["actor"]["username"] for t in r.json()["events"]][2] == "huyen.yen-phong"

    # Announced: on the public portal with its works on the map.
    listed = anonymous.get(f"{PUB}/").json()["results"]
    assert [p["id"] for p in listed if p["status"] == "approved"] == [v3]
    works = anonymous.get(f"{PUB}/{v3}/works.geojson").json()
    assert works["type"] == "FeatureCollection" and len(works["features"]) == 2
    assert anonymous.get(f"{PUB}/{v1}/").status_code == 404  # a superseded draft is not public

    # Versions compare item by item.
    diff = xa.get(f"{D}/{v1}/compare/{v3}/").json()
    assert {row["change"] for row in diff["items"]} == {"same"} and len(diff["items"]) == 2

    # Đ7: an action programme with tasks assigned to named people.
    items = xa.get(f"{D}/{v3}/items/").json()["features"]
    future = post(xa, f"{D}/cycles/{cycle}/action-programmes/", {"title": "Chương trình", "issued_by": "UBND xã", "issued_on": "2099-01-10",
                                                                 "tasks": [{"task": "x", "assignee": "y", "due_on": "2099-04-30"}]})
    assert future.status_code == 400 and "issued_on" in future.json()  # issued in the future: refused
    r = post(xa, f"{D}/cycles/{cycle}/action-programmes/", {"title": "Chương trình hành động 2027", "issued_by": "UBND xã",
        "issued_on": "2026-11-20", "tasks": [{"task": "Khởi công đường trục thôn", "assignee": "Ông Lê Văn Cường", "due_on": "2027-04-30",
                                               "item": items[0]["id"]}]})
    assert r.status_code == 201, r.content
    assert xa.get(f"{D}/cycles/{cycle}/").json()["action_programmes"][0]["tasks"][0]["assignee"] == "Ông Lê Văn Cường"


@pytest.mark.django_db
def test_approved_plan_is_never_edited_and_amendment_keeps_it(client_for, district):
    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    v3, cycle = published_plan(xa, huyen, district("yen-phong"))
    item = xa.get(f"{D}/{v3}/items/").json()["features"][0]["id"]
    before = xa.get(f"{D}/{v3}/").json()
    assert patch(xa, f"{D}/items/{item}/", {"type": "Feature", "properties": {"estimated_cost": 1}}).status_code == 400
    assert xa.delete(f"{D}/items/{item}/").status_code == 400
    assert post(xa, f"{D}/{v3}/items/", {"type": "Feature", "geometry": None, "properties": {"title": "x", "sector": "other"}}).status_code == 400
    assert patch(xa, f"{D}/{v3}/", {"assessment": "đổi"}).status_code == 400
    assert post(xa, f"{D}/{v3}/targets/", {"indicator": "x", "unit": "%", "next_target": "1"}).status_code == 400
    assert post(xa, f"{D}/{v3}/new-version/", {"kind": "final"}).status_code == 400
    assert post(xa, f"{D}/{v3}/amend/", {"reason": ""}).status_code == 400
    assert post(huyen, f"{D}/{v3}/amend/", {"reason": "x"}).status_code == 403
    r = post(xa, f"{D}/{v3}/amend/", {"reason": "Bổ sung công trình trường mầm non"})
    assert r.status_code == 201, r.content
    v4 = r.json()["id"]
    assert r.json()["kind"] == "amendment" and r.json()["based_on"] == v3
    assert post(xa, f"{D}/{v3}/amend/", {"reason": "lần hai"}).status_code == 400  # one amendment at a time
    assert patch(xa, f"{D}/{v4}/", {"assessment": "Điều chỉnh"}).status_code == 200
    assert post(xa, f"{D}/{v4}/items/", {"type": "Feature", "geometry": None,
                                         "properties": {"title": "Tập huấn", "sector": "agriculture", "kind": "activity"}}).status_code == 201
    after = xa.get(f"{D}/{v3}/").json()
    assert after["items"] == before["items"] and after["assessment"] == before["assessment"] and after["status"] == "approved"
    diff = xa.get(f"{D}/{v3}/compare/{v4}/").json()
    assert [row["label"] for row in diff["items"] if row["change"] == "added"] == ["Tập huấn"]
    from django.core.files.uploadedfile import SimpleUploadedFile

    bad = SimpleUploadedFile("nghi-quyet.exe", b"MZ", content_type="application/octet-stream")
    hdnd = client_for("hdnd.09193")
    assert hdnd.post(f"{D}/{v4}/resolution/", {"number": "15/NQ-HĐND", "date": "2026-11-25", "file": bad}).status_code == 400
    assert xa.get(f"{D}/{v4}/").json()["status"] == "working"
    good = SimpleUploadedFile("nghi-quyet-15.pdf", b"%PDF-1.4 nghi quyet", content_type="application/pdf")
    r = hdnd.post(f"{D}/{v4}/resolution/", {"number": "15/NQ-HĐND", "date": "2026-11-25", "file": good})
    assert r.status_code == 200, r.content
    assert r.json()["council_resolution"]["file"].endswith(".pdf") and r.json()["status"] == "frozen"
    assert post(huyen, f"{D}/{v4}/district-approval/", {"number": "77/QĐ-UBND", "date": "2026-11-27"}).status_code == 200
    assert xa.get(f"{D}/{v3}/").json()["status"] == "approved"


@pytest.mark.django_db
def test_docx_xlsx_and_geojson_exports(client_for, district):
    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    v3, _ = published_plan(xa, huyen, district("yen-phong"))
    r = xa.get(f"{D}/{v3}/document.docx")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/vnd.openxmlformats")
    doc = Document(io.BytesIO(r.content))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(c.text for t in doc.tables for row in t.rows for c in row.cells)
    text = text.replace("\u00a0", " ")  # the header block keeps "THỊ TRẤN CHỜ" on one line with non-breaking spaces
    assert "THỊ TRẤN CHỜ" in text and "Đường trục thôn Đông" in text and "Nhà văn hóa thôn Bắc" in text
    assert "Đánh giá tình hình" in text and "Danh mục công trình" in text and "theo dõi và đánh giá" in text
    assert "1.500" in text  # 1.5 billion VND shown as 1.500 million

    r = xa.get(f"{D}/{v3}/tables.xlsx")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    works = wb["Công trình"]
    rows = list(works.iter_rows(min_row=3, values_only=True))
    assert [row[1] for row in rows] == ["Đường trục thôn Đông", "Nhà văn hóa thôn Bắc"]
    assert rows[0][4] == 1_500_000_000
    assert "Thị trấn Chờ" in works["A1"].value
    # a Vietnamese form whatever the request's language, as the plan's Word document (review rv15g: "Final (v3)")
    english = load_workbook(io.BytesIO(xa.get(f"{D}/{v3}/tables.xlsx", HTTP_ACCEPT_LANGUAGE="en").content))
    assert english["Chỉ tiêu"]["A1"].value == wb["Chỉ tiêu"]["A1"].value
    assert english["Chỉ tiêu"]["A1"].value.endswith("(phiên bản 3)") and "Final" not in english["Chỉ tiêu"]["A1"].value
    assert wb["Chỉ tiêu"].cell(3, 2).value == "Thu nhập bình quân đầu người"

    r = xa.get(f"{D}/{v3}/works.geojson", HTTP_ACCEPT="application/geo+json")
    body = r.json()
    assert r["Content-Type"] == "application/geo+json"
    assert {f["geometry"]["type"] for f in body["features"]} == {"Point"}
    lon, lat = body["features"][0]["geometry"]["coordinates"]
    assert 105.8 < lon < 106.4 and 20.9 < lat < 21.3  # lon/lat order, inside Bắc Ninh
    assert client_for("xa.09196").get(f"{D}/{v3}/document.docx").status_code == 404
    assert len(xa.get(f"{D}/{v3}/items/?bbox={lon - 0.01},{lat - 0.01},{lon + 0.01},{lat + 0.01}").json()["features"]) >= 1
    assert xa.get(f"{D}/{v3}/items/?bbox=100,10,100.1,10.1").json()["features"] == []
    assert xa.get(f"{D}/{v3}/items/?bbox=1,2,3").status_code == 400


def published_plan(xa, huyen, tenant):
    """Drive a cycle to publication quickly (the steps themselves are tested above); return (final plan id, cycle id)."""
    accepted_proposal(tenant)
    cycle = post(xa, f"{D}/cycles/", {"commune": "09193", "plan_year": 2027}).json()["id"]
    put(xa, f"{D}/cycles/{cycle}/team/", {"members": TEAM})
    complete(xa, cycle, "team")
    proposals_decided(tenant)
    complete(xa, cycle, "proposals")
    o = post(huyen, f"{D}/orientations/", {"plan_year": 2027, "title": "Định hướng"}).json()["id"]
    post(huyen, f"{D}/orientations/{o}/publish/")
    complete(huyen, cycle, "orientation")
    v1 = post(xa, f"{D}/cycles/{cycle}/draft/").json()["id"]
    point, _ = inside_point("09193")
    post(xa, f"{D}/{v1}/items/", {"type": "Feature", "geometry": point, "properties": {
        "title": "Nhà văn hóa thôn Bắc", "sector": "culture_sport", "estimated_cost": 800_000_000}})
    post(xa, f"{D}/{v1}/targets/", {"indicator": "Thu nhập bình quân đầu người", "unit": "triệu đồng", "current_estimate": "62", "next_target": "68"})
    post(xa, f"{D}/cycles/{cycle}/conferences/", {"kind": "consultation", "held_on": "2026-06-20", "participants": 45, "summary": "ok"})
    complete(xa, cycle, "draft")
    post(huyen, f"{D}/{v1}/feedback/", {"no_comments": True})
    complete(huyen, cycle, "district_feedback")
    v2 = post(xa, f"{D}/{v1}/new-version/", {"kind": "revised"}).json()["id"]
    post(xa, f"{D}/cycles/{cycle}/conferences/", {"kind": "sedp", "held_on": "2026-07-08", "participants": 80, "summary": "ok"})
    complete(xa, cycle, "sedp_conference")
    v3 = post(xa, f"{D}/{v2}/new-version/", {"kind": "final"}).json()["id"]
    post(council_client("09193"), f"{D}/{v3}/resolution/", {"number": "10/NQ-HĐND", "date": "2026-11-15"})
    post(huyen, f"{D}/{v3}/district-approval/", {"number": "45/QĐ-UBND", "date": "2026-11-20"})
    r = complete(xa, cycle, "approval")
    assert r.json()["step"] == "published", r.content
    return v3, cycle

"""The province's own duties: the library (Đ12.1), training (Đ12.3, Đ14, Đ18) and communication (Đ17), with the
forbidden paths."""
import json
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from guidance.models import CommunicationActivity, Course, Document

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def post(client, url, data, lang="vi"):
    return client.post(url, json.dumps(data), content_type="application/json", HTTP_ACCEPT_LANGUAGE=lang)


def add_document(client, *, public, title):
    upload = SimpleUploadedFile("sổ tay.pdf", PDF, content_type="application/pdf")
    return client.post("/api/province/library/", {"kind": "handbook", "title": title, "number": "07/2015/QĐ-UBND", "issued_on": "15/04/2015",
                                                  "issuer": "UBND tỉnh Bắc Ninh", "is_public": "true" if public else "false", "file": upload})


@pytest.mark.django_db
def test_the_library_shows_staff_only_documents_to_staff_and_public_ones_to_everyone(client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    tinh = client_for("tinh")
    staff_only = add_document(tinh, public=False, title="Hướng dẫn nội bộ")
    public = add_document(tinh, public=True, title="Sổ tay lập kế hoạch")
    assert staff_only.status_code == 201 and public.status_code == 201, staff_only.content
    assert staff_only.json()["url"].startswith("/files/library-documents/") and public.json()["url"].startswith("/public/files/library-documents/")
    # Anonymous callers and citizens see the public document only, and cannot fetch the staff-only file.
    anonymous = client_for(None)
    assert [d["title"] for d in anonymous.get("/api/province/library/").json()] == ["Sổ tay lập kế hoạch"]
    assert anonymous.get(staff_only.json()["url"]).status_code == 404
    assert anonymous.get(staff_only.json()["url"].replace("/files/", "/public/files/", 1)).status_code == 404
    downloaded = anonymous.get(public.json()["url"])
    assert downloaded.status_code == 200 and b"".join(downloaded.streaming_content) == PDF
    # Staff of every level read both.
    for who in ("xa.09193", "thon.09193-01", "huyen.que-vo", "hdnd.09193", "thongke.09193", "donvi.09193.1", "phong.yen-phong.gddt", "so.khdt"):
        client = client_for(who)
        assert {d["title"] for d in client.get("/api/province/library/").json()} == {"Hướng dẫn nội bộ", "Sổ tay lập kế hoạch"}
        assert client.get(staff_only.json()["url"]).status_code == 200, who


@pytest.mark.django_db
def test_only_the_province_adds_to_the_library_and_bad_input_is_a_400_naming_the_field(client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    assert add_document(client_for("huyen.yen-phong"), public=True, title="x").status_code == 403
    assert add_document(client_for("xa.09193"), public=True, title="x").status_code == 403
    assert add_document(client_for(None), public=True, title="x").status_code == 401
    missing = client_for("tinh").post("/api/province/library/", {"kind": "handbook", "title": "x", "issued_on": "hôm qua"}, HTTP_ACCEPT_LANGUAGE="vi")
    assert missing.status_code == 400 and set(missing.json()) == {"issued_on", "issuer"}
    html = client_for("tinh").post("/api/province/library/", {"kind": "form", "title": "x", "issued_on": "01/01/2026", "issuer": "Sở KH&ĐT",
                                                              "file": SimpleUploadedFile("evil.pdf", b"<html><script>alert(1)</script>", content_type="application/pdf")})
    assert html.status_code == 400 and "file" in html.json()
    assert Document.objects.count() == 0


@pytest.mark.django_db
def test_training_lists_who_in_each_commune_is_not_yet_trained(client_for):
    team, head = User.objects.get(username="xa.09193"), User.objects.get(username="thon.09193-01")
    tinh = client_for("tinh")
    before = {row["commune"]: {p["username"] for p in row["people"]} for row in tinh.get("/api/province/training/untrained/").json()}
    assert "xa.09193" in before["09193"] and "thon.09193-01" in before["09193"]
    course = post(tinh, "/api/province/training/courses/", {"title": "Tập huấn lập kế hoạch có sự tham gia", "organiser": "27",
                                                            "starts_on": "10/03/2026", "ends_on": "12/03/2026", "participants": [team.pk, head.pk]})
    assert course.status_code == 201, course.content
    assert {p["username"] for p in course.json()["participants"]} == {"xa.09193", "thon.09193-01"}
    after = {row["commune"]: {p["username"] for p in row["people"]} for row in tinh.get("/api/province/training/untrained/").json()}
    assert "xa.09193" not in after.get("09193", set()) and "thon.09193-01" not in after.get("09193", set())
    assert "xa.09196" in after["09196"]
    # A district sees its own communes only.
    mine = client_for("huyen.que-vo").get("/api/province/training/untrained/").json()
    assert mine and all(not row["commune"].startswith("0919") for row in mine) and "09196" not in {r["commune"] for r in mine}


@pytest.mark.django_db
def test_participants_and_the_untrained_are_the_one_person_shape(client_for, api_schema):
    """Review rv17c, 8: participants were {id, username, role, unit} while the untrained were {…, name, …}."""
    team, head = User.objects.get(username="xa.09193"), User.objects.get(username="thon.09193-01")
    tinh = client_for("tinh")
    (untrained,) = [p for row in tinh.get("/api/province/training/untrained/").json() for p in row["people"] if p["id"] == team.pk]
    course = post(tinh, "/api/province/training/courses/", {"title": "Tập huấn", "organiser": "27", "starts_on": "10/03/2026",
                                                            "ends_on": "12/03/2026", "participants": [team.pk, head.pk]}).json()
    listed = [c for c in tinh.get("/api/province/training/courses/").json() if c["id"] == course["id"]][0]
    for participants in (course["participants"], listed["participants"]):
        (participant,) = [p for p in participants if p["id"] == team.pk]
        assert participant == untrained
        assert set(participant) == {"id", "username", "name", "role", "unit"}
        assert participant["name"] == (team.get_full_name() or team.username)
    schemas = api_schema["components"]["schemas"]
    course_people = schemas["CourseOutput"]["properties"]["participants"]["items"]
    untrained_people = schemas["UntrainedCommune"]["properties"]["people"]["items"]
    assert course_people == untrained_people == {"$ref": "#/components/schemas/TrainingPersonOutput"}


@pytest.mark.django_db
def test_training_is_refused_to_others_and_for_bad_input(client_for):
    good = {"title": "T", "organiser": "258", "starts_on": "10/03/2026", "ends_on": "12/03/2026"}
    assert post(client_for("huyen.que-vo"), "/api/province/training/courses/", good).status_code == 403  # Yên Phong's course
    assert post(client_for("huyen.yen-phong"), "/api/province/training/courses/", good).status_code == 201
    assert post(client_for("xa.09193"), "/api/province/training/courses/", good).status_code == 403
    assert client_for("xa.09193").get("/api/province/training/untrained/").status_code == 403
    assert client_for(None).get("/api/province/training/courses/").status_code == 401
    bad = client_for("tinh").get("/api/province/training/untrained/?district=abc", HTTP_ACCEPT_LANGUAGE="vi")
    assert bad.status_code == 400 and "huyện" in bad.json()["district"][0]
    bogus = client_for(None).get("/api/province/library/?kind=bogus", HTTP_ACCEPT_LANGUAGE="vi")
    assert bogus.status_code == 400 and bogus.json()["kind"] == ["kind: “bogus” không phải là một trong các lựa chọn: handbook, guidance, form, template."]
    # District sector offices and provincial departments read the courses and who is untrained (their own district's
    # communes for an office), but record none.
    for who in ("phong.yen-phong.gddt", "so.khdt"):
        assert client_for(who).get("/api/province/training/courses/").status_code == 200, who
        assert client_for(who).get("/api/province/training/untrained/").status_code == 200, who
        assert post(client_for(who), "/api/province/training/courses/", good).status_code == 403, who
    backwards = post(client_for("tinh"), "/api/province/training/courses/", {**good, "ends_on": "01/03/2026"})
    assert backwards.status_code == 400 and "ends_on" in backwards.json()
    unknown = post(client_for("tinh"), "/api/province/training/courses/", {**good, "participants": [987654321]})
    assert unknown.status_code == 400 and "participants" in unknown.json()
    assert Course.objects.count() == 1


@pytest.mark.django_db
def test_communication_is_recorded_by_level_within_the_recorders_scope(client_for):
    xa = client_for("xa.09193")
    held = post(xa, "/api/province/communication/", {"unit": "09193", "held_on": "05/04/2026", "channel": "Loa truyền thanh",
                                                     "title": "Thông báo họp thôn lập kế hoạch", "audience": 1200})
    assert held.status_code == 201 and held.json()["level"] == "commune"
    district = post(client_for("huyen.yen-phong"), "/api/province/communication/", {"unit": "258", "held_on": "01/04/2026", "channel": "Hội nghị", "title": "Phổ biến QĐ 07"})
    assert district.status_code == 201 and district.json()["level"] == "district"
    # Refused: another commune's activity, another district's, a village head; nothing written.
    assert post(xa, "/api/province/communication/", {"unit": "09196", "held_on": "05/04/2026", "channel": "x", "title": "x"}).status_code == 403
    assert post(client_for("huyen.que-vo"), "/api/province/communication/", {"unit": "09193", "held_on": "05/04/2026", "channel": "x", "title": "x"}).status_code == 403
    assert post(client_for("thon.09193-01"), "/api/province/communication/", {"unit": "09193", "held_on": "05/04/2026", "channel": "x", "title": "x"}).status_code == 403
    bad = post(xa, "/api/province/communication/", {"unit": "09193", "held_on": "05/04/2026", "channel": "x", "title": "x", "audience": -3})
    assert bad.status_code == 400 and "audience" in bad.json()
    assert CommunicationActivity.objects.count() == 2
    # Read by level: the district sees its own and its communes', another district nothing of it, a commune its own.
    assert {a["level"] for a in client_for("huyen.yen-phong").get("/api/province/communication/").json()} == {"district", "commune"}
    assert client_for("huyen.que-vo").get("/api/province/communication/").json() == []
    assert [a["unit"] for a in client_for("xa.09196").get("/api/province/communication/").json()] == []
    assert [a["level"] for a in client_for("tinh").get("/api/province/communication/?level=commune").json()] == ["commune"]
    assert client_for("tinh").get("/api/province/communication/?level=thon").status_code == 400
    assert date(2026, 4, 5).isoformat() == held.json()["held_on"]


@pytest.mark.django_db
def test_the_openapi_document_describes_the_duties_and_the_inbox_with_their_shapes(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    paths = schema["paths"]
    for route, method in (("/api/province/library/", "post"), ("/api/province/training/courses/", "post"), ("/api/province/training/untrained/", "get"),
                          ("/api/province/communication/", "post"), ("/api/me/inbox/", "get")):
        operation = paths[route][method]
        assert "200" in operation["responses"] or "201" in operation["responses"], route
    inbox = schema["components"]["schemas"]["InboxOutput"]["properties"]
    assert set(inbox) == {"count", "overdue", "items"}
    district_routes = [p for p in paths if "duties/difficulties" in p or "duties/inspections" in p]
    assert district_routes, sorted(paths)[:20]

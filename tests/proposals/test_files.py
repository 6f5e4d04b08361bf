"""Village meetings with minutes, attachments, and imports from files: every refusal leaves nothing behind."""
import io
import json
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from proposals.models import Attachment, Proposal, VillageMeeting
from tests.proposals.conftest import CHO, DUNG_LIET, URL, feature, inside

pytestmark = pytest.mark.django_db
MEETINGS = "/d/yen-phong/api/village-meetings/"


def created(body):
    """The rows an import created (every import's answer, docs/API.md, "Imports")."""
    return [r for r in body["rows"] if r["status"] == "created"]


def refused(body):
    return [r for r in body["rows"] if r["status"] == "refused"]


def png_bytes():
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"\x00\xff\x00\x00"
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def meeting_form(**overrides):
    form = {"commune": CHO, "village": "09193-01", "held_on": "25/04/2026", "place": "Nhà văn hóa thôn Đông",
            "chair": "Nguyễn Văn An", "participants": 80, "women": 35, "poor_households": 6}
    form.update(overrides)
    return form


def test_village_meeting_with_minutes(yen_phong, client_for):
    form = meeting_form(minutes=SimpleUploadedFile("bien-ban.pdf", PDF, content_type="application/pdf"))
    response = client_for("thon.09193-01").post(MEETINGS, form)
    assert response.status_code == 201, response.content
    props = response.json()["properties"]
    assert props["held_on"] == "2026-04-25" and props["women"] == 35 and props["minutes"].endswith(".pdf")
    meeting_id = response.json()["id"]
    proposal = client_for("thon.09193-01").post(URL, feature(meeting=meeting_id, priority=1), content_type="application/json")
    assert proposal.status_code == 201, proposal.content
    detail = client_for("xa.09193").get(f"{MEETINGS}{meeting_id}/").json()
    assert [p["title"] for p in detail["properties"]["proposals"]] == [proposal.json()["properties"]["title"]]
    listed = client_for("huyen.yen-phong").get(MEETINGS, {"commune": CHO}).json()
    assert meeting_id in [f["id"] for f in listed["features"]]


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"women": 90}, "women"),
        ({"participants": 0}, "participants"),
        ({"held_on": "31/02/2026"}, "held_on"),
        ({"village": "09196-01"}, "village"),
        ({"minutes": "bad"}, "minutes"),
    ],
)
def test_village_meeting_refusals(yen_phong, client_for, overrides, field):
    if overrides.get("minutes") == "bad":
        overrides["minutes"] = SimpleUploadedFile("bien-ban.pdf", b"not a pdf at all", content_type="application/pdf")
    before = VillageMeeting.objects.count()
    response = client_for("thon.09193-01").post(MEETINGS, meeting_form(**overrides))
    assert response.status_code == 400, response.content
    assert field in response.json()
    assert VillageMeeting.objects.count() == before


def test_meeting_for_another_village_is_refused(yen_phong, client_for):
    response = client_for("thon.09193-02").post(MEETINGS, meeting_form())
    assert response.status_code == 403


def new_proposal(client_for):
    response = client_for("thon.09193-01").post(URL, feature(), content_type="application/json")
    return response.json()["id"]


def test_photo_attachment(yen_phong, client_for):
    pid = new_proposal(client_for)
    response = client_for("thon.09193-01").post(f"{URL}{pid}/attachments/", {"file": SimpleUploadedFile("anh.png", png_bytes(), content_type="image/png")})
    assert response.status_code == 201, response.content
    assert response.json()["content_type"] == "image/png"
    assert client_for("xa.09193").get(f"{URL}{pid}/").json()["properties"]["attachments"][0]["name"] == "anh.png"


@pytest.mark.parametrize(
    "name, content, content_type",
    [
        ("anh.jpg", b"plain text pretending", "image/jpeg"),
        ("anh.jpg", png_bytes(), "image/jpeg"),
        ("script.exe", b"MZ\x90\x00" + b"\x00" * 100, "application/octet-stream"),
    ],
)
def test_attachment_refusals(yen_phong, client_for, name, content, content_type):
    pid = new_proposal(client_for)
    response = client_for("thon.09193-01").post(f"{URL}{pid}/attachments/", {"file": SimpleUploadedFile(name, content, content_type=content_type)})
    assert response.status_code == 400, response.content
    assert "file" in response.json()
    assert not Attachment.objects.filter(proposal_id=pid).exists()


def test_oversized_upload_is_refused(yen_phong, client_for, settings):
    pid = new_proposal(client_for)
    settings.UPLOAD_MAX_BYTES = 1000
    big = png_bytes() + b"\x00" * 2000
    response = client_for("thon.09193-01").post(f"{URL}{pid}/attachments/", {"file": SimpleUploadedFile("big.png", big, content_type="image/png")})
    assert response.status_code == 400
    assert not Attachment.objects.filter(proposal_id=pid).exists()


def test_oversized_json_body_is_refused(yen_phong, client_for, settings):
    settings.UPLOAD_MAX_BYTES = 500
    body = feature(problem="x" * 1000)
    response = client_for("thon.09193-01").post(URL, body, content_type="application/json")
    assert response.status_code == 400 and "500" in response.json()["detail"]


def import_file(client_for, name, content, username="xa.09193"):
    return client_for(username).post(URL + "import/", {"file": SimpleUploadedFile(name, content)}, HTTP_ACCEPT_LANGUAGE="en")


def test_csv_import_reports_row_by_row_and_refused_rows_leave_nothing(yen_phong, client_for):
    lon, lat = inside("09193-01")
    out_lon, out_lat = inside(DUNG_LIET)
    text = (
        "title,sector,estimated_cost,lon,lat,village,commune_budget\n"
        f"Đường thôn Đông,Giao thông,\"150.000.000\",{lon},{lat},09193-01,50000000\n"
        f"Kênh tưới,irrigation,90000000,{out_lon},{out_lat},09193-01,0\n"
        f"Nhà văn hóa,culture_sport,-5,{lon},{lat},09193-01,0\n"
        f"Sân bóng,culture_sport,100000000,{lon},{lat},09193-01,200000000\n"
        f"Trạm bơm,irrigation,80000000,,,09193-01,0\n"
    )
    before = Proposal.objects.count()
    response = import_file(client_for, "de-xuat.csv", text.encode())
    assert response.status_code == 200, response.content
    report = response.json()
    assert [r["row"] for r in created(report)] == [2]  # spreadsheet rows: the header is row 1
    cells = {r["row"]: r["cells"] for r in refused(report)}
    assert set(cells) == {3, 4, 5, 6}
    # Refusals sit under the sheet's own headings: the place under the two columns it was read from (lon, lat), the
    # resources of the row as a whole (contributions above the cost) under none, in the reason only.
    assert set(cells[3]) == {"lon", "lat"} and "outside" in json.dumps(cells[3])
    assert "estimated_cost" in cells[4]
    reasons = {r["row"]: r["reason"] for r in refused(report)}
    assert cells[5] == {} and reasons[5] and not reasons[5].startswith("resources")
    assert set(cells[6]) == {"lon", "lat"}
    assert Proposal.objects.count() == before + 1
    assert Proposal.objects.get(pk=created(report)[0]["id"]).estimated_cost == 150_000_000


def test_excel_import(yen_phong, client_for):
    lon, lat = inside("09193-02")
    book = Workbook()
    sheet = book.active
    sheet.append(["Tên đề xuất", "Lĩnh vực", "Kinh phí dự kiến", "Kinh độ", "Vĩ độ", "Mã thôn"])
    sheet.append(["Điện chiếu sáng", "Điện", 120_000_000, lon, lat, "09193-02"])
    sheet.append(["Không rõ lĩnh vực", "Vũ trụ", 120_000_000, lon, lat, "09193-02"])
    data = io.BytesIO()
    book.save(data)
    report = import_file(client_for, "de-xuat.xlsx", data.getvalue()).json()
    assert [r["row"] for r in created(report)] == [2]
    assert [r["row"] for r in refused(report)] == [3] and "Lĩnh vực" in refused(report)[0]["cells"]
    assert Proposal.objects.get(pk=created(report)[0]["id"]).sector == "electricity"


def test_geojson_and_kml_import(yen_phong, client_for):
    lon, lat = inside("09193-01")
    collection = {"type": "FeatureCollection", "features": [
        feature(title="Từ GeoJSON", village="09193-01"),
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lat, lon]}, "properties": {"title": "Đảo tọa độ", "sector": "other", "estimated_cost": 1}},
    ]}
    report = import_file(client_for, "de-xuat.geojson", json.dumps(collection).encode()).json()
    assert len(created(report)) == 1 and refused(report)[0]["row"] == 2
    kml = f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>Cống thoát nước</name>
<ExtendedData><Data name="sector"><value>environment_water</value></Data><Data name="estimated_cost"><value>70000000</value></Data></ExtendedData>
<Point><coordinates>{lon},{lat}</coordinates></Point></Placemark></Document></kml>"""
    report = import_file(client_for, "de-xuat.kml", kml.encode()).json()
    assert len(created(report)) == 1, report
    assert Proposal.objects.get(pk=created(report)[0]["id"]).title == "Cống thoát nước"


@pytest.mark.parametrize(
    "name, content",
    [("de-xuat.xlsx", b"not a workbook"), ("de-xuat.geojson", b"{broken"), ("de-xuat.kml", b"<kml><broken"), ("de-xuat.doc", b"x")],
)
def test_broken_files_are_a_clear_400(yen_phong, client_for, name, content):
    before = Proposal.objects.count()
    response = import_file(client_for, name, content)
    assert response.status_code == 400, response.content
    assert "file" in response.json()
    assert Proposal.objects.count() == before


def test_import_by_someone_outside_the_commune_takes_nothing(yen_phong, client_for):
    lon, lat = inside("09193-01")
    text = f"title,sector,estimated_cost,lon,lat,commune\nĐường,transport,1000,{lon},{lat},{CHO}\n"
    report = import_file(client_for, "x.csv", text.encode(), username="xa.09196").json()
    assert created(report) == [] and refused(report)[0]["row"] == 2

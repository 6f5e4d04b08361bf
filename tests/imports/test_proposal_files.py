"""Proposal files as village heads and communes make them: each corpus file with its expected row report.

Before: a KML whose second placemark had an altitude answered 500 after the first was saved (a retry
duplicated it), "150.000" in a sheet was read as 150 đồng by the API, rows were numbered from the
first data row, and the same file sent twice created every proposal twice.
"""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from proposals.models import Proposal
from tests.imports.corpus import utf8_bom, windows_1258, xlsx
from tests.proposals.conftest import CHO, URL, inside

pytestmark = pytest.mark.django_db
IMPORT = URL + "import/"


def created(body):
    """The rows an import created (every import's answer, docs/API.md, "Imports")."""
    return [r for r in body["rows"] if r["status"] == "created"]


def refused(body):
    return [r for r in body["rows"] if r["status"] == "refused"]


def send(client_for, name, content, *, preview=False, username=f"xa.{CHO}", language=None):
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    return client_for(username).post(IMPORT + ("?preview=1" if preview else ""), {"file": SimpleUploadedFile(name, content)}, **headers)


def statuses(body):
    return {r["row"]: r["status"] for r in body["rows"]}


def kml(*placemarks):
    marks = "".join(
        f"<Placemark><name>{title}</name><ExtendedData><Data name=\"sector\"><value>transport</value></Data>"
        f"<Data name=\"estimated_cost\"><value>{cost}</value></Data></ExtendedData><Point><coordinates>{coords}</coordinates></Point></Placemark>"
        for title, cost, coords in placemarks)
    return f'<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2"><Document>{marks}</Document></kml>'.encode()


def test_kml_with_an_altitude_on_the_second_placemark(yen_phong, client_for):
    lon, lat = inside("09193-01")
    before = Proposal.objects.count()
    content = kml(("Cống thoát nước", "70.000.000", f"{lon},{lat}"), ("Đèn đường", "30000000", f"{lon + 0.0005},{lat},12.5"))
    body = send(client_for, "gps.kml", content).json()
    assert statuses(body) == {1: "created", 2: "created"}, body
    assert Proposal.objects.count() == before + 2
    assert Proposal.objects.get(pk=created(body)[0]["id"]).estimated_cost == 70_000_000
    # Sent again (a retry): both are unchanged, nothing new.
    again = send(client_for, "gps.kml", content).json()
    assert statuses(again) == {1: "unchanged", 2: "unchanged"} and Proposal.objects.count() == before + 2


def test_csv_from_vietnamese_windows_with_semicolons_names_and_vietnamese_numbers(yen_phong, client_for):
    lon, lat = inside("09193-02")
    sheet = (
        "Tên đề xuất;Lĩnh vực;Kinh phí dự kiến (đồng);Kinh độ;Vĩ độ;Thôn\n"
        f"Đường thôn Đoài;Giao thông;1.500.000.000;{str(lon).replace('.', ',')};{str(lat).replace('.', ',')};Thôn Đòai\n"  # the tone mark on the other vowel
        f"Kênh tưới;Thuỷ lợi;150,000;{lon};{lat};thôn đoài\n"
        f"Nhà văn hóa;Văn hóa, thể thao;300.000.000;{lon};{lat};Thôn Không Có\n"
    )
    before = Proposal.objects.count()
    body = send(client_for, "de-xuat.csv", windows_1258(sheet)).json()
    assert statuses(body) == {2: "created", 3: "refused", 4: "refused"}, body
    cost_message = body["rows"][1]["cells"]["Kinh phí dự kiến (đồng)"][0]
    assert "150.000" in cost_message and "dấu thập phân" in cost_message
    assert list(body["rows"][2]["cells"]) == ["Thôn"]
    proposal = Proposal.objects.get(pk=created(body)[0]["id"])
    assert (proposal.estimated_cost, proposal.village.code, proposal.sector) == (1_500_000_000, "09193-02", "transport")
    assert Proposal.objects.count() == before + 1


def test_excel_with_a_title_number_cells_for_text_and_a_repeated_row(yen_phong, client_for):
    lon, lat = inside("09193-01")
    rows = [
        ["Tên công trình", "Lĩnh vực", "Kinh phí dự kiến", "Kinh độ", "Vĩ độ", "Mã xã", "Mã thôn"],
        [2026, "Giao thông", 150_000, lon, lat, 9193, "Thôn ÐÔNG"],                      # row 4: numbers for text, Ð look-alike
        ["Sân thể thao", "Văn hóa, thể thao", "150.000.000", lon, lat, 9193, "09193-01"],  # row 5
        ["Sân thể thao", "Văn hoá, thể thao", "150.000.000", lon, lat, "09193", "09193-01"],  # row 6: repeats row 5
        [None] * 7,                                                                   # blank
        ["Sân bóng", "Văn hóa", 1.5, lon, lat, 9193, "09193-01"],                       # row 8: a fraction of a đồng
    ]
    before = Proposal.objects.count()
    body = send(client_for, "de-xuat.xlsx", xlsx(rows, title="DANH MỤC ĐỀ XUẤT CỦA THÔN ĐÔNG")).json()
    assert statuses(body) == {4: "created", 5: "created", 6: "unchanged", 8: "refused"}, body
    assert set(body["rows"][-1]["cells"]) == {"Lĩnh vực", "Kinh phí dự kiến"}
    assert Proposal.objects.get(pk=created(body)[0]["id"]).title == "2026"
    assert Proposal.objects.count() == before + 2


def test_preview_then_apply(yen_phong, client_for):
    lon, lat = inside("09193-01")
    sheet = f"title,sector,estimated_cost,lon,lat,village\nA,transport,1.000,{lon},{lat},09193-01\nB,nope,1.000,{lon},{lat},09193-01\n"
    before = Proposal.objects.count()
    preview = send(client_for, "x.csv", utf8_bom(sheet), preview=True).json()
    assert preview["preview"] is True and statuses(preview) == {2: "created", 3: "refused"}
    assert Proposal.objects.count() == before
    applied = send(client_for, "x.csv", utf8_bom(sheet)).json()
    assert statuses(applied) == statuses(preview) and Proposal.objects.count() == before + 1


def test_a_nul_byte_in_row_2_writes_nothing(yen_phong, client_for):
    lon, lat = inside("09193-01")
    sheet = f"title,sector,estimated_cost,lon,lat\nA,transport,1000,{lon},{lat}\nB\x00,transport,1000,{lon},{lat}\n"
    before = Proposal.objects.count()
    response = send(client_for, "x.csv", sheet.encode(), language="en")
    assert response.status_code == 400 and "Row 3" in response.json()["file"][0]
    assert Proposal.objects.count() == before


def test_a_village_heads_sheet_without_a_village_column_sent_twice_is_written_once(yen_phong, client_for):
    """Issue 15, review rv15c finding 4: the head's rows are stored with the head's village, so the duplicate lookup
    must look there (it looked among proposals without a village and created every row again)."""
    lon, lat = inside("09193-01")
    sheet = f"title,sector,estimated_cost,lon,lat\nGiếng làng,transport,1.000.000,{lon},{lat}\n"
    first = send(client_for, "gieng.csv", utf8_bom(sheet), username=f"thon.{CHO}-01").json()
    assert statuses(first) == {2: "created"}, first
    assert Proposal.objects.get(pk=created(first)[0]["id"]).village.code == f"{CHO}-01"
    before = Proposal.objects.count()
    again = send(client_for, "gieng.csv", utf8_bom(sheet), username=f"thon.{CHO}-01").json()
    assert statuses(again) == {2: "unchanged"}, again
    assert again["rows"][0]["id"] == first["rows"][0]["id"]
    assert Proposal.objects.count() == before


def test_a_preview_names_the_earlier_row_of_a_repeat_and_skips_a_note_row(yen_phong, client_for):
    """Issue 15, review rv15c finding 5: a preview writes nothing, so a repeat within the file names the row it repeats,
    never the id of a proposal rolled back; a note row ("Ghi chú: …" alone in its row) is skipped, not refused."""
    lon, lat = inside("09193-01")
    sheet = (f"title,sector,estimated_cost,lon,lat,village\nĐèn ngõ,transport,1.000,{lon},{lat},09193-01\n"
             f"Đèn ngõ,transport,1.000,{lon},{lat},09193-01\nGhi chú: không nhập,,,,,\n")
    before = Proposal.objects.count()
    preview = send(client_for, "x.csv", utf8_bom(sheet), preview=True).json()
    assert statuses(preview) == {2: "created", 3: "unchanged", 4: "skipped"}, preview
    repeat = preview["rows"][1]
    assert repeat["id"] is None and "dòng 2" in repeat["reason"] and "đề xuất" not in repeat["reason"], repeat
    assert Proposal.objects.count() == before
    applied = send(client_for, "x.csv", utf8_bom(sheet)).json()
    assert statuses(applied) == {2: "created", 3: "unchanged", 4: "skipped"}, applied
    assert applied["rows"][1]["id"] == applied["rows"][0]["id"]


def test_several_messages_of_a_row_are_joined_without_a_doubled_stop(yen_phong, client_for):
    lon, lat = inside("09193-01")
    sheet = f"title,sector,estimated_cost,lon,lat\nA,nope,-5,{lon},{lat}\n"
    body = send(client_for, "x.csv", utf8_bom(sheet), preview=True).json()
    reason = refused(body)[0]["reason"]
    assert ".;" not in reason and ".." not in reason, reason

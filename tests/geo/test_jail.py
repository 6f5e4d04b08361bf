"""Hostile files: every one is a clear 400 (or a refusal), costs a bounded time and memory, and leaks nothing.

The corpus is made here, so each file says how it was built.
"""
import http.server
import io
import threading
import time
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from geo.formats import Refused
from geo.jail import limits_from_settings, parse_jailed
from geo.readers import read_records

ALL = {"csv", "xlsx", "geojson", "kml", "kmz", "gpx", "shp", "gpkg"}
IMPORT = "/d/yen-phong/api/proposals/import/"


def vrt(source):
    return f"""<OGRVRTDataSource><OGRVRTLayer name="x"><SrcDataSource>{source}</SrcDataSource>
<GeometryType>wkbPoint</GeometryType><GeometryField encoding="PointFromColumns" x="field_1" y="field_2"/>
</OGRVRTLayer></OGRVRTDataSource>""".encode()


def zipped(entries, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.fixture
def yen_phong_tenant(district):
    return district("yen-phong")


def refusal(name, data, kinds=ALL):
    with pytest.raises(ValidationError) as caught, translation.override("en"):
        read_records(SimpleUploadedFile(name, data), kinds=kinds)
    return " ".join(caught.value.message_dict["file"])


@pytest.fixture
def listener():
    """A local HTTP server that records every request, to prove /vsicurl/ never calls out."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"secret-from-the-network,1\n")

        do_HEAD = do_GET

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}", hits
    server.shutdown()


@pytest.mark.parametrize("name", ["attack.kml", "attack.gpx", "attack.gpkg", "attack.geojson", "attack.kmz", "attack.zip", "attack.xlsx"])
def test_a_vrt_reading_a_local_file_is_refused_whatever_it_is_called(name):
    message = refusal(name, vrt("CSV:/etc/passwd"))
    assert "root:" not in message and "/etc/passwd" not in message


@pytest.mark.parametrize("name", ["attack.kml", "attack.gpx", "attack.gpkg"])
def test_a_vrt_fetching_a_url_is_refused_and_nothing_is_fetched(listener, name):
    url, hits = listener
    message = refusal(name, vrt(f"/vsicurl/{url}/secret.csv"))
    assert "secret-from-the-network" not in message
    time.sleep(0.2)
    assert hits == []


def test_a_vrt_inside_a_zipped_shapefile_is_refused(listener):
    url, hits = listener
    archive = zipped({"roads.vrt": vrt("CSV:/etc/passwd"), "net.vrt": vrt(f"/vsicurl/{url}/x.csv")})
    assert ".vrt" in refusal("roads.zip", archive)
    # Named as a Shapefile part, it is still opened by the Shapefile driver only.
    message = refusal("roads.zip", zipped({"roads.shp": vrt(f"/vsicurl/{url}/x.csv"), "roads.dbf": b"", "roads.shx": b""}))
    assert "secret" not in message and "root:" not in message
    assert hits == []


def test_the_vrt_attack_through_the_api_is_a_400_that_leaks_nothing(yen_phong_tenant, client_for, listener):
    url, hits = listener
    for username in ("xa.09193", "thon.09193-01"):
        for content in (vrt("CSV:/etc/passwd"), vrt(f"/vsicurl/{url}/secret.csv")):
            response = client_for(username).post(IMPORT, {"file": SimpleUploadedFile("x.kml", content)}, HTTP_ACCEPT_LANGUAGE="en")
            assert response.status_code == 400, response.content
            assert b"root:" not in response.content and b"secret-from-the-network" not in response.content
            assert "file" in response.json()
    assert hits == []


@pytest.mark.parametrize("username", ["tinh", "huyen.yen-phong"])
def test_staff_who_cannot_propose_cannot_make_the_server_parse_a_file(yen_phong_tenant, client_for, username):
    response = client_for(username).post(IMPORT, {"file": SimpleUploadedFile("x.kml", vrt("CSV:/etc/passwd"))}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 403, response.content


def test_a_zip_bomb_is_refused_before_extraction():
    bomb = zipped({"roads.shp": b"\0" * 60_000_000})  # 60 MB of zeros, about 60 KB packed
    assert len(bomb) < 200_000
    started = time.monotonic()
    assert "50 MB" in refusal("roads.zip", bomb)
    assert "compressed more than 100 times" in refusal("roads.kmz", zipped({"doc.kml": b" " * 5_000_000}))
    assert "more than 200 files" in refusal("roads.zip", zipped({f"{i}.shp": b"" for i in range(201)}))
    assert "unsafe name" in refusal("roads.zip", zipped({"../../etc/roads.shp": b"x"}))
    assert time.monotonic() - started < 60  # generous: the point is that nothing is expanded


def test_an_xlsx_bomb_is_refused_before_openpyxl_reads_it():
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Tên", "Kinh phí"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as original:
        entries = {i.filename: original.read(i) for i in original.infolist()}
    row = "<row><c t=\"inlineStr\"><is><t>Đường thôn</t></is></c></row>".encode()
    entries["xl/worksheets/sheet1.xml"] = (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                                           + row * 1_700_000 + b"</sheetData></worksheet>")  # about 100 MB of sheet XML
    bomb = zipped(entries)
    assert len(bomb) < 8_000_000
    assert "expands to more than 50 MB" in refusal("bom.xlsx", bomb)


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE kml [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;"><!ENTITY i "&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;">]>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>&i;</name><Point><coordinates>106,21.2</coordinates></Point></Placemark></Document></kml>"""
EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE kml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>&secret;</name><Point><coordinates>106,21.2</coordinates></Point></Placemark></Document></kml>"""


@pytest.mark.parametrize("name", ["x.kml", "x.gpx"])
@pytest.mark.parametrize("content", [BILLION_LAUGHS, EXTERNAL_ENTITY], ids=["billion-laughs", "external-entity"])
def test_xml_entities_are_refused(name, content):
    if name.endswith(".gpx"):
        content = content.replace(b"kml", b"gpx")
    message = refusal(name, content)
    assert "entities" in message and "root:" not in message
    assert "entities" in refusal("x.kmz", zipped({"doc.kml": content}))


def test_xml_entities_in_a_workbook_are_refused():
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["Tên", "Kinh phí"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as original:
        entries = {i.filename: original.read(i) for i in original.infolist()}
    entries["xl/worksheets/sheet1.xml"] = (b'<?xml version="1.0"?><!DOCTYPE w [<!ENTITY s SYSTEM "file:///etc/passwd">]>'
                                           b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
                                           b'<row r="1"><c r="A1" t="inlineStr"><is><t>&s;</t></is></c></row></sheetData></worksheet>')
    message = refusal("x.xlsx", zipped(entries))
    assert "entities" in message and "root:" not in message


def test_the_api_answers_400_in_vietnamese_for_entities(yen_phong_tenant, client_for):
    response = client_for("xa.09193").post(IMPORT, {"file": SimpleUploadedFile("x.kml", BILLION_LAUGHS)}, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400, response.content
    assert "thực thể" in response.json()["file"][0]


@pytest.fixture(scope="module")
def heavy_sheet():
    """300 000 rows (about 60 MB of sheet XML, 10 MB packed): more than the limits below allow."""
    return _sheet(300_000)


def _sheet(rows):
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Tên đề xuất", "Kinh phí dự kiến", "Ghi chú"])
    for n in range(rows):
        sheet.append([f"Đề xuất {n}", n * 1000, "x" * 20])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_the_cpu_limit_ends_a_parse_that_runs_too_long(heavy_sheet):
    limits = {**limits_from_settings(), "cpu_seconds": 1, "timeout_seconds": 30, "max_records": 10**7, "max_expanded_bytes": 10**9, "max_ratio": 10**6}
    with pytest.raises(Refused) as caught:
        parse_jailed(heavy_sheet, kind="xlsx", limits=limits)
    assert caught.value.code == "too_slow"


def test_the_wall_clock_limit_kills_the_child(heavy_sheet):
    limits = {**limits_from_settings(), "cpu_seconds": 60, "timeout_seconds": 1, "max_records": 10**7, "max_expanded_bytes": 10**9, "max_ratio": 10**6}
    with pytest.raises(Refused) as caught:
        parse_jailed(heavy_sheet, kind="xlsx", limits=limits)
    assert caught.value.code == "too_slow"


def test_the_memory_limit_ends_a_parse_that_grows_too_big():
    # 8 MB of CSV, 900 rows of 1000 distinct cells: about 150 MB of Python objects at its peak.
    data = ",".join(f"h{i}" for i in range(1000)).encode() + b"\n"
    data += b"".join((",".join(f"{r:04d}{c:04d}" for c in range(1000)) + "\n").encode() for r in range(900))
    with pytest.raises(Refused) as caught:
        parse_jailed(data, kind="csv", limits={**limits_from_settings(), "memory_mb": 100, "max_columns": 1000})
    assert caught.value.code == "too_big"
    assert len(parse_jailed(data, kind="csv", limits={**limits_from_settings(), "max_columns": 1000})["records"]) == 900  # within the default memory limit it is read


def png_header(width, height):
    """A tiny PNG whose header claims width × height pixels (its data would decompress to gigabytes)."""
    import struct
    import zlib

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b""))


def test_a_photo_with_too_many_pixels_is_refused_before_decoding(settings):
    from django.core.exceptions import ValidationError
    from rest_framework.exceptions import ValidationError as ApiValidationError

    from files.uploads import checked_file

    settings.UPLOAD_MAX_PIXELS = 60_000_000
    for width, height in ((50_000, 50_000), (8_000, 8_000)):  # above Pillow's own ceiling, and just above ours
        with pytest.raises((ApiValidationError, ValidationError)) as caught, translation.override("en"):
            checked_file(SimpleUploadedFile("bomb.png", png_header(width, height), "image/png"), field="file")
        assert "larger than 60.0 megapixels" in str(caught.value)


# --- size limits enforced by the child, before it answers (review of issue 12) ----------------

def wide_csv(columns, name_chars, rows, cell="1"):
    """A CSV whose header names are `name_chars` long: the answer once repeated them per row."""
    header = ",".join(f"c{i}".ljust(name_chars, "x") for i in range(columns))
    body = "\n".join(",".join(cell for _ in range(columns)) for _ in range(rows))
    return f"{header}\n{body}\n".encode()


def test_the_1_mb_csv_of_10000_character_header_names_is_refused_by_the_child():
    data = wide_csv(100, 10_000, 300)
    assert 1_000_000 < len(data) < 1_200_000
    message = refusal("wide.csv", data)
    assert "longer than 200 characters" in message


def test_more_columns_than_the_limit_are_refused():
    assert "more than 200 columns" in refusal("many.csv", wide_csv(250, 3, 5))


def test_a_cell_longer_than_the_limit_is_refused_naming_its_column():
    data = ("ten,lon,lat\n" + "x" * 10_001 + ",106.07,21.15\n").encode()
    assert "column ten is longer than 10,000 characters" in refusal("long.csv", data)


def test_the_answer_is_bounded_and_sends_field_names_once():
    # 50 names of 150 characters, 300 rows: ~2.3 MB if every row repeated the header, ~0.1 MB otherwise.
    data = wide_csv(50, 150, 300)
    limits = {**limits_from_settings(), "max_output_bytes": 500_000}
    answer = parse_jailed(data, kind="csv", limits=limits)
    assert len(answer["records"]) == 300 and len(answer["records"][0]["fields"]) == 50
    with pytest.raises(Refused) as caught:
        parse_jailed(data, kind="csv", limits={**limits, "max_output_bytes": 50_000})
    assert caught.value.code == "too_much_output"


def test_the_output_limit_is_a_400_on_file(settings):
    settings.IMPORT_MAX_OUTPUT_BYTES = 100_000
    assert "more than 0.1 MB of data" in refusal("big.csv", wide_csv(20, 20, 900, cell="123456"))


def test_a_geometry_over_the_vertex_limit_never_leaves_the_child():
    line = " ".join(f"{106.0 + i * 1e-6},21.15" for i in range(30_000))
    document = (f'<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>A</name>'
                f"<LineString><coordinates>{line}</coordinates></LineString></Placemark></Document></kml>")
    data = zipped({"doc.kml": document})
    answer = parse_jailed(data, kind="kmz", limits={**limits_from_settings(), "max_vertices": 20_000})
    (record,) = answer["records"]
    assert record["geometry"] is None and record["geometry_error"] == {"code": "too_many_vertices", "limit": 20_000}
    with translation.override("en"):
        (record,) = read_records(SimpleUploadedFile("line.kmz", data), kinds=ALL).records
    assert record.geometry is None and "more than 20,000 allowed" in record.errors["geometry"][0]


def test_more_rows_than_the_default_record_limit_are_a_400_before_anything_is_written(yen_phong_tenant, client_for):
    from django_tenants.utils import tenant_context

    from proposals.models import Proposal

    rows = "\n".join(f"Đề xuất {i},transport,1000000,106.07,21.15" for i in range(1001))
    data = f"title,sector,estimated_cost,lon,lat\n{rows}\n".encode()
    with tenant_context(yen_phong_tenant):
        before = Proposal.objects.count()
    response = client_for("xa.09193").post(IMPORT, {"file": SimpleUploadedFile("x.csv", data)}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "more than 1,000 rows" in " ".join(response.json()["file"])
    with tenant_context(yen_phong_tenant):
        assert Proposal.objects.count() == before

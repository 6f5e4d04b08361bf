"""The district's progress sheet as offices make it: each corpus file with its expected row report (tests/imports/README.md).

Before: Windows-1258 answered Python's decoding error, a ";" sheet refused every row, 60 % cells
(stored 0.6) were refused, a NUL byte in row 2 answered 500 after row 1 was committed, and the
same sheet sent twice doubled the money.
"""
from datetime import date, datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Sum

from investment.models import Disbursement, InvestmentProject
from tests.imports.corpus import excel_serial, utf8_bom, windows_1258, xlsx
from tests.monitoring.factories import project_in_commune

pytestmark = pytest.mark.django_db
URL = "/d/yen-phong/api/monitoring/progress-import/"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

SEMICOLON_SHEET = """Mã dự án;Ngày;Giá trị giải ngân (đồng);Tiến độ thực hiện (%)
DA-ME-1;31/03/2026;400.000.000;20
DA-ME-1;30/06/2026;2.900.000.000;60,0
DA-ME-2;30/09/2026;250.000.000;45
"""


@pytest.fixture
def projects(district):
    yen_phong = district()
    made = [project_in_commune(yen_phong, code="DA-ME-1", total=3_500_000_000),
            project_in_commune(yen_phong, code="DA-ME-2", total=1_000_000_000)]
    return yen_phong, made


def send(client_for, name, content, *, preview=False, language=None):
    headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}
    url = URL + ("?preview=1" if preview else "")
    content_type = XLSX if name.endswith(".xlsx") else "text/csv"
    return client_for("huyen.yen-phong").post(url, {"file": SimpleUploadedFile(name, content, content_type)}, **headers)


def statuses(body):
    return {r["row"]: r["status"] for r in body["rows"]}


def money(yen_phong):
    connection.set_tenant(yen_phong)
    return Disbursement.objects.count(), Disbursement.objects.aggregate(s=Sum("amount"))["s"] or 0


@pytest.mark.parametrize("name, encode", [("tien-do-1258.csv", windows_1258), ("tien-do-bom.csv", utf8_bom)])
def test_csv_as_vietnamese_windows_excel_writes_it(projects, client_for, name, encode):
    yen_phong, _ = projects
    response = send(client_for, name, encode(SEMICOLON_SHEET))
    assert response.status_code == 200, response.content
    body = response.json()
    assert statuses(body) == {2: "created", 3: "created", 4: "created"}, body
    assert body["columns"] == {"Mã dự án": "code", "Ngày": "date", "Giá trị giải ngân (đồng)": "amount", "Tiến độ thực hiện (%)": "physical_progress"}
    assert money(yen_phong) == (3, 3_550_000_000)
    connection.set_tenant(yen_phong)
    assert dict(InvestmentProject.objects.values_list("code", "physical_progress")) == {"DA-ME-1": 60, "DA-ME-2": 45}


def test_excel_with_a_title_percent_cells_serial_dates_notes_and_number_codes(projects, client_for, district):
    yen_phong, _ = projects
    project_in_commune(yen_phong, code="2026001", total=500_000_000)
    rows = [
        ["Mã dự án", "Ngày giải ngân", "Số tiền giải ngân", "Tiến độ"],
        ["DA-ME-1", datetime(2026, 3, 31), 400_000_000, 0.2],                     # row 4: date cell, 20 % cell
        ["DA-ME-1", excel_serial(date(2026, 6, 30)), 2_900_000_000, 0.6],        # row 5: serial date, 60 % (stored 0.6)
        [None, None, None, None],                                                # row 6: blank
        ["Ghi chú: số liệu tạm tính đến 30/9", None, None, None],               # row 7: a note
        ["DA-ME-2", "30/09/2026", "250.000.000", 1],                             # row 8: text date and amount, 100 %
        [2026001, "2026-09-30", 100_000_000, "45 %"],                            # row 9: a code typed as a number
        ["DA-ME-2", "31/09/2026", 1, 0.5],                                       # row 10: no 31 September
    ]
    percent = {(r, 3): "0%" for r in (1, 2, 5, 7)}
    content = xlsx(rows, formats=percent | {(1, 1): "dd/mm/yyyy"}, title="BÁO CÁO TIẾN ĐỘ GIẢI NGÂN NĂM 2026")
    body = send(client_for, "tien-do.xlsx", content).json()
    assert statuses(body) == {4: "created", 5: "created", 7: "skipped", 8: "created", 9: "created", 10: "refused"}, body["rows"]
    assert list(body["rows"][-1]["cells"]) == ["Ngày giải ngân"]
    assert "dd/mm/yyyy" in body["rows"][-1]["cells"]["Ngày giải ngân"][0] and "Không phải là ngày" in body["rows"][-1]["cells"]["Ngày giải ngân"][0]
    connection.set_tenant(yen_phong)
    assert dict(InvestmentProject.objects.values_list("code", "physical_progress")) == {"DA-ME-1": 60, "DA-ME-2": 100, "2026001": 45}
    assert list(Disbursement.objects.order_by("paid_on", "amount").values_list("paid_on", "amount")) == [
        (date(2026, 3, 31), 400_000_000), (date(2026, 6, 30), 2_900_000_000), (date(2026, 9, 30), 100_000_000), (date(2026, 9, 30), 250_000_000)]


def test_a_nul_byte_in_row_2_writes_nothing(projects, client_for):
    yen_phong, _ = projects
    text = "Mã dự án,Ngày,Giá trị giải ngân\nDA-ME-1,31/03/2026,400000000\nDA-ME-1,30/06/2026,29\x0000000\n"
    response = send(client_for, "hong.csv", text.encode())
    assert response.status_code == 400
    message = response.json()["file"][0]
    assert "Dòng 3" in message and "Giá trị giải ngân" in message and "NUL" in message
    assert money(yen_phong) == (0, 0)


def test_the_same_sheet_twice_is_reported_unchanged_and_the_money_is_not_doubled(projects, client_for):
    yen_phong, _ = projects
    first = send(client_for, "tien-do.csv", utf8_bom(SEMICOLON_SHEET)).json()
    assert first["created"] == 3
    again = send(client_for, "tien-do.csv", utf8_bom(SEMICOLON_SHEET)).json()
    assert (again["created"], again["unchanged"], again["refused"]) == (0, 3, 0)
    assert "Đã ghi nhận: 400.000.000 đồng ngày 31/03/2026 cho DA-ME-1." == again["rows"][0]["reason"]
    assert money(yen_phong) == (3, 3_550_000_000)
    # A repeated row inside one sheet is unchanged as well.
    doubled = "Mã dự án;Ngày;Giá trị giải ngân\nDA-ME-2;31/10/2026;1.000\nDA-ME-2;31/10/2026;1.000\n"
    assert statuses(send(client_for, "x.csv", doubled.encode()).json()) == {2: "created", 3: "unchanged"}


def test_preview_writes_nothing_and_apply_writes_exactly_what_it_accepted(projects, client_for):
    yen_phong, _ = projects
    sheet = SEMICOLON_SHEET + "KHONG-CO;30/09/2026;1.000;10\nDA-ME-2;30/09/2026;150,000;10\n"
    preview = send(client_for, "tien-do.csv", sheet.encode(), preview=True).json()
    assert preview["preview"] is True
    assert statuses(preview) == {2: "created", 3: "created", 4: "created", 5: "refused", 6: "refused"}
    assert "150.000" in preview["rows"][4]["cells"]["Giá trị giải ngân (đồng)"][0]
    assert money(yen_phong) == (0, 0)
    applied = send(client_for, "tien-do.csv", sheet.encode()).json()
    assert applied["preview"] is False and statuses(applied) == statuses(preview)
    assert money(yen_phong) == (3, 3_550_000_000)


def test_messages_follow_the_request_language(projects, client_for):
    sheet = "Project code,Date,Disbursed amount\nNOPE,31/03/2026,1000\n"
    english = send(client_for, "x.csv", sheet.encode(), language="en").json()["rows"][0]["cells"]
    vietnamese = send(client_for, "x.csv", sheet.encode()).json()["rows"][0]["cells"]
    assert english == {"Project code": ["No project with the code NOPE."]}
    assert vietnamese["Project code"][0] != english["Project code"][0]


def test_an_import_waits_while_another_import_of_the_district_runs(projects, client_for):
    """Found in review: three sends of the same sheet at the same moment each found no duplicate and recorded
    the payment three times. Imports of one district now run one after the other (an advisory lock held to
    the end of the import's transaction): while another connection holds it, this import cannot start."""
    import psycopg
    from django.conf import settings
    from django.db import OperationalError
    from django.db.utils import DatabaseError

    yen_phong, _ = projects
    db = settings.DATABASES["default"]
    with psycopg.connect(dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"], port=db["PORT"]) as other:
        other.execute("SELECT pg_advisory_xact_lock(hashtext('sedp-import:' || %s))", [yen_phong.schema_name])
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '300ms'")
        try:
            with pytest.raises((OperationalError, DatabaseError), match="lock timeout"):
                send(client_for, "tien-do.csv", utf8_bom(SEMICOLON_SHEET))
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SET lock_timeout = 0")
    assert money(yen_phong) == (0, 0)

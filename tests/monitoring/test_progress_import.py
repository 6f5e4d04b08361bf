"""Bulk disbursement and progress from a CSV or Excel sheet: taken rows go through the investment app, refused rows change nothing."""
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from investment.models import Disbursement, ProjectEvent
from tests.core.test_openapi import answer_schema, resolve, shape_errors
from tests.monitoring.factories import project_in_commune

pytestmark = pytest.mark.django_db
URL = "/d/yen-phong/api/monitoring/progress-import/"

CSV = """Mã dự án;Ngày;Giá trị giải ngân;Tiến độ thực hiện
DA-ME-1;31/03/2026;400.000.000;20
DA-ME-1;30/06/2026;2.900.000.000;60
KHONG-CO;30/06/2026;100000000;10
DA-ME-2;30/06/2026;250000000;140
DA-ME-2;khong ro;250000000;40
DA-ME-2;30/09/2026;250000000;45
"""


def test_csv_rows_are_taken_or_refused_one_by_one(district, client_for):
    yen_phong = district()
    first = project_in_commune(yen_phong, code="DA-ME-1", total=3_000_000_000)
    second = project_in_commune(yen_phong, code="DA-ME-2", total=1_000_000_000)
    response = client_for("huyen.yen-phong").post(URL, {"file": SimpleUploadedFile("giai-ngan.csv", CSV.encode("utf-8-sig"), "text/csv")})
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["refused"]) == (2, 4)
    rows = {r["row"]: r for r in body["rows"]}
    assert rows[2]["status"] == rows[7]["status"] == "created"
    # Each message names the column as the sheet names it.
    assert "Giá trị giải ngân" in rows[3]["cells"]  # above the total investment
    assert "Mã dự án" in rows[4]["cells"]
    assert "Tiến độ thực hiện" in rows[5]["cells"]
    assert "Ngày" in rows[6]["cells"]
    connection.set_tenant(yen_phong)
    first.refresh_from_db(), second.refresh_from_db()
    assert list(Disbursement.objects.filter(project=first).values_list("amount", flat=True)) == [400_000_000]
    assert (first.physical_progress, second.physical_progress) == (20, 45)
    assert ProjectEvent.objects.filter(project__in=[first, second], action="disbursed").count() == 2


def test_excel_sheet_and_who_may_send_it(district, client_for):
    yen_phong = district()
    project_in_commune(yen_phong, code="DA-ME-1")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Project code", "Date", "Disbursed amount", "Physical progress"])
    sheet.append(["DA-ME-1", "2026-03-31", 150_000_000, 10])
    buffer = io.BytesIO()
    book.save(buffer)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    def upload():
        return SimpleUploadedFile("tien-do.xlsx", buffer.getvalue(), xlsx)
    assert client_for("xa.09193").post(URL, {"file": upload()}).status_code == 403
    assert client_for("tinh").post(URL, {"file": upload()}).status_code == 403
    response = client_for("huyen.yen-phong").post(URL, {"file": upload()})
    assert response.status_code == 200 and response.json()["created"] == 1
    bad = client_for("huyen.yen-phong").post(URL, {"file": SimpleUploadedFile("x.csv", b"a,b\n1,2\n", "text/csv")})
    assert bad.status_code == 400 and "file" in bad.json()
    assert client_for("huyen.yen-phong").post(URL, {"file": SimpleUploadedFile("x.txt", b"a", "text/plain")}).status_code == 400
    connection.set_tenant(yen_phong)
    assert Disbursement.objects.count() == 1


def test_the_answer_has_its_documented_rows(district, client_for, api_schema):
    """Issue 17 (review): every row of the answer has the documented keys (every import's shape), its status one of the documented ones."""
    project_in_commune(district(), code="DA-ME-1", total=3_000_000_000)
    client = client_for("huyen.yen-phong")

    def send(text, name):
        return client.post(URL, {"file": SimpleUploadedFile(name, text.encode("utf-8-sig"), "text/csv")})

    heading = "Mã dự án;Ngày;Giá trị giải ngân;Tiến độ thực hiện\n"
    assert send(heading + "DA-ME-1;31/03/2026;400.000.000;20\n", "dot-1.csv").status_code == 200
    answer = send(heading + "DA-ME-1;31/03/2026;400.000.000;20\nDA-ME-1;30/06/2026;100.000.000;40\nKHONG-CO;30/06/2026;1;1\n"
                  "DA-ME-1;;;\n", "dot-2.csv")
    assert answer.status_code == 200, answer.content
    rows = answer.json()["rows"]
    assert [r["status"] for r in rows] == ["unchanged", "created", "refused", "skipped"]
    assert rows[0]["id"] and rows[1]["id"] and rows[2]["cells"] and rows[3]["reason"] and rows[0]["reason"]
    schema = answer_schema(api_schema, "/d/{district}/api/monitoring/progress-import/", "post", "200")
    assert shape_errors(api_schema, schema, answer.json()) == []
    row = resolve(api_schema, resolve(api_schema, schema)["properties"]["rows"]["items"])
    assert resolve(api_schema, row["properties"]["status"])["enum"] == ["created", "updated", "unchanged", "skipped", "refused"]
    assert set(row["required"]) == {"row", "status", "id", "label", "record", "cells", "reason"}

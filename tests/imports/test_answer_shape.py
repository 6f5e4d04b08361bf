"""Every import answers one shape (issue 17, house item 2; docs/API.md, "Imports").

Before: the proposals import answered lists (`taken`, `refused`, `duplicates`), the investment template counts with
`errors` and `cells` by cell, the progress import counts with `errors` keyed by the column's code; a project's row sent
twice was *refused*, a preview gave ids of rows that will not exist, and messages printed 5000 rather than 5.000.
Each importer here: its real answer equals `geo.imports.ImportAnswer` key for key, a preview names no id of a new row,
and the same file sent twice answers every row unchanged, none refused (real HTTP, real PostGIS schemas).
"""
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tenants.utils import tenant_context

from geo.imports import ROW_STATUSES, ImportAnswer, ImportRow
from tests.imports.corpus import utf8_bom
from tests.investment.factories import make_plan
from tests.investment.test_import_template import PLAN, fill, project_row, template
from tests.monitoring.factories import project_in_commune
from tests.proposals.conftest import inside

pytestmark = pytest.mark.django_db
BASE = "/d/yen-phong/api/"
ANSWER_KEYS = set(ImportAnswer().fields)
ROW_KEYS = set(ImportRow().fields)


def send(client, path, name, content, *, preview):
    return client.post(BASE + path + ("?preview=1" if preview else ""), {"file": SimpleUploadedFile(name, content)})


def check_shape(answer):
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert set(body) == ANSWER_KEYS
    assert all(set(row) == ROW_KEYS for row in body["rows"]), body["rows"]
    assert {status: body[status] for status in ROW_STATUSES} == {
        status: sum(row["status"] == status for row in body["rows"]) for status in ROW_STATUSES}
    return body


def twice(client, path, name, content, *, rows):
    """Preview, apply, apply again: the shape each time, no id in the preview, nothing refused the second time."""
    preview = check_shape(send(client, path, name, content, preview=True))
    assert [r["status"] for r in preview["rows"]] == ["created"] * rows, preview["rows"]
    assert [r["id"] for r in preview["rows"]] == [None] * rows  # rolled back: those records will never exist
    first = check_shape(send(client, path, name, content, preview=False))
    assert [r["status"] for r in first["rows"]] == ["created"] * rows and all(r["id"] for r in first["rows"]), first["rows"]
    again = check_shape(send(client, path, name, content, preview=False))
    assert (again["refused"], again["unchanged"], again["created"]) == (0, rows, 0), again["rows"]
    assert [r["id"] for r in again["rows"]] == [r["id"] for r in first["rows"]]  # each names what it repeats
    assert all(r["reason"] for r in again["rows"])
    return again


def test_the_proposals_import(district, client_for):
    district("yen-phong")
    lon, lat = inside("09193-01")
    sheet = f"title,sector,estimated_cost,lon,lat,village\nĐường thôn A,transport,1.000,{lon},{lat},09193-01\nCống B,irrigation,2.000,{lon},{lat},09193-01\n"
    again = twice(client_for("xa.09193"), "proposals/import/", "x.csv", utf8_bom(sheet), rows=2)
    assert [r["label"] for r in again["rows"]] == ["Đường thôn A", "Cống B"] and {r["record"] for r in again["rows"]} == {"proposal"}


def test_the_investment_template_a_project_row_without_allocation_sent_twice(district, client_for):
    """The reviewers' case: the row that created a project (no allocation) sent again was refused."""
    make_plan(district("yen-phong"), name=PLAN)
    client = client_for("huyen.yen-phong")
    without_allocation = {"Kế hoạch đầu tư": None, "Năm phân bổ": None, "Nguồn vốn phân bổ": None, "Vốn phân bổ (đồng)": None}
    content = fill(template(client), [project_row("GT-10", **without_allocation), project_row("TL-02", **{"Tên dự án": "Kênh tưới"})])
    again = twice(client, "investment-projects/import/", "du-an.xlsx", content, rows=2)
    assert [r["label"] for r in again["rows"]] == ["GT-10", "TL-02"] and {r["record"] for r in again["rows"]} == {"project"}


def test_the_progress_import(district, client_for):
    project_in_commune(district("yen-phong"), code="DA-ME-1", total=3_000_000_000)
    sheet = "Mã dự án;Ngày;Giá trị giải ngân (đồng);Tiến độ thực hiện (%)\nDA-ME-1;31/03/2026;400.000.000;20\nDA-ME-1;30/04/2026;;25\n"
    again = twice(client_for("huyen.yen-phong"), "monitoring/progress-import/", "x.csv", utf8_bom(sheet), rows=2)
    assert [r["record"] for r in again["rows"]] == ["disbursement", "progress"]
    assert again["rows"][0]["reason"] == "Đã ghi nhận: 400.000.000 đồng ngày 31/03/2026 cho DA-ME-1."


def test_a_refused_row_names_its_column_as_the_sheet_does_and_its_cell(district, client_for):
    make_plan(district("yen-phong"), name=PLAN)
    client = client_for("huyen.yen-phong")
    content = fill(template(client), [project_row("XX-1", **{"Tổng mức đầu tư (đồng)": "năm tỷ"})])
    (row,) = check_shape(send(client, "investment-projects/import/", "du-an.xlsx", content, preview=True))["rows"]
    (heading,) = row["cells"]
    assert heading.startswith("Tổng mức đầu tư (đồng)") and "năm tỷ" in row["cells"][heading][0]
    assert row["label"] == "XX-1" and row["id"] is None and row["reason"].split(" ", 1)[0].endswith("2")  # "J2 Tổng mức…"
    progress = check_shape(send(client, "monitoring/progress-import/", "x.csv", "Mã dự án;Ngày;Tiến độ\nKHONG-CO;31/03/2026;10\n".encode(),
                                preview=True))
    assert list(progress["rows"][0]["cells"]) == ["Mã dự án"] and progress["rows"][0]["label"] == "KHONG-CO"


def test_a_row_repeated_within_one_preview_names_no_id_either(district, client_for):
    project_in_commune(district("yen-phong"), code="DA-ME-1", total=3_000_000_000)
    sheet = "Mã dự án;Ngày;Giá trị giải ngân (đồng)\nDA-ME-1;31/03/2026;1.000\nDA-ME-1;31/03/2026;1.000\n"
    body = check_shape(send(client_for("huyen.yen-phong"), "monitoring/progress-import/", "x.csv", sheet.encode(), preview=True))
    assert [(r["status"], r["id"]) for r in body["rows"]] == [("created", None), ("unchanged", None)]


def test_numbers_in_import_messages_follow_the_one_number_rule(district, client_for):
    project_in_commune(district("yen-phong"), code="DA-ME-1", total=3_000_000_000)
    client = client_for("huyen.yen-phong")
    rows = "".join(f"DA-ME-1;{day:02d}/01/2026;{day}\n" for day in range(1, 29)) * 40  # 1 120 rows, above the 1 000 a file may hold
    answer = client.post(BASE + "monitoring/progress-import/?preview=1",
                         {"file": SimpleUploadedFile("x.csv", ("Mã dự án;Ngày;Giá trị giải ngân\n" + rows).encode())})
    assert answer.status_code == 400 and "1.000 dòng" in answer.json()["file"][0], answer.content
    lon, lat = 560123.4, 2340567.8  # VN-2000 metres typed where degrees belong
    sheet = f"title,sector,estimated_cost,commune,lon,lat\nCống,irrigation,1000000,09193,{lon},{lat}\n"
    (row,) = check_shape(send(client_for("xa.09193"), "proposals/import/", "x.csv", sheet.encode(), preview=True))["rows"]
    assert "560.123,4" in row["reason"] and "2.340.567,8" in row["reason"], row


def test_a_geometry_refusal_sits_under_the_coordinate_headings_with_its_distance_as_numbers_are_written(client_for):
    """Finding 6 of issue 17: a place outside the commune was refused under "geometry" (no column of the sheet), its reason
    began with that field code and its distance read "99397 m"."""
    sheet = "Tên đề xuất;Lĩnh vực;Kinh phí dự kiến;Mã xã;Kinh độ;Vĩ độ\nCống;irrigation;1000000;09193;106,9;21,9\n"
    (row,) = check_shape(send(client_for("xa.09193"), "proposals/import/", "x.csv", sheet.encode(), preview=True))["rows"]
    assert row["status"] == "refused" and set(row["cells"]) == {"Kinh độ", "Vĩ độ"}, row
    assert row["reason"].startswith("Kinh độ, Vĩ độ: ") and "geometry" not in row["reason"], row
    assert re.search(r"khoảng \d{1,3}(\.\d{3})+ m", row["reason"]), row


def test_a_refused_progress_row_names_every_error_under_its_column_and_no_field_code(district, client_for):
    sheet = "Mã dự án;Ngày;Giá trị giải ngân (đồng);Tiến độ thực hiện (%)\nKHONG-CO;32/13/2026;-5;150\n"
    (row,) = check_shape(send(client_for("huyen.yen-phong"), "monitoring/progress-import/", "x.csv", utf8_bom(sheet), preview=True))["rows"]
    assert set(row["cells"]) == {"Mã dự án", "Ngày", "Giá trị giải ngân (đồng)", "Tiến độ thực hiện (%)"}, row
    assert not re.match(r"(code|date|amount|physical_progress|status)\b", row["reason"]), row


def test_a_status_refusal_of_the_progress_import_sits_under_the_project_code(district, client_for):
    from investment.models import InvestmentProject

    project = project_in_commune(district("yen-phong"), code="DA-ME-9", total=3_000_000_000)
    with tenant_context(district("yen-phong")):
        InvestmentProject.objects.filter(pk=project.pk).update(status="proposed")
    sheet = "Mã dự án;Ngày;Giá trị giải ngân (đồng)\nDA-ME-9;31/03/2026;1.000\n"
    (row,) = check_shape(send(client_for("huyen.yen-phong"), "monitoring/progress-import/", "x.csv", utf8_bom(sheet), preview=True))["rows"]
    assert row["status"] == "refused" and list(row["cells"]) == ["Mã dự án"], row
    assert row["reason"].startswith("Mã dự án: "), row

"""The Excel template for projects and allocations: downloaded, filled with openpyxl, imported (issue 15, part 1).

Real HTTP through the middleware, the parsing jail and PostGIS: the template round-trips into exactly the rows
typed, and odd cells (formulas, text in money cells, Vietnamese thousands dots, dates as serials or text) give the
right value or a refusal naming the cell.
"""
from datetime import date
from io import BytesIO

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from investment.models import Allocation, InvestmentProject
from tests.core.test_openapi import answer_schema, resolve, shape_errors
from tests.investment.factories import CHO, DONG_TIEN, in_district, make_plan, make_project

pytestmark = pytest.mark.django_db
BASE = "/d/yen-phong/api/investment-projects/"
PLAN = "Kế hoạch đầu tư công trung hạn 2026–2030"


def template(client):
    response = client.get(BASE + "template.xlsx")
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(BytesIO(response.content))


def headings(sheet):
    return {str(cell.value).removesuffix(" *"): cell.column for cell in sheet[1] if cell.value}


def fill(book, rows):
    """Type `rows` ({heading without the star: value}) under the headings of the first sheet; the file's bytes."""
    sheet = book.worksheets[0]
    where = headings(sheet)
    for number, row in enumerate(rows, start=2):
        for heading, value in row.items():
            sheet.cell(number, where[heading], value)
    out = BytesIO()
    book.save(out)
    return out.getvalue()


def upload(client, content, *, preview):
    return client.post(BASE + "import/" + ("?preview=1" if preview else ""),
                       {"file": SimpleUploadedFile("du-an.xlsx", content, "application/octet-stream")})


def project_row(code="GT-10", **overrides):
    row = {
        "Mã dự án": code, "Tên dự án": "Đường trục xã Chờ", "Chủ đầu tư": "Ban QLDA huyện", "Lĩnh vực": "Giao thông",
        "Nhóm dự án": "Nhóm C", "Cấp quản lý": "Huyện", "Kinh độ": CHO[0], "Vĩ độ": CHO[1],
        "Tổng mức đầu tư (đồng)": 5_000_000_000, "Vốn ngân sách huyện (đồng)": 3_000_000_000, "Vốn ngân sách tỉnh (đồng)": 2_000_000_000,
        "Năm khởi công": 2026, "Năm hoàn thành": 2028, "Kế hoạch đầu tư": PLAN, "Năm phân bổ": 2026,
        "Nguồn vốn phân bổ": "Ngân sách huyện", "Vốn phân bổ (đồng)": 1_000_000_000,
    }
    row.update(overrides)
    return row


def test_the_template_has_vietnamese_headings_notes_lists_and_formats(client_for, district):
    plan = make_plan(district("yen-phong"), name=PLAN)
    book = template(client_for("huyen.yen-phong"))
    assert book.sheetnames == ["Dự án", "Danh mục", "Hướng dẫn"]
    sheet = book["Dự án"]
    where = headings(sheet)
    assert {"Mã dự án", "Tên dự án", "Lĩnh vực", "Xã hưởng lợi", "Tổng mức đầu tư (đồng)", "Ngày quyết định (dd/mm/yyyy)",
            "Trạng thái", "Kế hoạch đầu tư", "Nguồn vốn phân bổ", "Vốn phân bổ (đồng)"} <= set(where)
    money = sheet.cell(2, where["Tổng mức đầu tư (đồng)"])
    assert money.number_format == "#,##0"
    assert sheet.cell(2, where["Ngày quyết định (dd/mm/yyyy)"]).number_format == "dd/mm/yyyy"
    lists = book["Danh mục"]
    assert lists.sheet_state == "hidden"
    listed = {lists.cell(1, c).value: [lists.cell(r, c).value for r in range(2, lists.max_row + 1) if lists.cell(r, c).value]
              for c in range(1, lists.max_column + 1)}
    assert "Giao thông" in listed["sector"] and "Thị trấn Chờ" in listed["commune"] and listed["plan"] == [plan.name]
    assert "Ngân sách huyện" in listed["source"] and "Đề xuất" in listed["status"]
    validated = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    column_of = {key: openpyxl.utils.get_column_letter(where[heading]) for key, heading in (
        ("sector", "Lĩnh vực"), ("commune", "Xã hưởng lợi"), ("status", "Trạng thái"), ("source", "Nguồn vốn phân bổ"), ("plan", "Kế hoạch đầu tư"))}
    for key, letter in column_of.items():
        formula = next(f for ref, f in validated.items() if ref.startswith(f"{letter}2:"))
        assert "Danh mục" in formula, key
    notes = [row[0] for row in book["Hướng dẫn"].iter_rows(min_row=2, values_only=True) if row[0]]
    assert "Mã dự án" in notes and "Vốn phân bổ (đồng)" in notes


def test_each_capital_source_column_says_vốn_once_with_its_own_capitals(client_for, district):
    """"Vốn vốn oda (đồng)" was the ODA column's heading (issue 15 review): the label "Vốn ODA" lowered and prefixed."""
    make_plan(district("yen-phong"), name=PLAN)
    where = headings(template(client_for("huyen.yen-phong"))["Dự án"])
    sources = sorted(h for h in where if h.startswith("Vốn ") and h not in ("Vốn phân bổ (đồng)",))
    assert "Vốn ODA (đồng)" in sources and "Vốn ngân sách huyện (đồng)" in sources, sources
    assert [h for h in sources if h.lower().count("vốn") > 1 or "oda" in h] == []


def test_the_template_round_trips_into_exactly_the_rows_typed(client_for, district):
    yen_phong = district("yen-phong")
    plan = make_plan(yen_phong, name=PLAN)
    client = client_for("huyen.yen-phong")
    content = fill(template(client), [
        project_row("GT-10", **{"Xã hưởng lợi": "Thị trấn Chờ", "Số quyết định đầu tư": "45/QĐ-UBND",
                                "Ngày quyết định (dd/mm/yyyy)": date(2025, 11, 3)}),
        {"Mã dự án": "GT-10", "Kế hoạch đầu tư": PLAN, "Năm phân bổ": 2027, "Nguồn vốn phân bổ": "Ngân sách tỉnh",
         "Vốn phân bổ (đồng)": "1.500.000.000"},
        project_row("TL-02", **{"Tên dự án": "Kênh tưới Đông Tiến", "Lĩnh vực": "Thủy lợi", "Kinh độ": DONG_TIEN[0], "Vĩ độ": DONG_TIEN[1],
                                "Tổng mức đầu tư (đồng)": 800_000_000, "Vốn ngân sách huyện (đồng)": 800_000_000,
                                "Vốn ngân sách tỉnh (đồng)": None, "Vốn phân bổ (đồng)": 800_000_000}),
    ])
    previewed = upload(client, content, preview=True)
    assert previewed.status_code == 200, previewed.content
    report = previewed.json()
    assert [(r["row"], r["status"], r["label"]) for r in report["rows"]] == [(2, "created", "GT-10"), (3, "updated", "GT-10"), (4, "created", "TL-02")]
    assert [r["id"] for r in report["rows"]] == [None, None, None]  # a preview writes nothing: no id of a project that will not exist
    in_district(yen_phong)
    assert not InvestmentProject.objects.exists()  # a preview writes nothing

    applied = upload(client, content, preview=False).json()
    assert (applied["created"], applied["updated"], applied["refused"]) == (2, 1, 0)
    in_district(yen_phong)
    road = InvestmentProject.objects.get(code="GT-10")
    assert (road.name, road.sector, road.total_investment, road.start_year, road.end_year, road.status) == (
        "Đường trục xã Chờ", "transport", 5_000_000_000, 2026, 2028, "proposed")
    assert (road.decision_number, road.decision_date) == ("45/QĐ-UBND", date(2025, 11, 3))
    assert [c.code for c in road.communes.all()] == ["09193"]
    assert sorted((s.source, s.amount) for s in road.sources.all()) == [("district_budget", 3_000_000_000), ("provincial_budget", 2_000_000_000)]
    assert sorted((a.plan_id, a.year, a.source, a.amount) for a in Allocation.objects.filter(project=road)) == [
        (plan.pk, 2026, "district_budget", 1_000_000_000), (plan.pk, 2027, "provincial_budget", 1_500_000_000)]
    canal = InvestmentProject.objects.get(code="TL-02")
    assert (canal.sector, canal.total_investment) == ("irrigation", 800_000_000)
    assert round(canal.geom.x, 4) == DONG_TIEN[0]

    again = upload(client, content, preview=False).json()  # the same sheet twice changes nothing
    assert [r["status"] for r in again["rows"]] == ["unchanged", "unchanged", "unchanged"]
    in_district(yen_phong)
    assert InvestmentProject.objects.count() == 2 and Allocation.objects.count() == 3


def test_odd_cells_give_the_right_value_or_a_refusal_naming_the_cell(client_for, district):
    yen_phong = district("yen-phong")
    make_plan(yen_phong, name=PLAN)
    client = client_for("huyen.yen-phong")
    book = template(client)
    where = headings(book.worksheets[0])
    letter = {heading: openpyxl.utils.get_column_letter(column) for heading, column in where.items()}
    content = fill(book, [
        # Vietnamese thousands dots in text, a date as an Excel serial: read as meant.
        project_row("A-1", **{"Tổng mức đầu tư (đồng)": "1.234.567", "Vốn ngân sách huyện (đồng)": "1.234.567",
                              "Vốn ngân sách tỉnh (đồng)": None, "Vốn phân bổ (đồng)": "234.567", "Ngày quyết định (dd/mm/yyyy)": 45966}),
        # A date typed as text dd/mm/yyyy.
        project_row("A-2", **{"Ngày quyết định (dd/mm/yyyy)": "05/02/2025"}),
        # Text in a money cell.
        project_row("A-3", **{"Tổng mức đầu tư (đồng)": "năm tỷ"}),
        # A formula Excel never computed (openpyxl writes no cached value): empty, named.
        project_row("A-4", **{"Vốn phân bổ (đồng)": "=1000*2"}),
        # English grouping is ambiguous under the Vietnamese rule; a date that is not one; a sector not in the list.
        project_row("A-5", **{"Vốn ngân sách huyện (đồng)": "3,000,000,000", "Ngày quyết định (dd/mm/yyyy)": "31/02/2025",
                              "Lĩnh vực": "Hàng không"}),
        # A status a new project cannot start in.
        project_row("A-6", **{"Trạng thái": "Đã hoàn thành"}),
    ])
    response = upload(client, content, preview=True)
    assert response.status_code == 200, response.content
    rows = {r["label"]: r for r in response.json()["rows"]}
    assert rows["A-1"]["status"] == "created" and rows["A-2"]["status"] == "created"
    assert rows["A-3"]["status"] == "refused"
    assert len(rows["A-3"]["cells"]) == 1 and rows["A-3"]["reason"].startswith(f"{letter['Tổng mức đầu tư (đồng)']}4 ")
    assert "năm tỷ" in rows["A-3"]["reason"]
    assert rows["A-4"]["status"] == "refused" and rows["A-4"]["reason"].startswith(f"{letter['Vốn phân bổ (đồng)']}5 ")
    assert "công thức" in rows["A-4"]["reason"]  # Vietnamese: the formula is named
    refused = rows["A-5"]["reason"]
    assert all(f"{letter[heading]}6 " in refused for heading in ("Vốn ngân sách huyện (đồng)", "Ngày quyết định (dd/mm/yyyy)", "Lĩnh vực"))
    assert "3.000.000.000" in refused
    assert list(rows["A-6"]["cells"]) == ["Trạng thái"]

    applied = upload(client, content, preview=False).json()
    assert (applied["created"], applied["refused"]) == (2, 4)  # the proposals import's rule: refused rows left out
    in_district(yen_phong)
    first = InvestmentProject.objects.get(code="A-1")
    assert first.total_investment == 1_234_567 and first.decision_date == date(2025, 11, 5)
    assert Allocation.objects.get(project=first).amount == 234_567
    assert InvestmentProject.objects.get(code="A-2").decision_date == date(2025, 2, 5)
    assert set(InvestmentProject.objects.values_list("code", flat=True)) == {"A-1", "A-2"}


def test_a_row_naming_a_recorded_project_adds_its_allocation(client_for, district):
    yen_phong = district("yen-phong")
    plan = make_plan(yen_phong, name=PLAN)
    project = make_project(yen_phong, code="DA-01", plan=plan)
    client = client_for("huyen.yen-phong")
    content = fill(template(client), [
        {"Mã dự án": "da-01", "Kế hoạch đầu tư": PLAN, "Năm phân bổ": 2028, "Nguồn vốn phân bổ": "Ngân sách xã", "Vốn phân bổ (đồng)": 5_000_000},
        {"Mã dự án": "DA-01", "Tên dự án": "ignored: the import never edits a project"},
    ])
    report = upload(client, content, preview=False).json()
    assert [r["status"] for r in report["rows"]] == ["updated", "refused"]
    in_district(yen_phong)
    assert Allocation.objects.filter(project=project, year=2028, source="commune_budget", amount=5_000_000).exists()
    assert InvestmentProject.objects.get(pk=project.pk).name == "Đường giao thông DA-01"


@pytest.mark.parametrize("username, status", [("xa.09193", 403), ("tinh", 403)])
def test_only_the_district_office_gets_or_imports_the_template(client_for, district, username, status):
    client = client_for(username)
    assert client.get(BASE + "template.xlsx").status_code == status
    assert upload(client, b"PK\x03\x04 not read", preview=True).status_code == status


def test_a_file_that_is_not_a_workbook_is_a_400_on_file(client_for, district):
    response = upload(client_for("huyen.yen-phong"), b"PK\x03\x04 damaged", preview=True)
    assert response.status_code == 400 and "file" in response.json()


def test_the_import_answer_has_its_documented_rows(client_for, district, api_schema):
    """Issue 17 (review): every row of the answer has the documented keys, its status one of the documented four."""
    make_plan(district("yen-phong"), name=PLAN)
    client = client_for("huyen.yen-phong")
    assert upload(client, fill(template(client), [project_row("GT-10")]), preview=False).status_code == 200
    content = fill(template(client), [
        project_row("GT-10"),  # unchanged: recorded above
        {"Mã dự án": "GT-10", "Kế hoạch đầu tư": PLAN, "Năm phân bổ": 2027, "Nguồn vốn phân bổ": "Ngân sách tỉnh",
         "Vốn phân bổ (đồng)": 1_500_000_000},  # updated: a new allocation of GT-10
        project_row("TL-02", **{"Tổng mức đầu tư (đồng)": 800_000_000, "Vốn ngân sách huyện (đồng)": 800_000_000,
                                "Vốn ngân sách tỉnh (đồng)": None, "Vốn phân bổ (đồng)": 800_000_000}),  # created
        project_row("XX-1", **{"Lĩnh vực": "Không có lĩnh vực này"}),  # refused
    ])
    answer = upload(client, content, preview=True)
    assert answer.status_code == 200, answer.content
    rows = answer.json()["rows"]
    assert [r["status"] for r in rows] == ["unchanged", "updated", "created", "refused"]
    assert rows[3]["cells"] and rows[3]["reason"] and rows[0]["reason"]
    assert rows[0]["id"] and rows[1]["id"] and rows[2]["id"] is None  # recorded projects keep their id; a preview's new one has none
    path = "/d/{district}/api/investment-projects/import/"
    schema = answer_schema(api_schema, path, "post", "200")
    assert shape_errors(api_schema, schema, answer.json()) == []
    row = resolve(api_schema, resolve(api_schema, schema)["properties"]["rows"]["items"])
    assert resolve(api_schema, row["properties"]["status"])["enum"] == ["created", "updated", "unchanged", "skipped", "refused"]
    assert set(row["required"]) == {"row", "status", "id", "label", "record", "cells", "reason"}

"""What leaves in spreadsheets is inert: every Excel export is read back with openpyxl and holds no formula.

Each export gets a value typed as a formula where users (or administrators) write text: a plan item's
title and a target, a project's name and investor, an administrative unit's name.
"""
import csv
from io import BytesIO, StringIO

import pytest
from django_tenants.utils import tenant_context
from openpyxl import Workbook, load_workbook

from geo.models import AdministrativeUnit
from geo.spreadsheets import inert_text, workbook_bytes
from tests.investment.factories import CHO, make_draft_item, make_plan, make_project, point

LINK = '=HYPERLINK("http://example.invalid","x")'
SUM = "=1+2"


def cells(content):
    """Every non-empty cell of every sheet of an .xlsx file: (sheet, coordinate, data_type, value)."""
    book = load_workbook(BytesIO(content))
    return [(sheet.title, cell.coordinate, cell.data_type, cell.value)
            for sheet in book.worksheets for row in sheet.iter_rows() for cell in row if cell.value is not None]


def assert_print_ready(content, *, titles, landscape=None):
    """Issue 15, part 4: every sheet opens frozen under its header, prints A4 fit to one page wide with its
    header rows repeated, numbers with thousands separators and dates as dd/mm/yyyy."""
    book = load_workbook(BytesIO(content))
    for sheet, title_rows in zip(book.worksheets, titles):
        assert sheet.print_title_rows.replace("$", "") == title_rows, sheet.title
        assert sheet.freeze_panes is not None
        assert int(sheet.page_setup.paperSize) == 9 and sheet.page_setup.fitToWidth == 1
        assert sheet.page_setup.fitToHeight == 0 and sheet.sheet_properties.pageSetUpPr.fitToPage
        if landscape is not None:
            assert sheet.page_setup.orientation == ("landscape" if landscape else "portrait")
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, (int, float)) and not isinstance(cell.value, bool):
                    assert "#,##0" in cell.number_format or "%" in cell.number_format or cell.number_format in ("0", "0.0"), (cell.coordinate, cell.number_format)
                if hasattr(cell.value, "year"):
                    assert cell.number_format == "dd/mm/yyyy", cell.coordinate
    return book


def assert_inert(content, *expected_texts):
    found = cells(content)
    assert found
    formulas = [c for c in found if c[2] == "f"]
    assert formulas == []
    values = [c[3] for c in found]
    for text in expected_texts:
        assert any(isinstance(v, str) and text in v for v in values), text


def test_a_formula_typed_into_a_workbook_is_saved_as_text():
    book = Workbook()
    book.active.append([LINK, "+cmd", "-1", "@SUM(A1)", 5])
    found = cells(workbook_bytes(book))
    assert [(c[2], c[3]) for c in found] == [("s", LINK), ("s", "+cmd"), ("s", "-1"), ("s", "@SUM(A1)"), ("n", 5)]


def test_text_that_looks_like_an_excel_error_is_written_as_text():
    """Found in review: openpyxl stores "#N/A" typed as text as an error cell."""
    book = Workbook()
    book.active.append(["#N/A", "#REF!", "#DIV/0!"])
    assert [(c[2], c[3]) for c in cells(workbook_bytes(book))] == [("s", "#N/A"), ("s", "#REF!"), ("s", "#DIV/0!")]


def test_inert_text_for_csv():
    row = [LINK, "+cmd", "-1", "@x", "\tx", "\rx", "Đường thôn", 12, None]
    out = StringIO()
    csv.writer(out).writerow([inert_text(v) for v in row])
    read = next(csv.reader(StringIO(out.getvalue())))
    assert read[:6] == ["'" + LINK, "'+cmd", "'-1", "'@x", "'\tx", "'\rx"]
    assert read[6:] == ["Đường thôn", "12", ""]


@pytest.mark.django_db
def test_plan_tables_xlsx_holds_no_formula(client_for, district):
    yp = district("yen-phong")
    item = make_draft_item(yp, title=LINK)
    with tenant_context(yp):
        from plans.models import SocioEconomicTarget

        SocioEconomicTarget.objects.create(plan=item.plan, indicator=SUM, unit="=A1", current_estimate=1, next_target=2)
        plan_id = item.plan_id
    response = client_for("xa.09193").get(f"/d/yen-phong/api/plans/{plan_id}/tables.xlsx")
    assert response.status_code == 200
    assert_inert(response.content, LINK, SUM, "=A1")
    book = assert_print_ready(response.content, titles=["2:2", "2:2"])
    assert book.sheetnames == ["Chỉ tiêu", "Công trình"]  # Vietnamese sheet names
    works = book["Công trình"]
    assert works.page_setup.orientation == "landscape" and works.freeze_panes == "A3"
    assert works["E3"].number_format == "#,##0" and works.column_dimensions["B"].width > works.column_dimensions["A"].width


@pytest.mark.django_db
def test_investment_projects_xlsx_holds_no_formula(client_for, district):
    from investment.models import InvestmentProject

    yp = district("yen-phong")
    plan = make_plan(yp, approve=True)
    project = make_project(yp, code="F-1", plan=plan, geometry=point(CHO))
    with tenant_context(yp):
        InvestmentProject.objects.filter(pk=project.pk).update(name=LINK, investor=SUM)
    response = client_for("huyen.yen-phong").get(f"/d/yen-phong/api/investment-plans/{plan.pk}/projects.xlsx")
    assert response.status_code == 200
    assert_inert(response.content, LINK, SUM)
    assert_print_ready(response.content, titles=["6:8"], landscape=True)


@pytest.mark.django_db
def test_province_compare_xlsx_holds_no_formula(client_for):
    AdministrativeUnit.objects.filter(code="258").update(name=LINK)
    response = client_for("tinh").get("/api/province/compare.xlsx?units=258,259")
    assert response.status_code == 200
    assert_inert(response.content, LINK)
    book = assert_print_ready(response.content, titles=["3:3"], landscape=False)
    assert book.worksheets[0].freeze_panes == "B4"


def test_print_ready_formats_dates_and_numbers_and_turns_wide_sheets():
    from datetime import date

    book = Workbook()
    sheet = book.active
    sheet.append(["Tiêu đề dài của bảng, không làm rộng cột A"])
    sheet.append(["TT", "Tên", "Ngày", "Số tiền", "Tỷ lệ"] + [f"Cột {n}" for n in range(6)])
    sheet.append([1, "Đường trục thôn Đông", date(2027, 3, 5), 1_500_000_000, 12.5] + [0] * 6)
    book = load_workbook(BytesIO(workbook_bytes(book)))
    sheet = book.active
    assert sheet["C3"].number_format == "dd/mm/yyyy" and sheet["D3"].number_format == "#,##0" and sheet["E3"].number_format == "#,##0.00"
    assert sheet.print_title_rows.replace("$", "") == "1:1"  # an export that says nothing gets row 1
    assert sheet.page_setup.orientation == "landscape"  # 11 columns
    assert sheet.column_dimensions["B"].width >= len("Đường trục thôn Đông")

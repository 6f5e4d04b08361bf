"""The projects template as a district official really fills it (issue 15, part 1, reviewed again).

Files saved by LibreOffice (`soffice --headless --convert-to xlsx`, as a real office suite writes them), sheets with
an extra sheet and an extra column, money written the ways people write it ("1,5 tỷ", negative, absurdly large),
coordinates that are not numbers, hostile text: each row is created as typed or refused with a Vietnamese message
naming its cell; never a 500, never half a record.
"""
import shutil
import subprocess
from io import BytesIO
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from investment.models import Allocation, InvestmentProject
from tests.investment.factories import in_district, make_plan
from tests.investment.test_import_template import PLAN, fill, headings, project_row, template, upload

pytestmark = pytest.mark.django_db


def libreoffice_saved(content: bytes, tmp_path: Path) -> bytes:
    """`content` opened and saved again by LibreOffice, as an official's office suite writes the file."""
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.fail("LibreOffice (soffice) is needed to check files it saves")
    source = tmp_path / "in" / "du-an.xlsx"
    source.parent.mkdir()
    source.write_bytes(content)
    out = tmp_path / "out"
    subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless", "--convert-to", "xlsx",
                    "--outdir", str(out), str(source)], check=True, capture_output=True, timeout=180)
    return (out / "du-an.xlsx").read_bytes()


def test_a_file_saved_by_libreoffice_imports_as_typed(client_for, district, tmp_path):
    yen_phong = district("yen-phong")
    plan = make_plan(yen_phong, name=PLAN)
    client = client_for("huyen.yen-phong")
    content = libreoffice_saved(fill(template(client), [
        project_row("LO-1", **{"Ngày quyết định (dd/mm/yyyy)": "03/11/2025", "Xã hưởng lợi": "Thị trấn Chờ"}),
        {"Mã dự án": "LO-1", "Kế hoạch đầu tư": PLAN, "Năm phân bổ": 2027, "Nguồn vốn phân bổ": "Ngân sách tỉnh", "Vốn phân bổ (đồng)": "1.500.000.000"},
    ]), tmp_path)
    assert openpyxl.load_workbook(BytesIO(content)).sheetnames[0] == "Dự án"
    report = upload(client, content, preview=False)
    assert report.status_code == 200, report.content
    assert [(r["row"], r["status"]) for r in report.json()["rows"]] == [(2, "created"), (3, "updated")], report.json()
    in_district(yen_phong)
    project = InvestmentProject.objects.get(code="LO-1")
    assert project.total_investment == 5_000_000_000 and str(project.decision_date) == "2025-11-03"
    assert sorted((a.year, a.source, a.amount) for a in Allocation.objects.filter(project=project, plan=plan)) == [
        (2026, "district_budget", 1_000_000_000), (2027, "provincial_budget", 1_500_000_000)]


def test_an_extra_sheet_and_an_extra_column_change_nothing(client_for, district):
    yen_phong = district("yen-phong")
    make_plan(yen_phong, name=PLAN)
    client = client_for("huyen.yen-phong")
    book = template(client)
    sheet = book.worksheets[0]
    sheet.cell(1, sheet.max_column + 1, "Ghi chú của phòng")
    sheet.cell(2, sheet.max_column, "đã họp ngày 3/11")
    book.create_sheet("Tổng hợp").append(["Tổng", 5_000_000_000])
    report = upload(client, fill(book, [project_row("EX-1")]), preview=False)
    assert report.status_code == 200, report.content
    assert [r["status"] for r in report.json()["rows"]] == ["created"], report.json()


@pytest.mark.parametrize(("heading", "value"), [
    ("Tổng mức đầu tư (đồng)", "1,5 tỷ"),
    ("Tổng mức đầu tư (đồng)", "-5.000.000.000"),
    ("Tổng mức đầu tư (đồng)", 10**20),
    ("Vốn phân bổ (đồng)", 10**20),
    ("Vốn phân bổ (đồng)", "-1.000.000"),
    ("Vốn ngân sách huyện (đồng)", 10**19),
    ("Kinh độ", "nan"),
    ("Kinh độ", "inf"),
    ("Vĩ độ", 1e308),
    ("Năm khởi công", 10**30),
    ("Mã dự án", "X" * 80),
    ("Tên dự án", "Đường " * 80),
    ("Ngày quyết định (dd/mm/yyyy)", 10**12),
])
def test_odd_money_coordinates_and_lengths_are_refused_by_cell_never_a_500(client_for, district, heading, value):
    yen_phong = district("yen-phong")
    make_plan(yen_phong, name=PLAN)
    client = client_for("huyen.yen-phong")
    book = template(client)
    column = get_column_letter(headings(book.worksheets[0])[heading])
    content = fill(book, [project_row("OK-1"), project_row("BAD-1", **{heading: value})])
    response = upload(client, content, preview=False)
    assert response.status_code == 200, response.content[:300]
    rows = response.json()["rows"]
    assert [r["status"] for r in rows] == ["created", "refused"], rows
    message = rows[1]["reason"]
    assert message.startswith(f"{column}3 "), rows[1]  # the reason names the cell
    assert any(ch in message for ch in "ăâđêôơưáàảãạéèẻẽẹíìỉĩịóòỏõọúùủũụýỳỷỹỵ"), message  # in Vietnamese
    in_district(yen_phong)
    assert list(InvestmentProject.objects.values_list("code", flat=True)) == ["OK-1"]
    assert Allocation.objects.count() == 1


def test_hostile_text_is_kept_as_text_and_written_inert_in_the_export(client_for, district):
    yen_phong = district("yen-phong")
    plan = make_plan(yen_phong, name=PLAN)
    client = client_for("huyen.yen-phong")
    hostile = '=HYPERLINK("http://example.invalid","x")'
    book = template(client)
    sheet = book.worksheets[0]
    fill(book, [project_row("H-1", **{"Tên dự án": "<img src=x onerror=alert(1)>"})])
    typed = sheet.cell(2, headings(sheet)["Chủ đầu tư"], hostile)
    typed.data_type = "s"  # typed as text (Excel: a leading apostrophe), not a formula
    out = BytesIO()
    book.save(out)
    content = out.getvalue()
    assert upload(client, content, preview=False).json()["created"] == 1
    in_district(yen_phong)
    project = InvestmentProject.objects.get(code="H-1")
    assert (project.name, project.investor) == ("<img src=x onerror=alert(1)>", hostile)
    exported = client.get(f"/d/yen-phong/api/investment-plans/{plan.pk}/projects.xlsx")
    assert exported.status_code == 200
    sheet = openpyxl.load_workbook(BytesIO(exported.content)).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == hostile]
    assert cells and all(c.data_type == "s" for c in cells)

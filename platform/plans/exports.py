"""The plan as documents: Word in the usual Vietnamese outline, its tables in Excel, its works as GeoJSON."""
import io

from django.utils import timezone
from docx import Document
from docx.shared import Pt
from openpyxl import Workbook
from openpyxl.styles import Font

from core.models import CapitalSource, Sector
from core.signals import plan_document_built
from geo.spreadsheets import workbook_bytes

SECTOR_NAMES = dict(Sector.choices)
SOURCE_NAMES = dict(CapitalSource.choices)


def _millions(vnd):
    """Plans show money in millions of VND, with Vietnamese separators."""
    value = (vnd or 0) / 1_000_000
    text = f"{value:,.1f}".replace(",", "§").replace(".", ",").replace("§", ".")
    return text[:-2] if text.endswith(",0") else text


def _d(value):
    return value.strftime("%d/%m/%Y") if value else ""


def _funding_text(funding):
    return "; ".join(f"{SOURCE_NAMES.get(k, k)}: {_millions(v)}" for k, v in (funding or {}).items())


def plan_docx(*, plan, items, targets) -> bytes:
    """The commune plan as a .docx: assessment, targets, tasks and solutions, works and investment, M&E."""
    commune = plan.cycle.commune
    year = plan.cycle.plan_year
    doc = Document()
    doc.styles["Normal"].font.name = "Times New Roman"
    doc.styles["Normal"].font.size = Pt(13)
    header = doc.add_paragraph()
    header.add_run(f"ỦY BAN NHÂN DÂN {commune.name.upper()}").bold = True
    header.add_run("\nCỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc")
    doc.add_heading(f"KẾ HOẠCH PHÁT TRIỂN KINH TẾ - XÃ HỘI NĂM {year}", level=0)
    doc.add_paragraph(f"{commune.name} — {plan.get_kind_display()} (phiên bản {plan.number})")
    if plan.council_resolution_number:
        doc.add_paragraph(f"Nghị quyết HĐND số {plan.council_resolution_number} ngày {_d(plan.council_resolution_date)}")
    if plan.district_decision_number:
        doc.add_paragraph(f"Quyết định phê duyệt của UBND huyện số {plan.district_decision_number} ngày {_d(plan.district_decision_date)}")
    if plan.amendment_reason:
        doc.add_paragraph(f"Lý do điều chỉnh: {plan.amendment_reason}")

    doc.add_heading(f"I. Đánh giá tình hình thực hiện kế hoạch năm {year - 1}", level=1)
    doc.add_paragraph(plan.assessment or "…")

    doc.add_heading(f"II. Mục tiêu và chỉ tiêu kinh tế - xã hội năm {year}", level=1)
    table = doc.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["TT", "Chỉ tiêu", "Đơn vị tính", f"Ước thực hiện {year - 1}", f"Kế hoạch {year}"]):
        cell.text = text
    for n, t in enumerate(targets, 1):
        row = table.add_row().cells
        row[0].text, row[1].text, row[2].text = str(n), t.indicator, t.unit
        row[3].text = "" if t.current_estimate is None else str(t.current_estimate).rstrip("0").rstrip(".")
        row[4].text = str(t.next_target).rstrip("0").rstrip(".")

    doc.add_heading("III. Nhiệm vụ và giải pháp chủ yếu", level=1)
    doc.add_paragraph(plan.solutions or "…")

    doc.add_heading("IV. Danh mục công trình, hoạt động và nhu cầu vốn đầu tư", level=1)
    table = doc.add_table(rows=1, cols=7)
    table.style = "Table Grid"
    headings = ["TT", "Tên công trình / hoạt động", "Lĩnh vực", "Kinh phí (triệu đồng)", "Nguồn vốn (triệu đồng)", "Đơn vị chủ trì", "Thời gian"]
    for cell, text in zip(table.rows[0].cells, headings):
        cell.text = text
    total = 0
    for n, item in enumerate(items, 1):
        row = table.add_row().cells
        row[0].text, row[1].text = str(n), item.title
        row[2].text = str(SECTOR_NAMES.get(item.sector, item.sector))
        row[3].text = _millions(item.estimated_cost)
        row[4].text = _funding_text(item.funding)
        row[5].text = item.responsible_unit
        row[6].text = " – ".join(x for x in (_d(item.starts_on), _d(item.ends_on)) if x)
        total += item.estimated_cost
    row = table.add_row().cells
    row[1].text, row[3].text = "Tổng cộng", _millions(total)

    doc.add_heading("V. Tổ chức thực hiện, theo dõi và đánh giá", level=1)
    doc.add_paragraph(plan.monitoring or "…")
    # The apps above plans add what they keep with the plan (monitoring: the approved M&E plan, Đ9).
    plan_document_built.send(sender=type(plan), plan=plan, document=doc)
    doc.add_paragraph(f"Lập ngày {_d(timezone.localdate())}")
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _number(value):
    return "" if value is None else str(value).rstrip("0").rstrip(".") if "." in str(value) else str(value)


def _table(doc, headings, rows):
    table = doc.add_table(rows=1, cols=len(headings))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headings):
        cell.text = text
    for values in rows:
        for cell, text in zip(table.add_row().cells, values):
            cell.text = text
    return table


def plan_xlsx(*, plan, items, targets) -> bytes:
    """The plan's tables as .xlsx: targets, and works with their capital sources (VND, whole đồng)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Chi tieu"
    commune = plan.cycle.commune
    ws.append([f"{commune.name} — Kế hoạch năm {plan.cycle.plan_year} — {plan.get_kind_display()} (v{plan.number})"])
    ws.append(["TT", "Chỉ tiêu", "Đơn vị tính", f"Ước thực hiện {plan.cycle.plan_year - 1}", f"Kế hoạch {plan.cycle.plan_year}"])
    for n, t in enumerate(targets, 1):
        ws.append([n, t.indicator, t.unit, float(t.current_estimate) if t.current_estimate is not None else None, float(t.next_target)])
    works = wb.create_sheet("Cong trinh")
    sources = list(CapitalSource)
    works.append([f"{commune.name} — Danh mục công trình, hoạt động (đồng)"])
    works.append(["TT", "Tên công trình / hoạt động", "Loại", "Lĩnh vực", "Kinh phí (đồng)"] + [str(s.label) for s in sources]
                 + ["Đơn vị chủ trì", "Bắt đầu", "Kết thúc", "Có vị trí"])
    for n, item in enumerate(items, 1):
        works.append([n, item.title, str(item.get_kind_display()), str(SECTOR_NAMES.get(item.sector, item.sector)), item.estimated_cost]
                     + [(item.funding or {}).get(s.value, 0) for s in sources]
                     + [item.responsible_unit, item.starts_on, item.ends_on, "x" if item.geom is not None else ""])
    for sheet in (ws, works):
        sheet["A1"].font = Font(bold=True)
        for cell in sheet[2]:
            cell.font = Font(bold=True)
    return workbook_bytes(wb)

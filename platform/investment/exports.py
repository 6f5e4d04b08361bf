"""The investment list as Excel, in the layout Vietnamese investment plans use.

STT, project, location, investor, investment decision, total investment, then the capital plan:
the plan's total and, per year, the total and each capital source. Rows are grouped by sector
under Roman numerals with subtotals; a grand total heads the table. Amounts in millions of VND.
"""

import re

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter

from core.models import CapitalSource, Sector
from geo.spreadsheets import print_ready, workbook_bytes
from investment.models import PlanKind
from investment.selectors import plan_export_rows

# The kind of document a number names by its abbreviation (Decree 30/2020, Appendix III: "15/NQ-HĐND" is a
# People's Council resolution, "12/QĐ-UBND" a decision): the approval of a public-investment plan is a resolution of
# the People's Council or a decision of the People's Committee. Anything else reads "Decision".
_KIND = re.compile(r"/\s*([A-ZĐ]+)\s*-")


def _attached_line(number: str) -> str:
    """"(Kèm theo Nghị quyết số …)" for a number "…/NQ-…", "(Kèm theo Quyết định số …)" otherwise; %(number)s, %(date)s."""
    match = _KIND.search(number.upper())
    if match and match.group(1) == "NQ":
        return _("(Attached to Resolution No. %(number)s of %(date)s)")
    return _("(Attached to Decision No. %(number)s of %(date)s)")

MILLION = 1_000_000
MONEY_FORMAT = "#,##0.000"
ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]
THIN = Side(style="thin", color="808080")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
FIXED_COLUMNS = 7  # STT, project, location, investor, decision, total investment, capital plan total


def millions(vnd):
    return vnd / MILLION


def plan_workbook(*, plan, projects, district) -> bytes:
    """The plan's projects (those with allocations in it) as an .xlsx file."""
    rows, allocations = plan_export_rows(plan=plan, projects=projects)
    used = {source for per_project in allocations.values() for (_year, source) in per_project}
    sources = [s for s in CapitalSource.values if s in used]
    years = list(plan.years)
    width = FIXED_COLUMNS + len(years) * (1 + len(sources))

    book = Workbook()
    sheet = book.active
    sheet.title = _("Investment plan")[:31]
    sheet.cell(1, 1, district.name.upper()).font = Font(bold=True)
    if plan.kind == PlanKind.MEDIUM_TERM:
        title = _("LIST OF PROJECTS OF THE MEDIUM-TERM PUBLIC-INVESTMENT PLAN %(start)s–%(end)s") % {"start": plan.start_year, "end": plan.end_year}
    else:
        title = _("LIST OF PROJECTS OF THE PUBLIC-INVESTMENT PLAN FOR %(year)s") % {"year": plan.start_year}
    sheet.cell(2, 1, title).font = Font(bold=True, size=13)
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    sheet.cell(2, 1).alignment = Alignment(horizontal="center")
    if plan.decision_number:
        attached = _attached_line(plan.decision_number) % {
            "number": plan.decision_number, "date": plan.decision_date.strftime("%d/%m/%Y") if plan.decision_date else "…"}
        sheet.cell(3, 1, attached).font = Font(italic=True)
        sheet.merge_cells(start_row=3, start_column=1, end_row=3, end_column=width)
        sheet.cell(3, 1).alignment = Alignment(horizontal="center")
    sheet.cell(4, width, _("Unit: million VND")).font = Font(italic=True)
    sheet.cell(4, width).alignment = Alignment(horizontal="right")

    top, sub = 6, 7
    fixed = [_("No."), _("Project"), _("Location"), _("Investor"), _("Investment decision (no., date)"), _("Total investment"),
             _("Capital plan, total")]
    for col, label in enumerate(fixed, start=1):
        sheet.cell(top, col, label)
        sheet.merge_cells(start_row=top, start_column=col, end_row=sub, end_column=col)
    col = FIXED_COLUMNS + 1
    for year in years:
        sheet.cell(top, col, _("Year %(year)s") % {"year": year})
        sheet.merge_cells(start_row=top, start_column=col, end_row=top, end_column=col + len(sources))
        sheet.cell(sub, col, _("Total"))
        for i, source in enumerate(sources, start=1):
            sheet.cell(sub, col + i, str(CapitalSource(source).label))
        col += 1 + len(sources)
    for c in range(1, width + 1):
        sheet.cell(sub + 1, c, f"({c})")
        for r in (top, sub, sub + 1):
            cell = sheet.cell(r, c)
            cell.font = Font(bold=True) if r != sub + 1 else Font(italic=True)
            cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            cell.border = BOX

    def money_cells(row, per_key, total_investment):
        values = [millions(total_investment) if total_investment is not None else None, millions(sum(per_key.values()))]
        for year in years:
            values.append(millions(sum(v for (y, _s), v in per_key.items() if y == year)))
            values.extend(millions(per_key.get((year, s), 0)) for s in sources)
        for offset, value in enumerate(values):
            cell = sheet.cell(row, 6 + offset, value)
            cell.number_format = MONEY_FORMAT
            cell.border = BOX

    def sum_keys(project_ids):
        total = {}
        for pid in project_ids:
            for key, value in allocations[pid].items():
                total[key] = total.get(key, 0) + value
        return total

    row = sub + 2
    sheet.cell(row, 2, _("TOTAL")).font = Font(bold=True)
    money_cells(row, sum_keys([p.pk for p in rows]), sum(p.total_investment for p in rows))
    for c in range(1, width + 1):
        sheet.cell(row, c).font = Font(bold=True)
        sheet.cell(row, c).border = BOX
    groups = {}
    for project in rows:
        groups.setdefault(project.sector, []).append(project)
    for index, (sector, members) in enumerate(groups.items()):
        row += 1
        sheet.cell(row, 1, ROMAN[index] if index < len(ROMAN) else str(index + 1))
        sheet.cell(row, 2, str(Sector(sector).label))
        money_cells(row, sum_keys([p.pk for p in members]), sum(p.total_investment for p in members))
        for c in range(1, width + 1):
            sheet.cell(row, c).font = Font(bold=True)
            sheet.cell(row, c).border = BOX
        for number, project in enumerate(members, start=1):
            row += 1
            decision = project.decision_number
            if project.decision_date:
                decision = f"{decision}, {project.decision_date:%d/%m/%Y}" if decision else f"{project.decision_date:%d/%m/%Y}"
            values = [number, f"{project.name} ({project.code})", ", ".join(c.name for c in sorted(project.communes.all(), key=lambda c: c.code)),
                      project.investor, decision]
            for c, value in enumerate(values, start=1):
                cell = sheet.cell(row, c, value)
                cell.border = BOX
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            money_cells(row, allocations[project.pk], project.total_investment)

    widths = {1: 6, 2: 40, 3: 24, 4: 24, 5: 22, 6: 14, 7: 14}
    for c in range(1, width + 1):
        sheet.column_dimensions[get_column_letter(c)].width = widths.get(c, 13)
    sheet.freeze_panes = sheet.cell(sub + 2, 3)
    print_ready(sheet, header_rows=(top, sub + 1), landscape=True)
    return workbook_bytes(book)

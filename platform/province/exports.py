"""The province comparison table as Excel: one column per unit, figures in VND, then by sector and by capital source."""
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from core.models import CapitalSource, Sector
from geo.spreadsheets import print_ready, workbook_bytes

MONEY = "#,##0"


def compare_workbook(*, rows, year) -> bytes:
    """The units of `province.selectors.investment_compare` side by side, as an .xlsx file."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Comparison")[:31]
    title = _("Public investment compared, %(year)s") % {"year": year} if year else _("Public investment compared, all years")
    sheet.cell(1, 1, title).font = Font(bold=True, size=13)
    sheet.cell(3, 1, _("Indicator")).font = Font(bold=True)
    for j, unit in enumerate(rows, start=2):
        sheet.cell(3, j, f"{unit['name']} ({unit['code']})").font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(j)].width = 22
    sheet.column_dimensions["A"].width = 48
    lines = [
        (_("Total investment (VND)"), "total_investment", MONEY),
        (_("Planned in investment plans (VND)"), "planned", MONEY),
        (_("Allocated in approved plans (VND)"), "allocated", MONEY),
        (_("Disbursed (VND)"), "disbursed", MONEY),
        (_("Disbursement rate"), "disbursement_rate", "0.0%"),
        (_("Physical progress (%), weighted by investment"), "progress", "0.0"),
        (_("Number of projects"), "project_count", "0"),
        (_("Population"), "population", "#,##0"),
        (_("Area (km²)"), "area_km2", "#,##0.00"),
        (_("Investment per resident (VND)"), "per_resident", MONEY),
        (_("Investment per km² (VND)"), "per_km2", MONEY),
        (_("Village-originated proposals"), "village_proposals", "0"),
        (_("of them answered by a project"), "village_proposals_funded", "0"),
        (_("Share of village proposals funded"), "village_funded_share", "0.0%"),
    ]
    r = 4
    for label, key, fmt in lines:
        sheet.cell(r, 1, label)
        for j, unit in enumerate(rows, start=2):
            cell = sheet.cell(r, j, unit[key])
            cell.number_format = fmt
        r += 1
    for heading, key, choices in ((_("By sector (VND)"), "by_sector", Sector.choices), (_("By capital source (VND)"), "by_source", CapitalSource.choices)):
        r += 1
        sheet.cell(r, 1, heading).font = Font(bold=True)
        r += 1
        for value, label in choices:
            if not any(unit[key].get(value) for unit in rows):
                continue
            sheet.cell(r, 1, str(label))
            for j, unit in enumerate(rows, start=2):
                sheet.cell(r, j, unit[key].get(value, 0)).number_format = MONEY
            r += 1
    print_ready(sheet, header_rows=(3, 3), landscape=len(rows) > 4)
    sheet.freeze_panes = "B4"  # the indicator names stay in view when scrolling across units
    return workbook_bytes(book)

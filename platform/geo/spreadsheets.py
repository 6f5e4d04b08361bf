"""What leaves in a spreadsheet is inert and ready to print.

Inert: text typed by users is written as text, never as a formula.

A plan item titled `=HYPERLINK("http://example.invalid","x")` must reach Excel as those characters,
not as a live link or a formula that runs on opening. Every Excel export saves through
`workbook_bytes`; a CSV writer passes every text value through `inert_text`.

Ready to print (issue 15, part 4): `print_ready(sheet, header_rows=(first, last))` freezes the rows above
the data, repeats the header rows on every printed page, sets A4 with fit-to-width (landscape when the
sheet is wide), widths from the content, thousands separators on numbers and dd/mm/yyyy on dates.
`workbook_bytes` makes every sheet print-ready (header row 1 unless the export said otherwise).
"""
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins

# What a spreadsheet program takes for the start of a formula (or of a command, for tab and CR).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert_text(value):
    """For CSV: a string that starts like a formula gets a leading apostrophe, which spreadsheets show as text.

    Anything that is not a string (numbers, dates, None) is returned unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def workbook_bytes(book) -> bytes:
    """An openpyxl `Workbook` as .xlsx bytes, with every formula cell written as a text cell.

    openpyxl stores any string starting with "=" as a formula (data type "f"). Our exports write no
    formulas of their own, so every such cell holds text that came from data (a title, a name) and
    is written as a string (data type "s"), shown exactly as typed. Likewise text that openpyxl takes for
    an error value ("#N/A", "#REF!": data type "e"). Strings starting with + - @ are already plain text
    in .xlsx (only CSV parses them).
    """
    for sheet in book.worksheets:
        if not sheet.print_title_rows:
            print_ready(sheet, header_rows=(1, 1))
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type in ("f", "e"):
                    cell.data_type = "s"
    out = BytesIO()
    book.save(out)
    return out.getvalue()


WHOLE = "#,##0"  # Excel shows the separators of the reader's locale: 1.500.000 in Vietnamese, 1,500,000 in English
FRACTION = "#,##0.00"
DAY = "dd/mm/yyyy"
WIDE_COLUMNS = 8  # more columns than this, or more than WIDE_CHARS of width, print landscape
WIDE_CHARS = 110


def print_ready(sheet, *, header_rows: tuple[int, int], landscape: bool | None = None, min_width: int = 6, max_width: int = 45,
                numbers: bool = True) -> None:
    """Prepare an openpyxl worksheet for reading and printing, in place.

    header_rows: the first and last row (1-based) of the column headings: frozen on screen (with the
    title rows above them) and repeated at the top of each printed page. Numbers without a format get
    thousands separators (`#,##0`, or `#,##0.00` with a fraction), dates `dd/mm/yyyy`; columns without a
    width get one from their longest value (characters, between min_width and max_width, long text wraps).
    Paper A4, fit to one page wide; landscape when asked, or when the sheet is wide (None). `numbers` False: the export
    chose each number's and date's format itself by what it means (`geo.exports._xlsx`), and "General" stays as it is.
    """
    first, last = header_rows
    widths: dict[int, int] = {}
    for row in sheet.iter_rows():
        for cell in row:
            value = cell.value
            if value is None:
                continue
            if not numbers:
                pass
            elif isinstance(value, (datetime, date)) and cell.number_format in ("General", "yyyy-mm-dd h:mm:ss", "yyyy-mm-dd"):
                cell.number_format = DAY
            elif isinstance(value, (int, float, Decimal)) and not isinstance(value, bool) and cell.number_format == "General":
                cell.number_format = WHOLE if float(value).is_integer() else FRACTION
            if cell.row < first:
                continue  # titles span the sheet; they do not size a column
            text = value.strftime("%d/%m/%Y %H:%M" if isinstance(value, datetime) else "%d/%m/%Y") if isinstance(value, (datetime, date)) else str(value)
            widths[cell.column] = max(widths.get(cell.column, 0), len(text) + 2)
            if isinstance(value, str) and len(value) > max_width:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
    for column, width in widths.items():
        letter = get_column_letter(column)
        if letter not in sheet.column_dimensions:  # the export did not choose a width itself
            sheet.column_dimensions[letter].width = max(min_width, min(max_width, width))
    for row in range(first, last + 1):
        for cell in sheet[row]:
            if cell.value is not None and not cell.font.i:  # an italic row of column numbers "(1)" stays as it is
                cell.font = Font(bold=True)
                cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    if sheet.freeze_panes is None:
        sheet.freeze_panes = sheet.cell(last + 1, 1).coordinate
    sheet.print_title_rows = f"{first}:{last}"
    total = sum(sheet.column_dimensions[get_column_letter(c)].width or 13 for c in range(1, sheet.max_column + 1))
    wide = sheet.max_column > WIDE_COLUMNS or total > WIDE_CHARS
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if (wide if landscape is None else landscape) else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_margins = PageMargins(left=0.5, right=0.4, top=0.6, bottom=0.6)
    sheet.print_options.horizontalCentered = True

"""What leaves in a spreadsheet is inert: text typed by users is written as text, never as a formula.

A plan item titled `=HYPERLINK("http://example.invalid","x")` must reach Excel as those characters,
not as a live link or a formula that runs on opening. Every Excel export saves through
`workbook_bytes`; a CSV writer passes every text value through `inert_text`.
"""
from io import BytesIO

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
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type in ("f", "e"):
                    cell.data_type = "s"
    out = BytesIO()
    book.save(out)
    return out.getvalue()

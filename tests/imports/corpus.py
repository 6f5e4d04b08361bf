"""The corpus of real-looking files: each built here the way offices' software writes it (see README.md)."""
import io
import unicodedata
from datetime import date

import openpyxl

TONE_MARKS = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


def windows_1258(text: str) -> bytes:
    """Text as Excel "CSV" writes it on Vietnamese Windows: Windows-1258, vowels with â/ă/ê/ô/ơ/ư precomposed, tone marks after them."""
    out = b""
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", ch)
        head = unicodedata.normalize("NFC", base + "".join(m for m in marks if m not in TONE_MARKS))
        out += head.encode("cp1258") + "".join(m for m in marks if m in TONE_MARKS).encode("cp1258")
    return out


def utf8_bom(text: str) -> bytes:
    """Excel's "CSV UTF-8" on Windows: a byte-order mark and CRLF line ends."""
    return b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8")


def xlsx(rows, *, formats=None, title=None) -> bytes:
    """A workbook as an office makes it: an optional title row (and a blank row) above the header; `formats`
    gives cells a number_format by (row index in `rows`, column index), e.g. '0%' or 'dd/mm/yyyy'."""
    book = openpyxl.Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
        sheet.append([])
    offset = 2 if title else 0  # the title row and the blank row under it
    for r, row in enumerate(rows):
        sheet.append(row)
        for (fr, fc), fmt in (formats or {}).items():
            if fr == r:
                sheet.cell(row=offset + r + 1, column=fc + 1).number_format = fmt
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def excel_serial(day: date) -> int:
    return (day - date(1899, 12, 30)).days

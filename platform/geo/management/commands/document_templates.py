"""`manage.py document_templates DIR`: copy the shipped official-document templates to DIR, to edit in Word
(then set DOCUMENT_TEMPLATES_DIR=DIR). `--rebuild` writes the shipped frame again from this code.

The frame follows Decree 30/2020/NĐ-CP, Appendix I: A4, margins top 20, bottom 20, left 30, right 15 mm,
Times New Roman 13 pt; the header block as a borderless two-column table (issuing authority and number
left; national name and underlined motto right, the place and date in italics under them); the kind and
subject centred in bold; the body; the signature block beside "Nơi nhận:"; the page number centred at
the top from the second page. Jinja tags (docxtpl): authority, parent_authority, number, place, day,
month, year, kind, subject, body (the subdocument the code writes), signer_authority, signer_position,
signer_name, recipients (a list).
"""
import shutil
from pathlib import Path

from django.core.management.base import BaseCommand
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt

from geo.documents import SHIPPED

FONT = "Times New Roman"


class Command(BaseCommand):
    help = "Copy the official-document templates (Decree 30) to a folder to edit, or rebuild the shipped one."

    def add_arguments(self, parser):
        parser.add_argument("folder", nargs="?", help="where to copy the templates (then DOCUMENT_TEMPLATES_DIR=folder)")
        parser.add_argument("--rebuild", action="store_true", help="write geo/templates/documents/official.docx from code")

    def handle(self, *args, folder=None, rebuild=False, **options):
        if rebuild:
            SHIPPED.mkdir(parents=True, exist_ok=True)
            build_frame().save(SHIPPED / "official.docx")
            self.stdout.write(f"wrote {SHIPPED / 'official.docx'}")
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            for template in SHIPPED.glob("*.docx"):
                shutil.copy(template, Path(folder) / template.name)
                self.stdout.write(f"copied {template.name} to {folder}")


def build_frame():
    doc = Document()
    _fonts(doc)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin, section.left_margin, section.right_margin = Mm(20), Mm(20), Mm(30), Mm(15)
    section.header_distance = Mm(10)
    section.different_first_page_header_footer = True
    _page_number(section.header.paragraphs[0])

    head = _grid(doc, [7.0, 9.5])
    left, right = head.rows[0].cells
    _line(left.paragraphs[0], "{{ parent_authority }}", size=12)
    _line(left.add_paragraph(), "{{ authority }}", bold=True, size=12)
    _line(left.add_paragraph(), "Số: {{ number }}", size=13, space_before=6)
    _line(right.paragraphs[0], "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, size=12)
    _line(right.add_paragraph(), "Độc lập - Tự do - Hạnh phúc", bold=True, size=13, underline=True)
    _line(right.add_paragraph(), "{{ place }}, ngày {{ day }} tháng {{ month }} năm {{ year }}", italic=True, size=13, space_before=6)

    _line(doc.add_paragraph(), "{{ kind }}", bold=True, size=14, space_before=18)
    _line(doc.add_paragraph(), "{{ subject }}", bold=True, size=14, space_after=12)
    doc.add_paragraph("{{p body }}")

    sign = _grid(doc, [8.0, 8.5])
    left, right = sign.rows[0].cells
    _line(left.paragraphs[0], "Nơi nhận:", bold=True, italic=True, size=12, align=WD_ALIGN_PARAGRAPH.LEFT, space_before=12)
    _line(left.add_paragraph(), "{%p for line in recipients %}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(left.add_paragraph(), "- {{ line }}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(left.add_paragraph(), "{%p endfor %}", size=11, align=WD_ALIGN_PARAGRAPH.LEFT)
    _line(right.paragraphs[0], "{{ signer_authority }}", bold=True, size=13, space_before=12)
    _line(right.add_paragraph(), "{{ signer_position }}", bold=True, size=13)
    for _ in range(4):
        right.add_paragraph()
    _line(right.add_paragraph(), "{{ signer_name }}", bold=True, size=13)
    return doc


def _fonts(doc):
    for name in ("Normal", "Table Grid"):
        style = doc.styles[name]
        style.font.name = FONT
        fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
        for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
            fonts.set(qn(attribute), FONT)
    normal = doc.styles["Normal"]
    normal.font.size = Pt(13)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.1


def _grid(doc, widths_cm):
    """A borderless table (the Decree's two-column blocks) with fixed column widths."""
    grid = doc.add_table(rows=1, cols=len(widths_cm))
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    grid._tbl.tblPr.append(layout)
    for column, cell, width in zip(grid.columns, grid.rows[0].cells, widths_cm):
        column.width = cell.width = Cm(width)
    return grid


def _line(p, text, *, bold=False, italic=False, underline=False, size=13, align=WD_ALIGN_PARAGRAPH.CENTER, space_before=0, space_after=0):
    p.alignment = align
    p.paragraph_format.space_before, p.paragraph_format.space_after = Pt(space_before), Pt(space_after)
    run = p.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    run.font.size = Pt(size)
    return p


def _page_number(p):
    """A PAGE field, centred (Decree 30: the page number at the top centre, from the second page)."""
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run()
    for kind, text in (("begin", None), (None, "PAGE"), ("separate", None), (None, None), ("end", None)):
        if kind:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)
        elif text:
            instr = OxmlElement("w:instrText")
            instr.set(qn("xml:space"), "preserve")
            instr.text = text
            run._r.append(instr)
        else:
            t = OxmlElement("w:t")
            t.text = "2"
            run._r.append(t)

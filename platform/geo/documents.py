"""Official documents in the form of Decree 30/2020/NĐ-CP, as Word (.docx) and PDF.

Every document the platform writes (the commune plan, the team-formation decision, the district's
approval decision and feedback letter, the M&E plan, the periodic report) is one template filled in:
the template holds the Decree's frame (A4, margins 20/20/30/15 mm, Times New Roman 13, the two-column
header block with the issuing authority and number on the left and the national name and underlined
motto on the right, the place and date in italics, the title, the signature block, "Nơi nhận:", page
numbers from the second page); the code writes only the body (paragraphs and tables). Templates are
.docx files with Jinja tags (docxtpl), so the province edits wording, fonts and layout in Word:
`DOCUMENT_TEMPLATES_DIR/<kind>.docx` or `DOCUMENT_TEMPLATES_DIR/official.docx` replace the shipped
`geo/templates/documents/official.docx` (`manage.py document_templates DIR` copies it there).

Every document is written in Vietnamese whatever the request's language (an official document), built at most once
per content version (`cached_docx`: the database reads of its last build, run again, return the same rows) and kept
in the `documents` cache (a table of Django's database cache, DOCUMENT_PDF_CACHE_ENTRIES entries at most).

PDF: LibreOffice headless (`soffice --convert-to pdf`, Debian `libreoffice-writer-nogui`) in a temporary folder with
its own profile, in a process group of its own killed whole after DOCUMENT_PDF_TIMEOUT seconds (kept below gunicorn's
WEB_TIMEOUT) or on any error. A conversion costs 2–3 s of CPU, so (docs/OPERATIONS.md, "Documents as PDF"):
- the PDF is cached under a hash of the document's content: the same document converts once, whoever downloads it;
- at most DOCUMENT_PDF_SLOTS conversions, and as many Word builds, run at once across every worker process
  (PostgreSQL advisory locks); a request that finds no free slot (within DOCUMENT_PDF_WAIT seconds, default 0) answers
  503 with Retry-After, never a queue (the locks, slots and waiting places: geo/document_slots.py).
"""
import hashlib
import os
import re
import signal
import subprocess
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date
from io import BytesIO
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import connection, connections, transaction
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docxtpl import DocxTemplate
from rest_framework import serializers
from rest_framework.negotiation import BaseContentNegotiation

# The locks, slots and waiting places live in geo/document_slots.py; their names stay importable from here.
from geo.document_slots import (  # noqa: F401
    BUILD_LOCK_CLASS,
    PDF_LOCK_CLASS,
    SAME_LOCK_CLASS,
    BuildsBusy,
    ConversionsBusy,
    DocumentUnavailable,
    _free_slot,
    _take_slot,
    one_at_a_time,
)
from geo.text import in_sentence

SHIPPED = Path(__file__).resolve().parent / "templates" / "documents"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"


def document_output(description: str) -> dict:
    """The OpenAPI answers of a document route (a view's `Output`): the Word file, or the
    same document as PDF when the route ends in .pdf (503 when LibreOffice cannot convert it)."""
    from drf_spectacular.types import OpenApiTypes
    from drf_spectacular.utils import OpenApiResponse

    return {(200, DOCX_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description=description + " (Word)"),
            (200, PDF_TYPE): OpenApiResponse(OpenApiTypes.BINARY, description=description + " (PDF)")}
# The unit-type words that the place line leaves out (Decree 30, Appendix I: "the name of the place").
PLACE_PREFIXES = ("Thành phố ", "Thị xã ", "Thị trấn ", "Huyện ", "Phường ", "Xã ", "Tỉnh ")


class AnyAccept(BaseContentNegotiation):
    """File downloads answer in their own type whatever the client's Accept header (a GIS asks for application/geo+json)."""

    def select_parser(self, request, parsers):
        return parsers[0]

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


# Decree 30, Appendix I: the number is left blank, to be filled by hand at signing, when none was recorded: "Số:      /KH-UBND".
BLANK_NUMBER = " " * 5
# The unit kinds that open an authority's or a place's name (Decree 30, Appendix I); their words never part from the name.
UNIT_KINDS = ("ỦY BAN NHÂN DÂN", "HỘI ĐỒNG NHÂN DÂN", "UBND", "HĐND")
NBSP = "\u00a0"
# The shape of a document number (Decree 30, Art. 8 and Appendix III), as typed after the printed "Số: ": the number
# ("12"), then optionally "/" parts of letters and digits joined by "-" ("12/KH-UBND", "45/2026/QĐ-UBND"); no "Số",
# no spaces or notes ("Số 5/UBND-TCKH (bản sao)" printed "Số: Số 5/…", review rv15d), no markup; 30 characters at most.
# Digits are 0-9 and letters those of the Vietnamese alphabet (and the other Latin ones): "٥/UBND", "５/UBND", "5/𝐔𝐁𝐍𝐃"
# or "5/ⅫKH" matched Python's Unicode \d and \w (review rv15e).
_NUMBER_LETTER = "[0-9A-Za-zÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯư\u1ea0-\u1ef9]"
DOCUMENT_NUMBER = re.compile(rf"(?:[0-9]+(?:/{_NUMBER_LETTER}+(?:-{_NUMBER_LETTER}+)*)*)?")
DOCUMENT_NUMBER_LENGTH = 30


class DocumentNumberField(serializers.CharField):
    """An API field holding a document number as the actor typed it (Decree 30, Art. 8): "" (not given yet), "12" or
    "12/KH-UBND" (DOCUMENT_NUMBER: digits, then "/" parts of letters and digits joined by "-"; no "Số", no markup);
    30 characters at most. Bad input: 400 naming the field."""

    def __init__(self, **kwargs):
        if not kwargs.setdefault("required", False):
            kwargs.setdefault("default", "")
        kwargs.setdefault("allow_blank", not kwargs["required"])
        kwargs.setdefault("max_length", DOCUMENT_NUMBER_LENGTH)
        kwargs.setdefault("help_text", gettext_lazy("The document's number, e.g. 12 or 12/KH-UBND; empty to fill in by hand at signing."))
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        value = unicodedata.normalize("NFC", super().to_internal_value(data))  # "Đ", "Ư" typed as a letter and a mark
        if not DOCUMENT_NUMBER.fullmatch(value):
            raise serializers.ValidationError(_("Write the document number as in Decree 30, without “Số”: digits, then “/” and the symbol "
                                                "of letters and “-”, e.g. 12 or 12/KH-UBND."))
        return value


def number_line(number: str, symbol: str) -> str:
    """What follows "Số: " (Decree 30, Appendix I): a recorded full number as is ("45/QĐ-UBND"), a bare number with the
    document's symbol ("12" → "12/KH-UBND"), and blank space to fill by hand when none was recorded ("     /KH-UBND").
    The symbol names the kind of document by Decree 30, Appendix III: KH kế hoạch, QĐ quyết định, BC báo cáo, TB thông
    báo; a letter (công văn) carries only the issuing body and office ("UBND-TCKH")."""
    number = (number or "").strip()
    if "/" in number:
        return number
    return f"{number or BLANK_NUMBER}/{symbol}"


def unbroken_authority(name: str) -> str:
    """An issuing body's name as printed in the header block: upper case, "ỦY BAN NHÂN DÂN" on its own line and the unit
    ("THỊ TRẤN CHỜ") joined by non-breaking spaces, so a line never ends inside "THỊ TRẤN" or before a short name
    (issue 15: "THỊ TRẤN / CHỜ"). The longest name of Bắc Ninh ("THỊ TRẤN NHÂN THẮNG") fits on the second line of the
    7 cm column; "UBND HUYỆN YÊN PHONG" stays on one line."""
    name = " ".join(name.upper().split())
    for kind in UNIT_KINDS:
        if name.startswith(kind + " "):
            unit = name[len(kind) + 1:].replace(" ", NBSP)
            return f"{kind}\n{unit}" if len(kind) > 4 else f"{kind} {unit}"
    return name.replace(" ", NBSP)



def unbroken_name(unit_name: str) -> str:
    """A unit's name inside a line of text, its words joined by non-breaking spaces ("xã\u00a0Yên\u00a0Trung"): the
    subject line under a title or a letter's "V/v" line (Decree 30, Appendix I) never ends inside the commune's name
    (review rv15e), as the header block's authority never does (`unbroken_authority`)."""
    return in_sentence(unit_name).replace(" ", NBSP)


@dataclass
class Letterhead:
    """What the frame of an official document says around its body (Decree 30, Appendix I).

    authority: the issuing body, e.g. "ỦY BAN NHÂN DÂN XÃ YÊN TRUNG"; parent_authority: the body above it
    ("UBND HUYỆN YÊN PHONG"), may be empty; symbol: the document's symbol after the number (Decree 30, Appendix III:
    "KH-UBND", "QĐ-UBND", "BC-UBND", "UBND-TCKH"); number: the number recorded for it ("12", or a full "45/QĐ-UBND"),
    "" when it is given at signing, then printed "Số:      /KH-UBND"; place: where the authority sits;
    on: the date, None for "ngày … tháng … năm …" filled in at signing; kind: "KẾ HOẠCH", "QUYẾT ĐỊNH"…;
    subject: the summary under it; signer_*: "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", the name (may be empty);
    recipients: the lines of "Nơi nhận:".
    """

    authority: str
    symbol: str
    place: str
    kind: str
    subject: str
    number: str = ""
    parent_authority: str = ""
    on: date | None = None
    signer_authority: str = ""
    signer_position: str = ""
    signer_name: str = ""
    recipients: list[str] = field(default_factory=list)

    def context(self) -> dict:
        day = month = year = "…"
        if self.on is not None:
            # Decree 30: days below 10 and the months 1 and 2 are written with a leading zero.
            day, month, year = f"{self.on.day:02d}", (f"{self.on.month:02d}" if self.on.month < 3 else str(self.on.month)), str(self.on.year)
        return {
            "authority": unbroken_authority(self.authority), "parent_authority": unbroken_authority(self.parent_authority),
            "number": number_line(self.number, self.symbol),
            "place": place_name(self.place), "day": day, "month": month, "year": year, "kind": self.kind.upper(),
            "subject": self.subject, "signer_authority": self.signer_authority.upper(), "signer_position": self.signer_position.upper(),
            "signer_name": self.signer_name, "recipients": self.recipients,
        }


def place_name(unit_name: str) -> str:
    """ "Xã Yên Trung" → "Yên Trung": the place line names the place, not its unit type."""
    for prefix in PLACE_PREFIXES:
        if unit_name.startswith(prefix):
            return unit_name[len(prefix):]
    return unit_name


def template_path(kind: str) -> Path:
    """The template of a document kind ("plan", "team_decision"…): the override folder first, then the shipped frame."""
    folders = [Path(settings.DOCUMENT_TEMPLATES_DIR)] if settings.DOCUMENT_TEMPLATES_DIR else []
    for folder in [*folders, SHIPPED]:
        for name in (f"{kind}.docx", "official.docx"):
            if (folder / name).is_file():
                return folder / name
    raise FileNotFoundError(SHIPPED / "official.docx")


def official_docx(*, kind: str, head: Letterhead, body: Callable) -> bytes:
    """The document as .docx bytes: the template of `kind` filled with `head`, `body(doc)` writing the body.

    `body` receives a python-docx-like document (a docxtpl subdocument: add_paragraph, add_table…) and
    should write through `heading`, `paragraph` and `table` below. User text is escaped (autoescape).
    """
    template = DocxTemplate(str(template_path(kind)))
    sub = template.new_subdoc()
    body(sub)
    template.render({**head.context(), "body": sub}, autoescape=True)
    out = BytesIO()
    template.save(out)
    return out.getvalue()


def content_key(data: bytes) -> str:
    """The cache key of a .docx: a SHA-256 of its members' names and contents, not of the zip bytes (which carry
    the time of writing, so the same document written twice would differ)."""
    digest = hashlib.sha256()
    with zipfile.ZipFile(BytesIO(data)) as archive:
        for name in sorted(archive.namelist()):
            digest.update(name.encode() + b"\0" + archive.read(name) + b"\0")
    return "pdf:" + digest.hexdigest()


def cached_pdf(data: bytes, *, admit: Callable[[], None] | None = None) -> bytes:
    """A .docx as PDF bytes, from the `documents` cache when the same document was converted before, otherwise converted
    in one of DOCUMENT_PDF_SLOTS slots shared by every worker and then cached.

    `admit()`, when given, runs before a conversion (not for a PDF already cached) and may refuse it by raising.
    Raises ConversionsBusy when no slot frees within DOCUMENT_PDF_WAIT seconds, DocumentUnavailable when LibreOffice fails."""
    cache = caches["documents"]
    key = content_key(data)
    pdf = cache.get(key)
    if pdf is not None:
        return pdf
    with one_at_a_time(key):
        pdf = cache.get(key)  # converted by another request meanwhile (the one this request waited for)
        if pdf is not None:
            return pdf
        if admit is not None:
            admit()
        slot = _take_slot(PDF_LOCK_CLASS)
        try:
            pdf = docx_pdf(data)
            cache.set(key, pdf, timeout=None)
        finally:
            _free_slot(PDF_LOCK_CLASS, slot)
    return pdf


def docx_pdf(data: bytes) -> bytes:
    """A .docx as PDF bytes, through LibreOffice headless in a temporary folder (own profile, so runs never share a lock).

    Raises DocumentUnavailable when LibreOffice is missing, fails or exceeds DOCUMENT_PDF_TIMEOUT seconds.
    """
    with tempfile.TemporaryDirectory(prefix="sedp-pdf-") as folder:
        source = Path(folder) / "document.docx"
        source.write_bytes(data)
        command = [settings.SOFFICE, f"-env:UserInstallation=file://{folder}/profile", "--headless", "--norestore",
                   "--convert-to", "pdf", "--outdir", folder, str(source)]
        _run_in_own_group(command, timeout=settings.DOCUMENT_PDF_TIMEOUT, cwd=folder)
        result = Path(folder) / "document.pdf"
        if not result.is_file():
            raise DocumentUnavailable("LibreOffice wrote no PDF")
        return result.read_bytes()


def _run_in_own_group(command: list[str], *, timeout: float, cwd: str) -> None:
    """Run `command` in a session (process group) of its own and wait at most `timeout` seconds. On a timeout, a failure
    or any exception (the worker being stopped included) the whole group is killed: `soffice` is a launcher whose
    `soffice.bin` child would otherwise outlive it, re-parented to init, still converting after its slot was freed
    (issue 15 review, finding 3). Raises DocumentUnavailable when the command is missing, fails or is too slow."""
    try:
        process = subprocess.Popen(command, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True)
    except OSError as exc:
        raise DocumentUnavailable(str(exc)) from exc
    try:
        _out, err = process.communicate(timeout=timeout)
    except BaseException as exc:
        _kill_group(process.pid)
        process.communicate()
        if isinstance(exc, subprocess.TimeoutExpired):
            raise DocumentUnavailable(f"LibreOffice took more than {timeout} s") from exc
        raise
    _kill_group(process.pid)  # the launcher is done: nothing of its group may stay behind
    if process.returncode != 0:
        raise DocumentUnavailable(f"LibreOffice failed ({process.returncode}): {err.decode(errors='replace')[-500:]}")


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def document_response(build: Callable[[], bytes], *, name: str, fmt: str, sources=(), admit: Callable[[], None] | None = None) -> HttpResponse:
    """A download of a document: `build()` writes it as .docx bytes, `name` (the file name without extension) names it
    uniquely in its district; `sources` the model instances loaded before `build` and read by it (see `cached_docx`);
    `fmt` "docx" as is, "pdf" converted or from the cache.

    The document is always written in Vietnamese, whatever the request's language (an official document: Decree 30),
    and built at most once per content version (`cached_docx`); building and conversion each take one of
    DOCUMENT_PDF_SLOTS slots. Answers 503 with Retry-After: DOCUMENT_PDF_RETRY_AFTER seconds when every slot is busy,
    503 when LibreOffice cannot make the PDF; the messages are in the request's language (text/plain). `admit()`, when
    given, runs once before the download builds or converts anything (never for a download answered from the cache)
    and may refuse it by raising (the public download's rate limit); the exception reaches the caller."""
    admitted = []

    def admit_once():
        if admit is not None and not admitted:
            admit()
            admitted.append(True)
    try:
        data = cached_docx(build, name=name, sources=sources, admit=admit_once)
        if fmt == "pdf":
            data = cached_pdf(data, admit=admit_once)
    except ConversionsBusy as busy:
        message = (_("Other documents are being prepared; try again in a few seconds.") if isinstance(busy, BuildsBusy) else
                   _("Other documents are being converted to PDF; try again in a few seconds, or download the Word file."))
        response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(settings.DOCUMENT_PDF_RETRY_AFTER)
        return response
    except DocumentUnavailable:
        return HttpResponse(_("The PDF cannot be made right now; download the Word file."), status=503, content_type="text/plain; charset=utf-8")
    response = HttpResponse(data, content_type=PDF_TYPE if fmt == "pdf" else DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


# What a document's content may depend on besides the database: the code and the compiled translations (read once).
_CODE_ROOT = Path(__file__).resolve().parents[1]
_code_version = None


def _code_stamp() -> str:
    global _code_version
    if _code_version is None:
        files = [*_CODE_ROOT.rglob("*.py"), *_CODE_ROOT.rglob("*.mo")]
        _code_version = str(max((f.stat().st_mtime_ns for f in files if ".venv" not in f.parts), default=0))
    return _code_version


def _templates_stamp() -> str:
    folders = [Path(settings.DOCUMENT_TEMPLATES_DIR)] if settings.DOCUMENT_TEMPLATES_DIR else []
    return ";".join(f"{f}:{f.stat().st_mtime_ns}" for folder in [*folders, SHIPPED] if folder.is_dir() for f in sorted(folder.glob("*.docx")))


def _record_reads(reads: list):
    """An execute wrapper (Django) that records each SELECT run on a connection as (alias, sql, params)."""
    def wrapper(alias):
        def record(execute, sql, params, many, context):
            if not many and sql.lstrip()[:6].upper() == "SELECT":
                reads.append((alias, sql, None if params is None else list(params)))
            return execute(sql, params, many, context)
        return record
    return wrapper


def _plain(value):
    """A field value with a stable repr: a geometry as its EWKB bytes (its repr names a memory address)."""
    return bytes(value.ewkb) if hasattr(value, "ewkb") else value


def _loaded_rows(sources) -> list:
    """The field values of model instances loaded before the build (the record the view fetched, with the related
    objects and prefetched lists cached on it), as the build will read them: [(model label, pk, values)], sorted."""
    rows, seen, todo = [], set(), list(sources)
    while todo:
        obj = todo.pop()
        if obj is None or (type(obj), obj.pk) in seen or not hasattr(obj, "_meta"):
            continue
        seen.add((type(obj), obj.pk))
        rows.append((obj._meta.label, obj.pk, [_plain(getattr(obj, f.attname, None)) for f in obj._meta.concrete_fields]))
        todo.extend(obj._state.fields_cache.values())
        for related in getattr(obj, "_prefetched_objects_cache", {}).values():
            todo.extend(related)
    return sorted(rows, key=repr)


def _version(name: str, reads: list, loaded: list) -> str:
    """The content version of a document: a SHA-256 of its name and district, the day (drafts carry today's date), the
    code and templates, and the rows every recorded read returns now. Reading them again is a few queries; the building
    it saves is seconds of CPU (issue 15 review, finding 2)."""
    digest = hashlib.sha256(f"{connection.schema_name}\0{name}\0{timezone.localdate()}\0{_code_stamp()}\0{_templates_stamp()}".encode())
    digest.update(repr(loaded).encode())
    for alias, sql, params in reads:
        with connections[alias].cursor() as cursor:
            cursor.execute(sql, params)
            digest.update(sql.encode() + b"\0" + repr(params).encode() + b"\0" + repr(cursor.fetchall()).encode() + b"\0")
    return digest.hexdigest()


def cached_docx(build: Callable[[], bytes], *, name: str, sources=(), admit: Callable[[], None] | None = None) -> bytes:
    """The document's .docx bytes, built (in Vietnamese) only when its content changed since it was last built.

    `sources`: the model instances the view loaded before and `build` reads (the plan, the report…): their loaded
    values, with the related objects and prefetched lists cached on them, are part of the version. The first build
    records the database reads it makes; a later download runs those reads again and, when they return
    the same rows (and the day, code and templates are the same), answers the Word file kept in the `documents` cache,
    building nothing. A build is kept only when the reads returned the same rows before and after it, so a write
    committed while it was building never leaves a stale document behind. Building takes a slot (ConversionsBusy);
    a request for a document being built waits for that build (`one_at_a_time`); `admit()`, when given, runs before
    a build and may refuse it by raising."""
    cache = caches["documents"]
    reads_key = "docx-reads:" + hashlib.sha256(f"{connection.schema_name}\0{name}".encode()).hexdigest()
    reads = cache.get(reads_key)
    # Taken before the build, which caches on the instances what it reads lazily.
    loaded = _loaded_rows(sources)
    before = _version(name, reads, loaded) if reads else None
    if before is not None:
        data = cache.get("docx:" + before)
        if data is not None:
            return data
    with one_at_a_time(reads_key):
        # Built meanwhile by the request this one waited for: its reads are kept now, run them again.
        reads = cache.get(reads_key)
        before = _version(name, reads, loaded) if reads else None
        data = cache.get("docx:" + before) if before is not None else None
        if data is not None:
            return data
        if admit is not None:
            admit()
        return _build_docx(build, name=name, loaded=loaded, reads=reads, before=before, reads_key=reads_key)


def _build_docx(build, *, name, loaded, reads, before, reads_key) -> bytes:
    """Build a document in a building slot (BuildsBusy when none is free) and keep it in the cache (see `cached_docx`)."""
    cache = caches["documents"]
    try:
        slot = _take_slot(BUILD_LOCK_CLASS)
    except ConversionsBusy as busy:
        raise BuildsBusy(str(busy)) from busy
    try:
        recorded = []
        record = _record_reads(recorded)
        with ExitStack() as stack:
            # One snapshot for the build and for reading its version again, so the version is that of what was built.
            snapshot = not connection.in_atomic_block
            if snapshot:
                stack.enter_context(transaction.atomic())
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            with ExitStack() as recording:
                for alias in connections:
                    recording.enter_context(connections[alias].execute_wrapper(record(alias)))
                with translation.override("vi"):
                    data = build()
            after = _version(name, recorded, loaded)
    finally:
        _free_slot(BUILD_LOCK_CLASS, slot)
    cache.set(reads_key, recorded, timeout=None)
    # Kept when its reads were one snapshot (all on this connection, in a transaction of their own or inside the
    # request's), or when they returned the same rows before and after the build.
    if all(alias == connection.alias for alias, _sql, _params in recorded) or (recorded == reads and after == before):
        cache.set("docx:" + after, data, timeout=None)
    return data


def heading(doc, text: str, *, centred: bool = False):
    """A section heading of the body ("I. …"; centred: "QUYẾT ĐỊNH:"): bold, black, Times New Roman like the rest (no theme colour)."""
    p = doc.add_paragraph()
    if centred:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    p.paragraph_format.space_before = Pt(6)
    p.paragraph_format.keep_with_next = True
    p.add_run(text).bold = True
    return p


def paragraph(doc, text: str, *, italic: bool = False, centred: bool = False):
    """A body paragraph, justified with a first-line indent (Decree 30, Appendix I), or centred without one."""
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER if centred else WD_ALIGN_PARAGRAPH.JUSTIFY
    p.paragraph_format.first_line_indent = Cm(0 if centred else 1)
    p.paragraph_format.space_after = Pt(6)
    p.add_run(text).italic = italic
    return p


def table(doc, headings: list[str], rows: list[list[str]], *, widths_cm: list[float], numeric: tuple[int, ...] = ()):
    """A grid table with fixed column widths (cm; the page's text is 16.5 cm wide), bold centred headings
    repeated on each page, 12 pt text, and the `numeric` columns right-aligned. A column narrower than
    MIN_COLUMN_CM is widened to it, taken from the widest column, so "TT" never wraps letter by letter."""
    widths_cm = fitted_widths(widths_cm)
    grid = doc.add_table(rows=1, cols=len(headings))
    grid.style = "Table Grid"
    grid.alignment = WD_TABLE_ALIGNMENT.CENTER
    grid.autofit = False
    _fixed_layout(grid)
    for column, width in zip(grid.columns, widths_cm):
        column.width = Cm(width)
    header = grid.rows[0]
    _repeat_header(header)
    for cell, text in zip(header.cells, headings):
        _fill(cell, text, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for values in rows:
        for n, (cell, text) in enumerate(zip(grid.add_row().cells, values)):
            _fill(cell, text, align=WD_ALIGN_PARAGRAPH.RIGHT if n in numeric else None)
    for row in grid.rows:
        for cell, width in zip(row.cells, widths_cm):
            cell.width = Cm(width)
    return grid


# The narrowest column: "TT" in bold 12 pt (about 0.57 cm) inside the cell's margins (2 × 0.19 cm); 0.9 cm wrapped it as "T / T".
MIN_COLUMN_CM = 1.0


def fitted_widths(widths_cm: list[float]) -> list[float]:
    """Column widths (cm) with none below MIN_COLUMN_CM, the same total: what the narrow ones gain the widest loses."""
    widths = [max(w, MIN_COLUMN_CM) for w in widths_cm]
    widest = widths.index(max(widths))
    widths[widest] -= sum(widths) - sum(widths_cm)
    return widths


def _fill(cell, text, *, bold=False, align=None):
    p = cell.paragraphs[0]
    run = p.add_run(text or "")
    run.bold = bold
    run.font.size = Pt(12)
    if align is not None:
        p.alignment = align


def _fixed_layout(grid):
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    grid._tbl.tblPr.append(layout)


def _repeat_header(row):
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)

"""Every document the plan cycle writes is in the official form of Decree 30/2020/NĐ-CP, as Word and as PDF (issue 15, part 4)."""
import io
import subprocess
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from docx import Document
from PIL import Image

from accounts.models import User
from geo import documents
from plans.models import CommunePlan, DistrictFeedback, PlanStatus
from tests.plans.test_cycle_api import PUB, D, published_plan

pytestmark = pytest.mark.django_db
BLANK = " " * 5  # "Số:      /KH-UBND": the number left blank, filled by hand at signing (Decree 30, Appendix I)


def docx(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == documents.DOCX_TYPE
    return Document(io.BytesIO(response.content))


def cells(table):
    return ["\n".join(p.text for p in cell.paragraphs) for row in table.rows for cell in row.cells]


def all_text(doc):
    return "\n".join([p.text for p in doc.paragraphs] + [c for t in doc.tables for c in cells(t)])


def flat(text):
    """A header cell's text on one line: line breaks and non-breaking spaces as plain spaces."""
    return " ".join(text.replace("\u00a0", " ").split())


def assert_official_form(doc, *, authority, number, place_and_date, kind, signer):
    """A4 portrait, Decree 30 margins, Times New Roman 13, the header block, the title, the signature block, "Nơi nhận:", page numbers."""
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert (round(section.top_margin.mm), round(section.bottom_margin.mm), round(section.left_margin.mm), round(section.right_margin.mm)) == (20, 20, 30, 15)
    assert doc.styles["Normal"].font.name == "Times New Roman" and doc.styles["Normal"].font.size.pt == 13
    left, right = doc.tables[0].rows[0].cells
    assert authority in flat(left.text) and f"Số: {number}" in left.text
    assert [p.text for p in right.paragraphs[:2]] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert right.paragraphs[1].runs[0].underline and right.paragraphs[1].runs[0].bold
    date_line = right.paragraphs[2]
    assert date_line.text == place_and_date and all(run.italic for run in date_line.runs)
    if kind:
        assert kind in [p.text for p in doc.paragraphs]
    else:  # a letter (công văn) has no title line: its summary is under the number (Decree 30, Appendix I, ô 5b)
        assert left.paragraphs[-1].text.startswith("V/v ") and not any(p.text.startswith("V/v") for p in doc.paragraphs)
    sign_left, sign_right = doc.tables[-1].rows[0].cells
    assert sign_left.paragraphs[0].text == "Nơi nhận:" and any(p.text == "- Lưu: VT." or p.text.startswith("- Lưu: VT") for p in sign_left.paragraphs)
    assert [p.text for p in sign_right.paragraphs if p.text] == signer
    # Page numbers: a PAGE field in the header, from the second page (Decree 30: the first page has none).
    assert section.different_first_page_header_footer and "PAGE" in section.header._element.xml


def day_line(place, on):
    month = f"{on.month:02d}" if on.month < 3 else str(on.month)
    return f"{place}, ngày {on.day:02d} tháng {month} năm {on.year}"


def test_the_plan_document_is_in_the_official_form(client_for, district):
    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    v3, _cycle = published_plan(xa, huyen, district("yen-phong"))
    doc = docx(xa, f"{D}/{v3}/document.docx")
    assert_official_form(doc, authority="ỦY BAN NHÂN DÂN THỊ TRẤN CHỜ", number=BLANK + "/KH-UBND", place_and_date=day_line("Chờ", date(2026, 11, 20)),
                         kind="KẾ HOẠCH", signer=["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn An"])
    # Decree 30/2020, Appendix I, II.3: the managing body's line only "if there is one"; a People's Committee has none,
    # so "ỦY BAN NHÂN DÂN / THỊ TRẤN CHỜ" stands alone (review rv15c finding 11).
    assert "UBND HUYỆN" not in flat(doc.tables[0].rows[0].cells[0].text)
    assert flat(doc.tables[0].rows[0].cells[0].paragraphs[0].text) in ("", "ỦY BAN NHÂN DÂN THỊ TRẤN CHỜ", "ỦY BAN NHÂN DÂN")
    # Inside a line a unit's kind is lower case: "UBND huyện Yên Phong", not "UBND Huyện Yên Phong".
    recipients = [p.text for p in doc.tables[-1].rows[0].cells[0].paragraphs]
    assert "- UBND huyện Yên Phong (Phòng Tài chính - Kế hoạch);" in recipients, recipients
    assert "Phát triển kinh tế - xã hội năm 2027" in [p.text for p in doc.paragraphs]
    text = all_text(doc)
    assert "Căn cứ Quyết định phê duyệt của UBND huyện số 45/QĐ-UBND ngày 20/11/2026;" in text
    # Works table: fixed widths, the title column wide enough not to wrap word by word; the headings repeat on each page.
    works = next(t for t in doc.tables if t.rows[0].cells[1].text == "Tên công trình / hoạt động")
    widths = [cell.width.cm for cell in works.rows[1].cells]
    assert widths[1] >= 4 and widths[0] >= 1 and abs(sum(widths) - 16.5) < 0.1
    assert "w:tblHeader" in works.rows[0]._tr.xml and 'w:type="fixed"' in works._tbl.xml
    assert "Nhà văn hóa thôn Bắc" in cells(works) and "800" in cells(works)  # 800.000.000 đồng in millions
    # No theme headings (blue "Heading n" styles): every paragraph is in the document's own font.
    assert not [p.style.name for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    # The public copy is the same document.
    public = docx(client_for(None), f"{PUB}/{v3}/document.docx")
    assert public.tables[0].rows[0].cells[0].text == doc.tables[0].rows[0].cells[0].text


def test_a_decided_document_keeps_its_own_date_whatever_the_day_of_download(client_for, district):
    """Issue 15 review: the approved, published plan printed the download's date; the letter the day it was opened.
    The approved plan carries its approval decision's date (20/11/2026, also on the public copy), a draft version today's,
    the feedback letter the day of the district's comment."""
    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    tenant = district("yen-phong")
    v3, _cycle = published_plan(xa, huyen, tenant)
    approved = day_line("Chờ", date(2026, 11, 20))
    for doc in (docx(xa, f"{D}/{v3}/document.docx"), docx(client_for(None), f"{PUB}/{v3}/document.docx")):
        assert doc.tables[0].rows[0].cells[1].paragraphs[2].text == approved
    connection.set_tenant(tenant)
    first = DistrictFeedback.objects.get(plan__cycle__versions=v3, no_comments=True)
    DistrictFeedback.objects.filter(pk=first.pk).update(created_at=timezone.make_aware(timezone.datetime(2026, 8, 3, 23, 30)))
    draft = first.plan_id
    connection.set_schema_to_public()
    assert docx(xa, f"{D}/{draft}/document.docx").tables[0].rows[0].cells[1].paragraphs[2].text == day_line("Chờ", timezone.localdate())
    letter = docx(huyen, f"{D}/{v3}/feedback.docx")
    assert letter.tables[0].rows[0].cells[1].paragraphs[2].text == day_line("Yên Phong", date(2026, 8, 3))


def test_the_team_decision_approval_decision_and_feedback_letter(client_for, district):
    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    v3, cycle = published_plan(xa, huyen, district("yen-phong"))

    team = docx(xa, f"{D}/cycles/{cycle}/team/decision.docx")
    assert_official_form(team, authority="ỦY BAN NHÂN DÂN THỊ TRẤN CHỜ", number=BLANK + "/QĐ-UBND", place_and_date="Chờ, ngày … tháng … năm …",
                         kind="QUYẾT ĐỊNH", signer=["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "Nguyễn Văn An"])
    members = next(t for t in team.tables if t.rows[0].cells[1].text == "Họ và tên")
    assert cells(members)[5:10] == ["1", "Nguyễn Văn An", "Chủ tịch UBND xã", "UBND xã", "Tổ trưởng"]
    assert len(members.rows) == 6

    approval = docx(huyen, f"{D}/{v3}/district-approval/decision.docx")
    assert_official_form(approval, authority="ỦY BAN NHÂN DÂN HUYỆN YÊN PHONG", number="45/QĐ-UBND", place_and_date=day_line("Yên Phong", date(2026, 11, 20)),
                         kind="QUYẾT ĐỊNH", signer=["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"])
    # the commune's name never parts at the end of a line (review rv15e): its words joined by non-breaking spaces
    assert "Về việc phê duyệt kế hoạch phát triển kinh tế - xã hội năm 2027 của thị\u00a0trấn\u00a0Chờ" in all_text(approval)

    connection.set_tenant(district("yen-phong"))
    DistrictFeedback.objects.create(plan_id=v3, sector="education", office="Phòng GD&ĐT", body="Bổ sung <trường> & lớp học",
                                    author=User.objects.get(username="huyen.yen-phong"), answer="Đã tiếp thu")
    connection.set_schema_to_public()
    letter = docx(huyen, f"{D}/{v3}/feedback.docx")
    assert_official_form(letter, authority="ỦY BAN NHÂN DÂN HUYỆN YÊN PHONG", number=BLANK + "/UBND-TCKH",
                         place_and_date=day_line("Yên Phong", timezone.localdate()), kind="", signer=["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"])
    comments = next(t for t in letter.tables if len(t.columns) == 5 and t.rows[0].cells[3].text == "Nội dung góp ý")
    assert cells(comments)[5:10] == ["1", "Giáo dục", "Phòng GD&ĐT", "Bổ sung <trường> & lớp học", "Đã tiếp thu"]
    # The same rules as the plan: another commune does not see them.
    assert client_for("xa.09196").get(f"{D}/{v3}/feedback.docx").status_code == 404
    assert client_for("xa.09196").get(f"{D}/cycles/{cycle}/team/decision.pdf").status_code == 404


def test_each_document_downloads_as_an_a4_pdf_with_its_title(client_for, district, tmp_path, settings):
    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    v3, _cycle = published_plan(xa, huyen, district("yen-phong"))
    for url, title in [(f"{D}/{v3}/document.pdf", "KẾ HOẠCH"), (f"{D}/{v3}/district-approval/decision.pdf", "QUYẾT ĐỊNH")]:
        response = huyen.get(url)
        assert response.status_code == 200, response.content
        assert response["Content-Type"] == "application/pdf" and response["Content-Disposition"].endswith('.pdf"')
        pdf = tmp_path / "document.pdf"
        pdf.write_bytes(response.content)
        assert "(A4)" in subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert title in text and "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and "Nơi nhận:" in text
        subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
        page = Image.open(next(tmp_path.glob("page*.png"))).convert("L")
        top = page.crop((0, 0, page.width, page.height // 5))
        assert top.getextrema()[0] < 100  # the header block is drawn (dark text on the white page)
        for png in tmp_path.glob("page*.png"):
            png.unlink()
    assert client_for(None).get(f"{PUB}/{v3}/document.pdf").status_code == 200
    # Without LibreOffice a PDF not yet converted is a clear 503 pointing to the Word file, never a 500.
    settings.SOFFICE = "/nonexistent/soffice"
    response = xa.get(f"{D}/{v3}/feedback.pdf", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 503 and "Word" in response.content.decode()


@contextmanager
def slots_taken(count, lock_class=documents.PDF_LOCK_CLASS):
    """`count` PDF conversion (or Word building) slots held by another database session, as by work in other workers."""
    db = connection.settings_dict
    with psycopg.connect(dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"], host=db["HOST"] or None, port=db["PORT"] or None,
                         autocommit=True) as other:
        for slot in range(count):
            assert other.execute("SELECT pg_try_advisory_lock(%s, %s)", [lock_class, slot]).fetchone()[0]
        yield


def test_a_pdf_converts_once_and_conversions_beyond_the_slots_answer_503(client_for, district, settings):
    """Issue 15 review: every anonymous PDF download started LibreOffice, with no limit; 6 in parallel stalled /healthz."""
    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    v3, _cycle = published_plan(xa, huyen, district("yen-phong"))
    public = client_for(None)
    first = public.get(f"{PUB}/{v3}/document.pdf")
    assert first.status_code == 200 and first.content.startswith(b"%PDF")
    # LibreOffice gone: the second download of the same document is the cached PDF, so it never started a conversion.
    real_soffice, settings.SOFFICE = settings.SOFFICE, "/nonexistent/soffice"
    again = public.get(f"{PUB}/{v3}/document.pdf")
    assert again.status_code == 200 and again.content == first.content
    settings.SOFFICE, settings.DOCUMENT_PDF_WAIT = real_soffice, 0
    # Every slot taken by conversions elsewhere: a document not yet converted is a 503 with Retry-After, in Vietnamese,
    # while the cached PDF and /healthz still answer.
    with slots_taken(settings.DOCUMENT_PDF_SLOTS):
        busy = huyen.get(f"{D}/{v3}/district-approval/decision.pdf", HTTP_ACCEPT_LANGUAGE="vi")
        assert busy.status_code == 503 and busy["Retry-After"] == str(settings.DOCUMENT_PDF_RETRY_AFTER)
        assert "thử lại sau vài giây" in busy.content.decode()
        assert public.get(f"{PUB}/{v3}/document.pdf").status_code == 200
        assert public.get("/healthz").status_code == 200
    # One slot free: the conversion runs in it.
    with slots_taken(settings.DOCUMENT_PDF_SLOTS - 1):
        done = huyen.get(f"{D}/{v3}/district-approval/decision.pdf")
        assert done.status_code == 200 and done.content.startswith(b"%PDF")


def test_a_conversion_ends_before_gunicorn_kills_the_worker(settings):
    """DOCUMENT_PDF_TIMEOUT defaulted to 120 s under gunicorn's --timeout 60: a slow conversion killed the worker instead of the 503."""
    assert settings.DOCUMENT_PDF_WAIT + settings.DOCUMENT_PDF_TIMEOUT < settings.WEB_TIMEOUT
    up = (Path(__file__).resolve().parents[2] / "deploy" / "up").read_text()
    assert '--config "$ROOT/deploy/gunicorn.conf.py"' in up
    conf = (Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py").read_text()
    assert 'timeout = int(os.environ.get("WEB_TIMEOUT", "60"))' in conf and 'worker_class = "gthread"' in conf


def letterhead():
    return documents.Letterhead(authority="Ủy ban nhân dân xã Yên Trung", parent_authority="UBND huyện Yên Phong", symbol="KH-UBND", number="12",
                                place="Xã Yên Trung", kind="Kế hoạch", subject="Thử", on=date(2027, 1, 5), recipients=["Lưu: VT."])


def test_the_province_edits_the_template_without_code(settings, tmp_path):
    """`manage.py document_templates DIR` copies the shipped frame; an edited copy in DOCUMENT_TEMPLATES_DIR replaces it."""
    call_command("document_templates", str(tmp_path))
    template = Document(tmp_path / "official.docx")
    for p in template.paragraphs:
        for run in p.runs:
            run.text = run.text.replace("{{ kind }}", "{{ kind }} (MẪU TỈNH)")
    template.save(tmp_path / "plan.docx")
    settings.DOCUMENT_TEMPLATES_DIR = str(tmp_path)
    doc = Document(io.BytesIO(documents.official_docx(kind="plan", head=letterhead(), body=lambda d: documents.paragraph(d, "Nội dung"))))
    assert "KẾ HOẠCH (MẪU TỈNH)" in [p.text for p in doc.paragraphs] and "Nội dung" in [p.text for p in doc.paragraphs]
    assert "Yên Trung, ngày 05 tháng 01 năm 2027" in doc.tables[0].rows[0].cells[1].text  # Decree 30: 05, and 01 for January
    # Another kind without its own file falls back on the (copied) frame.
    assert documents.template_path("team_decision") == tmp_path / "official.docx"
    assert round(Document(tmp_path / "official.docx").sections[0].page_width.mm) == 210


def test_every_document_is_linked_from_the_cycle_page_as_word_and_pdf(client_for, district, settings):
    """The team decision, the approval decision, the feedback letter and the plan's PDF were reachable only by typing
    their API address: the cycle page now links each one, as Word and as PDF, for the team and for the district."""
    import re

    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    v3, cycle = published_plan(xa, huyen, district("yen-phong"))
    connection.set_tenant(district("yen-phong"))
    DistrictFeedback.objects.create(plan_id=v3, sector="education", office="Phòng GD&ĐT", body="Bổ sung lớp học",
                                    author=User.objects.get(username="huyen.yen-phong"))
    connection.set_schema_to_public()
    expected = {f"{D}/cycles/{cycle}/team/decision", f"{D}/{v3}/district-approval/decision", f"{D}/{v3}/feedback", f"{D}/{v3}/document"}
    for client in (xa, huyen):
        page = client.get(f"/d/yen-phong/plans/cycles/{cycle}/")
        assert page.status_code == 200
        links = set(re.findall(r'href="([^"]+\.(?:docx|pdf))"', page.content.decode()))
        for base in expected:
            assert {base + ".docx", base + ".pdf"} <= links, (base, sorted(links))
        for link in sorted(link for link in links if link.endswith(".docx")):
            response = client.get(link)
            assert response.status_code == 200 and response["Content-Type"] == documents.DOCX_TYPE, link
    # Each PDF link reaches its document's route (converted once, in the PDF test above; here without LibreOffice, quick:
    # the route's own 503 pointing to the Word file, where a wrong link would be a 404).
    settings.SOFFICE = "/nonexistent/soffice"
    for base in sorted(expected):
        assert huyen.get(base + ".pdf").status_code == 503, base


def header_number(doc):
    return next(p.text for p in doc.tables[0].rows[0].cells[0].paragraphs if p.text.startswith("Số:"))


def test_the_plan_carries_the_number_the_commune_gave_it(client_for, district):
    """Issue 15 review (Decree 30, Art. 8 and Appendix I): the issued plan had no place for its number. The planning team
    records it on the approved plan ("12" → "Số: 12/KH-UBND"); until then the number is blank to fill by hand; a number with
    markup or too long is a 400 naming the field, in Vietnamese, and changes nothing; the district may not record it."""
    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    v3, cycle = published_plan(xa, huyen, district("yen-phong"))
    assert header_number(docx(xa, f"{D}/{v3}/document.docx")) == "Số:      /KH-UBND"
    assert header_number(docx(xa, f"{D}/cycles/{cycle}/team/decision.docx")) == "Số:      /QĐ-UBND"
    assert header_number(docx(huyen, f"{D}/{v3}/feedback.docx")) == "Số:      /UBND-TCKH"
    url = f"{D}/{v3}/document-number/"
    for bad in ("<b>12</b>", "1" * 31, "12\"/KH"):
        response = xa.put(url, {"document_number": bad}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="vi")
        assert response.status_code == 400, (bad, response.content)
        assert list(response.json()) == ["document_number"]
    assert "số hiệu" in xa.put(url, {"document_number": "<b>"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="vi").json()["document_number"][0].lower()
    assert header_number(docx(xa, f"{D}/{v3}/document.docx")) == "Số:      /KH-UBND"
    assert huyen.put(url, {"document_number": "12"}, content_type="application/json").status_code == 403
    response = xa.put(url, {"document_number": "12"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["document_number"] == "12"
    assert header_number(docx(xa, f"{D}/{v3}/document.docx")) == "Số: 12/KH-UBND"
    assert header_number(docx(client_for(None), f"{PUB}/{v3}/document.docx")) == "Số: 12/KH-UBND"
    # A full number is printed as recorded; the decision numbers of the team and of the approval take the same check.
    xa.put(url, {"document_number": "12/KH-UBND"}, content_type="application/json")
    assert header_number(docx(xa, f"{D}/{v3}/document.docx")) == "Số: 12/KH-UBND"
    bad_team = xa.put(f"{D}/cycles/{cycle}/team/", {"decision_number": "<script>", "members": []}, content_type="application/json")
    assert bad_team.status_code == 400 and "decision_number" in bad_team.json()


def test_the_plan_number_put_requires_the_field_and_only_empty_clears(client_for, district):
    """Review rv15c finding 8: `PUT …/document-number/` with {} or a misspelt key answered 200 and erased the recorded
    number. The field is required (400 naming it, in Vietnamese, nothing changed); "" is the one way to clear."""
    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    v3, cycle = published_plan(xa, huyen, district("yen-phong"))
    url = f"{D}/{v3}/document-number/"
    assert xa.put(url, {"document_number": "12"}, content_type="application/json").status_code == 200
    for body in ({}, {"number": "13"}):
        response = xa.put(url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="vi")
        assert response.status_code == 400 and list(response.json()) == ["document_number"], (body, response.content)
    assert header_number(docx(xa, f"{D}/{v3}/document.docx")) == "Số: 12/KH-UBND"
    response = xa.put(url, {"document_number": ""}, content_type="application/json")
    assert response.status_code == 200 and response.json()["document_number"] == ""
    assert header_number(docx(xa, f"{D}/{v3}/document.docx")) == "Số:      /KH-UBND"


def test_the_cycle_page_records_the_plan_number(client_for, district):
    """The form to record the number is on the cycle page for the team, labelled in Vietnamese, and not for the district."""
    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    v3, cycle = published_plan(xa, huyen, district("yen-phong"))
    page = xa.get(f"/d/yen-phong/plans/cycles/{cycle}/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert f'data-api="{D}/{v3}/document-number/"' in page and "Số hiệu văn bản" in page and 'name="document_number"' in page
    # The district's page has a number form too, for its own letter of comments (feedback-number/), not the plan's.
    assert f'data-api="{D}/{v3}/document-number/"' not in huyen.get(f"/d/yen-phong/plans/cycles/{cycle}/").content.decode()


def test_the_header_block_keeps_the_unit_kind_with_its_name(tmp_path):
    """Issue 15 review: the issuing authority wrapped as "THỊ TRẤN / CHỜ". "ỦY BAN NHÂN DÂN" is on its own line and the unit
    (kind and name joined by non-breaking spaces) on the next, also for the longest commune name of Bắc Ninh; in the Word
    file and in the PDF LibreOffice makes of it."""
    head = documents.Letterhead(authority="Ủy ban nhân dân Thị trấn Nhân Thắng", parent_authority="UBND huyện Gia Bình", symbol="KH-UBND",
                                place="Thị trấn Nhân Thắng", kind="Kế hoạch", subject="Thử", on=date(2027, 1, 5), recipients=["Lưu: VT."])
    data = documents.official_docx(kind="plan", head=head, body=lambda d: documents.paragraph(d, "Nội dung"))
    left = Document(io.BytesIO(data)).tables[0].rows[0].cells[0]
    authority = left.paragraphs[1].text
    assert authority == "ỦY BAN NHÂN DÂN\nTHỊ\u00a0TRẤN\u00a0NHÂN\u00a0THẮNG"
    assert left.paragraphs[0].text == "UBND HUYỆN\u00a0GIA\u00a0BÌNH"
    assert documents.unbroken_authority("Ủy ban nhân dân Xã Yên Trung") == "ỦY BAN NHÂN DÂN\nXÃ\u00a0YÊN\u00a0TRUNG"
    assert documents.unbroken_authority("Ủy ban nhân dân Phường Tiền Ninh Vệ") == "ỦY BAN NHÂN DÂN\nPHƯỜNG\u00a0TIỀN\u00a0NINH\u00a0VỆ"
    pdf = tmp_path / "header.pdf"
    pdf.write_bytes(documents.docx_pdf(data))
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines = [" ".join(line.replace("\u00a0", " ").split()) for line in text.splitlines()]
    assert any(line.startswith("ỦY BAN NHÂN DÂN") and "THỊ TRẤN" not in line for line in lines), lines[:8]
    assert any(line.startswith("THỊ TRẤN NHÂN THẮNG") for line in lines), lines[:8]
    assert not any(line.startswith(("TRẤN", "NHÂN THẮNG", "THẮNG")) for line in lines), lines[:8]


def test_no_table_column_is_too_narrow_for_its_heading(client_for, district):
    """Issue 15 review: the "TT" column (0.9 cm) wrapped its heading letter by letter: every column is 1 cm at least."""
    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    v3, cycle = published_plan(xa, huyen, district("yen-phong"))
    for url in (f"{D}/{v3}/document.docx", f"{D}/cycles/{cycle}/team/decision.docx", f"{D}/{v3}/district-approval/decision.docx"):
        doc = docx(huyen if "approval" in url else xa, url)
        for grid in doc.tables[1:-1]:
            widths = [cell.width.cm for cell in grid.rows[0].cells]
            assert min(widths) >= 1.0 and abs(sum(widths) - 16.5) < 0.1, (url, widths)


def _converters_under(folder) -> list[int]:
    """The ids of the live processes whose command line names `folder` (LibreOffice's profile and files are under it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if str(folder).encode() in (entry / "cmdline").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                pass
    return found


def test_a_timed_out_conversion_leaves_no_converter_behind(settings, tmp_path, monkeypatch):
    """Issue 15 review, finding 3: subprocess.run(timeout=…) killed only the `soffice` launcher; soffice.bin ran on with
    ppid 1 after the slot was freed, still converting. The whole process group is killed now."""
    import os
    import signal
    import tempfile
    import time

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # the conversion's folder, hence its profile, under tmp_path
    settings.DOCUMENT_PDF_TIMEOUT = 0.5
    data = documents.official_docx(kind="plan", head=letterhead(), body=lambda d: documents.paragraph(d, "Nội dung"))
    try:
        with pytest.raises(documents.DocumentUnavailable):
            documents.docx_pdf(data)
        # SIGKILL is delivered at once, but the kernel may list a dying process for a moment: look for a few seconds
        # (a sync point, not a timing assertion: the old code's soffice.bin runs on for tens of seconds).
        deadline = time.monotonic() + 5
        while _converters_under(tmp_path) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _converters_under(tmp_path) == []
    finally:
        for pid in _converters_under(tmp_path):  # what the old code left running: stop it, by its id
            os.kill(pid, signal.SIGKILL)


def test_a_pdf_that_cannot_be_made_is_the_framed_page_for_a_browser_and_plain_for_the_api(client_for, district, settings):
    """Review rv15c finding 11: the cycle page's "PDF" link answered a bare text/plain 503 when the PDF could not be made.
    A browser (Accept names text/html) gets the framed page in Vietnamese with the same message and a way back to the
    page it came from; an API client keeps the plain answer."""
    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    v3, cycle = published_plan(xa, huyen, district("yen-phong"))
    settings.SOFFICE = "/nonexistent/soffice"
    page = f"/d/yen-phong/plans/cycles/{cycle}/"
    browser = xa.get(f"{D}/{v3}/document.pdf", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8",
                     HTTP_REFERER=f"http://testserver{page}")
    assert browser.status_code == 503 and browser["Content-Type"].startswith("text/html")
    html = browser.content.decode()
    assert 'data-testid="menu"' in html and "Tạm thời chưa thực hiện được" in html and "tải tệp Word" in html, html[:800]
    assert f'href="http://testserver{page}"' in html
    api = xa.get(f"{D}/{v3}/document.pdf", HTTP_ACCEPT="application/json")
    assert api.status_code == 503 and api["Content-Type"].startswith("text/plain")


def test_a_document_is_built_once_per_content_version(client_for, district, monkeypatch):
    """Issue 15 review, finding 2: a cached PDF still cost the whole Word build (the cache key hashed the .docx), and
    the Word file was built on every download. Now a download whose content did not change builds nothing; a change
    made any way (here an UPDATE that sends no signal) gives a new document."""
    from plans import exports
    from plans.models import CommunePlan

    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    v3, _cycle = published_plan(xa, huyen, district("yen-phong"))
    builds = []
    real = exports.official_docx
    monkeypatch.setattr(exports, "official_docx", lambda **kw: builds.append(kw["kind"]) or real(**kw))
    public = client_for(None)
    first = docx(public, f"{PUB}/{v3}/document.docx")
    assert builds == ["plan"]
    again = public.get(f"{PUB}/{v3}/document.docx")
    assert again.status_code == 200 and builds == ["plan"]  # the second download built nothing
    assert all_text(Document(io.BytesIO(again.content))) == all_text(first)
    connection.set_tenant(district("yen-phong"))
    CommunePlan.objects.filter(pk=v3).update(assessment="Đánh giá đã sửa RV15")
    connection.set_schema_to_public()
    changed = docx(public, f"{PUB}/{v3}/document.docx")
    assert builds == ["plan", "plan"] and "Đánh giá đã sửa RV15" in all_text(changed)
    assert "Đánh giá đã sửa RV15" not in all_text(first)


def test_anonymous_document_downloads_are_rate_limited(client_for, district, settings):
    """Issue 15 review, finding 2: anonymous Word downloads had no limit at all. Review rv15d, finding 3: the limit
    counted every download (cached ones included: a citizen's eleventh look at the plan was refused) and per district.
    Now only downloads that build (not in the cache) count, per address across every district."""
    from django.core.cache import caches

    from plans.apis import public as public_api

    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    v3, _cycle = published_plan(xa, huyen, district("yen-phong"))
    public = client_for(None)
    address = "203.0.113.151"
    limit = public_api.DOCUMENT_RATE_LIMIT
    # Cached downloads are never counted: more than the limit, all answered.
    codes = [public.get(f"{PUB}/{v3}/document.docx", REMOTE_ADDR=address).status_code for _ in range(limit + 2)]
    assert codes == [200] * (limit + 2)
    # Builds are counted (the cache emptied before each download: each one builds), per address across districts:
    # the first download above built (1), limit - 2 more in Yên Phong, then one in Quế Võ is the limit's last, and
    # the next, in either district, is refused.
    que_vo_district = district("que-vo")
    connection.set_tenant(que_vo_district)
    from geo.models import AdministrativeUnit
    from plans.models import PlanCycle, PlanKind

    team = User.objects.get(username="huyen.que-vo")
    commune = AdministrativeUnit.objects.filter(parent_id=que_vo_district.unit_id, level="commune").order_by("code").first()
    cycle = PlanCycle.objects.create(commune=commune, plan_year=2027, created_by=team)
    other = CommunePlan.objects.create(cycle=cycle, number=1, kind=PlanKind.FINAL, created_by=team, status=PlanStatus.APPROVED,
                                       announced_at=timezone.now())
    connection.set_schema_to_public()
    que_vo = f"/d/que-vo/api/public/plans/{other.pk}/document.docx"
    codes = []
    for url in [f"{PUB}/{v3}/document.docx"] * (limit - 2) + [que_vo, que_vo]:
        caches["documents"].clear()
        codes.append(public.get(url, REMOTE_ADDR=address).status_code)
    assert codes == [200] * (limit - 1) + [429], codes
    refused = public.get(f"{PUB}/{v3}/document.docx", REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="vi")
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert "Quá nhiều lượt tải" in refused.json()["detail"]
    assert public.get(f"{PUB}/{v3}/document.docx", REMOTE_ADDR="203.0.113.152").status_code == 200  # another address


def test_documents_are_in_vietnamese_whatever_the_request_language(client_for, district):
    """Issue 15 review, finding 7: with Accept-Language: en the document said "Final (phiên bản 3)" and "Culture and sport"."""
    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    v3, cycle = published_plan(xa, huyen, district("yen-phong"))
    public = client_for(None)
    for url in (f"{PUB}/{v3}/document.docx",):
        english = public.get(url, HTTP_ACCEPT_LANGUAGE="en")
        vietnamese = public.get(url, HTTP_ACCEPT_LANGUAGE="vi")
        assert english.status_code == vietnamese.status_code == 200
        text = all_text(Document(io.BytesIO(english.content)))
        assert text == all_text(Document(io.BytesIO(vietnamese.content)))
        assert "Văn hóa, thể thao" in text and "Bản hoàn chỉnh (phiên bản 3)." in text and "Culture and sport" not in text
    for url in (f"{D}/{v3}/document.docx", f"{D}/{v3}/district-approval/decision.docx", f"{D}/cycles/{cycle}/team/decision.docx"):
        english = all_text(docx_en(huyen, url))
        assert english == all_text(docx(huyen, url)), url
        assert "Culture and sport" not in english and "Final (" not in english


def docx_en(client, url):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200, response.content
    return Document(io.BytesIO(response.content))


def test_word_building_is_bounded_by_slots_and_a_built_document_needs_none(client_for, district, settings):
    """Issue 15 review, finding 2: Word files were built with no slot at all (6 anonymous downloads stalled /healthz)."""
    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    v3, cycle = published_plan(xa, huyen, district("yen-phong"))
    built = huyen.get(f"{D}/{v3}/document.docx")
    assert built.status_code == 200
    with slots_taken(settings.DOCUMENT_PDF_SLOTS, documents.BUILD_LOCK_CLASS):
        busy = huyen.get(f"{D}/cycles/{cycle}/team/decision.docx", HTTP_ACCEPT_LANGUAGE="vi")
        assert busy.status_code == 503 and busy["Retry-After"] == str(settings.DOCUMENT_PDF_RETRY_AFTER)
        assert "thử lại sau vài giây" in busy.content.decode()
        assert huyen.get(f"{D}/{v3}/document.docx").content == built.content  # built before: no slot needed


def test_the_feedback_letter_carries_the_number_the_district_gave_it(client_for, district, tmp_path):
    """Issue 15: the district's letter of comments printed "Số:      /UBND-TCKH" and had no way to record its number. The
    district's Finance-Planning Office records it (`PUT …/<id>/feedback-number/`, the plan number's rules: the field
    required, "" clears, the one document-number check, 400 naming the field in Vietnamese and nothing changed); it is
    printed in the Word file and the PDF of every version's letter, and the plan's events label it."""
    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    v3, cycle = published_plan(xa, huyen, district("yen-phong"))
    url = f"{D}/{v3}/feedback-number/"
    assert header_number(docx(huyen, f"{D}/{v3}/feedback.docx")) == "Số:      /UBND-TCKH"
    # Only the district's Finance-Planning Office: the commune, another district's office and a sector office are refused.
    assert xa.put(url, {"document_number": "12"}, content_type="application/json").status_code == 403
    assert client_for("phong.yen-phong.gddt").put(url, {"document_number": "12"}, content_type="application/json").status_code == 403
    assert client_for("huyen.que-vo").put(url, {"document_number": "12"}, content_type="application/json").status_code == 404
    for body in ({}, {"number": "12"}, {"document_number": "<b>12</b>"}, {"document_number": "1" * 31}):
        response = huyen.put(url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="vi")
        assert response.status_code == 400 and list(response.json()) == ["document_number"], (body, response.content)
    assert "số hiệu" in huyen.put(url, {"document_number": "<b>"}, content_type="application/json",
                                  HTTP_ACCEPT_LANGUAGE="vi").json()["document_number"][0].lower()
    assert header_number(docx(huyen, f"{D}/{v3}/feedback.docx")) == "Số:      /UBND-TCKH"
    response = huyen.put(url, {"document_number": "12"}, content_type="application/json")
    assert response.status_code == 200 and response.json()["feedback_letter_number"] == "12"
    assert response.json()["document_number"] == ""  # the plan's own number is another record
    # One letter per cycle: every version's letter carries it; the commune reads it too.
    connection.set_tenant(district("yen-phong"))
    draft = DistrictFeedback.objects.get(plan__cycle_id=cycle).plan_id
    connection.set_schema_to_public()
    for client, plan in ((huyen, v3), (xa, v3), (huyen, draft)):
        assert header_number(docx(client, f"{D}/{plan}/feedback.docx")) == "Số: 12/UBND-TCKH"
    assert header_number(docx(xa, f"{D}/{v3}/document.docx")) == "Số:      /KH-UBND"
    pdf = huyen.get(f"{D}/{v3}/feedback.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == documents.PDF_TYPE
    (tmp_path / "letter.pdf").write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "letter.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    assert "Số: 12/UBND-TCKH" in text
    events = [e for e in xa.get(f"{D}/{v3}/", {"lang": "vi"}).json()["events"] if e["action"] == "feedback_letter_number"]
    assert [(e["action_label"], e["note"]) for e in events] == [("Đã ghi số hiệu công văn góp ý", "12")]
    assert "feedback_letter_number" not in client_for(None).get(f"{PUB}/{v3}/").json()  # a letter to the commune, not published
    # A full number is printed as recorded; "" clears it.
    huyen.put(url, {"document_number": "7/UBND-TCKH"}, content_type="application/json")
    assert header_number(docx(huyen, f"{D}/{v3}/feedback.docx")) == "Số: 7/UBND-TCKH"
    cleared = huyen.put(url, {"document_number": ""}, content_type="application/json")
    assert cleared.status_code == 200 and cleared.json()["feedback_letter_number"] == ""
    assert header_number(docx(huyen, f"{D}/{v3}/feedback.docx")) == "Số:      /UBND-TCKH"


def test_the_feedback_letter_is_numbered_only_once_the_district_commented(client_for, district):
    """Before the district commented (or recorded "no comments") there is no letter to number: 400 naming the field."""
    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    v3, cycle = published_plan(xa, huyen, district("yen-phong"))
    connection.set_tenant(district("yen-phong"))
    DistrictFeedback.objects.filter(plan__cycle_id=cycle).delete()
    connection.set_schema_to_public()
    response = huyen.put(f"{D}/{v3}/feedback-number/", {"document_number": "12"}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400 and list(response.json()) == ["document_number"]
    assert "góp ý" in response.json()["document_number"][0]
    assert huyen.get(f"{D}/{v3}/").json()["feedback_letter_number"] == ""


def test_the_cycle_page_records_the_feedback_letter_number(client_for, district):
    """The form is on the cycle page for the district's Finance-Planning Office once it commented, not for the commune."""
    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    v3, cycle = published_plan(xa, huyen, district("yen-phong"))
    page = huyen.get(f"/d/yen-phong/plans/cycles/{cycle}/", HTTP_ACCEPT_LANGUAGE="vi").content.decode()
    assert f'data-api="{D}/{v3}/feedback-number/"' in page and "Số hiệu công văn góp ý" in page
    assert "feedback-number/" not in xa.get(f"/d/yen-phong/plans/cycles/{cycle}/").content.decode()


def test_the_feedback_letter_summary_sits_under_its_number(client_for, district, tmp_path):
    """Review rv15d, finding 4: the letter's "V/v …" was a bold centred title across the page. Decree 30, Appendix I
    (công văn, ô 5b): the summary is under "Số: …" in the header block's left column, upright, not bold, size 12,
    centred; a letter has no title line. The decisions and the plan keep their title (kind and subject)."""
    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    v3, _cycle = published_plan(xa, huyen, district("yen-phong"))
    doc = docx(huyen, f"{D}/{v3}/feedback.docx")
    left = doc.tables[0].rows[0].cells[0]
    texts = [p.text for p in left.paragraphs]
    number = next(i for i, t in enumerate(texts) if t.startswith("Số:"))
    summary = left.paragraphs[number + 1]
    assert summary.text.startswith("V/v góp ý dự thảo kế hoạch phát triển kinh tế - xã hội năm 2027")
    # Review rv15e: the V/v line never breaks inside the commune's name (non-breaking spaces, as the authority line)
    assert summary.text.endswith("của thị\u00a0trấn\u00a0Chờ"), summary.text
    assert "thị\u00a0trấn\u00a0Chờ" in "".join(run.text for run in summary.runs)
    assert summary.alignment == 1  # centred in the column
    assert all(not run.bold and not run.italic and run.font.size.pt == 12 for run in summary.runs)
    assert not any(p.text.startswith("V/v") for p in doc.paragraphs)  # no title line
    first = next(p.text for p in doc.paragraphs if p.text.strip())
    assert first.startswith("Kính gửi:")
    pdf = huyen.get(f"{D}/{v3}/feedback.pdf")
    assert pdf.status_code == 200
    (tmp_path / "letter.pdf").write_bytes(pdf.content)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "letter.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    at_number = next(i for i, line in enumerate(lines) if "Số:" in line)
    after_number = " ".join(lines[at_number + 1: at_number + 4])
    assert "V/v góp ý" in after_number, lines[:12]
    assert lines.index(next(line for line in lines if line.startswith("Kính gửi"))) > at_number
    # A decision keeps its title (kind, then subject), and nothing under its number.
    decision = docx(huyen, f"{D}/{v3}/district-approval/decision.docx")
    left = [p.text for p in decision.tables[0].rows[0].cells[0].paragraphs]
    assert left[-1].startswith("Số:")
    assert "QUYẾT ĐỊNH" in [p.text for p in decision.paragraphs]


def test_a_document_number_has_the_decree_30_shape_and_only_the_issuing_body_records_it(client_for, district):
    """Review rv15d, finding 5: "Số 5/UBND-TCKH (bản sao)" was accepted and printed "Số: Số 5/…". A number is the
    Decree 30 shape typed after the printed "Số: " (digits, then "/" and the symbol), else 400 naming the field,
    nothing changed. The superuser reads every page but numbers no body's document: the plan's number and the
    letter's number follow the same rule (the issuing body only), so `admin` is refused both."""
    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    v3, _cycle = published_plan(xa, huyen, district("yen-phong"))
    for client, url, key in ((xa, f"{D}/{v3}/document-number/", "document_number"),
                             (huyen, f"{D}/{v3}/feedback-number/", "feedback_letter_number")):
        for bad in ("Số 5/UBND-TCKH (bản sao)", "Số: 5", "5 /KH-UBND", "5/KH-UBND (mẫu)", "/KH-UBND", "5/"):
            response = client.put(url, {"document_number": bad}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="vi")
            assert response.status_code == 400 and list(response.json()) == ["document_number"], (url, bad, response.content)
            assert "không ghi chữ “Số”" in response.json()["document_number"][0]
        assert client.get(f"{D}/{v3}/").json()[key] == ""
        for good in ("5", "5/UBND-TCKH", "45/2026/QĐ-UBND"):
            response = client.put(url, {"document_number": good}, content_type="application/json")
            assert response.status_code == 200 and response.json()[key] == good
        refused = client_for("admin").put(url, {"document_number": "6"}, content_type="application/json")
        assert refused.status_code == 403
        assert client.get(f"{D}/{v3}/").json()[key] == "45/2026/QĐ-UBND"

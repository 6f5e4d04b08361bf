"""Monitoring's documents (Decree 30 form, geo/documents.py): the M&E plan (Đ9) on its own and as a section of the
commune plan's Word document (plans.exports.plan_docx), and the periodic reports of villages and communes (Đ10–11)."""
from django.utils import timezone

from geo.documents import Letterhead, heading, official_docx, paragraph, table
from geo.text import in_sentence
from monitoring.selectors import approved_me_plan_of
from plans.exports import _d as day
from plans.exports import _number as number
from plans.exports import chairman_name, commune_letterhead


def me_plan_section_add(sender, *, plan, document, **kwargs):
    """Receiver of core.signals.plan_document_built: append the plan version's approved M&E plan, if it has one."""
    me_plan = approved_me_plan_of(plan=plan)
    if me_plan is not None:
        _me_plan_section(document, me_plan)


FREQUENCY_NAMES = {"quarter": "Hằng quý", "half": "6 tháng một lần", "year": "Hằng năm"}


def me_plan_docx(*, me_plan) -> bytes:
    """The M&E plan (Đ9) as the commune People's Committee issues it: Decree 30 frame, number and date of its decision."""
    commune = me_plan.commune
    head = commune_letterhead(
        commune, symbol="KH-UBND", number=me_plan.decision_number, kind="Kế hoạch", on=me_plan.decision_date,
        subject=f"Theo dõi, đánh giá thực hiện kế hoạch phát triển kinh tế - xã hội năm {me_plan.year}",
        signer_name=chairman_name(me_plan.plan.cycle), recipients=["UBND huyện (Phòng Tài chính - Kế hoạch);", "Các thôn trên địa bàn xã;", "Lưu: VT."])
    return official_docx(kind="me_plan", head=head, body=lambda doc: _me_plan_section(doc, me_plan, title=False))


def report_docx(*, report) -> bytes:
    """A periodic M&E report (Đ10–11) in the Decree 30 frame: a village's (signed by the village head) or the commune's
    (by the People's Committee), with the indicator values, the progress of activities and works, problems and recommendations."""
    me_plan = report.me_plan
    commune = me_plan.commune
    subject = f"Kết quả theo dõi, đánh giá thực hiện kế hoạch phát triển kinh tế - xã hội năm {me_plan.year} — {report.period}"
    # The day it was submitted in Vietnam (submitted_at is UTC: 00:30 local is the previous day there); a draft today's.
    on = timezone.localdate(report.submitted_at) if report.submitted_at else timezone.localdate()
    if report.village_id:
        head = Letterhead(authority=report.village.name, parent_authority=f"UBND {in_sentence(commune.name)}", symbol="BC", place=commune.name, kind="Báo cáo",
                          subject=subject, on=on, signer_authority="", signer_position="Trưởng thôn",
                          recipients=[f"UBND {in_sentence(commune.name)};", "Lưu."])
    else:
        head = commune_letterhead(commune, symbol="BC-UBND", number=report.document_number, kind="Báo cáo", subject=subject, on=on, signer_name=chairman_name(me_plan.plan.cycle),
                                  recipients=["UBND huyện (Phòng Tài chính - Kế hoạch);", "Lưu: VT."])

    def body(doc):
        heading(doc, "1. Các chỉ tiêu")
        table(doc, ["TT", "Chỉ tiêu", "Đơn vị tính", "Mục tiêu", "Thực hiện", "Ghi chú"], [
            [str(n), v.indicator.name, v.indicator.unit, number(v.indicator.target_value), number(v.value), v.note]
            for n, v in enumerate(report.indicator_values.all(), 1)
        ], widths_cm=[1.0, 5.6, 2.0, 2.2, 2.2, 3.5], numeric=(3, 4))
        heading(doc, "2. Tiến độ các hoạt động, công trình")
        table(doc, ["TT", "Hoạt động / công trình", "Khối lượng hoàn thành (%)", "Ghi chú"], [
            [str(n), p.activity.title, number(p.share_done), p.note] for n, p in enumerate(report.activity_progress.all(), 1)
        ], widths_cm=[1.0, 8.0, 3.0, 4.5], numeric=(2,))
        heading(doc, "3. Khó khăn, vướng mắc")
        paragraph(doc, report.problems or "Không.")
        heading(doc, "4. Kiến nghị, đề xuất")
        paragraph(doc, report.recommendations or "Không.")

    return official_docx(kind="report", head=head, body=body)


def _me_plan_section(doc, me_plan, *, title=True):
    """The M&E plan approved by the commune People's Committee (Đ9): the indicators followed and the activities and works."""
    if title:
        heading(doc, "Kế hoạch theo dõi, đánh giá")
    if me_plan.decision_number or me_plan.decision_date:
        approval = "Phê duyệt theo Quyết định"
        approval += f" số {me_plan.decision_number}" if me_plan.decision_number else ""
        approval += f" ngày {day(me_plan.decision_date)}" if me_plan.decision_date else ""
        paragraph(doc, approval + " của UBND xã.")
    heading(doc, "1. Các chỉ tiêu theo dõi")
    table(doc, ["TT", "Chỉ tiêu", "Đơn vị tính", "Giá trị cơ sở", "Mục tiêu", "Tần suất", "Nguồn số liệu", "Người phụ trách"], [
        [str(n), i.name, i.unit, number(i.baseline), number(i.target_value), FREQUENCY_NAMES.get(i.frequency, i.frequency), i.data_source,
         i.responsible]
        for n, i in enumerate(me_plan.indicators.all(), 1)
    ], widths_cm=[1.0, 3.4, 1.6, 1.6, 1.6, 2.0, 2.6, 2.7], numeric=(3, 4))
    heading(doc, "2. Các hoạt động, công trình")
    table(doc, ["TT", "Hoạt động / công trình", "Thời gian thực hiện", "Khối lượng dự kiến", "Người phụ trách"], [
        [str(n), a.title, " – ".join(x for x in (day(a.starts_on), day(a.ends_on)) if x),
         " ".join(x for x in (number(a.expected_volume), a.volume_unit) if x), a.responsible]
        for n, a in enumerate(me_plan.activities.all(), 1)
    ], widths_cm=[1.0, 6.1, 3.5, 2.8, 3.1])

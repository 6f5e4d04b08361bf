"""What monitoring adds to the commune plan's Word document (plans.exports.plan_docx): the approved M&E plan (Đ9)."""
from geo.documents import heading, paragraph, table
from monitoring.selectors import approved_me_plan_of
from plans.exports import _d as day
from plans.exports import _number as number


def me_plan_section_add(sender, *, plan, document, **kwargs):
    """Receiver of core.signals.plan_document_built: append the plan version's approved M&E plan, if it has one."""
    me_plan = approved_me_plan_of(plan=plan)
    if me_plan is not None:
        _me_plan_section(document, me_plan)


FREQUENCY_NAMES = {"quarter": "Hằng quý", "half": "6 tháng một lần", "year": "Hằng năm"}


def _me_plan_section(doc, me_plan):
    """The M&E plan approved by the commune People's Committee (Đ9): the indicators followed and the activities and works."""
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
    ], widths_cm=[0.9, 3.4, 1.6, 1.6, 1.6, 2.0, 2.7, 2.7], numeric=(3, 4))
    heading(doc, "2. Các hoạt động, công trình")
    table(doc, ["TT", "Hoạt động / công trình", "Thời gian thực hiện", "Khối lượng dự kiến", "Người phụ trách"], [
        [str(n), a.title, " – ".join(x for x in (day(a.starts_on), day(a.ends_on)) if x),
         " ".join(x for x in (number(a.expected_volume), a.volume_unit) if x), a.responsible]
        for n, a in enumerate(me_plan.activities.all(), 1)
    ], widths_cm=[0.9, 6.1, 3.5, 2.8, 3.2])

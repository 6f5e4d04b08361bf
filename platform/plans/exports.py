"""The plan as documents: Word in the usual Vietnamese outline, its tables in Excel, its works as GeoJSON."""
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from core.models import CapitalSource, Sector
from core.signals import plan_document_built
from geo.documents import Letterhead, heading, official_docx, paragraph, table, unbroken_name
from geo.numbers import format_number
from geo.spreadsheets import print_ready, workbook_bytes
from geo.text import in_sentence
from plans.models import PlanningTeam, PlanStatus, TeamMember

SECTOR_NAMES = dict(Sector.choices)
SOURCE_NAMES = dict(CapitalSource.choices)


def _millions(vnd):
    """Plans show money in millions of VND, one decimal at most, the Vietnamese way: 1500000000 → "1.500", 2550000 → "2,5"."""
    return format_number(round(Decimal(vnd or 0) / 1_000_000, 1), decimals=1)


def _d(value):
    return value.strftime("%d/%m/%Y") if value else ""


def _number(value):
    """A quantity with a decimal comma ("2,5"), up to 4 decimals; "" for None."""
    return "" if value is None else format_number(value, decimals=4)


def _funding_text(funding):
    return "; ".join(f"{SOURCE_NAMES.get(k, k)}: {_millions(v)}" for k, v in (funding or {}).items())


def commune_letterhead(commune, **fields) -> Letterhead:
    """The frame of a document the commune People's Committee issues (Decree 30): its name, no managing body above it."""
    # No line above "ỦY BAN NHÂN DÂN / XÃ …": Decree 30/2020, Appendix I, II.3 puts the direct managing body's name above
    # the issuer's only "if there is one" (nếu có); a People's Committee, the executive of its People's Council, has none
    # (a province's People's Committee prints "ỦY BAN NHÂN DÂN / TỈNH BẮC NINH" alone the same way).
    return Letterhead(authority=f"Ủy ban nhân dân {commune.name}", parent_authority="", place=commune.name,
                      signer_authority="TM. Ủy ban nhân dân", signer_position="Chủ tịch", **fields)


def district_letterhead(commune, **fields) -> Letterhead:
    """The frame of a document the district People's Committee issues about a commune (approval decision, feedback)."""
    district = commune.parent
    name = district.name if district else ""
    return Letterhead(authority=f"Ủy ban nhân dân {name}", parent_authority="", place=name,
                      signer_authority="TM. Ủy ban nhân dân", signer_position="Chủ tịch", **fields)


def chairman_name(cycle) -> str:
    """The commune chairman as the planning team records them (Đ3), to print under the signature; "" if unknown."""
    member = TeamMember.objects.filter(team__cycle=cycle, is_commune_chairman=True).first()
    return member.full_name if member else ""


def plan_date(plan):
    """The date a plan version's document carries (a `date`, Asia/Ho_Chi_Minh): an approved version its district
    approval decision's date (Đ7; the day of the approval when none was entered), a version the People's Council
    adopted the resolution's date (Đ6), a draft today's. A download never re-dates a plan that was decided."""
    if plan.status == PlanStatus.APPROVED:
        return plan.district_decision_date or timezone.localdate(plan.approved_at or plan.announced_at or timezone.now())
    return plan.council_resolution_date or timezone.localdate()


def plan_docx(*, plan, items, targets) -> bytes:
    """The commune plan as a .docx in the form of Decree 30 (A4, header block, number, place and date, signature,
    recipients): assessment, targets, tasks and solutions, works and investment, M&E (Đ6 outline). Money in millions of VND."""
    cycle = plan.cycle
    commune = cycle.commune
    year = cycle.plan_year
    head = commune_letterhead(
        commune, symbol="KH-UBND", number=plan.document_number, kind="Kế hoạch", subject=f"Phát triển kinh tế - xã hội năm {year}", on=plan_date(plan),
        signer_name=chairman_name(cycle),
        recipients=[f"UBND {in_sentence(commune.parent.name)} (Phòng Tài chính - Kế hoạch);" if commune.parent_id else "UBND cấp huyện;",
                    "Thường trực Đảng ủy, HĐND xã;", "Các thôn trên địa bàn xã;", "Lưu: VT."])

    def body(doc):
        paragraph(doc, f"{plan.get_kind_display()} (phiên bản {plan.number}).", italic=True)
        if plan.council_resolution_number:
            paragraph(doc, f"Căn cứ Nghị quyết của HĐND xã số {plan.council_resolution_number} ngày {_d(plan.council_resolution_date)};")
        if plan.district_decision_number:
            paragraph(doc, f"Căn cứ Quyết định phê duyệt của UBND huyện số {plan.district_decision_number} ngày {_d(plan.district_decision_date)};")
        if plan.amendment_reason:
            paragraph(doc, f"Lý do điều chỉnh: {plan.amendment_reason}")
        heading(doc, f"I. Đánh giá tình hình thực hiện kế hoạch năm {year - 1}")
        paragraph(doc, plan.assessment or "…")
        heading(doc, f"II. Mục tiêu và chỉ tiêu kinh tế - xã hội năm {year}")
        table(doc, ["TT", "Chỉ tiêu", "Đơn vị tính", f"Ước thực hiện {year - 1}", f"Kế hoạch {year}"],
              [[str(n), t.indicator, t.unit, _number(t.current_estimate), _number(t.next_target)] for n, t in enumerate(targets, 1)],
              widths_cm=[1.0, 7.5, 2.5, 2.75, 2.75], numeric=(3, 4))
        heading(doc, "III. Nhiệm vụ và giải pháp chủ yếu")
        paragraph(doc, plan.solutions or "…")
        heading(doc, "IV. Danh mục công trình, hoạt động và nhu cầu vốn đầu tư")
        rows = [[str(n), item.title, str(SECTOR_NAMES.get(item.sector, item.sector)), _millions(item.estimated_cost), _funding_text(item.funding),
                 item.responsible_unit, " – ".join(x for x in (_d(item.starts_on), _d(item.ends_on)) if x)] for n, item in enumerate(items, 1)]
        rows.append(["", "Tổng cộng", "", _millions(sum(item.estimated_cost for item in items)), "", "", ""])
        table(doc, ["TT", "Tên công trình / hoạt động", "Lĩnh vực", "Kinh phí (triệu đồng)", "Nguồn vốn (triệu đồng)", "Đơn vị chủ trì", "Thời gian"],
              rows, widths_cm=[1.0, 4.1, 2.0, 1.9, 2.9, 2.2, 2.4], numeric=(3,))
        heading(doc, "V. Tổ chức thực hiện, theo dõi và đánh giá")
        paragraph(doc, plan.monitoring or "…")
        # The apps above plans add what they keep with the plan (monitoring: the approved M&E plan, Đ9).
        plan_document_built.send(sender=type(plan), plan=plan, document=doc)

    return official_docx(kind="plan", head=head, body=body)


def team_decision_docx(*, cycle) -> bytes:
    """The commune People's Committee's decision forming the planning team (Đ3), in the form of Decree 30:
    its number and date as recorded on the team ("…" when not yet given), the members in a table, three articles."""
    commune = cycle.commune
    team = PlanningTeam.objects.filter(cycle=cycle).first()
    members = list(team.members.all()) if team else []
    head = commune_letterhead(
        commune, symbol="QĐ-UBND", number=team.decision_number if team else "", kind="Quyết định",
        subject=f"Về việc thành lập Tổ xây dựng kế hoạch phát triển kinh tế - xã hội năm {cycle.plan_year}",
        on=team.decision_date if team else None, signer_name=chairman_name(cycle),
        recipients=["Như Điều 3;", f"UBND {in_sentence(commune.parent.name)};" if commune.parent_id else "UBND cấp huyện;", "Lưu: VT."])

    def body(doc):
        heading(doc, f"CHỦ TỊCH ỦY BAN NHÂN DÂN {commune.name.upper()}", centred=True)
        paragraph(doc, "Căn cứ Quyết định số 07/2015/QĐ-UBND của UBND tỉnh Bắc Ninh về quy trình lập kế hoạch phát triển kinh tế - xã hội cấp xã "
                       "có sự tham gia của cộng đồng;", italic=True)
        heading(doc, "QUYẾT ĐỊNH:", centred=True)
        paragraph(doc, f"Điều 1. Thành lập Tổ xây dựng kế hoạch phát triển kinh tế - xã hội năm {cycle.plan_year} của {in_sentence(commune.name)}, gồm các ông (bà) có tên sau:")
        table(doc, ["TT", "Họ và tên", "Chức vụ", "Đơn vị", "Nhiệm vụ trong Tổ"],
              [[str(n), m.full_name, m.position, m.represents, "Tổ trưởng" if m.is_leader else "Thành viên"] for n, m in enumerate(members, 1)],
              widths_cm=[1.0, 4.5, 4.0, 4.0, 3.0])
        paragraph(doc, "Điều 2. Tổ xây dựng kế hoạch có nhiệm vụ tổ chức lập kế hoạch theo Quyết định số 07/2015/QĐ-UBND; Tổ tự giải thể khi hoàn thành nhiệm vụ.")
        paragraph(doc, "Điều 3. Quyết định có hiệu lực kể từ ngày ký. Văn phòng UBND xã và các ông (bà) có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.")

    return official_docx(kind="team_decision", head=head, body=body)


def approval_decision_docx(*, plan, items) -> bytes:
    """The district People's Committee's decision approving the commune plan (Đ7), in the form of Decree 30:
    number and date as recorded by the approval ("…" before it), the total and the list of works (millions of VND)."""
    cycle = plan.cycle
    commune = cycle.commune
    head = district_letterhead(
        commune, symbol="QĐ-UBND", number=plan.district_decision_number, kind="Quyết định", on=plan.district_decision_date,
        subject=f"Về việc phê duyệt kế hoạch phát triển kinh tế - xã hội năm {cycle.plan_year} của {unbroken_name(commune.name)}",
        recipients=["Như Điều 3;", f"UBND {in_sentence(commune.name)};", "Lưu: VT."])

    def body(doc):
        district = commune.parent.name.upper() if commune.parent_id else ""
        heading(doc, f"CHỦ TỊCH ỦY BAN NHÂN DÂN {district}", centred=True)
        paragraph(doc, "Căn cứ Quyết định số 07/2015/QĐ-UBND của UBND tỉnh Bắc Ninh;", italic=True)
        if plan.council_resolution_number:
            paragraph(doc, f"Căn cứ Nghị quyết của HĐND {in_sentence(commune.name)} số {plan.council_resolution_number} ngày {_d(plan.council_resolution_date)};", italic=True)
        paragraph(doc, "Xét đề nghị của Phòng Tài chính - Kế hoạch,", italic=True)
        heading(doc, "QUYẾT ĐỊNH:", centred=True)
        paragraph(doc, f"Điều 1. Phê duyệt kế hoạch phát triển kinh tế - xã hội năm {cycle.plan_year} của {in_sentence(commune.name)} (phiên bản {plan.number}), "
                       f"với tổng nhu cầu vốn {_millions(sum(i.estimated_cost for i in items))} triệu đồng, gồm các công trình, hoạt động sau:")
        table(doc, ["TT", "Tên công trình / hoạt động", "Lĩnh vực", "Kinh phí (triệu đồng)", "Nguồn vốn (triệu đồng)"],
              [[str(n), i.title, str(SECTOR_NAMES.get(i.sector, i.sector)), _millions(i.estimated_cost), _funding_text(i.funding)]
               for n, i in enumerate(items, 1)], widths_cm=[1.0, 6.0, 2.5, 2.5, 4.5], numeric=(3,))
        paragraph(doc, f"Điều 2. UBND {in_sentence(commune.name)} tổ chức công bố, triển khai thực hiện kế hoạch theo quy định.")
        paragraph(doc, f"Điều 3. Quyết định có hiệu lực kể từ ngày ký. Chánh Văn phòng HĐND và UBND, Trưởng phòng Tài chính - Kế hoạch, "
                       f"Chủ tịch UBND {in_sentence(commune.name)} chịu trách nhiệm thi hành Quyết định này.")

    return official_docx(kind="approval_decision", head=head, body=body)


def feedback_date(feedback):
    """The feedback letter's date: the day of the district's latest comment (local date), today's when there is none yet."""
    return timezone.localdate(max(f.created_at for f in feedback)) if feedback else timezone.localdate()


def feedback_letter_docx(*, plan, feedback) -> bytes:
    """The district's comments on a commune's draft plan (step 4, Đ5.4) as an official letter (công văn, Decree 30):
    each comment with the work or sector it concerns and the commune's answer when there is one."""
    cycle = plan.cycle
    commune = cycle.commune
    head = district_letterhead(
        commune, symbol="UBND-TCKH", number=cycle.feedback_letter_number, kind="", on=feedback_date(feedback),
        subject=f"V/v góp ý dự thảo kế hoạch phát triển kinh tế - xã hội năm {cycle.plan_year} của {unbroken_name(commune.name)}",
        recipients=[f"UBND {in_sentence(commune.name)};", "Lưu: VT, TCKH."])

    no_comments = any(f.no_comments for f in feedback)
    feedback = [f for f in feedback if not f.no_comments]  # the district's "no comments" is a sentence, not a comment

    def body(doc):
        paragraph(doc, f"Kính gửi: Ủy ban nhân dân {in_sentence(commune.name)}.", centred=True)
        if no_comments and not feedback:
            paragraph(doc, f"Ủy ban nhân dân huyện không có ý kiến góp ý đối với dự thảo kế hoạch phát triển kinh tế - xã hội năm "
                           f"{cycle.plan_year} (phiên bản {plan.number}).")
            return
        paragraph(doc, f"Ủy ban nhân dân huyện có ý kiến góp ý đối với dự thảo kế hoạch phát triển kinh tế - xã hội năm {cycle.plan_year} "
                       f"(phiên bản {plan.number}) như sau:")
        table(doc, ["TT", "Công trình / lĩnh vực", "Cơ quan góp ý", "Nội dung góp ý", "Ý kiến của xã"],
              [[str(n), f.item.title if f.item_id else str(SECTOR_NAMES.get(f.sector, f.sector or "Chung")), f.office, f.body, f.answer]
               for n, f in enumerate(feedback, 1)], widths_cm=[1.0, 3.5, 2.5, 5.0, 4.5])
        paragraph(doc, "Đề nghị Ủy ban nhân dân xã tiếp thu, hoàn chỉnh dự thảo kế hoạch theo quy định.")

    return official_docx(kind="feedback_letter", head=head, body=body)


def plan_xlsx(*, plan, items, targets) -> bytes:
    """The plan's tables as .xlsx: targets, and works with their capital sources (VND, whole đồng)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Chỉ tiêu"
    commune = plan.cycle.commune
    ws.append([f"{commune.name} — Kế hoạch năm {plan.cycle.plan_year} — {plan.get_kind_display()} (phiên bản {plan.number})"])
    ws.append(["TT", "Chỉ tiêu", "Đơn vị tính", f"Ước thực hiện {plan.cycle.plan_year - 1}", f"Kế hoạch {plan.cycle.plan_year}"])
    for n, t in enumerate(targets, 1):
        ws.append([n, t.indicator, t.unit, float(t.current_estimate) if t.current_estimate is not None else None, float(t.next_target)])
    works = wb.create_sheet("Công trình")
    sources = list(CapitalSource)
    works.append([f"{commune.name} — Danh mục công trình, hoạt động (đồng)"])
    works.append(["TT", "Tên công trình / hoạt động", "Loại", "Lĩnh vực", "Kinh phí (đồng)"] + [str(s.label) for s in sources]
                 + ["Đơn vị chủ trì", "Bắt đầu", "Kết thúc", "Có vị trí"])
    for n, item in enumerate(items, 1):
        works.append([n, item.title, str(item.get_kind_display()), str(SECTOR_NAMES.get(item.sector, item.sector)), item.estimated_cost]
                     + [(item.funding or {}).get(s.value, 0) for s in sources]
                     + [item.responsible_unit, item.starts_on, item.ends_on, "x" if item.geom is not None else ""])
    for sheet in (ws, works):
        sheet["A1"].font = Font(bold=True)
        print_ready(sheet, header_rows=(2, 2))
    return workbook_bytes(wb)

"""The approved M&E plan is kept with the plan (Đ9): it is a section of the plan's Word export."""
import io

import pytest
from django.db import connection
from docx import Document

from accounts.models import User
from monitoring import services
from tests.monitoring.factories import approved_plan, me_plan_with_report

pytestmark = pytest.mark.django_db


def document(client, plan_id):
    response = client.get(f"/d/yen-phong/api/plans/{plan_id}/document.docx")
    assert response.status_code == 200, response.content
    return Document(io.BytesIO(response.content))


def rows(doc):
    return [[c.text for c in row.cells] for table in doc.tables for row in table.rows]


def test_the_word_export_carries_the_approved_me_plan(district, client_for):
    me_plan = me_plan_with_report(district())
    road, _training = me_plan.activities.all()
    connection.set_tenant(district())
    # Fill a little more than the factory does, as a commune would before approval (straight to the rows:
    # the M&E plan is already approved and no longer edited through the service).
    me_plan.indicators.filter(order=0).update(data_source="Chi cục Thống kê huyện", frequency="half")
    road.expected_volume, road.volume_unit = "1.50", "km"
    road.save()
    plan_id = me_plan.plan_id
    connection.set_schema_to_public()
    doc = document(client_for("xa.09193"), plan_id)
    headings = [p.text for p in doc.paragraphs]
    assert "Kế hoạch theo dõi, đánh giá" in headings
    assert any("45/QĐ-UBND" in h for h in headings)
    table = rows(doc)
    assert ["TT", "Chỉ tiêu", "Đơn vị tính", "Giá trị cơ sở", "Mục tiêu", "Tần suất", "Nguồn số liệu", "Người phụ trách"] in table
    assert ["1", "Thu nhập bình quân đầu người", "triệu đồng", "60", "66", "6 tháng một lần", "Chi cục Thống kê huyện", "Văn phòng - Thống kê"] in table
    assert ["2", "Tỷ lệ hộ nghèo", "%", "2,5", "2", "Hằng quý", "", "Văn phòng - Thống kê"] in table
    assert ["TT", "Hoạt động / công trình", "Thời gian thực hiện", "Khối lượng dự kiến", "Người phụ trách"] in table
    assert ["1", "Bê tông hóa đường thôn Đông", "", "1,5 km", "Ban QLDA xã"] in table
    assert ["2", "Tập huấn kỹ thuật trồng lúa", "", "", "Ban QLDA xã"] in table
    assert "Kế hoạch theo dõi, đánh giá" in [p.text for p in document(client_for("huyen.yen-phong"), plan_id).paragraphs]


def test_without_an_approved_me_plan_the_export_is_the_plan_alone(district, client_for):
    plan = approved_plan(district())
    plan_id = plan.pk
    connection.set_schema_to_public()
    doc = document(client_for("xa.09193"), plan_id)
    assert "Kế hoạch theo dõi, đánh giá" not in [p.text for p in doc.paragraphs]
    assert len(doc.tables) == 4  # the header and signature blocks of Decree 30, targets and works only
    # A draft M&E plan is not part of the plan yet.
    connection.set_tenant(district())
    services.me_plan_create(actor=User.objects.get(username="xa.09193"), plan=plan)
    connection.set_schema_to_public()
    doc = document(client_for("xa.09193"), plan_id)
    assert "Kế hoạch theo dõi, đánh giá" not in [p.text for p in doc.paragraphs] and len(doc.tables) == 4


def test_the_me_plan_and_the_commune_report_are_documents_in_the_official_form(district, client_for, tmp_path):
    """Issue 15, part 4: the M&E plan (Đ9) and the commune's periodic report (Đ10–11) in the form of Decree 30, as Word and PDF."""
    import subprocess

    from tests.plans.test_documents import assert_official_form, cells

    me_plan = me_plan_with_report(district())
    connection.set_tenant(district())
    report_id = me_plan.reports.get(village__isnull=True).pk
    me_plan_id = me_plan.pk
    connection.set_schema_to_public()
    xa, huyen = client_for("xa.09193"), client_for("huyen.yen-phong")
    response = xa.get(f"/d/yen-phong/api/monitoring/plans/{me_plan_id}/document.docx")
    assert response.status_code == 200, response.content
    doc = Document(io.BytesIO(response.content))
    assert_official_form(doc, authority="ỦY BAN NHÂN DÂN THỊ TRẤN CHỜ", number="45/QĐ-UBND", place_and_date="Chờ, ngày … tháng … năm …",
                         kind="KẾ HOẠCH", signer=["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"])
    indicators = next(t for t in doc.tables if len(t.columns) == 8)
    assert cells(indicators)[8:13] == ["1", "Thu nhập bình quân đầu người", "triệu đồng", "60", "66"]

    response = huyen.get(f"/d/yen-phong/api/monitoring/reports/{report_id}/document.docx")
    assert response.status_code == 200, response.content
    report = Document(io.BytesIO(response.content))
    assert "BÁO CÁO" in [p.text for p in report.paragraphs]
    values = next(t for t in report.tables if len(t.columns) == 6)
    assert cells(values)[6:11] == ["1", "Thu nhập bình quân đầu người", "triệu đồng", "66", "62,5"]  # a decimal comma
    assert "Số:      /BC-UBND" in report.tables[0].rows[0].cells[0].text  # blank, to number by hand at signing

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(huyen.get(f"/d/yen-phong/api/monitoring/reports/{report_id}/document.pdf").content)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "BÁO CÁO" in text and "Thu nhập bình quân đầu người" in text
    assert client_for("xa.09196").get(f"/d/yen-phong/api/monitoring/reports/{report_id}/document.docx").status_code == 404


def test_a_report_document_carries_the_day_it_was_submitted_in_vietnam(district, client_for):
    """Issue 15 review: an M&E report's document must carry its submission date, not the download's. Submitted at 01:00 on
    01/10/2026 in Vietnam (18:00 UTC the day before): dated 01/10; a report not yet submitted is a draft, dated today."""
    from datetime import UTC, datetime

    from django.utils import timezone

    from monitoring.models import PeriodicReport as Report
    from tests.plans.test_documents import day_line

    me_plan = me_plan_with_report(district())
    connection.set_tenant(district())
    report = me_plan.reports.get(village__isnull=True)
    Report.objects.filter(pk=report.pk).update(submitted_at=datetime(2026, 9, 30, 18, 0, tzinfo=UTC))
    connection.set_schema_to_public()
    huyen = client_for("huyen.yen-phong")

    def date_line():
        response = huyen.get(f"/d/yen-phong/api/monitoring/reports/{report.pk}/document.docx")
        assert response.status_code == 200, response.content
        return Document(io.BytesIO(response.content)).tables[0].rows[0].cells[1].paragraphs[2].text

    assert date_line() == day_line("Chờ", datetime(2026, 10, 1).date())
    connection.set_tenant(district())
    Report.objects.filter(pk=report.pk).update(submitted_at=None)
    connection.set_schema_to_public()
    assert date_line() == day_line("Chờ", timezone.localdate())

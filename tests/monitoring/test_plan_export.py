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

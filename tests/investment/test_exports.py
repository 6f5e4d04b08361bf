"""Exports: the plan's project list as Excel (read back with openpyxl) and as GeoJSON."""
from io import BytesIO

import pytest
from openpyxl import load_workbook

from tests.investment.factories import CHO, DUNG_LIET, make_plan, make_project, point

pytestmark = pytest.mark.django_db
BASE = "/d/yen-phong/api/"


def test_excel_export_in_the_usual_layout_in_millions(client_for, district):
    yp = district("yen-phong")
    plan = make_plan(yp, approve=True)
    make_project(yp, code="GT-1", plan=plan, geometry=point(CHO))  # 3 bn: 2 bn district, 1 bn commune; half allocated in 2026
    make_project(yp, code="GD-1", plan=plan, geometry=point(DUNG_LIET), sector="education", total=1_500_000_000,
                 sources=[{"source": "provincial_budget", "amount": 1_500_000_000}],
                 allocations=[{"plan": plan, "year": 2027, "source": "provincial_budget", "amount": 1_500_000_000}])
    make_project(yp, code="NOT-IN-PLAN", geometry=point(CHO))
    response = client_for("huyen.yen-phong").get(f"{BASE}investment-plans/{plan.pk}/projects.xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    text = "\n".join(" ".join(str(c) for c in row if c is not None) for row in rows)
    assert "HUYỆN YÊN PHONG" in text
    assert "2026" in rows[1][0] and "2030" in rows[1][0]
    assert "12/QĐ-UBND" in rows[2][0]
    header = rows[5]
    assert header[0] == "STT" and header[5] == "Tổng mức đầu tư"
    assert [h for h in header if h and "2026" in str(h)] == ["Năm 2026"]
    sources = rows[6][8:11]
    assert sources == ("Ngân sách tỉnh", "Ngân sách huyện", "Ngân sách xã")
    assert rows[7][:3] == ("(1)", "(2)", "(3)")
    total = rows[8]
    assert total[1] == "TỔNG SỐ"
    assert total[5] == pytest.approx(4500)  # total investment, millions
    assert total[6] == pytest.approx(3000)  # capital plan total: 1,500 (2026) + 1,500 (2027)
    assert total[7] == pytest.approx(1500)  # 2026 total
    assert total[8:11] == pytest.approx((0, 1000, 500))
    project_rows = {row[1]: row for row in rows[9:] if row[0] and isinstance(row[0], int)}
    assert set(project_rows) == {"Đường giao thông GT-1 (GT-1)", "Đường giao thông GD-1 (GD-1)"}
    gt = project_rows["Đường giao thông GT-1 (GT-1)"]
    assert gt[2] == "Thị trấn Chờ" and gt[3] == "UBND huyện" and gt[5] == pytest.approx(3000)
    groups = [row[0] for row in rows[9:] if row[0] in ("I", "II")]
    assert groups == ["I", "II"]


def test_a_plan_approved_by_a_council_resolution_is_titled_with_the_resolution(client_for, district):
    """Review rv15c finding 11: the title read "Kèm theo Quyết định số 15/NQ-HĐND": an NQ number is a resolution."""
    from datetime import date

    from investment import services
    from tests.investment.factories import district_user, in_district

    yp = district("yen-phong")
    plan = make_plan(yp)
    in_district(yp)
    services.plan_transition(plan=plan, actor=district_user(), action="submit")
    services.plan_transition(plan=plan, actor=district_user(), action="approve", decision_number="15/NQ-HĐND", decision_date=date(2025, 12, 20))
    response = client_for("huyen.yen-phong").get(f"{BASE}investment-plans/{plan.pk}/projects.xlsx")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[2][0] == "(Kèm theo Nghị quyết số 15/NQ-HĐND ngày 20/12/2025)"


def test_geojson_export_holds_the_plan_projects(client_for, district):
    yp = district("yen-phong")
    plan = make_plan(yp)
    make_project(yp, code="G-1", plan=plan, geometry=point(CHO))
    make_project(yp, code="G-2", geometry=point(CHO))
    response = client_for("tinh").get(f"{BASE}investment-plans/{plan.pk}/projects.geojson")
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert [f["properties"]["code"] for f in body["features"]] == ["G-1"]
    assert body["features"][0]["geometry"]["coordinates"] == pytest.approx(CHO)

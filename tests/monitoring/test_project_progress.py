"""Investment project progress in the commune report and the progress sheet: progress without money reaches the investment app."""
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from investment.models import Disbursement, InvestmentProject, ProjectEvent
from monitoring import services
from monitoring.models import ProjectProgress
from tests.monitoring.factories import approved_plan, project_in_commune
from tests.monitoring.test_chain import API, approved_me_plan, patch, post

pytestmark = pytest.mark.django_db
IMPORT = API + "progress-import/"


@pytest.fixture
def commune_report(district, client_for):
    yen_phong = district()
    plan = approved_plan(yen_phong)
    project = project_in_commune(yen_phong, code="DA-TD-1")
    team = client_for("xa.09193")
    me_plan = approved_me_plan(team, plan)
    q1 = next(p for p in services.periods_ensure(year=me_plan["year"]) if p.kind == "quarter" and p.number == 1)
    # The commune report is opened, written and submitted by the office-statistics officer (Đ10.2b), not the team.
    officer = client_for("thongke.09193")
    report = post(officer, API + "reports/", {"me_plan": me_plan["id"], "period": q1.pk}).json()
    return {"district": yen_phong, "project": project, "team": officer, "report": report["id"], "q1": q1, "me_plan": me_plan}


def test_progress_without_money_reaches_the_investment_app_when_the_district_accepts(commune_report, client_for):
    setup = commune_report
    line = {"project": setup["project"].pk, "physical_progress": 40, "disbursed": None, "paid_on": None}
    response = patch(setup["team"], API + f"reports/{setup['report']}/", {"project_progress": [line]})
    assert response.status_code == 200, response.content
    [stored] = response.json()["project_progress"]
    assert (stored["disbursed"], stored["physical_progress"], stored["paid_on"]) == (0, 40, setup["q1"].ends_on.isoformat())
    assert post(setup["team"], API + f"reports/{setup['report']}/submit/").status_code == 200
    connection.set_tenant(setup["district"])
    assert InvestmentProject.objects.get(pk=setup["project"].pk).physical_progress == 0  # nothing before acceptance
    response = post(client_for("huyen.yen-phong"), API + f"reports/{setup['report']}/accept/")
    assert response.status_code == 200, response.content
    connection.set_tenant(setup["district"])
    assert InvestmentProject.objects.get(pk=setup["project"].pk).physical_progress == 40
    assert not Disbursement.objects.filter(project=setup["project"]).exists()
    event = ProjectEvent.objects.get(project=setup["project"], action="progress")
    assert event.actor.username == "huyen.yen-phong" and event.changes["physical_progress"] == [0, 40]
    assert event.changes["on"] == setup["q1"].ends_on.isoformat()


@pytest.mark.parametrize("line, field", [
    ({"physical_progress": 101}, "physical_progress"),
    ({"physical_progress": -5}, "physical_progress"),
    ({"physical_progress": None}, "physical_progress"),
    ({"physical_progress": 12.5}, "physical_progress"),
    ({"physical_progress": 30, "disbursed": -1}, "disbursed"),
])
def test_bad_project_lines_are_refused_next_to_their_field_and_nothing_written(commune_report, line, field):
    setup = commune_report
    response = patch(setup["team"], API + f"reports/{setup['report']}/", {
        "problems": "không lưu", "project_progress": [{"project": setup["project"].pk, **line}]})
    assert response.status_code == 400
    errors = response.json()["project_progress"]["0"]  # by the index of the row sent: the form shows it next to the field
    assert field in errors
    if field == "physical_progress":
        assert "0" in errors[field][0] and "100" in errors[field][0]
    connection.set_tenant(setup["district"])
    assert not ProjectProgress.objects.exists()
    assert not type(setup["project"]).objects.get(pk=setup["project"].pk).events.filter(action="progress").exists()


def test_a_project_not_yet_approved_or_not_serving_the_commune_is_refused(commune_report):
    from tests.investment.factories import DUNG_LIET, make_plan, make_project, point

    setup = commune_report
    proposed = make_project(setup["district"], code="DA-TD-2", plan=make_plan(setup["district"], name="KH"), communes=["09193"])
    elsewhere = make_project(setup["district"], code="DA-TD-3", plan=make_plan(setup["district"], name="KH2"), geometry=point(DUNG_LIET),
                             communes=["09196"])
    for project in (proposed, elsewhere):
        response = patch(setup["team"], API + f"reports/{setup['report']}/", {"project_progress": [{"project": project.pk, "physical_progress": 5}]})
        assert response.status_code == 400 and "project_progress" in response.json()
    connection.set_tenant(setup["district"])
    assert not ProjectProgress.objects.exists()


def test_commune_report_form_lists_the_projects_serving_the_commune(commune_report, client_for):
    setup = commune_report
    # The commune report form is the statistics officer's (Đ10.2b).
    html = client_for("thongke.09193").get(f"/d/yen-phong/monitoring/plans/{setup['me_plan']['id']}/").content.decode()
    assert f'data-testid="project-{setup["project"].pk}"' in html
    assert 'name="physical_progress"' in html and 'name="disbursed"' in html and 'name="paid_on"' in html
    # The village head's form has no project lines.
    head = client_for("thon.09193-01")
    assert post(head, API + "reports/", {"me_plan": setup["me_plan"]["id"], "period": setup["q1"].pk, "village": "09193-01"}).status_code == 201
    html = head.get(f"/d/yen-phong/monitoring/plans/{setup['me_plan']['id']}/").content.decode()
    assert 'data-row="project_progress"' not in html


SHEET = """Mã dự án;Ngày;Giá trị giải ngân;Tiến độ thực hiện
DA-TD-1;31/03/2026;;25
DA-TD-1;30/04/2026;0;30
DA-TD-1;31/05/2026;;
DA-TD-1;30/06/2026;;120
DA-TD-1;15/07/2026;100000000;35
"""


def test_progress_sheet_takes_progress_only_rows(commune_report, client_for):
    setup = commune_report
    response = client_for("huyen.yen-phong").post(IMPORT, {"file": SimpleUploadedFile("tien-do.csv", SHEET.encode(), "text/csv")})
    assert response.status_code == 200, response.content
    rows = {r["row"]: r for r in response.json()["rows"]}
    assert [n for n, r in rows.items() if r["status"] == "created"] == [2, 3, 6]
    assert [rows[n]["record"] for n in (2, 3, 6)] == ["progress", "progress", "disbursement"]
    assert "Giá trị giải ngân" in rows[4]["cells"]  # neither money nor progress; named as the sheet names it
    assert "Tiến độ thực hiện" in rows[5]["cells"]
    connection.set_tenant(setup["district"])
    project = InvestmentProject.objects.get(pk=setup["project"].pk)
    assert project.physical_progress == 35
    assert list(Disbursement.objects.filter(project=project).values_list("amount", flat=True)) == [100_000_000]
    assert ProjectEvent.objects.filter(project=project, action="progress").count() == 2


def test_a_sheet_of_progress_alone_is_read(commune_report, client_for):
    sheet = "Mã dự án,Ngày,Tiến độ\nDA-TD-1,31/03/2026,15\n"
    response = client_for("huyen.yen-phong").post(IMPORT, {"file": SimpleUploadedFile("td.csv", sheet.encode(), "text/csv")})
    assert response.status_code == 200 and response.json()["created"] == 1
    connection.set_tenant(commune_report["district"])
    assert InvestmentProject.objects.get(pk=commune_report["project"].pk).physical_progress == 15
    neither = client_for("huyen.yen-phong").post(IMPORT, {"file": SimpleUploadedFile("x.csv", "Mã dự án,Ngày\nDA-TD-1,31/03/2026\n".encode(), "text/csv")})
    assert neither.status_code == 400 and "file" in neither.json()


def test_the_district_reads_the_reported_lines_before_deciding(commune_report, client_for):
    setup = commune_report
    income = setup["me_plan"]["indicators"][0]["id"]
    response = patch(setup["team"], API + f"reports/{setup['report']}/", {
        "indicator_values": [{"indicator": income, "value": "62.5"}],
        "project_progress": [{"project": setup["project"].pk, "physical_progress": 40, "disbursed": 250_000_000, "paid_on": "2026-03-20"}]})
    assert response.status_code == 200, response.content
    assert post(setup["team"], API + f"reports/{setup['report']}/submit/").status_code == 200
    html = client_for("huyen.yen-phong").get(f"/d/yen-phong/monitoring/plans/{setup['me_plan']['id']}/").content.decode()
    line = html.split(f'data-testid="reported-project-{setup["project"].pk}">')[1].split("</p>")[0]
    assert "DA-TD-1: 40 %" in line and "250.000.000 đ" in line and "20/03/2026" in line
    decide = html.split(f'data-testid="decide-report-{setup["report"]}"')[1].split("</form>")[0]
    assert "Thu nhập bình quân đầu người: 62,50 triệu đồng" in decide, decide


def test_a_line_the_investment_app_refuses_blocks_the_whole_acceptance(commune_report, client_for):
    setup = commune_report
    other = project_in_commune(setup["district"], code="DA-TD-9", total=1_000_000_000)
    response = patch(setup["team"], API + f"reports/{setup['report']}/", {"project_progress": [
        {"project": setup["project"].pk, "physical_progress": 40},  # fine on its own
        {"project": other.pk, "physical_progress": 50, "disbursed": 1_500_000_000},  # above the project's total investment
    ]})
    assert response.status_code == 200, response.content
    assert post(setup["team"], API + f"reports/{setup['report']}/submit/").status_code == 200
    response = post(client_for("huyen.yen-phong"), API + f"reports/{setup['report']}/accept/")
    assert response.status_code == 400
    assert any(m.startswith("DA-TD-9: ") for m in response.json()["project_progress"])
    connection.set_tenant(setup["district"])
    from monitoring.models import PeriodicReport

    assert PeriodicReport.objects.get(pk=setup["report"]).status == "submitted"
    assert InvestmentProject.objects.get(pk=setup["project"].pk).physical_progress == 0  # the first line was undone too
    assert not ProjectEvent.objects.filter(action__in=["progress", "disbursed"]).exists()
    assert not Disbursement.objects.exists()


def test_a_project_line_cleared_in_a_returned_report_goes(commune_report, client_for):
    """Issue 15: emptying a project's fields on the form left the old line (the form did not send an empty row)."""
    setup = commune_report
    url = API + f"reports/{setup['report']}/"
    line = {"project": setup["project"].pk, "physical_progress": 35, "disbursed": "150.000.000"}
    assert patch(setup["team"], url, {"project_progress": [line]}).status_code == 200
    assert post(setup["team"], url + "submit/").status_code == 200
    assert post(client_for("huyen.yen-phong"), url + "return/", {"comment": "Sai số liệu dự án"}).status_code == 200
    page = setup["team"].get(f"/d/yen-phong/monitoring/plans/{setup['me_plan']['id']}/").content.decode()
    assert f'data-testid="project-{setup["project"].pk}" data-clearable="1"' in page  # the form knows the line exists
    response = patch(setup["team"], url, {"project_progress": [{"project": setup["project"].pk, "clear": True}]})
    assert response.status_code == 200, response.content
    assert response.json()["project_progress"] == []
    connection.set_tenant(setup["district"])
    assert not ProjectProgress.objects.filter(report_id=setup["report"]).exists()

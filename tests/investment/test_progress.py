"""Physical progress without money: `investment.services.progress_record` (M&E reports and the progress sheet use it)."""
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Sum

from investment import services
from investment.models import Disbursement, InvestmentProject, ProjectEvent
from province.models import InvestmentRollup
from tests.investment.factories import CHO, district_user, make_plan, make_project, point

pytestmark = pytest.mark.django_db


def started_project(district, code="TD-1"):
    plan = make_plan(district)
    project = make_project(district, code=code, plan=plan, geometry=point(CHO), total=2_000_000_000, communes=["09193"])
    actor = district_user()
    services.project_transition(project=project, actor=actor, action="prepare")
    services.project_transition(project=project, actor=actor, action="approve", decision_number="1/QĐ", decision_date=date(2026, 1, 5))
    services.project_transition(project=project, actor=actor, action="start")
    return project


def district_progress_weight(district):
    connection.set_schema_to_public()
    weight = InvestmentRollup.objects.filter(district_code=district.unit.code, commune_code="", year__isnull=True, source="").aggregate(
        s=Sum("progress_weight"))["s"]
    connection.set_tenant(district)
    return weight


def test_progress_is_recorded_with_its_event_and_reaches_the_province_rollup(district):
    yen_phong = district()
    project = started_project(yen_phong)
    event = services.progress_record(project=project, actor=district_user(), on=date(2026, 4, 10), physical_progress=35, note="Báo cáo quý 1")
    project.refresh_from_db()
    assert project.physical_progress == 35
    assert (event.action, event.note, event.actor.username) == ("progress", "Báo cáo quý 1", "huyen.yen-phong")
    assert event.changes == {"physical_progress": [0, 35], "on": "2026-04-10"}
    assert not Disbursement.objects.filter(project=project).exists()  # no money was invented
    # The province's rollup follows in the same transaction: Σ total × progress.
    assert district_progress_weight(yen_phong) == 2_000_000_000 * 35


def test_progress_may_go_down_as_a_recorded_correction(district):
    project = started_project(district())
    services.progress_record(project=project, actor=district_user(), on=date(2026, 4, 10), physical_progress=60)
    event = services.progress_record(project=project, actor=district_user(), on=date(2026, 5, 2), physical_progress=45)
    project.refresh_from_db()
    assert project.physical_progress == 45
    assert event.changes["lowered"] is True and event.changes["physical_progress"] == [60, 45]
    assert "60" in event.note and "45" in event.note


@pytest.mark.parametrize("value", [-1, 101, 250, None, "50", 12.5, True])
def test_progress_outside_0_to_100_or_not_whole_is_refused_and_nothing_written(district, value):
    project = started_project(district())
    events = ProjectEvent.objects.filter(project=project).count()
    with pytest.raises(ValidationError) as refused:
        services.progress_record(project=project, actor=district_user(), on=date(2026, 4, 10), physical_progress=value)
    assert "physical_progress" in refused.value.message_dict
    assert InvestmentProject.objects.get(pk=project.pk).physical_progress == 0
    assert ProjectEvent.objects.filter(project=project).count() == events


def test_progress_needs_an_approved_project_and_a_completed_one_stays_at_100(district):
    yen_phong = district()
    proposed = make_project(yen_phong, code="TD-2", plan=make_plan(yen_phong, name="KH 2"), geometry=point(CHO), communes=["09193"])
    with pytest.raises(ValidationError) as refused:
        services.progress_record(project=proposed, actor=district_user(), on=date(2026, 4, 10), physical_progress=10)
    assert "status" in refused.value.message_dict
    done = started_project(yen_phong, code="TD-3")
    services.project_transition(project=done, actor=district_user(), action="complete")
    with pytest.raises(ValidationError):
        services.progress_record(project=done, actor=district_user(), on=date(2026, 9, 1), physical_progress=90)
    assert InvestmentProject.objects.get(pk=done.pk).physical_progress == 100
    services.progress_record(project=done, actor=district_user(), on=date(2026, 9, 1), physical_progress=100)  # a confirmation is fine

"""The commune People's Council's evaluations (Đ11.2) accept only what the Decision asks for: the first half-year or the
year of the M&E plan's own year, once ended; a session held after the period's end and not in the future; one per plan
and period (also a database constraint); an approved M&E plan. Each refusal a 400 in Vietnamese naming the field,
nothing written."""
import json
from datetime import date

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from accounts.models import User
from monitoring.models import CouncilEvaluation, MEPlan
from monitoring.services import periods_ensure
from tests.monitoring.factories import me_plan_with_report

pytestmark = pytest.mark.django_db
D = "/d/yen-phong/api/monitoring/"


@pytest.fixture
def setting(district):
    yen_phong = district()
    me_plan = me_plan_with_report(yen_phong)
    year = me_plan.year
    periods = {(p.kind, p.number): p for p in periods_ensure(year=year)}
    before = {(p.kind, p.number): p for p in periods_ensure(year=year - 1)}
    connection.set_schema_to_public()
    return yen_phong, me_plan, periods, before


def post(client_for, me_plan, body):
    return client_for("hdnd.09193").post(f"{D}plans/{me_plan.pk}/evaluations/", json.dumps(body), content_type="application/json")


def count(tenant):
    connection.set_tenant(tenant)
    n = CouncilEvaluation.objects.count()
    connection.set_schema_to_public()
    return n


def refused_on(response, field, words):
    assert response.status_code == 400, response.content
    assert response.headers["Content-Language"] == "vi"
    assert list(response.json()) == [field] and words in response.json()[field][0], response.json()


def test_only_an_ended_half_year_or_year_of_the_plans_own_year_is_evaluated(setting, client_for):
    yen_phong, me_plan, periods, before = setting
    year = me_plan.year
    body = {"held_on": f"{year}-07-20", "assessment": "Đạt 7/9 chỉ tiêu chủ yếu"}
    assert timezone.localdate() < date(year, 12, 31)  # the plan's year has not ended (2026 during these tests)
    for period in (periods[("quarter", 1)], periods[("half", 2)], periods[("year", 1)], before[("half", 1)]):
        refused_on(post(client_for, me_plan, {**body, "period": period.pk}), "period", "Hội đồng nhân dân")
    assert count(yen_phong) == 0


def test_the_session_is_after_the_periods_end_and_not_in_the_future(setting, client_for):
    yen_phong, me_plan, periods, _ = setting
    half = periods[("half", 1)]
    body = {"period": half.pk, "assessment": "Đạt 7/9 chỉ tiêu chủ yếu"}
    refused_on(post(client_for, me_plan, {**body, "held_on": "2020-01-01"}), "held_on", "01/07/")
    refused_on(post(client_for, me_plan, {**body, "held_on": f"{me_plan.year}-06-30"}), "held_on", "01/07/")
    refused_on(post(client_for, me_plan, {**body, "held_on": "2099-01-01"}), "held_on", "tương lai")
    assert count(yen_phong) == 0
    assert post(client_for, me_plan, {**body, "held_on": f"{me_plan.year}-07-01"}).status_code == 201


def test_a_period_is_evaluated_once_and_the_database_keeps_it_so(setting, client_for):
    yen_phong, me_plan, periods, _ = setting
    body = {"period": periods[("half", 1)].pk, "held_on": f"{me_plan.year}-07-20", "assessment": "Đạt 7/9 chỉ tiêu chủ yếu"}
    assert post(client_for, me_plan, body).status_code == 201
    refused_on(post(client_for, me_plan, {**body, "held_on": f"{me_plan.year}-07-25"}), "period", "đã đánh giá")
    assert count(yen_phong) == 1
    connection.set_tenant(yen_phong)
    with pytest.raises(IntegrityError), transaction.atomic():  # a race past the check still cannot double it
        CouncilEvaluation.objects.create(me_plan=me_plan, period=periods[("half", 1)], held_on=date(me_plan.year, 7, 26),
                                         assessment="lần hai", recorded_by=User.objects.get(username="hdnd.09193"))


def test_only_an_approved_me_plan_is_evaluated(setting, client_for):
    yen_phong, me_plan, periods, _ = setting
    connection.set_tenant(yen_phong)
    MEPlan.objects.filter(pk=me_plan.pk).update(status="draft")
    connection.set_schema_to_public()
    body = {"period": periods[("half", 1)].pk, "held_on": f"{me_plan.year}-07-20", "assessment": "Đạt 7/9 chỉ tiêu chủ yếu"}
    refused_on(post(client_for, me_plan, body), "me_plan", "phê duyệt")
    assert count(yen_phong) == 0

"""The province calendar (core.StepDeadline): a deadline must be a day of every year, so no due date ever fails.

29 February used to be accepted; the 2027 plan (made in 2026, not a leap year) then raised ValueError on every page
that reads deadlines.
"""
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from core.models import PlanStep, StepDeadline
from core.selectors import deadlines_for, step_due_date

pytestmark = pytest.mark.django_db

REFUSAL_VI = "Không phải ngày có trong mọi năm"
REFUSAL_EN = "Not a day of every year"


def test_the_admin_refuses_29_february_in_vietnamese_and_saves_nothing(client_for):
    admin = client_for("admin")
    before = StepDeadline.objects.count()
    response = admin.post("/admin/core/stepdeadline/add/", {
        "step": PlanStep.DRAFT, "month": 2, "day": 29, "from_plan_year": 2040, "note": "thử",
    })
    assert response.status_code == 200  # the form again, with the reason
    assert REFUSAL_VI in response.content.decode()
    assert StepDeadline.objects.count() == before
    # Every page that reads the deadlines still opens.
    assert client_for("huyen.yen-phong").get("/d/yen-phong/plans/?plan_year=2040").status_code == 200


def test_the_admin_says_it_in_english_when_asked(client_for):
    admin = client_for("admin")
    admin.cookies["django_language"] = "en"
    response = admin.post("/admin/core/stepdeadline/add/", {"step": PlanStep.DRAFT, "month": 2, "day": 29, "from_plan_year": 2040})
    assert response.status_code == 200 and REFUSAL_EN in response.content.decode()


def test_28_february_is_accepted_and_gives_a_due_date_every_year(client_for):
    admin = client_for("admin")
    response = admin.post("/admin/core/stepdeadline/add/", {"step": PlanStep.DRAFT, "month": 2, "day": 28, "from_plan_year": 2040})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert step_due_date(step=PlanStep.DRAFT, plan_year=2041) == date(2040, 2, 28)  # leap planning year
    assert deadlines_for(plan_year=2042)[PlanStep.DRAFT] == date(2041, 2, 28)  # and not
    assert client_for("huyen.yen-phong").get("/d/yen-phong/plans/?plan_year=2042").status_code == 200


@pytest.mark.parametrize("month, day", [(2, 29), (2, 30), (4, 31), (13, 1), (0, 10), (5, 0)])
def test_days_that_are_not_in_every_year_are_refused_by_the_model_and_the_database(month, day):
    deadline = StepDeadline(step=PlanStep.DRAFT, month=month, day=day, from_plan_year=2040)
    with pytest.raises(ValidationError) as refused:
        deadline.full_clean()
    assert "day" in refused.value.message_dict or "__all__" in refused.value.message_dict
    with pytest.raises(IntegrityError, match="deadline_is_a_day_of_every_year"), transaction.atomic():
        StepDeadline.objects.create(step=PlanStep.DRAFT, month=month, day=day, from_plan_year=2040)

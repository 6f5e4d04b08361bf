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


def test_the_migration_moves_every_impossible_day_to_its_months_last_before_adding_the_constraint():
    """core 0002 on a table holding impossible days (saved before the constraint): each becomes its month's last day of
    every year, the possible ones stay, and the constraint is added (it failed on 31/4 or 30/2 when only 29/2 moved)."""
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    saved = {(2, 29): (2, 28), (2, 30): (2, 28), (2, 31): (2, 28), (4, 31): (4, 30), (6, 31): (6, 30), (9, 31): (9, 30),
             (11, 31): (11, 30), (1, 31): (1, 31), (12, 31): (12, 31), (3, 15): (3, 15), (5, 0): (5, 1), (13, 40): (12, 31)}
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE province_stepdeadline DROP CONSTRAINT deadline_is_a_day_of_every_year")
        for year, (month, day) in enumerate(saved, start=3001):
            cursor.execute("INSERT INTO province_stepdeadline (step, month, day, from_plan_year, note) VALUES ('draft', %s, %s, %s, '')",
                           [month, day, year])
    loader = MigrationLoader(connection)
    state = loader.project_state(("core", "0001_initial"))
    with connection.schema_editor() as editor:
        loader.get_migration("core", "0002_deadline_is_a_day_of_every_year").apply(state, editor)
    after = StepDeadline.objects.filter(from_plan_year__gte=3001).order_by("from_plan_year").values_list("month", "day")
    assert list(after) == list(saved.values())
    with pytest.raises(IntegrityError), transaction.atomic():  # the constraint is back
        StepDeadline.objects.create(step=PlanStep.DRAFT, month=4, day=31, from_plan_year=3100)

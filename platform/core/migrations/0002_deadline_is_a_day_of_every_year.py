"""A step deadline must be a day of every year: 29 February made every non-leap year's due date raise ValueError.

Any impossible day already saved (29, 30 or 31 February, 31 April, June, September or November, a day past 31)
rolls back to the last day of its month in every year (28 February, 30 April…), a day 0 to the 1st and a month
out of 1–12 to the nearest, so the constraint can be added whatever the table holds; the constraint then refuses
such a day from the admin, a fixture or SQL alike.
"""
import calendar

from django.db import migrations, models


def impossible_days_to_the_months_last(apps, schema_editor):
    """Clamp every saved (month, day) to a day that exists in a non-leap year (2023), so that the constraint below holds."""
    StepDeadline = apps.get_model("core", "StepDeadline")
    rows = StepDeadline.objects.using(schema_editor.connection.alias)
    for deadline in rows.exclude(month__gte=1, month__lte=12, day__gte=1, day__lte=28):  # every day to 28 exists in every month
        month = min(max(deadline.month, 1), 12)
        day = min(max(deadline.day, 1), calendar.monthrange(2023, month)[1])
        if (month, day) != (deadline.month, deadline.day):
            rows.filter(pk=deadline.pk).update(month=month, day=day)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(impossible_days_to_the_months_last, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="stepdeadline",
            constraint=models.CheckConstraint(
                condition=models.Q(('day__gte', 1), ('day__lte', 31), ('month__gte', 1), ('month__lte', 12),
                                   models.Q(('day__gt', 28), ('month', 2), _negated=True),
                                   models.Q(('day', 31), ('month__in', [4, 6, 9, 11]), _negated=True)),
                name="deadline_is_a_day_of_every_year",
                violation_error_message="Not a day of every year: choose a day that exists in every year (28 February, not 29).",
            ),
        ),
    ]

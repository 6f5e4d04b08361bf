"""A step deadline must be a day of every year: 29 February made every non-leap year's due date raise ValueError.

A 29 February already saved becomes 28 February (the last day of February every year), then the
constraint refuses it from the admin, a fixture or SQL alike.
"""
from django.db import migrations, models


def leap_day_to_28_february(apps, schema_editor):
    StepDeadline = apps.get_model("core", "StepDeadline")
    StepDeadline.objects.using(schema_editor.connection.alias).filter(month=2, day=29).update(day=28)


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(leap_day_to_28_february, migrations.RunPython.noop),
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

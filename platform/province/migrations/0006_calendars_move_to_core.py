"""StepDeadline and ReportingDeadline now belong to `core` (core 0001): only Django's state forgets them here; the tables stay."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("province", "0005_cycle_rollup"),
        ("core", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="StepDeadline"),
                migrations.DeleteModel(name="ReportingDeadline"),
            ],
            database_operations=[],
        ),
    ]

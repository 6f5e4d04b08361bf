"""The province's copy of each cycle keeps how many steps were done late and by how many days at most (issue 14):
a cycle approved months late stays late once published. `rollup_rebuild` (run by deploy/up) fills existing rows."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("province", "0007_cycle_rollup_without_trigger"),
    ]

    operations = [
        migrations.AddField(model_name="cyclerollup", name="late_steps", field=models.PositiveSmallIntegerField(default=0)),
        migrations.AddField(model_name="cyclerollup", name="days_late", field=models.PositiveIntegerField(default=0)),
    ]

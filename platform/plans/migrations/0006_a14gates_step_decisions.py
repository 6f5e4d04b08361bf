"""Each completed step keeps the date of its decision and its due date (issue 14: lateness stays visible after
completion); the district's explicit "no comments" is a feedback record. Existing completions take the day they were
recorded (Vietnam time) and the due date the province calendar gives their plan year."""
from django.db import migrations, models

BACKFILL = """
UPDATE plans_cycletransition t SET
    decided_on = (t.at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date,
    due_on = (
        SELECT make_date(c.plan_year - 1, d.month, d.day)
        FROM plans_plancycle c JOIN public.province_stepdeadline d ON d.step = t.from_status AND d.from_plan_year <= c.plan_year
        WHERE c.id = t.cycle_id ORDER BY d.from_plan_year DESC LIMIT 1
    )
"""


class Migration(migrations.Migration):

    dependencies = [
        ("plans", "0005_cycle_transition_is_a_state_change"),
    ]

    operations = [
        migrations.AddField(model_name="cycletransition", name="decided_on", field=models.DateField(null=True, verbose_name="decided on")),
        migrations.AddField(model_name="cycletransition", name="due_on", field=models.DateField(blank=True, null=True, verbose_name="due date")),
        migrations.RunSQL(BACKFILL, migrations.RunSQL.noop),
        migrations.AlterField(model_name="cycletransition", name="decided_on", field=models.DateField(verbose_name="decided on")),
        migrations.AddField(model_name="districtfeedback", name="no_comments", field=models.BooleanField(default=False, verbose_name="no comments")),
    ]

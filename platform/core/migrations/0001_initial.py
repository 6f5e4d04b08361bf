"""StepDeadline and ReportingDeadline move from `province` to `core` with their tables, rows and content types.

Only Django's state moves (SeparateDatabaseAndState): the tables keep their names (`db_table`), so no
row is copied and nothing is locked. The content types are renamed so that admin permissions and log
entries follow the models.
"""
from django.db import migrations, models


def content_types_follow(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in ("stepdeadline", "reportingdeadline"):
        ContentType.objects.using(db).filter(app_label="province", model=model).update(app_label="core")


def content_types_back(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in ("stepdeadline", "reportingdeadline"):
        ContentType.objects.using(db).filter(app_label="core", model=model).update(app_label="province")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("province", "0002_reportingdeadline"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="StepDeadline",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("step", models.CharField(choices=[("team", "Form the planning team (Đ3)"), ("proposals", "Village meetings and proposals (Đ5, step 1)"), ("orientation", "District orientation (Đ5, step 2)"), ("draft", "Draft plan and consultation (Đ5, step 3)"), ("district_feedback", "District feedback (Đ5, step 4)"), ("sedp_conference", "SEDP conference and wide consultation (Đ5, step 5)"), ("approval", "Approval and announcement (Đ6)")], max_length=30, verbose_name="step")),
                        ("month", models.PositiveSmallIntegerField(verbose_name="month")),
                        ("day", models.PositiveSmallIntegerField(verbose_name="day")),
                        ("from_plan_year", models.PositiveSmallIntegerField(default=2016, verbose_name="valid from plan year")),
                        ("note", models.CharField(blank=True, max_length=200, verbose_name="legal basis")),
                    ],
                    options={
                        "db_table": "province_stepdeadline",
                        "verbose_name": "step deadline",
                        "verbose_name_plural": "step deadlines",
                        "ordering": ["step", "-from_plan_year"],
                        "constraints": [models.UniqueConstraint(fields=("step", "from_plan_year"), name="one_deadline_per_step_and_year")],
                    },
                ),
                migrations.CreateModel(
                    name="ReportingDeadline",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("kind", models.CharField(choices=[("quarter", "Quarter"), ("half", "Six months"), ("year", "Year")], max_length=10, unique=True, verbose_name="period")),
                        ("village_days", models.PositiveSmallIntegerField(verbose_name="village report due (days after the period)")),
                        ("commune_days", models.PositiveSmallIntegerField(verbose_name="commune report due (days after the period)")),
                        ("note", models.CharField(blank=True, max_length=200, verbose_name="legal basis")),
                    ],
                    options={
                        "db_table": "province_reportingdeadline",
                        "verbose_name": "reporting deadline",
                        "verbose_name_plural": "reporting deadlines",
                        "ordering": ["kind"],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(content_types_follow, content_types_back),
    ]

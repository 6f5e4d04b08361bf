"""plans.CycleTransition becomes an accounts.StateChange: from_step/to_step are renamed (rows kept), the step names
(17 characters at most) fit the shared 20, and every completion so far gets the action "completed". The plan's
event rows take the shared action length (40, unchanged here)."""
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("plans", "0004_files_district_layout"),
    ]

    operations = [
        migrations.RenameField(model_name="cycletransition", old_name="from_step", new_name="from_status"),
        migrations.RenameField(model_name="cycletransition", old_name="to_step", new_name="to_status"),
        migrations.AddField(
            model_name="cycletransition",
            name="action",
            field=models.CharField(default="completed", max_length=40),
            preserve_default=False,
        ),
        migrations.AlterField(
            model_name="cycletransition",
            name="from_status",
            field=models.CharField(blank=True, choices=[('team', 'Form the planning team (Đ3)'), ('proposals', 'Village meetings and proposals (Đ5, step 1)'), ('orientation', 'District orientation (Đ5, step 2)'), ('draft', 'Draft plan and consultation (Đ5, step 3)'), ('district_feedback', 'District feedback (Đ5, step 4)'), ('sedp_conference', 'SEDP conference and wide consultation (Đ5, step 5)'), ('approval', 'Approval and announcement (Đ6)'), ('published', 'Approved and announced')], max_length=20),
        ),
        migrations.AlterField(
            model_name="cycletransition",
            name="to_status",
            field=models.CharField(blank=True, choices=[('team', 'Form the planning team (Đ3)'), ('proposals', 'Village meetings and proposals (Đ5, step 1)'), ('orientation', 'District orientation (Đ5, step 2)'), ('draft', 'Draft plan and consultation (Đ5, step 3)'), ('district_feedback', 'District feedback (Đ5, step 4)'), ('sedp_conference', 'SEDP conference and wide consultation (Đ5, step 5)'), ('approval', 'Approval and announcement (Đ6)'), ('published', 'Approved and announced')], max_length=20),
        ),
    ]

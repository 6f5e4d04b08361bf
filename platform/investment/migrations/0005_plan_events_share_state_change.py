"""The investment plan's events use the field names of every other event row (accounts.StateChange): from_status,
to_status. A rename (ALTER TABLE … RENAME COLUMN): the rows stay."""
from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("investment", "0004_shared_references_without_constraints"),
    ]

    operations = [
        migrations.RenameField(model_name="planevent", old_name="from_state", new_name="from_status"),
        migrations.RenameField(model_name="planevent", old_name="to_state", new_name="to_status"),
    ]

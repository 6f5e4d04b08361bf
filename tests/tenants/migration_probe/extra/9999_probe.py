"""One AddField (a default, on a table with rows) and one AddIndex on a district table, after the app's newest migration."""
import re
from pathlib import Path

from django.db import migrations, models

import proposals.migrations

_newest = max(
    path.stem for folder in proposals.migrations.__path__ for path in Path(folder).glob("*.py") if re.match(r"\d{4}_", path.name)
)


class Migration(migrations.Migration):
    dependencies = [("proposals", _newest)]
    operations = [
        migrations.AddField("proposal", "probe_note", models.CharField(max_length=40, blank=True, default="chưa xem")),
        migrations.AddIndex("proposal", models.Index(fields=["probe_note", "id"], name="proposal_probe_note_idx")),
    ]

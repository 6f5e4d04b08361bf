"""A RunSQL whose statements begin with comment lines, on a district schema, after the app's newest migration."""
import re
from pathlib import Path

from django.db import migrations

import proposals.migrations

_newest = max(
    path.stem for folder in proposals.migrations.__path__ for path in Path(folder).glob("*.py") if re.match(r"\d{4}_", path.name)
)


class Migration(migrations.Migration):
    dependencies = [("proposals", _newest)]
    operations = [
        migrations.RunSQL(
            [
                "-- A table of the probe (a comment line first, as hand-written SQL often has)\n"
                "CREATE TABLE probe_sql_note (id integer PRIMARY KEY, note text NOT NULL)",
                "-- one\n-- two\nCREATE INDEX probe_sql_note_idx ON probe_sql_note (note)",
            ],
            reverse_sql=["DROP TABLE probe_sql_note"],
        ),
    ]

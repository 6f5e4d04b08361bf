"""The proposals app's migrations plus one test-only RunSQL migration, for `MIGRATION_MODULES = {"proposals": __name__}`.

`extra/9999_probe_sql.py` runs a list of statements that each begin with a comment line (issue 18: the replay
dropped such statements while recording the migration as applied). Never committed to a real schema.
"""
from pathlib import Path

import proposals.migrations

__path__ = [*proposals.migrations.__path__, str(Path(__file__).parent / "extra")]

"""The proposals app's migrations plus one test-only migration, for `MIGRATION_MODULES = {"proposals": __name__}`.

The package's path holds the app's own migrations folder and `extra/`, whose one migration adds a field
and an index to `proposals_proposal` (a district table): a real migration that is never committed.
"""
from pathlib import Path

import proposals.migrations

__path__ = [*proposals.migrations.__path__, str(Path(__file__).parent / "extra")]

#!/usr/bin/env python
"""Django's command-line utility. `platform/` is a source root, not a package."""
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent


def main():
    for path in (ROOT / "platform",):
        if str(path) not in sys.path:
            sys.path.insert(0, str(path))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()

"""`sedp-manage`: Django's command line for an installed copy (the wheel's console script; manage.py calls it too)."""
import os
import sys


def main() -> None:
    """Run a management command with config.settings (override with DJANGO_SETTINGS_MODULE), e.g. `sedp-manage check`."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)

"""The compiled translations are committed (an installed wheel carries them; deploy/test no longer compiles them), so each
`.mo` must be exactly what msgfmt makes of its `.po` now: a `.po` edited without `manage.py compilemessages` fails here.

Byte for byte, with the same msgfmt Django's compilemessages runs (`msgfmt --check-format`, GNU gettext from Debian's
`gettext` package, deploy/common.sh).
"""
import subprocess

import pytest

from tests.conftest import ROOT

CATALOGUES = sorted((ROOT / "platform").glob("*/locale/*/LC_MESSAGES/*.po"))


def test_every_app_with_a_catalogue_is_seen():
    assert {po.relative_to(ROOT / "platform").parts[0] for po in CATALOGUES} >= {"core", "frontend", "plans", "province", "investment", "monitoring"}


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda po: str(po.relative_to(ROOT / "platform")))
def test_the_committed_mo_is_the_po_compiled(po, tmp_path):
    mo = po.with_suffix(".mo")
    assert mo.is_file(), f"{mo.relative_to(ROOT)} is missing: run manage.py compilemessages and commit it"
    fresh = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check-format", "-o", str(fresh), str(po)], check=True, capture_output=True, timeout=120)
    assert fresh.read_bytes() == mo.read_bytes(), f"{mo.relative_to(ROOT)} is stale: run manage.py compilemessages and commit it"


def test_the_committed_mo_files_are_tracked_by_git():
    tracked = subprocess.run(["git", "ls-files", "platform/*/locale/*/LC_MESSAGES/*.mo"], cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    assert sorted(tracked) == sorted(str(po.with_suffix(".mo").relative_to(ROOT)) for po in CATALOGUES)

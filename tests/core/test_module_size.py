"""Modules of a readable size (issue 17 §2): no Python module under platform/ runs past MAX_LINES.

A module that grows past it is split by the Decision's steps or by entity, into a package that re-exports
what callers import (as `plans/services/`, `investment/services/` and `tenants/backup/` are). Migrations are
left out: makemigrations writes them and nobody reads them as code.
"""
from tests.conftest import ROOT

SOURCE = ROOT / "platform"
MAX_LINES = 600

# Modules allowed past MAX_LINES, each with its reason.
ALLOWED = {
    "accounts/access.py": "the one permission module: every rule of who may do what is in it, by design (the charter: every access rule lives in accounts/access.py)",
}


def line_counts():
    """{path relative to platform/: number of lines} of every Python module but migrations."""
    return {
        path.relative_to(SOURCE).as_posix(): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(SOURCE.rglob("*.py"))
        if "migrations" not in path.relative_to(SOURCE).parts
    }


def test_no_module_is_longer_than_the_limit_unless_allowed():
    long = {path: n for path, n in line_counts().items() if n > MAX_LINES and path not in ALLOWED}
    assert long == {}, f"split these modules by step or entity (or allow one in ALLOWED with a reason): {long}"


def test_every_allowed_module_exists_and_still_needs_its_exception():
    counts = line_counts()
    stale = {path: counts.get(path) for path in ALLOWED if counts.get(path, 0) <= MAX_LINES}
    assert stale == {}, f"drop these from ALLOWED (gone, or short enough now): {stale}"


def test_the_split_modules_are_packages():
    assert not (SOURCE / "investment" / "services.py").exists()
    assert not (SOURCE / "tenants" / "backup.py").exists()
    counts = line_counts()
    for package in ("investment/services", "tenants/backup"):
        modules = {path: n for path, n in counts.items() if path.startswith(package + "/")}
        assert len(modules) >= 4 and max(modules.values()) <= MAX_LINES, modules

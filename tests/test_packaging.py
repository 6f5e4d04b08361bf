"""The project installs like a project: a wheel built from pyproject.toml, installed in a fresh virtual environment
outside the repository, passes `sedp-manage check` and carries every app with its templates, static files,
compiled translations (it speaks Vietnamese) and reference data.

The wheel is built from a clean copy of the files git tracks, taken from the working tree (so uncommitted edits count,
untracked files and an old `build/` do not): setuptools reuses `build/lib` in place, where a deleted module would
still ship.
"""
import shutil
import subprocess
import sys
import zipfile

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

# Every package of the source root, read from it: a new app is checked without touching this file.
APPS = sorted(p.name for p in (ROOT / "platform").iterdir() if (p / "__init__.py").is_file())

# Run inside the fresh environment: where each app comes from, and what Django finds there.
PROBE = """
import json, django
from pathlib import Path
django.setup()
from django.apps import apps
from django.contrib.staticfiles import finders
from django.template.loader import get_template
import config
found = {
    "config": config.__file__,
    "apps": sorted(a.name for a in apps.get_app_configs() if not a.name.startswith(("django", "rest_framework", "drf_", "leaflet"))),
    "templates": [get_template(t).origin.name for t in ("province/plans.html", "plans/cycle.html", "proposals/proposals.html")],
    "static": finders.find("province/js/projects-layer.js"),
    "po": sorted(str(p.relative_to(Path(config.__file__).parents[1])) for p in Path(config.__file__).parents[1].glob("*/locale/vi/LC_MESSAGES/django.po")),
    "boundaries": (Path(config.__file__).parents[1] / "fixtures" / "bac-ninh" / "boundaries.geojson").is_file(),
}
from django.utils import translation
from core.models import PlanStep
with translation.override("vi"):
    found["vi"] = str(PlanStep.TEAM.label)
print(json.dumps(found))
"""


def tracked_files():
    """The paths git tracks (its index: committed or staged), relative to the repository root, that exist in the working tree."""
    listed = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60).stdout.decode()
    return sorted(p for p in listed.split("\0") if p and (ROOT / p).is_file())


def clean_copy(target):
    """Copy the tracked files of the working tree (with their uncommitted edits) into `target`; nothing else comes along."""
    for path in tracked_files():
        (target / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / path, target / path)
    return target


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    """A wheel built from a clean copy of the working tree's tracked files (never the repository's own build/)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = clean_copy(tmp / "source")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp / "dist"), str(source)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    return next((tmp / "dist").glob("sedp_platform-*.whl"))


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory):
    """The wheel installed with its dependencies in a new virtual environment (pip's cache serves them)."""
    tmp = tmp_path_factory.mktemp("venv")
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    install = subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(wheel)], capture_output=True, text=True, timeout=900)
    assert install.returncode == 0, install.stderr
    return venv


def run(venv, tmp_path, *args):
    # Outside the repository, with a production-like environment: nothing of the working tree is on the path.
    env = {"PATH": f"{venv / 'bin'}:/usr/bin:/bin", "DJANGO_SECRET_KEY": "wheel-check-" * 5, "DJANGO_DEBUG": "0",
           "DB_NAME": "sedp_wheel_check", "HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "config.settings"}
    return subprocess.run(args, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)


def test_the_wheel_passes_manage_check_from_a_fresh_environment(installed, tmp_path):
    result = run(installed, tmp_path, str(installed / "bin" / "sedp-manage"), "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_wheel_carries_every_app_its_templates_static_translations_and_data(installed, tmp_path):
    import json

    result = run(installed, tmp_path, str(installed / "bin" / "python"), "-c", PROBE)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])
    site = str(installed / "lib")
    assert found["config"].startswith(site)  # the installed copy, not the working tree
    assert set(APPS) <= set(found["apps"]) | {"config"}
    assert all(t.startswith(site) for t in found["templates"]), found["templates"]
    assert found["static"] and found["static"].startswith(site)
    assert {p.split("/")[0] for p in found["po"]} >= {"core", "frontend", "plans", "province", "investment", "monitoring"}
    assert found["boundaries"]
    assert found["vi"] == "Thành lập Tổ xây dựng kế hoạch (Điều 3)"  # core's compiled catalogue, from the installed copy


def test_the_wheel_ships_exactly_the_tracked_modules_and_catalogues(wheel):
    """A module deleted from the tree is gone from the wheel; every tracked module and compiled catalogue is in it."""
    packages = APPS
    expected = {p.removeprefix("platform/") for p in tracked_files()
                if p.startswith("platform/") and p.endswith((".py", ".mo")) and p.split("/")[1] in packages}
    with zipfile.ZipFile(wheel) as archive:
        shipped = {n for n in archive.namelist() if n.endswith((".py", ".mo")) and n.split("/")[0] in packages}
    assert shipped == expected, {"not tracked": sorted(shipped - expected), "missing": sorted(expected - shipped)}
    assert any(n.endswith("core/locale/vi/LC_MESSAGES/django.mo") for n in shipped)


def test_the_apps_are_read_from_the_source_root():
    assert {"guidance", "duties", "files", "core", "config"} <= set(APPS)
    assert "sedp_platform.egg-info" not in APPS


def test_every_dependency_has_its_line_in_the_readme():
    """pyproject.toml and the README's "Dependencies and why" table agree: each declared dependency (and test extra) is
    named in the table's first column (django-filter was dropped: no view had a filterset)."""
    import re
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    declared = [*project["dependencies"], *(d for extra in project["optional-dependencies"].values() for d in extra)]
    names = {re.match(r"[A-Za-z0-9_.\-]+", d).group(0).lower() for d in declared}
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("## Dependencies and why"):].split("\n\n## ", 1)[0]
    first_cells = " ".join(line.split("|")[1].lower() for line in table.splitlines() if line.startswith("| "))
    missing = sorted(n for n in names if not re.search(r"(?<![\w-])%s(?![\w-])" % re.escape(n), first_cells))
    assert missing == []
    assert "django-filter" not in names


def test_build_output_is_never_committed():
    for path in ("build/lib/core/models.py", "dist/sedp_platform-0.1.0-py3-none-any.whl"):
        assert subprocess.run(["git", "check-ignore", "-q", path], cwd=ROOT, timeout=60).returncode == 0, path

"""The project installs like a project: a wheel built from pyproject.toml, installed in a fresh virtual environment
outside the repository, passes `sedp-manage check` and carries every app with its templates, static files,
translations and reference data."""
import subprocess
import sys

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.slow

APPS = ["config", "core", "accounts", "geo", "tenants", "proposals", "plans", "investment", "monitoring", "province", "frontend", "fixtures"]

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
print(json.dumps(found))
"""


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """A wheel of the working tree installed with its dependencies in a new virtual environment (pip's cache serves them)."""
    tmp = tmp_path_factory.mktemp("wheel")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp / "dist"), str(ROOT)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    wheel = next((tmp / "dist").glob("sedp_platform-*.whl"))
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

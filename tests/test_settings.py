"""Settings and layout: production settings pass Django's deploy checks; `platform` stays the stdlib module."""
import os
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def run(args, **env):
    base = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(args, cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120)


def test_production_settings_pass_check_deploy():
    result = run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        DJANGO_DEBUG="0", DJANGO_HTTPS="1", DJANGO_ALLOWED_HOSTS="kehoach.bacninh.gov.vn",
        DJANGO_SECRET_KEY="x7" * 30 + "-Production-Secret-Key-With-Enough-Entropy",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_secret_key_fails_loudly(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    # A copy of the settings root without var/secret_key: the variable is then required.
    result = subprocess.run(
        [sys.executable, "-c", "import sys; sys.path[:0] = ['platform', '.']; "
         "import config.settings as s"],
        cwd=ROOT, env={**env, "DJANGO_DEBUG": "0", "PYTHONDONTWRITEBYTECODE": "1"}, capture_output=True, text=True,
    )
    key_file = ROOT / "var" / "secret_key"
    if key_file.exists():
        assert result.returncode == 0  # the local key file written by deploy/up or deploy/test is used
    else:
        assert "DJANGO_SECRET_KEY" in result.stderr


@pytest.mark.parametrize("where", ["root", "manage"])
def test_platform_is_the_standard_library_module(where):
    if where == "root":
        result = run([sys.executable, "-c", "import platform; print(platform.python_version())"])
    else:
        result = run([sys.executable, "manage.py", "shell", "-c", "import platform; print(platform.python_version())"])
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("3.")


def test_platform_under_pytest():
    import platform

    assert platform.python_version().startswith("3.")
    assert not (ROOT / "platform" / "__init__.py").exists()

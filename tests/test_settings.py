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


def settings_import(tmp_path, key_file_text=None):
    """Import the settings in production mode without DJANGO_SECRET_KEY, the key file pointed at tmp_path."""
    key_file = tmp_path / "secret_key"
    if key_file_text is not None:
        key_file.write_text(key_file_text)
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SECRET_KEY"}
    return subprocess.run(
        [sys.executable, "-c", "import sys; sys.path[:0] = ['platform', '.']; "
         "import config.settings as s; print(s.SECRET_KEY)"],
        cwd=ROOT, env={**env, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY_FILE": str(key_file), "PYTHONDONTWRITEBYTECODE": "1"},
        capture_output=True, text=True, timeout=120,
    )


def test_production_without_a_secret_key_fails_loudly(tmp_path):
    result = settings_import(tmp_path)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and "DJANGO_SECRET_KEY is not set" in result.stderr


def test_production_reads_the_key_file_when_the_variable_is_unset(tmp_path):
    result = settings_import(tmp_path, key_file_text="from-the-key-file-" * 3 + "\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "from-the-key-file-" * 3


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

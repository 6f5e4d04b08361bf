"""The compiled translations are committed (an installed wheel carries them; deploy/test no longer compiles them), so each
`.mo` must be exactly what msgfmt makes of its `.po` now: a `.po` edited without `manage.py compilemessages` fails here.

Byte for byte, with the same msgfmt Django's compilemessages runs (`msgfmt --check-format`, GNU gettext from Debian's
`gettext` package, deploy/common.sh).
"""
import re
import subprocess

import pytest
from django.template import Context, Template
from django.utils import translation

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


TEMPLATES = sorted((ROOT / "platform").glob("*/templates/**/*.html"))
TRANSLATE_TAG = re.compile(r"""\{%\s*trans(?:late)?\s+(["'])(.*?)\1""")


def test_no_translate_tag_holds_a_placeholder():
    """`{% translate '…%(n)s…' %}` is looked up as '…%%(n)s…', so its catalogue entry never matches and the page stays
    English (the projects page's import summary, issue 15): such strings go through `{% blocktranslate %}`."""
    wrong = [f"{path.relative_to(ROOT)}: {match.group(2)!r}" for path in TEMPLATES
             for match in TRANSLATE_TAG.finditer(path.read_text()) if "%(" in match.group(2)]
    assert wrong == []


def test_no_translate_tag_holds_a_percent_sign():
    """`{% translate "Physical progress (%)" %}` is looked up as "Physical progress (%%)" and stayed English on the
    Vietnamese projects page: the sign goes outside the tag."""
    wrong = [f"{path.relative_to(ROOT)}: {match.group(2)!r}" for path in TEMPLATES
             for match in TRANSLATE_TAG.finditer(path.read_text()) if "%" in match.group(2)]
    assert wrong == []


@pytest.mark.parametrize("attribute", ["data-text-previewed", "data-text-done"])
def test_the_project_import_summary_is_vietnamese(attribute):
    """The projects page's import summary, rendered in Vietnamese, keeps the placeholders project-import.js fills."""
    source = (ROOT / "platform/investment/templates/investment/projects.html").read_text()
    tag = re.search(rf'{attribute}="(.*?)"\s*[>\n]', source).group(1)
    with translation.override("vi"):
        text = Template("{% load i18n %}" + tag).render(Context())
    assert text.startswith(("Xem trước", "Đã nhập")), text
    assert all(f"%({name})s" in text for name in ("created", "matched", "duplicates", "refused")), text


def test_the_english_import_summaries_need_no_plural():
    """Review rv15c finding 11: the English summary read "1 rows refused". Each count follows its label ("rows refused: 1"),
    which reads right for any number, in the proposals page's labels and the projects page's summary."""
    sources = [(ROOT / "platform/proposals/views.py").read_text(), (ROOT / "platform/investment/templates/investment/projects.html").read_text()]
    counted = re.compile(r"(\{\w+\}|\{\{ \w+ \}\}|%\(\w+\)s) (rows|proposals|new projects|allocations|duplicate rows|already)\b")
    found = [match.group(0) for source in sources for match in counted.finditer(source)]
    assert found == []
    assert "rows refused: {refused}" in sources[0] and "rows refused: {{ refused }}" in sources[1]

"""A download link says what an official knows the file as ("Word · PDF · Excel"), not its file-name suffix: the plan
versions on the cycle and public plan pages read ".docx · PDF" (issue 15 review)."""
import re

from tests.conftest import ROOT

TEMPLATES = sorted((ROOT / "platform").glob("*/templates/**/*.html"))


def test_no_link_reads_as_a_file_suffix():
    wrong = [f"{path.relative_to(ROOT)}: {match.group(0)}" for path in TEMPLATES
             for match in re.finditer(r"<a\b[^>]*>\s*\.\w{2,5}\s*</a>", path.read_text())]
    assert wrong == []

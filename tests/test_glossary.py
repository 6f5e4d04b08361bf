"""Key words keep their Vietnamese term in every catalogue (issue 15, part 5: "History" was "Bản ghi nhớ", and
"History of the project" was "dự án đầu tư"). A glossary: each English word, wherever it appears in a msgid, is
rendered by its term in the msgstr."""
import re
from pathlib import Path

import pytest

PLATFORM = Path(__file__).resolve().parents[1] / "platform"
GLOSSARY = {"history": "lịch sử", "disbursement": "giải ngân", "log out": "đăng xuất"}


def entries():
    for path in sorted(PLATFORM.glob("*/locale/vi/LC_MESSAGES/django.po")):
        text = path.read_text()
        for match in re.finditer(r'msgid ((?:"(?:[^"\\]|\\.)*"\s*)+)msgstr ((?:"(?:[^"\\]|\\.)*"\s*)+)', text):
            msgid, msgstr = ("".join(re.findall(r'"((?:[^"\\]|\\.)*)"', group)) for group in match.groups())
            if msgid and msgstr:
                yield path.parts[-5], msgid, msgstr


@pytest.mark.parametrize("english, term", list(GLOSSARY.items()))
def test_each_word_keeps_its_term(english, term):
    wrong = [f"{app}: {msgid!r} → {msgstr!r}" for app, msgid, msgstr in entries()
             if re.search(rf"\b{english}\b", msgid, re.I) and term not in msgstr.lower()]
    assert wrong == []

"""Key words keep their Vietnamese term in every catalogue (issue 15, part 5: "History" was "Bản ghi nhớ", and
"History of the project" was "dự án đầu tư"). A glossary: each English word, wherever it appears in a msgid, is
rendered by its term in the msgstr."""
import gettext as gettext_module
import re
from pathlib import Path

import pytest
from django.utils import translation

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


def project_catalogues():
    """Each project app's compiled Vietnamese catalogue: (app, GNUTranslations)."""
    for path in sorted(PLATFORM.glob("*/locale/vi/LC_MESSAGES/django.mo")):
        with path.open("rb") as handle:
            yield path.parts[-5], gettext_module.GNUTranslations(handle)


def test_django_serves_the_projects_translation_of_every_msgid():
    """What Django really serves, not what our .po files say: a third-party catalogue (django.contrib.admin's
    "History" → "Bản ghi nhớ") or another project app's must never outrank an app's own msgstr."""
    wrong = []
    with translation.override("vi"):
        for app, catalogue in project_catalogues():
            for key, msgstr in catalogue._catalog.items():
                if isinstance(key, tuple):
                    msgid, index = key
                    served = translation.ngettext(msgid, msgid, 1) if index == 0 else msgstr
                elif "\x04" in key:
                    context, msgid = key.split("\x04", 1)
                    served = translation.pgettext(context, msgid)
                else:
                    msgid = key
                    served = translation.gettext(msgid) if msgid else msgstr
                if served != msgstr:
                    wrong.append(f"{app}: {msgid!r} → served {served!r}, ours {msgstr!r}")
    assert wrong == []

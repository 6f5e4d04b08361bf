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
# The Decision's key terms (Decision 07/2015/QĐ-UBND, /work/shared/seed: its own words, abbreviations included) and
# the platform's one word for each of its concepts: English concept → the Vietnamese every msgstr must use (any of
# the forms given). A msgid naming the concept whose msgstr lacks them fails, whatever the app.
DECISION_TERMS = {
    "planning team": ("tổ xây dựng kế hoạch",),
    "people's council": ("hội đồng nhân dân", "hđnd"),
    "people's committee": ("ủy ban nhân dân", "ubnd"),
    "finance-planning office": ("phòng tài chính - kế hoạch",),
    "village head": ("trưởng thôn",),
    "village": ("thôn",),
    "plan cycles?": ("kỳ kế hoạch",),
    "envelopes?": ("khung nguồn lực",),
    "socio-economic|sedp": ("kinh tế - xã hội", "kt-xh"),
    "public[- ]investment": ("đầu tư công",),
    "m&e": ("theo dõi, đánh giá",),
    "approv(e|ed|al|ing)": ("phê duyệt", "duyệt"),
    "orientation": ("định hướng",),
    "proposals?": ("đề xuất",),
    "capital sources?": ("nguồn vốn",),
    "resolution": ("nghị quyết",),
    "overdue": ("quá hạn",),
    "late": ("muộn",),
    "review map": ("thẩm định",),
}


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


@pytest.mark.parametrize("english, terms", list(DECISION_TERMS.items()))
def test_each_concept_of_the_decision_keeps_its_vietnamese_term(english, terms):
    """"History" can never again be "Bản ghi nhớ", nor the planning team "Tổ kế hoạch", nor a plan cycle "chu kỳ"."""
    wrong = [f"{app}: {msgid!r} → {msgstr!r}" for app, msgid, msgstr in entries()
             if re.search(rf"\b({english})\b", msgid, re.I) and not any(term in msgstr.lower() for term in terms)]
    assert wrong == []


def test_no_msgid_writes_a_plural_as_s_in_brackets():
    """"%(n)s item(s) waiting for you" reads "1 item(s)": a count takes ngettext and a msgid_plural (one msgstr[0]
    in Vietnamese, which has no plural)."""
    assert [f"{app}: {msgid!r}" for app, msgid, _msgstr in entries() if re.search(r"\w\(s\)", msgid)] == []


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


def entries_with_context():
    """(app, msgctxt or None, msgid, msgstr) of every translated entry of the project's Vietnamese catalogues."""
    for path in sorted(PLATFORM.glob("*/locale/vi/LC_MESSAGES/django.po")):
        for block in path.read_text().split("\n\n"):
            lines = [line for line in block.splitlines() if not line.startswith("#")]
            text = "\n".join(lines)
            match = re.search(r'^(?:msgctxt ((?:"(?:[^"\\]|\\.)*"\s*)+))?msgid ((?:"(?:[^"\\]|\\.)*"\s*)+)msgstr ((?:"(?:[^"\\]|\\.)*"\s*)+)', text, re.M)
            if not match:
                continue
            context, msgid, msgstr = ("".join(re.findall(r'"((?:[^"\\]|\\.)*)"', group)) if group else None for group in match.groups())
            if msgid and msgstr:
                yield path.parts[-5], context, msgid, msgstr


def test_no_msgid_without_context_has_two_translations_across_the_catalogues():
    """Django merges every app's catalogue into one per language: a msgid translated two ways in two apps ("Open" a
    status and a verb) is served with one of them everywhere. A word with two meanings takes a context (pgettext,
    `{% translate "…" context "…" %}`), so each meaning is its own entry."""
    seen = {}
    for app, context, msgid, msgstr in entries_with_context():
        if context is None:
            seen.setdefault(msgid, {}).setdefault(msgstr, []).append(app)
    assert {msgid: found for msgid, found in seen.items() if len(found) > 1} == {}


def verb_of(participle):
    """The verbs an English past participle may come from: "Accepted" → Accept, "Deferred" → Defer, "Approved" → Approve."""
    stem = participle[:-2]
    return {stem, participle[:-1], stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else stem, stem[:-1] + "y" if stem.endswith("i") else stem}


def test_a_state_never_reads_as_the_button_that_leads_to_it():
    """A status ("Accepted", "Rejected", "Deferred", "Suspended") and the verb of its button ("Accept", "Reject",
    "Defer", "Suspend") were one Vietnamese word: a chip "Không chấp nhận" beside a button "Không chấp nhận". Each
    past participle and its verb, wherever both are msgids, have different Vietnamese."""
    translations = {}
    for _app, _context, msgid, msgstr in entries_with_context():
        translations.setdefault(msgid, set()).add(msgstr.lower())
    same = [f"{msgid!r} and {verb!r} → {sorted(translations[msgid] & translations[verb])}"
            for msgid in translations if msgid.endswith("ed")
            for verb in verb_of(msgid) if verb != msgid and verb in translations and translations[msgid] & translations[verb]]
    assert same == []

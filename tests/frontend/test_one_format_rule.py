"""Issue 15, part 5: one formatting rule for numbers, percentages and dates on every page. Page scripts format
through UI.number / UI.percent / UI.date / UI.millions (frontend/js/ui.js: Intl in the page's language,
dd/mm/yyyy); none writes a figure with the browser's own `toLocaleString`/`toLocaleDateString` (mm/dd/yyyy or
"13.6" on some browsers) or glues " %" to a raw number ("13.6 %" on a Vietnamese page).

Allowed: ui.js and numbers.js (the rule itself and the typed-number reader), and `toFixed` that builds a query
string or SVG coordinates (machine text, never shown)."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "platform"
RULE_FILES = {"ui.js", "numbers.js"}
LOCALE = re.compile(r"\.toLocale(?:Date|Time)?String\s*\(")
RAW_PERCENT = re.compile(r"""[\w\]\)]\s*\+\s*["']\s?%["']""")
SHOWN_TOFIXED = re.compile(r"\.toFixed\s*\(")
MACHINE_TEXT = re.compile(r"bbox|clamp|xy\s*=|points|\bq\.set|coordinates|\.join\(\s*[\"'],[\"']\s*\)")


def findings(text):
    """(line, snippet) of every figure formatted outside the one rule."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        code = "" if line.lstrip().startswith("//") else line.split(" // ", 1)[0]
        if LOCALE.search(code) or RAW_PERCENT.search(code):
            found.append((number, line.strip()))
        elif SHOWN_TOFIXED.search(code) and not MACHINE_TEXT.search(code):
            found.append((number, line.strip()))
    return found


def scripts():
    return sorted(p for p in ROOT.glob("*/static/**/*.js")
                  if "vendor" not in p.parts and not p.name.endswith(".min.js") and p.name not in RULE_FILES)


def test_the_map_scripts_are_read():
    names = {p.name for p in scripts()}
    assert {"review-map.js", "projects-layer.js", "forms.js", "projects.js", "compare.js"} <= names


@pytest.mark.parametrize("path", scripts(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_page_script_formats_by_the_one_rule(path):
    assert findings(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("snippet", [
    # the lines this rule replaced: review-map.js, projects-layer.js's tooltip, monitoring forms.js, projects.js
    'return d.toLocaleString("vi-VN", { day: "2-digit", month: "2-digit", year: "numeric" });',
    '[T.progress, p.physical_progress + " %"],',
    'T.status + ": " + s + " · " + T.progress + ": " + p.physical_progress + " %", br(),',
    'if (label) { label.textContent = lat.toFixed(6) + ", " + lon.toFixed(6); }',
    'return new Date(e.at).toLocaleDateString("vi-VN") + " · " + e.action_label;',
])
def test_the_check_catches_the_old_lines(snippet):
    assert findings(snippet), snippet


@pytest.mark.parametrize("snippet", [
    '[T.progress, UI.percent(p.physical_progress)],', 'label.textContent = UI.number(lat, 6, 6);',
    'var clamp = function (v, m) { return Math.max(-m, Math.min(m, v)).toFixed(5); };',
    'var xy = function (p) { return (pad + p[0] * s).toFixed(1) + "," + (pad + s - p[1] * s).toFixed(1); };',
    'swatch.style.borderRadius = "50%";',
])
def test_the_check_lets_the_rule_and_machine_text_through(snippet):
    assert findings(snippet) == []

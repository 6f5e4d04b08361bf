"""Issue 15, part 3: no page script builds markup from data. Every script under platform/*/static is read and each
assignment to innerHTML/outerHTML, each insertAdjacentHTML or document.write, and each Leaflet `html:` option (a
divIcon's markup) must be a constant: data reaches the page through UI.el / textContent / createElementNS only."""
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2] / "platform"
CONSTANT = re.compile(r"""^\s*("[^"\\]*"|'[^'\\]*'|``)\s*$""")
ASSIGNMENT = re.compile(r"\.(?:innerHTML|outerHTML)\s*\+?=\s*([^;]*)")
INSERT = re.compile(r"insertAdjacentHTML\s*\(\s*[^,]+,\s*([^)]*)\)")
WRITE = re.compile(r"document\.write(?:ln)?\s*\(([^)]*)\)")
HTML_OPTION = re.compile(r"\bhtml\s*:\s*([^,}]*)")


def findings(text):
    """(line, snippet) of every markup built from something other than a constant string."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        code = line.split("//", 1)[0] if not line.lstrip().startswith("//") else ""
        for pattern in (ASSIGNMENT, INSERT, WRITE):
            found += [(number, line.strip()) for m in pattern.finditer(code) if not CONSTANT.match(m.group(1))]
        # a Leaflet `html:` takes a node (an identifier or UI.el(...)) or a constant; a string built here is markup
        for m in HTML_OPTION.finditer(code):
            value = m.group(1).strip()
            if ("+" in value or "escape(" in value or "`" in value) or (value[:1] in "\"'" and not CONSTANT.match(value)):
                found.append((number, line.strip()))
    return found


def scripts():
    return sorted(p for p in ROOT.glob("*/static/**/*.js") if "vendor" not in p.parts and not p.name.endswith(".min.js"))


def test_the_scripts_are_found():
    names = {p.name for p in scripts()}
    assert {"compare.js", "projects-layer.js", "maps.js", "ui.js"} <= names


@pytest.mark.parametrize("path", scripts(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_script_sets_markup_from_data(path):
    assert findings(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("snippet", [
    'div.innerHTML = html;', 'table.innerHTML = "<tr><td>" + esc(name) + "</td></tr>";', "el.outerHTML = '<b>' + x + '</b>';",
    'list.insertAdjacentHTML("beforeend", "<li>" + name + "</li>");', "chart.innerHTML += svg;", "document.write(text);",
    'icon: L.divIcon({ html: "<span>" + esc(count) + "</span>" })', "L.divIcon({ html: UI.escape(count), iconSize: [3, 3] })",
])
def test_the_check_catches_markup_built_from_data(snippet):
    assert findings(snippet), snippet  # the old compare.js and projects-layer.js lines were of these kinds


@pytest.mark.parametrize("snippet", ['tbody.innerHTML = "";', "node.innerHTML = '';", "L.divIcon({ html: UI.el('span', n) })",
                                     "L.divIcon({ className: 'x', html: count })"])
def test_the_check_lets_constants_and_nodes_through(snippet):
    assert findings(snippet) == []

"""Every status word (`.state-*` in any stylesheet) reads at WCAG AA, at least 4.5:1, on the page's background
(#f6f7f9), on white (cards, asides) and on its chip's own background: "Đang thực hiện" on the cycle page was
#1f6feb on #f6f7f9, 4.32:1 (issue 15 review; axe's colour-contrast, serious)."""
import re

from tests.conftest import ROOT

STYLESHEETS = sorted((ROOT / "platform").glob("*/static/**/*.css"))
PAGE_BACKGROUNDS = ["#f6f7f9", "#ffffff"]
RULE = re.compile(r"([^{}]+)\{([^}]*)\}")


def luminance(colour):
    red, green, blue = (int(colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return sum(weight * (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
               for weight, c in zip((0.2126, 0.7152, 0.0722), (red, green, blue)))


def contrast(one, other):
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def state_rules():
    """(stylesheet, state class, 'color' or 'background', #rrggbb) of every rule naming a `.state-*` class."""
    for path in STYLESHEETS:
        for selectors, body in RULE.findall(re.sub(r"/\*.*?\*/", "", path.read_text(), flags=re.S)):
            for prop in ("color", "background"):
                value = re.search(rf"(?<![-\w]){prop}\s*:\s*(#[0-9a-fA-F]{{6}})", body)
                if value:
                    for selector in selectors.split(","):
                        for state in re.findall(r"\.state-([\w-]+)", selector):
                            yield path.relative_to(ROOT), state, ".chip" in selector, prop, value.group(1)


def test_every_status_colour_reads_at_4_5_to_1():
    rules = list(state_rules())
    assert any(state == "in_progress" for _p, state, *_rest in rules)
    chips = {state: colour for _p, state, chip, prop, colour in rules if chip and prop == "background"}
    wrong = []
    for path, state, _chip, prop, colour in rules:
        if prop != "color":
            continue
        for background in PAGE_BACKGROUNDS + ([chips[state]] if state in chips else []):
            ratio = contrast(colour, background)
            if ratio < 4.5:
                wrong.append(f"{path}: .state-{state} {colour} on {background}: {ratio:.2f}:1")
    assert wrong == []

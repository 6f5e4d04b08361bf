"""The documentation holds together (issue 17): in README.md and docs/*.md every relative link and `#anchor` resolves
(the file exists; the anchor is a heading of it by GitHub's slug rule), every repository path named in code
(`platform/…`, `deploy/…`, `tests/…`, `bench/…`, `.ci/…`) exists, every management command named exists, and the
README, which is for users, maps every file of docs/.

The files are read as CommonMark with tables (markdown-it-py), as GitHub renders them, so a link or a heading shown
inside code is not taken for one. `problems(files)` is the checker; the last test shows that it fails on what is broken.
"""
import re
import shlex
import subprocess
import unicodedata
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.core.management import get_commands
from markdown_it import MarkdownIt

from tests.conftest import ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
MARKDOWN = MarkdownIt("commonmark").enable("table")
# A repository path inside code: from one of these roots, up to a space, a quote or a bracket.
PATH = re.compile(r"(?<![\w/.-])(?:\./)?((?:platform|deploy|tests|bench|\.ci)/[^\s`'\"()\[\],;]*)")
COMMAND = re.compile(r"(?:manage\.py|sedp-manage)[ \t]+([a-z][a-z0-9_]*)")
PLACEHOLDER = re.compile(r"<[^>/]*>|\{[^}/]*\}|…|\*")


def github_slug(text: str) -> str:
    """GitHub's anchor for a heading's text (github-slugger): lower case, every character but letters, marks,
    digits, `_`, `-` and spaces dropped, spaces made hyphens. "The commune plan cycle (Đ3–Đ7)" → "the-commune-plan-cycle-đ3đ7"."""
    kept = "".join(c for c in text.lower() if c in "-_ " or unicodedata.category(c)[:1] in ("L", "M") or unicodedata.category(c) in ("Nd", "Nl"))
    return kept.replace(" ", "-")


def _plain(inline) -> str:
    """The text of an inline token as GitHub shows it: text and code, no markup, no HTML."""
    return "".join(child.content for child in inline.children or () if child.type in ("text", "code_inline"))


def _read(path: Path):
    return MARKDOWN.parse(path.read_text(encoding="utf-8"))


def anchors(path: Path) -> set[str]:
    """The `#anchors` of a Markdown file: one per heading, a repeated one suffixed -1, -2… as GitHub does."""
    tokens, seen, found = _read(path), {}, set()
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            slug = github_slug(_plain(tokens[i + 1]))
            n = seen.get(slug, 0)
            seen[slug] = n + 1
            found.add(slug if n == 0 else f"{slug}-{n}")
    return found


def _walk(tokens):
    for token in tokens:
        yield token
        yield from token.children or ()


def _path_exists(name: str) -> bool:
    name = name.split("::")[0].rstrip(".:")  # `tests/x.py::test_name` names a test of the file
    if PLACEHOLDER.search(name):  # `platform/frontend/formats/<lang>/`, `tests/*/test_pages.py`: some file fits
        return any(ROOT.glob(PLACEHOLDER.sub("*", name).rstrip("/")))
    return (ROOT / name).exists()


def problems(files, *, root: Path = ROOT, commands=None) -> list[str]:
    """Every broken link, anchor, path and command of `files` (paths under `root`), as "file: what" lines; empty
    when all resolve. Paths named in code are repository paths; `commands` defaults to Django's."""
    commands = set(get_commands()) if commands is None else commands
    found, anchor_cache = [], {}
    for path in files:
        where = path.relative_to(root)
        tokens = _read(path)
        for token in _walk(tokens):
            if token.type == "link_open":
                href = unquote(token.attrs.get("href", ""))  # markdown-it percent-encodes "đ"
                if re.match(r"[a-z][a-z0-9+.-]*:", href):  # http:, https:, mailto:
                    continue
                target, _, anchor = href.partition("#")
                file = (path.parent / target).resolve() if target else path
                if not file.exists():
                    found.append(f"{where}: link to a missing file {href}")
                elif anchor and file.suffix == ".md":
                    if file not in anchor_cache:
                        anchor_cache[file] = anchors(file)
                    if anchor not in anchor_cache[file]:
                        found.append(f"{where}: link to a missing heading {href}")
            elif token.type in ("code_inline", "fence", "code_block"):
                found += [f"{where}: path {name} does not exist" for name in PATH.findall(token.content) if not _path_exists(name)]
                found += [f"{where}: management command {name} does not exist" for name in COMMAND.findall(token.content) if name not in commands]
        # A table headed "command" names a management command at the start of each row.
        in_table = False
        for i, token in enumerate(tokens):
            if token.type == "th_open" and tokens[i - 1].type == "tr_open":
                in_table = _plain(tokens[i + 1]).strip() == "command"
            elif in_table and token.type == "td_open" and tokens[i - 1].type == "tr_open":
                for code in (c for c in tokens[i + 1].children or () if c.type == "code_inline"):
                    name = re.match(r"\S*", code.content).group(0)
                    if name not in commands:
                        found.append(f"{where}: management command {name} does not exist")
    return found


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_path_and_command_of_the_documentation_resolves(path):
    assert problems([path]) == []


# Code that points to the documentation: `docs/OPERATIONS.md, "Streaming replica"`, `README's "Dependencies and why"`.
SECTION_REFERENCE = re.compile(r"(README(?:\.md)?|docs/[A-Z][A-Z-]*\.md)(?:'s)?,?\s+\"([^\"\n]+)\"")
CODE = [p for top in ("platform", "deploy", "tests", "bench", ".ci") for p in sorted((ROOT / top).rglob("*"))
        if p.is_file() and p.suffix in ("", ".py", ".sh", ".js", ".html", ".service", ".timer", ".toml")
        and ".egg-info" not in str(p) and "__pycache__" not in str(p) and "node_modules" not in str(p)]


def headings(path: Path) -> list[str]:
    tokens = _read(path)
    return [_plain(tokens[i + 1]) for i, t in enumerate(tokens) if t.type == "heading_open"]


def section_references(paths) -> list[str]:
    """Every `<README or docs file>, "<section>"` in `paths` whose file has no heading beginning with that text."""
    found = []
    for path in paths:
        text = path.read_text(encoding="utf-8", errors="replace")
        for name, section in SECTION_REFERENCE.findall(text):
            target = ROOT / (name if name.endswith(".md") else name + ".md")
            if not target.is_file() or not any(h.startswith(section) for h in headings(target)):
                found.append(f"{path.relative_to(ROOT)}: {name}, \"{section}\"")
    return found


def repeated_headings(path: Path) -> list[str]:
    """Headings of one level of a Markdown file that say the same, whole or before a colon ("Offline capture: the
    server side" beside "Offline capture: idempotency keys…"): one topic written up twice."""
    tokens, seen, found = _read(path), {}, []
    for i, token in enumerate(tokens):
        if token.type == "heading_open":
            text = _plain(tokens[i + 1])
            key = (token.tag, text.split(":")[0].strip().lower())
            if key in seen:
                found.append(f"{path.name}: {token.tag} “{seen[key]}” and “{text}”")
            seen.setdefault(key, text)
    return found


@pytest.mark.parametrize("path", DOCS, ids=lambda p: p.name)
def test_no_topic_has_two_headings_of_one_level(path):
    assert repeated_headings(path) == []


def test_repeated_headings_are_found(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("# A\n## Offline capture: keys\n### Tests\n## Routes\n### Tests\n## Offline capture: the server side\n", encoding="utf-8")
    assert repeated_headings(page) == ["page.md: h3 “Tests” and “Tests”", "page.md: h2 “Offline capture: keys” and “Offline capture: the server side”"]


def test_every_section_the_code_points_to_exists():
    """A comment or docstring saying where the documentation explains it names a file and a heading that exist."""
    assert section_references(CODE) == []


def test_every_setting_read_from_the_environment_is_on_the_operations_page():
    """An administrator finds every variable `platform/config/settings.py` reads in docs/OPERATIONS.md."""
    settings_module = (ROOT / "platform" / "config" / "settings.py").read_text(encoding="utf-8")
    names = set(re.findall(r"(?:environ\.get|getenv|env\w*)\(\s*\"([A-Z][A-Z0-9_]+)\"|environ\[\s*\"([A-Z][A-Z0-9_]+)\"", settings_module))
    names = {n for pair in names for n in pair if n}
    operations = (ROOT / "docs" / "OPERATIONS.md").read_text(encoding="utf-8")
    assert len(names) > 50
    assert sorted(n for n in names if not re.search(rf"`[^`\n]*\b{n}\b[^`\n]*`", operations)) == []  # in code: `NAME`, `NAME=0`


def test_every_management_command_of_the_project_is_in_the_operations_table():
    """The table of docs/OPERATIONS.md, "Management commands", names every command the project's apps define."""
    ours = {p.stem for p in (ROOT / "platform").glob("*/management/commands/*.py") if not p.stem.startswith("_")}
    tokens, listed, in_table = _read(ROOT / "docs" / "OPERATIONS.md"), set(), False
    for i, token in enumerate(tokens):
        if token.type == "th_open" and tokens[i - 1].type == "tr_open":
            in_table = _plain(tokens[i + 1]).strip() == "command"
        elif in_table and token.type == "td_open" and tokens[i - 1].type == "tr_open":
            listed |= {re.match(r"\S*", c.content).group(0) for c in tokens[i + 1].children or () if c.type == "code_inline"}
    assert len(ours) > 10
    assert sorted(ours - listed) == []


def test_the_readme_maps_every_file_of_docs():
    linked = {t.attrs["href"].partition("#")[0] for t in _walk(_read(ROOT / "README.md")) if t.type == "link_open"}
    assert sorted(f"docs/{p.name}" for p in DOCS[1:] if f"docs/{p.name}" not in linked) == []


def test_the_readme_stays_a_page_for_users():
    """The reference lives in docs/; the README keeps the introduction, the commands, the accounts and the dependencies."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert len(readme.encode()) < 24_000  # about 18 KB, 8 of them the dependency table
    assert readme.index("## Giới thiệu") < readme.index("## Quick start") < readme.index("## Dependencies and why")
    assert "./deploy/up" in readme and "./deploy/test" in readme


@pytest.mark.django_db
def test_the_readmes_gdal_line_reads_the_communes(live_url, tmp_path):
    """The README's GDAL example, run as written against a live server (`https://<host>` made its address): an
    anonymous GeoPackage of Bắc Ninh's 121 communes."""
    from django.contrib.gis.gdal import DataSource

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Connecting QGIS or GDAL"):].split("\n## ", 1)[0]
    lines = [line.split("#")[0] for token in MARKDOWN.parse(section) if token.type == "fence" for line in token.content.splitlines()]
    commands = [shlex.split(line.replace("https://<host>", live_url)) for line in lines if line.startswith("ogr2ogr ")]
    assert len(commands) == 1
    run = subprocess.run(commands[0], capture_output=True, text=True, cwd=tmp_path, timeout=300,
                         env={"PATH": "/usr/bin:/bin", "GDAL_HTTP_TIMEOUT": "60", "CPL_VSIL_CURL_USE_HEAD": "NO"})
    assert run.returncode == 0, run.stderr
    layer = DataSource(str(tmp_path / commands[0][3]))[0]
    assert layer.num_feat == 121
    assert {str(code) for code in layer.get_fields("code")} >= {"09193", "09205"}


def test_github_slugs():
    assert github_slug("The commune plan cycle (Đ3–Đ7)") == "the-commune-plan-cycle-đ3đ7"
    assert github_slug("Step 1: village meetings and proposals (Đ5), under /d/<slug>/api/") == (
        "step-1-village-meetings-and-proposals-đ5-under-dslugapi"
    )
    assert github_slug("What ./deploy/up does") == "what-deployup-does"


def test_the_checks_find_a_broken_link_anchor_path_and_command(tmp_path):
    """The checker fails on what is broken, and only on that."""
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "A.md").write_text("# A\n\n## Heading two\n\n## Heading two\n", encoding="utf-8")
    readme = tmp_path / "README.md"
    readme.write_text(
        "# R\n\n"
        "[ok](docs/A.md#heading-two) [ok](docs/A.md#heading-two-1) [ok](#r) [web](https://example.org/x)\n"
        "[gone](docs/B.md) [no heading](docs/A.md#heading-three) [not here](#nowhere)\n\n"
        "`platform/accounts/access.py` `platform/no/such.py` `deploy/up` "
        "`manage.py load_demo` `manage.py no_such_command` "
        "`[inside code](docs/C.md)`\n\n"
        "| command | what |\n|---|---|\n| `load_demo [--with-cycles]` | x |\n| `unknown_one` | y |\n",
        encoding="utf-8",
    )
    found = problems([readme], root=tmp_path, commands={"load_demo"})
    assert found == [
        "README.md: link to a missing file docs/B.md",
        "README.md: link to a missing heading docs/A.md#heading-three",
        "README.md: link to a missing heading #nowhere",
        "README.md: path platform/no/such.py does not exist",
        "README.md: management command no_such_command does not exist",
        "README.md: management command unknown_one does not exist",
    ]


def test_the_query_parameter_rules_are_written_once():
    """Review rv17c, 8: docs/API.md gave the query-parameter rules twice ("Conventions" and "Input as offices type it"),
    which drift apart; "Conventions" holds them and the other section links there."""
    text = (ROOT / "docs" / "API.md").read_text(encoding="utf-8")
    sections = dict(re.findall(r"^## (.+?)\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S))
    for phrase in ("QueryParamsMiddleware", "at most 500 characters", "tests/geo/test_unknown_parameters.py", "?statu="):
        where = [title for title, body in sections.items() if phrase in body]
        assert where == ["Conventions"], (phrase, where)
    assert "](#conventions)" in sections["Input as offices type it (numbers, dates, imports, query parameters)"]

"""Figures of the house (issue 17's closing note) for one or more git revisions, side by side: the import graph between
the apps of platform/ (cycles, upward imports, imports between apps hidden in a function) read by the layer test's
walker (`tests/core/test_layers.py`, the same rules and the same LAYERS), and the largest modules.

    .venv/bin/python bench/house_figures.py 9ab8939 HEAD      # two commits; "." is the working tree

Each revision's `platform/` is read from git (`git archive`), never imported: no database, no Django set-up. An app
that the revision has and today's LAYERS does not know counts as the top layer (it may import anything).
"""
import argparse
import io
import subprocess
import sys
import tarfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.core.test_layers import LAYER_OF, cycles, references  # noqa: E402


def sources(revision: str) -> dict[str, str]:
    """{path under platform/: text} of every .py file of `revision` ("." is the working tree)."""
    if revision == ".":
        return {str(p.relative_to(ROOT / "platform")): p.read_text() for p in (ROOT / "platform").rglob("*.py")}
    archive = subprocess.run(["git", "archive", revision, "platform"], cwd=ROOT, check=True, capture_output=True).stdout
    files = {}
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar.getmembers():
            if member.isfile() and member.name.endswith(".py"):
                files[member.name.removeprefix("platform/")] = tar.extractfile(member).read().decode()
    return files


def figures(revision: str) -> dict:
    files = sources(revision)
    known = {path.split("/")[0] for path in files if "/" in path}
    found = []
    for path, text in sorted(files.items()):
        if "/" in path and "migrations" not in path.split("/"):
            found += references(path.split("/")[0], text, "platform/" + path, known)
    edges = {}
    for r in found:
        edges.setdefault(r.app, set()).add(r.target)
    top = max(LAYER_OF.values()) + 1
    upward = [r for r in found if LAYER_OF.get(r.target, top) >= LAYER_OF.get(r.app, top)]
    sizes = sorted(((text.count("\n"), path) for path, text in files.items() if "migrations" not in path), reverse=True)
    return {
        "apps": len(known),
        "references between apps": len(found),
        "cycles": cycles(edges),
        "upward": len(upward),
        "upward pairs": sorted({f"{r.app}→{r.target}" for r in upward}),
        "hidden in a function": sum(r.hidden for r in found),
        "largest": sizes[:10],
        "over 700 lines": [p for n, p in sizes if n > 700],
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("revisions", nargs="+", help="git revisions; '.' for the working tree")
    args = parser.parse_args()
    for revision in args.revisions:
        f = figures(revision)
        print(f"== {revision}")
        print(f"apps {f['apps']}, references between apps {f['references between apps']}")
        print(f"cycles {len(f['cycles'])}: {f['cycles']}")
        print(f"upward imports {f['upward']}: {', '.join(f['upward pairs'])}")
        print(f"imports between apps hidden in a function {f['hidden in a function']}")
        print("largest modules (lines):")
        for lines, path in f["largest"]:
            print(f"  {lines:5d} platform/{path}")
        print(f"modules over 700 lines: {f['over 700 lines']}")


if __name__ == "__main__":
    main()

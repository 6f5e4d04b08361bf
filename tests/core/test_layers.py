"""Layers only point down: no import cycle between the apps of platform/, and no import hidden in a function to dodge one.

Read with `ast` from the source (every `import` and `from … import`, at module level or inside functions), so an
import added later anywhere under platform/ is covered without touching this file. Code named by a string counts
like an import: Django and the standard library load code from dotted strings (`import_string("plans.selectors.x")`,
`importlib.import_module("plans")`, `apps.get_model("plans", "PlanCycle")`, a relation to `"plans.PlanItem"`, a
list of paths looked up later), and such a string is as much a dependency as the import statement it replaces.
"""
import ast
import re
from typing import NamedTuple

from tests.conftest import ROOT

SOURCE = ROOT / "platform"

# From the ground up; an app may import only apps of lower layers (docs/ARCHITECTURE.md draws the same picture).
LAYERS = [
    {"core", "geo", "idempotency"},
    {"accounts"},
    {"tenants"},
    {"files"},
    {"proposals"},
    {"plans"},
    {"investment"},
    {"monitoring"},
    {"guidance"},
    {"duties"},
    {"province", "frontend", "offline"},
    {"fixtures", "config"},
]
LAYER_OF = {app: n for n, apps in enumerate(LAYERS) for app in apps}

# Calls that load code or models from an app label given alone as a literal string: import_module("plans"),
# apps.get_model("plans", "PlanCycle"), apps.get_app_config("plans"), __import__("plans").
LOADERS = {"import_string", "import_module", "__import__", "get_model", "get_app_config", "get_containing_app_config", "is_installed"}


class Reference(NamedTuple):
    app: str  # the app whose file refers
    target: str  # the app referred to
    file: str
    line: int
    hidden: bool  # an import statement inside a function other than AppConfig.ready
    how: str  # "import" or the string that names the other app

    def __str__(self):
        via = "imports" if self.how == "import" else f"names {self.how!r} of"
        return f"{self.file}:{self.line}: {self.app} {via} {self.target}"


def apps():
    return sorted(p.name for p in SOURCE.iterdir() if p.is_dir() and any(p.glob("*.py")))


def references(app, source, file, known):
    """Every reference from `app` (whose file `file` holds `source`) to another of the `known` apps: imports and strings."""
    tree = ast.parse(source, filename=file)
    dotted = re.compile(r"^(%s)(\.[A-Za-z_]\w*)+$" % "|".join(map(re.escape, sorted(known))))
    in_function = {}
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for inner in ast.walk(node):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    # Django's documented place for imports at start-up: AppConfig.ready() (models are loaded by then).
                    in_function[inner] = in_function.get(inner, True) and not (file.endswith("apps.py") and node.name == "ready")
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [(alias.name, "import") for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [(node.module, "import")]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and dotted.match(node.value):
            names = [(node.value, node.value)]  # "plans.selectors.district_counts", "plans.PlanItem"
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) and node.args[0].value in known
              and getattr(node.func, "id", getattr(node.func, "attr", None)) in LOADERS):
            names = [(node.args[0].value, node.args[0].value)]  # get_model("plans", "PlanCycle")
        else:
            continue
        for name, how in names:
            target = name.split(".")[0]
            if target in known and target != app:
                found.append(Reference(app, target, file, node.lineno, in_function.get(node, False), how))
    return found


def imports():
    """A Reference for every import between apps, and every string naming another app's code, under platform/ (migrations aside)."""
    known = set(apps())
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        found += references(path.relative_to(SOURCE).parts[0], path.read_text(), str(path.relative_to(ROOT)), known)
    return found


def cycles(edges):
    """Every strongly connected set of more than one app (Tarjan), as sorted lists."""
    index, low, stack, on_stack, result, counter = {}, {}, [], set(), [], [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in edges.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                result.append(sorted(component))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return result


def test_the_walker_sees_the_imports():
    found = imports()
    assert ("province", "core", "platform/province/apps.py") in {(r.app, r.target, r.file) for r in found}
    assert {r.app for r in found} >= {"plans", "investment", "province", "config"}
    assert ("monitoring", "plans", "plans.CommunePlan") in {(r.app, r.target, r.how) for r in found}  # a relation by label
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]  # the finder finds one


def test_the_walker_sees_code_named_by_strings():
    """The ways Django and the standard library load code from a string, each seen as a reference from tenants to plans."""
    source = """
import importlib
from django.apps import apps
from django.utils.module_loading import import_string

COUNTERS = ["plans.selectors.district_counts"]

def counts():
    import_string("plans.selectors.district_counts")
    importlib.import_module("plans")
    importlib.import_module("plans.selectors")
    apps.get_model("plans", "PlanCycle")
    apps.get_model("plans.PlanCycle")
    apps.get_app_config("plans")
    apps.get_model("tenants", "District")  # its own app: not a reference
    print("plans are made in five steps.")  # prose: not a reference
"""
    found = references("tenants", source, "platform/tenants/example.py", {"tenants", "plans"})
    assert sorted((r.line, r.target) for r in found if r.how != "import") == [(6, "plans"), (9, "plans"), (10, "plans"), (11, "plans"),
                                                                          (12, "plans"), (13, "plans"), (14, "plans")]
    assert "platform/tenants/example.py:6: tenants names 'plans.selectors.district_counts' of plans" in {str(r) for r in found}


def test_every_app_has_a_layer():
    assert set(apps()) <= set(LAYER_OF), set(apps()) - set(LAYER_OF)


def test_no_import_cycle_between_apps():
    edges = {}
    for r in imports():
        edges.setdefault(r.app, set()).add(r.target)
    assert cycles(edges) == []


def test_imports_point_down():
    upward = [str(r) for r in imports() if LAYER_OF.get(r.target, -1) >= LAYER_OF.get(r.app, 99)]
    assert upward == []


def test_no_import_between_apps_hidden_in_a_function():
    hidden = [str(r) for r in imports() if r.hidden]
    assert hidden == []

"""Layers only point down: no import cycle between the apps of platform/, and no import hidden in a function to dodge one.

Read with `ast` from the source (every `import` and `from … import`, at module level or inside functions), so an
import added later anywhere under platform/ is covered without touching this file.
"""
import ast

from tests.conftest import ROOT

SOURCE = ROOT / "platform"

# From the ground up; an app may import only apps of lower layers (docs/ARCHITECTURE.md draws the same picture).
LAYERS = [
    {"core", "geo"},
    {"accounts"},
    {"tenants"},
    {"files"},
    {"proposals"},
    {"plans"},
    {"investment"},
    {"monitoring"},
    {"province", "frontend"},
    {"fixtures", "config"},
]
LAYER_OF = {app: n for n, apps in enumerate(LAYERS) for app in apps}


def apps():
    return sorted(p.name for p in SOURCE.iterdir() if p.is_dir() and any(p.glob("*.py")))


def imports():
    """(importing app, imported app, file, line, inside a function other than AppConfig.ready) for every import between apps."""
    known = set(apps())
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        app = path.relative_to(SOURCE).parts[0]
        tree = ast.parse(path.read_text(), filename=str(path))
        in_function = {}
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                for inner in ast.walk(node):
                    if isinstance(inner, (ast.Import, ast.ImportFrom)):
                        # Django's documented place for imports at start-up: AppConfig.ready() (models are loaded by then).
                        in_function[inner] = in_function.get(inner, True) and not (path.name == "apps.py" and node.name == "ready")
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                target = name.split(".")[0]
                if target in known and target != app:
                    found.append((app, target, str(path.relative_to(ROOT)), node.lineno, in_function.get(node, False)))
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
    assert ("province", "core", "platform/province/apps.py") in {(a, b, f) for a, b, f, _line, _inner in found}
    assert {a for a, *_ in found} >= {"plans", "investment", "province", "config"}
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]  # the finder finds one


def test_every_app_has_a_layer():
    assert set(apps()) <= set(LAYER_OF), set(apps()) - set(LAYER_OF)


def test_no_import_cycle_between_apps():
    edges = {}
    for app, target, *_ in imports():
        edges.setdefault(app, set()).add(target)
    assert cycles(edges) == []


def test_imports_point_down():
    upward = [f"{file}:{line}: {app} imports {target}" for app, target, file, line, _inner in imports()
              if LAYER_OF.get(target, -1) >= LAYER_OF.get(app, 99)]
    assert upward == []


def test_no_import_between_apps_hidden_in_a_function():
    hidden = [f"{file}:{line}: {app} imports {target}" for app, target, file, line, inner in imports() if inner]
    assert hidden == []

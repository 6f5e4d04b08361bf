"""Labels follow the page's language (issue 15, part 5: the English dashboard showed Vietnamese statuses).

A label translated when a module is imported is frozen in the language active at start-up (Vietnamese): the
M&E dashboard's statuses came from such a dictionary, and the map layers' SQL-built choice labels likewise.
"""
import ast
from pathlib import Path

from django.utils import translation

PLATFORM = Path(__file__).resolve().parents[2] / "platform"


def _eager_calls(path):
    tree = ast.parse(path.read_text())
    eager = {alias.asname or alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
             and node.module == "django.utils.translation" for alias in node.names if alias.name in ("gettext", "ngettext", "pgettext")}
    found = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda)
            if not inside and isinstance(child, ast.Call) and isinstance(child.func, ast.Name) and child.func.id in eager:
                found.append(f"{path.relative_to(PLATFORM)}:{child.lineno}")
            visit(child, inside)

    if eager:
        visit(tree, False)
    return found


def test_no_module_translates_at_import_time():
    found = [call for path in PLATFORM.rglob("*.py") if "migrations" not in path.parts for call in _eager_calls(path)]
    assert found == [], "gettext at import time (use gettext_lazy): " + ", ".join(found)


def test_the_me_dashboard_statuses_follow_the_language():
    from monitoring.views import TEXT

    with translation.override("en"):
        assert (str(TEXT["submitted"]), str(TEXT["overdue"])) == ("submitted", "overdue")
    with translation.override("vi"):
        assert str(TEXT["submitted"]) != "submitted"


def test_sql_built_choice_labels_follow_the_language():
    from plans.layers import plan_works

    sql = plan_works.properties["sector_name"][1]
    with translation.override("en"):
        assert "THEN 'Transport'" in f"{sql}"
    with translation.override("vi"):
        assert "THEN 'Giao thông'" in f"{sql}"

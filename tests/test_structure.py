"""The shape docs/DEVELOPING.md promises, checked on the code itself (issue 10):
handlers are thin, use cases take an actor and no request, one module opens transactions,
and imports run one way: routes, then features, then tables."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

APP = Path(__file__).resolve().parent.parent / "app"
FEATURES = [
    "agencies",
    "areas",
    "auth",
    "boundaries",
    "briefing",
    "crime",
    "engagement",
    "home",
    "mentoring",
    "patrol",
    "people",
    "problems",
    "retention",
    "shifts",
    "subject_access",
    "taskings",
    "visits",
]
# Table-level and transaction-level calls a handler must leave to its use case.
QUERY_METHODS = {"select", "insert", "update", "delete", "objects", "exists", "count", "raw"}


def modules(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.py") if "piccolo_migrations" not in p.parts)


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(), filename=str(path))


def imported(module: ast.Module) -> set[str]:
    """Every module name imported, absolute (app.x.y), including inside functions."""
    names = set()
    for node in ast.walk(module):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def relative(path: Path) -> str:
    return str(path.relative_to(APP.parent))


def test_handlers_neither_query_tables_nor_open_transactions_nor_audit():
    found = []
    for path in modules(APP / "routes"):
        module = tree(path)
        for name in imported(module):
            if name.startswith(("app.tables", "app.database")) or name == "app.audit.record":
                found.append(f"{relative(path)} imports {name}")
        for node in ast.walk(module):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr in {"transaction", "atomic", "snapshot"}:
                    found.append(f"{relative(path)}:{node.lineno} opens a transaction")
                if node.func.attr == "record" and getattr(node.func.value, "id", "") == "audit":
                    found.append(f"{relative(path)}:{node.lineno} writes an audit entry")
    assert found == []


def test_no_function_in_a_feature_package_takes_a_request():
    found = []
    for feature in FEATURES:
        folder = APP / feature
        if not folder.is_dir():
            continue
        for path in modules(folder):
            module = tree(path)
            for name in imported(module):
                if name in {"litestar.Request", "litestar.connection.Request"}:
                    found.append(f"{relative(path)} imports {name}")
            for node in ast.walk(module):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    for arg in node.args.args + node.args.kwonlyargs:
                        if arg.arg == "request":
                            found.append(f"{relative(path)}:{node.lineno} {node.name}(request)")
    assert found == []


# The HTTP edge of signing in (the session cookie and the middleware that reads it) lives
# beside the sessions it reads; it is the one module of a feature package that knows HTTP.
HTTP_EDGE = {APP / "auth" / "sessions.py"}


def test_feature_packages_know_nothing_of_http():
    """Use cases are plain Python: no Litestar, no web helpers, no templates, no routes."""
    found = []
    for feature in FEATURES:
        for path in modules(APP / feature):
            if path in HTTP_EDGE:
                continue
            for name in imported(tree(path)):
                if name.split(".")[0] == "litestar" or name.startswith(
                    ("app.web", "app.templating", "app.routes", "app.main")
                ):
                    found.append(f"{relative(path)} imports {name}")
    assert found == []


def test_one_module_opens_transactions():
    found = []
    for path in modules(APP):
        if path == APP / "database.py":
            continue
        for node in ast.walk(tree(path)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "transaction"
            ):
                found.append(f"{relative(path)}:{node.lineno}")
    assert found == []


@pytest.mark.parametrize("layer", ["tables", *FEATURES])
def test_imports_run_one_way(layer):
    """Tables import no feature; no feature imports the routes (or the app that wires them)."""
    folder = APP / layer
    assert folder.is_dir(), f"app/{layer} should be a package (docs/DEVELOPING.md's table)"
    found = []
    for path in modules(folder):
        for name in imported(tree(path)):
            if name.startswith(("app.routes", "app.main")):
                found.append(f"{relative(path)} imports {name}")
            if (
                layer == "tables"
                and name.startswith("app.")
                and not name.startswith(("app.tables", "app.roles"))
            ):
                found.append(f"{relative(path)} imports {name}")
    assert found == []


def test_no_lists_of_callbacks_filled_at_start():
    """Behaviour must not depend on whether create_app() ran: no hook lists to append to."""
    found = []
    for path in modules(APP):
        for node in ast.walk(tree(path)):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "append"
                and isinstance(node.func.value, ast.Attribute | ast.Name)
                and (getattr(node.func.value, "attr", None) or node.func.value.id).isupper()
            ):
                found.append(f"{relative(path)}:{node.lineno}")
    assert found == []

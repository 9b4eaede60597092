"""The shape of the code, checked: the import graph of tracker/, pages/ and app.py (imports inside
functions included) has no cycle, and no layer imports one above it or one it must go around; and
the few things each layer alone may do (SQL, JSON columns, Streamlit) stay in that layer."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# what each layer may import (besides itself); anything else is an arrow up or a short cut
ALLOWED = {
    "tracker": set(),  # the package's own __init__
    "config": set(),
    "domain": set(),
    "i18n": {"domain"},
    "settings": {"config", "domain"},
    "formats": {"domain"},
    "store": {"config", "domain", "settings"},
    "inputs": {"domain", "i18n", "formats"},
    "outputs": {"config", "domain", "i18n", "formats"},
    "services": {"config", "domain", "i18n", "settings", "formats", "store", "inputs", "outputs"},
    # the faces: screens, the command line and the app read and write through the services only
    "ui": {"config", "domain", "i18n", "settings", "services"},
    "cli": {"config", "domain", "i18n", "settings", "services", "server", "cluster"},
    "api": {"config", "domain", "i18n", "settings", "services"},  # the HTTP face, as the screens
    "server": {"config", "api", "services"},  # one process: the screens, the API, the webhook deliveries
    "cluster": {"config", "services"},  # several of those processes behind HAProxy
    "pages": {"config", "domain", "i18n", "settings", "services", "ui"},
    "app": {"config", "domain", "i18n", "settings", "services", "ui"},
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in [*(ROOT / "tracker").rglob("*.py"), *(ROOT / "pages").rglob("*.py"), ROOT / "app.py"]:
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """Every tracker module ``name`` imports, at the top or inside a function."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                up = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join([*up, *([node.module] if node.module else [])])
            found |= {f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base for alias in node.names}
    return {m for m in found if m in MODULES and m != name}


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def layer(module: str) -> str:
    parts = module.split(".")
    if parts[0] in ("pages", "app"):
        return parts[0]
    return parts[1] if len(parts) > 1 else parts[0]


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif child not in index:
                index[child] = low[child] = len(index)
                stack.append(child)
                on_stack.add(child)
                work.append((child, iter(sorted(graph[child]))))
            elif child in on_stack:
                low[node] = min(low[node], index[child])
    return found


def test_the_graph_is_read_whole():
    # the checks below mean something only if the parser sees the imports: a few known arrows
    assert "tracker.store.records" in GRAPH["tracker.services.parties"]
    assert "tracker.domain.party_rules" in GRAPH["tracker.services.parties"]
    assert "tracker.services.backup" in GRAPH["tracker.cli"]  # imported inside a command function
    assert len(MODULES) > 150


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_itself_back_through_others():
    assert _cycles(GRAPH) == []


def test_no_layer_imports_one_above_it_or_goes_around_the_services():
    wrong = sorted(f"{module} → {target}" for module, targets in GRAPH.items() for target in targets
                   if layer(target) != layer(module) and layer(target) not in ALLOWED[layer(module)])
    assert wrong == []


def test_every_layer_is_named():
    assert {layer(m) for m in MODULES} <= set(ALLOWED)


def _sources(*folders: str) -> list[Path]:
    return [p for folder in folders for p in (ROOT / folder).rglob("*.py")] if folders else []


def _lines_matching(pattern: str, *folders: str) -> list[str]:
    regex = re.compile(pattern)
    return [f"{p.relative_to(ROOT)}:{n}" for p in _sources(*folders)
            for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1) if regex.search(line)]


@pytest.mark.parametrize("folder", ["tracker/domain", "tracker/services", "tracker/inputs", "tracker/outputs",
                                    "tracker/ui", "tracker/formats", "pages"])
def test_sql_is_written_in_the_store_only(folder):
    assert _lines_matching(r"\b(db|conn|connection)\.(execute|query|executemany)\(", folder) == []


def test_json_columns_are_coded_in_the_store_only():
    assert _lines_matching(r"\bjson\.(loads|dumps)\(|^import json", "tracker/services", "tracker/ui",
                           "tracker/outputs", "tracker/inputs", "pages") == []


def test_services_leave_absence_to_the_stores_lookups():
    assert _lines_matching(r"raise NotFound\(", "tracker/services") == []


def test_streamlit_is_used_by_the_screens_only():
    assert _lines_matching(r"^\s*(import streamlit|from streamlit)", "tracker/domain", "tracker/store",
                           "tracker/services", "tracker/inputs", "tracker/outputs", "tracker/formats") == []


def test_migrations_never_call_live_code():
    # a migration is frozen once shipped: what it does may not change when a module it calls does
    targets = GRAPH["tracker.store.migrations"]
    assert targets <= {"tracker.store.connection", "tracker.store.due_items"}, targets
    source = (ROOT / "tracker/store/migrations.py").read_text(encoding="utf-8")
    calls = {node.func.id for node in ast.walk(ast.parse(source))
             if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)}
    assert "rebuild_all" in calls  # only from the runner, after every migration: checked next
    runner = source[source.index("def migrate("):]
    assert source.count("rebuild_all(") == 1 and "rebuild_all(" in runner


@pytest.mark.parametrize("folder", ["tracker/store", "tracker/services"])
def test_every_public_function_says_what_it_does(folder):
    # as sqlite-utils documents its API: what it does, and what it raises
    bare = []
    for path in sorted((ROOT / folder).glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = [(n.name, n) for n in tree.body if isinstance(n, ast.FunctionDef)]
        functions += [(f"{c.name}.{n.name}", n) for c in tree.body if isinstance(c, ast.ClassDef)
                      and not c.name.startswith("_") for n in c.body if isinstance(n, ast.FunctionDef)]
        bare += [f"{path.name}:{name}" for name, node in functions
                 if not name.split(".")[-1].startswith("_") and not ast.get_docstring(node)]
    assert bare == []

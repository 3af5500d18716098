"""The floors hold: imports point down, never around.

Every import in the project's source (module level or inside a function) is read from the syntax tree,
so a lazy import counts as much as one at the top.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("hub", "devices", "scenes", "speech", "llm")
GROUND = "hub.core"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path, name: str, modules: set[str]) -> set[str]:
    """The project modules `path` imports; `from pkg import sub` is an import of pkg.sub, not of pkg."""
    tree = ast.parse(path.read_text(), filename=str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            subs = {f"{base}.{alias.name}" for alias in node.names}
            found.update(subs & modules)
            if subs - modules:
                found.add(base)
    return {m for m in found if m in modules and m != name}


def _graph() -> dict[str, set[str]]:
    paths = {_module_name(p): p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py")}
    return {name: _imports(path, name, set(paths)) for name, path in paths.items()}


def _unit(module: str) -> str:
    """The floor a module stands on: the ground floor, or its top-level package."""
    if module == GROUND or module.startswith(GROUND + "."):
        return GROUND
    return module.split(".")[0]


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One cycle of the graph, as a path that comes back to its start, or None."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt):], nxt]
            if nxt not in state and (found := visit(nxt)):
                return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(edges):
        if start not in state and (found := visit(start)):
            return found
    return None


def _unit_edges(graph: dict[str, set[str]]) -> dict[str, dict[str, list[str]]]:
    """unit -> unit -> the module imports that make the edge (for a readable failure)."""
    edges: dict[str, dict[str, list[str]]] = {}
    for module, targets in graph.items():
        for target in targets:
            if _unit(module) != _unit(target):
                edges.setdefault(_unit(module), {}).setdefault(_unit(target), []).append(f"{module} -> {target}")
    return edges


def test_the_packages_import_each_other_without_a_cycle() -> None:
    edges = _unit_edges(_graph())
    cycle = _cycle({u: set(t) for u, t in edges.items()})
    detail = [edges[a][b][:3] for a, b in zip(cycle, cycle[1:])] if cycle else []
    assert cycle is None, f"package cycle {' -> '.join(cycle or [])}: {detail}"


def test_the_ground_floor_imports_nothing_above_it() -> None:
    upward = sorted(e for target, found in _unit_edges(_graph()).get(GROUND, {}).items() for e in found)
    assert upward == []


def test_no_module_imports_another_that_imports_it_back() -> None:
    assert _cycle(_graph()) is None


@pytest.mark.parametrize("roof", ["hub.app", "hub.cli", "hub.web", "hub.wyoming"])
def test_nothing_below_the_roof_imports_it(roof: str) -> None:
    graph = _graph()
    below = [m for m, targets in graph.items() if _unit(m) != "hub"
             and any(t == roof or t.startswith(roof + ".") for t in targets)]
    assert below == []


def test_the_walker_sees_a_cycle_when_there_is_one() -> None:
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None
    assert _unit("hub.core.errors") == GROUND and _unit("hub.web.api") == "hub"

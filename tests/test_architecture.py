"""The layering of the package, checked on its import graph (docs/architecture.md).

Dependencies run one way: foundation, then data in and the law, then the engine, then
presentation, then the entry points. Every import counts, also one inside a function. No module
imports another module's private (``_``) names, and the graph has no cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = "boligmonitor"

# The first matching prefix gives a module's layer (more specific prefixes first).
LAYERS: list[tuple[str, int]] = [
    ("boligmonitor.errors", 0),
    ("boligmonitor.schemas", 0),
    ("boligmonitor.labels", 0),
    ("boligmonitor.options", 0),
    ("boligmonitor.formatting", 0),
    ("boligmonitor.validation", 1),
    ("boligmonitor.io", 1),
    ("boligmonitor.rules", 1),
    ("boligmonitor.criteria", 2),
    ("boligmonitor.disclosure", 2),
    ("boligmonitor.warning", 2),
    ("boligmonitor.outlook", 2),
    ("boligmonitor.microdata", 2),
    ("boligmonitor.datasets", 2),
    ("boligmonitor.targets", 2),
    ("boligmonitor.style", 3),
    ("boligmonitor.display", 3),
    ("boligmonitor.summary", 3),
    ("boligmonitor.plots", 3),
    ("boligmonitor.report", 3),
    ("boligmonitor.cli", 4),
    ("boligmonitor.project", 4),
    ("boligmonitor.notebook", 4),
]
NAMES = ["foundation", "data in and the law", "engine", "presentation", "entry points"]


def layer(module: str) -> int:
    if module == PACKAGE:
        return 4  # the package's lazy re-exports
    for prefix, level in LAYERS:
        if module == prefix or module.startswith(prefix + "."):
            return level
    raise AssertionError(f"{module} has no layer: add it to LAYERS and docs/architecture.md")


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted((SRC / PACKAGE).rglob("*.py")):
        parts = list(path.relative_to(SRC).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = path
    return out


def imports(module: str, path: Path) -> list[tuple[str, list[str], int]]:
    """Every (imported module, imported names, line) of the package in ``path``."""
    tree = ast.parse(path.read_text("utf-8"))
    is_package = path.name == "__init__.py"
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == PACKAGE:
                    found.append((alias.name, [], node.lineno))
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target.split(".")[0] == PACKAGE:
                found.append((target, [a.name for a in node.names], node.lineno))
    return found


def _resolve(target: str, names: list[str], known: dict[str, Path]) -> list[str]:
    """``from pkg import mod`` imports the module pkg.mod."""
    subs = [f"{target}.{n}" for n in names if f"{target}.{n}" in known]
    return subs or [target]


GRAPH = {m: imports(m, p) for m, p in modules().items()}


def test_every_module_has_a_layer():
    for module in GRAPH:
        layer(module)


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_module_imports_a_higher_layer(module):
    known = modules()
    mine = layer(module)
    for target, names, line in GRAPH[module]:
        for dep in _resolve(target, names, known):
            theirs = layer(dep)
            assert theirs <= mine, (
                f"{module} (layer {mine}, {NAMES[mine]}) imports {dep} (layer {theirs}, "
                f"{NAMES[theirs]}) at line {line}")


@pytest.mark.parametrize("module", sorted(GRAPH))
def test_no_module_imports_another_modules_private_names(module):
    for target, names, line in GRAPH[module]:
        if target == module:
            continue
        private = [n for n in names if n.startswith("_") and not n.startswith("__")]
        assert not private, f"{module} imports {private} from {target} at line {line}"


def test_the_import_graph_has_no_cycle():
    known = modules()
    edges = {m: {d for t, n, _ in deps for d in _resolve(t, n, known)
                 if d in known and d != m} for m, deps in GRAPH.items()}
    # A package imports its own submodules to re-export them: that is not a cycle.
    for m in edges:
        edges[m] = {d for d in edges[m] if not (d.startswith(m + ".") and known[m].name ==
                                               "__init__.py")}
    state: dict[str, int] = {}
    path: list[str] = []

    def visit(m: str) -> None:
        state[m] = 1
        path.append(m)
        for d in sorted(edges[m]):
            if state.get(d) == 1:
                cycle = [*path[path.index(d):], d]
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if d not in state:
                visit(d)
        path.pop()
        state[m] = 2

    for m in sorted(edges):
        if m not in state:
            visit(m)


def test_the_check_finds_an_upward_import(tmp_path):
    """The check itself can fail: an engine module importing a chart module is caught."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from boligmonitor.plots import plot_trend\n", "utf-8")
    (target, _names, _), = imports("boligmonitor.criteria.bad", bad)
    assert layer("boligmonitor.criteria.bad") < layer(target)

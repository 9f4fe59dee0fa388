"""The import graph of the product (`pipeline`, `schemas`): no cycle, no upward import, and
Dagster imported by the Dagster layer only.

Every import counts, at module level or inside a function: a lazy import only hides a cycle
from Python, not from the design. The graph is read from the source with `ast`, so the test
runs nothing of the product.
"""

from __future__ import annotations

import ast
from pathlib import Path

from pipeline.settings import PROJECT_DIR

PACKAGES = ("pipeline", "schemas")
# the layers, bottom up, as the data flows (README, "Architecture"): a module imports its own
# layer and the ones below, never one above
LAYERS = (
    ("schemas", "pipeline.errors", "pipeline.lazy", "pipeline.settings", "pipeline.progress"),
    ("pipeline.storage", "pipeline.safe_csv"),
    ("pipeline.ingest",),
    ("pipeline.validate",),
    ("pipeline.warehouse",),
    ("pipeline.reconcile",),
    ("pipeline.operations",),
    ("pipeline.publish",),
    ("pipeline.partitions",),
    ("pipeline.defs",),
    ("pipeline.cli", "pipeline.sample_data", "pipeline.synth", "pipeline"),
)
DAGSTER_LAYER = "pipeline.defs"


def module_name(path: Path) -> str:
    parts = path.relative_to(PROJECT_DIR).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path) -> set[str]:
    """Every module `path` imports, at module level or inside a function (a `from package
    import name` counts both `package` and `package.name`)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the product modules it imports (a `from package import module` names the
    module; anything else names the module imported from)."""
    paths = [p for package in PACKAGES for p in (PROJECT_DIR / package).rglob("*.py")]
    modules = {module_name(p): p for p in paths}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    found.add(full if full in modules else node.module)
            elif isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's algorithm)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in sorted(graph[node]):
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_product_has_no_import_cycle() -> None:
    graph = import_graph()
    assert len(graph) > 40 and graph["pipeline.cli"], "the graph was not read"
    assert cycles(graph) == []


def test_the_cycle_finder_finds_a_cycle() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]


def layer_of(module: str) -> int:
    """The index in LAYERS of the most specific prefix naming `module`."""
    best, rank = -1, -1
    for index, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if (module == prefix or module.startswith(prefix + ".")) and len(prefix) > best:
                best, rank = len(prefix), index
    assert rank >= 0, f"{module} is in no layer: add it to LAYERS"
    return rank


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{module} -> {other}"
        for module, others in graph.items()
        for other in others
        if layer_of(other) > layer_of(module)
    )


def test_no_layer_imports_a_layer_above_it() -> None:
    graph = import_graph()
    assert upward_imports(graph) == []


def test_the_layer_check_finds_an_upward_import() -> None:
    graph = {"pipeline.ingest.files": {"pipeline.publish.feeds"}, "pipeline.publish.feeds": set()}
    assert upward_imports(graph) == ["pipeline.ingest.files -> pipeline.publish.feeds"]


def test_only_the_dagster_layer_imports_dagster() -> None:
    outside = sorted(
        module_name(path)
        for package in PACKAGES
        for path in (PROJECT_DIR / package).rglob("*.py")
        if not module_name(path).startswith(DAGSTER_LAYER)
        and any(
            name == "dagster" or name.startswith(("dagster.", "dagster_"))
            for name in imports_of(path)
        )
    )
    assert outside == []
    assert any("dagster" in imports_of(p) for p in (PROJECT_DIR / "pipeline" / "defs").glob("*.py"))


def test_the_libraries_load_without_dagster() -> None:
    """Every module below the Dagster layer imports in a fresh interpreter that cannot import
    Dagster at all (a test can call the libraries without it)."""
    import subprocess
    import sys

    modules = sorted(m for m in import_graph() if layer_of(m) < layer_of(DAGSTER_LAYER))
    program = (
        "import sys, importlib\n"
        "class NoDagster:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'dagster' or name.startswith(('dagster.', 'dagster_')):\n"
        "            raise ImportError('dagster is not for the library layers')\n"
        "sys.meta_path.insert(0, NoDagster())\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", program],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]

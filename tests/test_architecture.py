"""The import graph keeps DESIGN.md's direction: cli/web → domains → storage, with no cycles.

Read from the source with `ast` (imports inside functions count too), so a violation fails here
before it becomes an import-time cycle somewhere else.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import suraksha

ROOT = Path(suraksha.__file__).parent
FOUNDATIONS = {"config", "errors", "ids", "paper", "parallel", "spreadsheets"}
ENTRY_POINTS = {"cli", "web", "workspace", "__main__"}
DOMAINS = {
    "intake", "hashing", "triage", "identity", "intel", "cases",
    "victims", "sharing", "security", "synthetic",
}  # fmt: skip


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def import_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for path in sorted(ROOT.rglob("*.py")):
        name = module_name(path)
        graph[name]
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, base] if base else anchor)
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            for target in targets:
                if target.startswith("suraksha.") and module_exists(target):
                    graph[name].add(target)
    return dict(graph)


def module_exists(name: str) -> bool:
    relative = Path(*name.split(".")[1:])
    return (ROOT / relative).with_suffix(".py").is_file() or (
        ROOT / relative / "__init__.py"
    ).is_file()


def top(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


GRAPH = import_graph()


def test_graph_was_read() -> None:
    assert "suraksha.intake.pipeline" in GRAPH
    assert "suraksha.hashing.matcher" in GRAPH["suraksha.intake.pipeline"]


def test_storage_and_foundations_import_no_domain() -> None:
    offenders = [
        (module, target)
        for module, targets in GRAPH.items()
        if top(module) in FOUNDATIONS | {"storage"}
        for target in targets
        if top(target) not in FOUNDATIONS | {"storage"}
    ]
    assert offenders == []


def test_domains_never_import_entry_points() -> None:
    offenders = [
        (module, target)
        for module, targets in GRAPH.items()
        if top(module) in DOMAINS
        for target in targets
        if top(target) in ENTRY_POINTS
    ]
    assert offenders == []


def test_domains_never_touch_another_domains_tables() -> None:
    offenders = [
        (module, target)
        for module, targets in GRAPH.items()
        if top(module) in DOMAINS
        for target in targets
        if target.endswith(".models") and top(target) != top(module)
    ]
    assert offenders == []


def test_every_top_level_module_is_classified() -> None:
    tops = {top(name) for name in GRAPH if top(name)}
    assert tops <= FOUNDATIONS | ENTRY_POINTS | DOMAINS | {"storage"}


def test_no_import_cycles() -> None:
    visiting: set[str] = set()
    done: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        if node in done:
            return
        if node in visiting:
            cycles.append([*trail[trail.index(node) :], node])
            return
        visiting.add(node)
        for target in sorted(GRAPH.get(node, ())):
            # A package's own __init__ importing its submodules is not a cycle of concern.
            if not node.startswith(target + "."):
                visit(target, [*trail, node])
        visiting.discard(node)
        done.add(node)

    for module in sorted(GRAPH):
        visit(module, [])
    assert cycles == []

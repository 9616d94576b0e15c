"""The architecture holds: import directions between stages, and no import circle.

Every import in the project is read with `ast` (module level and inside functions, so
a lazy import cannot hide a circle). The directions are the ones DESIGN.md draws: pure
stages import no I/O package, the store knows nothing of the service around it, and
the fetcher knows nothing of the store.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("checker", "store")

PURE_STAGES = (
    "checker.liveness",
    "checker.extract",
    "checker.evidence",
    "checker.support",
    "checker.verdict",
)
IO_PACKAGES = (
    "checker.fetch",
    "store",
    "checker.engine",
    "checker.web",
    "checker.cli",
    "checker.alerts",
)
RULES = [
    *((stage, IO_PACKAGES) for stage in PURE_STAGES),
    (
        "store",
        ("checker.engine", "checker.web", "checker.cli", "checker.fetch", "checker.alerts"),
    ),
    ("checker.fetch", ("store",)),
]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def project_modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts:
                found[module_name(path)] = path
    return found


MODULES = project_modules()


def imports_of(name: str, path: Path) -> Iterator[str]:
    """Project modules `name` imports, anywhere in its body."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            # `from pkg import sub` imports the submodule when there is one
            targets = [
                f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base
                for alias in node.names
            ]
        else:
            continue
        for target in targets:
            if target.split(".")[0] in PACKAGES:
                yield target


GRAPH = {name: sorted(set(imports_of(name, path))) for name, path in MODULES.items()}


def within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def test_the_walk_sees_real_imports() -> None:
    # guards the guard: if parsing broke, every rule below would pass vacuously
    assert "checker.liveness.cues" in GRAPH["checker.liveness.classify"]
    assert "store.db" in GRAPH["checker.cli.common"]
    assert len(MODULES) > 80


@pytest.mark.parametrize(("package", "forbidden"), RULES, ids=[r[0] for r in RULES])
def test_import_directions(package: str, forbidden: tuple[str, ...]) -> None:
    offences = [
        f"{module} imports {target}"
        for module, targets in GRAPH.items()
        if within(module, package)
        for target in targets
        if any(within(target, f) for f in forbidden)
    ]
    assert offences == []


def test_no_import_circle() -> None:
    """Depth-first search for a back edge; reports the first circle found."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> list[str] | None:
        state[module] = 1
        path.append(module)
        for target in GRAPH.get(module, []):
            if target == module or target not in GRAPH:
                continue
            # a package's __init__ re-exporting its own submodules is not a circle
            if within(target, module) or within(module, target):
                continue
            if state.get(target) == 1:
                return [*path[path.index(target) :], target]
            if target not in state and (circle := visit(target)):
                return circle
        path.pop()
        state[module] = 2
        return None

    for module in sorted(GRAPH):
        if module not in state and (circle := visit(module)):
            pytest.fail("import circle: " + " -> ".join(circle))

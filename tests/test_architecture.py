"""The house plan (docs/ARCHITECTURE.md), read from the source with ``ast``: no import circles between
the project's modules, no private name (``_x``) imported across modules, no flat file at the root of
``inspections/`` beyond the few it keeps.

An import inside a function counts as much as one at the top of a module: deferring it hides a circle
from Python, not from a reader. What the restructure has not reached yet is listed below; each entry
must still be true (the list only shrinks) and the list is empty when issue 12 is done.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("supervision", "schools", "inspections", "reports")

# What ``inspections/`` keeps at its root besides packages: the app's own files. (The calendar lives
# beside the clock in ``supervision``; the loop's vocabulary beside its models in ``inspections/models``.)
INSPECTIONS_ROOT_FILES = {"__init__.py", "apps.py", "urls.py"}

# Not moved yet (issue 12): each must still be there; remove an entry when its file moves.
PENDING_ROOT_FILES: set[str] = set()
PENDING_CIRCLES: list[set[str]] = []
PENDING_PRIVATE: set[tuple[str, str, str]] = set()


def modules() -> dict[str, Path]:
    """Every project module, by dotted name (tests, migrations and the virtualenv left out)."""
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _base(name: str, path: Path, node: ast.ImportFrom) -> str:
    """The absolute module an ``ImportFrom`` names (resolving ``from . import``)."""
    if not node.level:
        return node.module or ""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def imports(name: str, path: Path, known: dict[str, Path]) -> list[tuple[str, str | None]]:
    """(module imported, name imported from it or None) for every import in the file, at any depth."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found += [(alias.name, None) for alias in node.names if alias.name in known]
        elif isinstance(node, ast.ImportFrom):
            base = _base(name, path, node)
            for alias in node.names:
                submodule = f"{base}.{alias.name}"
                if submodule in known:
                    found.append((submodule, None))
                elif base in known:
                    found.append((base, alias.name))
    return found


def graph() -> tuple[dict[str, set[str]], list[tuple[str, str, str]]]:
    known = modules()
    edges: dict[str, set[str]] = {name: set() for name in known}
    private = []
    for name, path in known.items():
        for target, imported in imports(name, path, known):
            if target != name:
                edges[name].add(target)
            if imported and imported.startswith("_") and not imported.startswith("__") and target != name:
                private.append((name, target, imported))
    return edges, private


def circles(edges: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(component)

    import sys

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for node in sorted(edges):
            if node not in index:
                visit(node)
    finally:
        sys.setrecursionlimit(limit)
    return found


def test_no_import_circle_between_the_projects_modules():
    edges, _private = graph()
    found = circles(edges)
    unexpected = [c for c in found if not any(c <= pending for pending in PENDING_CIRCLES)]
    assert not unexpected, "import circles: " + "; ".join(" ↔ ".join(sorted(c)) for c in unexpected)
    gone = [p for p in PENDING_CIRCLES if not any(c & p for c in found)]
    assert not gone, f"these circles are gone, take them off PENDING_CIRCLES: {gone}"


def test_no_private_name_is_imported_from_another_module():
    _edges, private = graph()
    unexpected = sorted(set(private) - PENDING_PRIVATE)
    assert not unexpected, "private names imported across modules: " + "; ".join(
        f"{who} imports {what} from {where}" for who, where, what in unexpected
    )
    gone = PENDING_PRIVATE - set(private)
    assert not gone, f"no longer imported, take them off PENDING_PRIVATE: {sorted(gone)}"


def test_the_root_of_inspections_holds_only_packages_and_its_own_files():
    files = {p.name for p in (ROOT / "inspections").iterdir() if p.is_file() and p.suffix == ".py"}
    unexpected = files - INSPECTIONS_ROOT_FILES - PENDING_ROOT_FILES
    assert not unexpected, f"flat files at the root of inspections/ (give each a package): {sorted(unexpected)}"
    gone = PENDING_ROOT_FILES - files
    assert not gone, f"moved, take them off PENDING_ROOT_FILES: {sorted(gone)}"


def test_the_checks_see_a_circle_a_private_import_and_a_flat_file(tmp_path):
    """The checks themselves: a made-up pair of modules that import each other is a circle."""
    edges = {"a.x": {"a.y"}, "a.y": {"a.x"}, "a.z": {"a.x"}}
    assert circles(edges) == [{"a.x", "a.y"}]
    module = tmp_path / "m.py"
    module.write_text("def f():\n    from inspections.services import _secret\n")
    known = {"inspections.services": ROOT / "inspections" / "services.py", "m": module}
    assert imports("m", module, known) == [("inspections.services", "_secret")]

"""The layers hold: the core imports no edge, and no two modules import each other."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("widget_server", "static_build")
# What the pure core may never import: the HTTP server, the cache, the database, the edges.
FORBIDDEN_IN_CORE = ("starlette", "uvicorn", "diskcache", "sqlite3", "psycopg", "boto3", "static_build")
ALLOWED_ABOVE_CORE = {"widget_server.__version__"}  # the package's own version string


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every module a file imports, anywhere in it (functions included), as absolute names."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.add(target)
            found.update(f"{target}.{alias.name}" for alias in node.names)
    return found


def modules() -> dict[str, Path]:
    return {module_name(p): p for package in PACKAGES for p in (ROOT / package).rglob("*.py")}


CORE = sorted(name for name in modules() if name.startswith("widget_server.core"))


@pytest.mark.parametrize("name", CORE)
def test_the_core_imports_no_edge(name):
    found = imports(modules()[name])
    bad = sorted(
        target
        for target in found
        if target.split(".")[0] in FORBIDDEN_IN_CORE
        or (
            target.startswith("widget_server.")
            and not target.startswith("widget_server.core")
            and target not in ALLOWED_ABOVE_CORE
        )
    )
    assert bad == [], f"{name} imports {bad}"


def test_the_layering_check_sees_a_forbidden_import(tmp_path):
    probe = ROOT / "widget_server" / "core" / "_probe_for_test.py"
    probe.write_text("from ..store import Store\nimport starlette.responses\n")
    try:
        assert {"widget_server.store", "starlette.responses"} <= imports(probe)
    finally:
        probe.unlink()


def test_no_import_cycles():
    known = modules()
    graph = {
        name: {t for t in imports(path) if t in known and t != name and not name.startswith(t + ".")}
        for name, path in known.items()
    }
    cycles = []

    def visit(name, trail):
        if name in trail:
            cycles.append(trail[trail.index(name) :] + [name])
            return
        for nxt in sorted(graph[name]):
            if nxt not in done:
                visit(nxt, trail + [name])
        done.add(name)

    done: set[str] = set()
    for name in sorted(graph):
        visit(name, [])
    assert cycles == []

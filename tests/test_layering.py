"""The layers hold: the core imports no edge, each package imports only the packages below it, and
no two modules, and no two packages, import each other."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("widget_server", "static_build")
# What the pure core may never import: the HTTP server, the cache, the database, the edges.
FORBIDDEN_IN_CORE = ("starlette", "uvicorn", "diskcache", "sqlite3", "psycopg", "boto3", "static_build")
ALLOWED_ABOVE_CORE = {"widget_server.__version__"}  # the package's own version string
VERSION = "widget_server"  # widget_server/__init__.py: the version string, which anything may read

# Each package, and the packages it may import besides itself; lowest first. Each package in
# widget_server is a layer of its own, and "widget_server" is the modules on its top (cli, demo,
# messages). The build reads the store and the core (and the command line's helpers), never the
# service or the importers; static_build/program.py, the `trustwidgets` program, puts the commands of
# both on one command line, so static_build depends on widget_server and never the other way round.
LAYERS: dict[str, set[str]] = {
    "widget_server.core": set(),
    "widget_server.store": {"widget_server.core"},
    "widget_server.sources": {"widget_server.store", "widget_server.core"},
    "widget_server.http": {"widget_server.sources", "widget_server.store", "widget_server.core"},
    "widget_server": {"widget_server.http", "widget_server.sources", "widget_server.store", "widget_server.core"},
    "static_build": {"widget_server", "widget_server.store", "widget_server.core"},
}


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


def module_graph() -> dict[str, set[str]]:
    """Which of our modules each of our modules imports (a module's own packages left out)."""
    known = modules()
    return {
        name: {t for t in imports(path) if t in known and t != name and not name.startswith(t + ".")}
        for name, path in known.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The import cycles a walk of the graph finds (at least one wherever there is one)."""
    found: list[list[str]] = []
    done: set[str] = set()

    def visit(name: str, trail: list[str]) -> None:
        if name in trail:
            found.append(trail[trail.index(name) :] + [name])
            return
        for nxt in sorted(graph.get(name, ())):
            if nxt not in done:
                visit(nxt, trail + [name])
        done.add(name)

    for name in sorted(graph):
        if name not in done:
            visit(name, [])
    return found


def layer(module: str) -> str:
    """The package a module is layered as: a package of widget_server, else its top package."""
    top, _, rest = module.partition(".")
    sub = rest.partition(".")[0]
    if top == "widget_server" and sub and (ROOT / top / sub / "__init__.py").is_file():
        return f"{top}.{sub}"
    return top


def top_package(module: str) -> str:
    return module.partition(".")[0]


def package_graph(graph: dict[str, set[str]], package=layer) -> dict[str, set[str]]:
    """The modules' imports between packages (the version string left out)."""
    found: dict[str, set[str]] = {}
    for name, targets in graph.items():
        if name != VERSION:
            found.setdefault(package(name), set()).update(
                package(t) for t in targets if t != VERSION and package(t) != package(name)
            )
    return found


def layer_problems(graph: dict[str, set[str]]) -> list[str]:
    """Every import of a package that its layer does not allow."""
    return sorted(
        f"{name} imports {target}: {layer(name)} may import only {', '.join(sorted(LAYERS[layer(name)])) or 'itself'}"
        for name, targets in graph.items()
        if name != VERSION
        for target in targets
        if target != VERSION and layer(target) != layer(name) and layer(target) not in LAYERS[layer(name)]
    )


def test_no_import_cycles():
    assert cycles(module_graph()) == []


def test_every_package_has_its_place_in_the_layers():
    assert {layer(name) for name in modules() if name != VERSION} == set(LAYERS)
    assert (ROOT / "widget_server" / "__init__.py").read_text().count("import") == 0  # VERSION imports nothing
    assert all(allowed <= set(LAYERS) for allowed in LAYERS.values())
    assert cycles(LAYERS) == []  # the rule itself is an order


def test_each_package_imports_only_the_packages_below_it():
    assert layer_problems(module_graph()) == []


def test_no_import_cycles_between_packages():
    graph = module_graph()
    assert cycles(package_graph(graph)) == []
    assert cycles(package_graph(graph, top_package)) == []  # widget_server and static_build


def test_the_package_checks_see_a_cycle_between_widget_server_and_static_build():
    """As widget_server.cli once had it (it read `build --shard` with static_build.top.Shard): no
    two modules import each other, but the two packages do."""
    graph = module_graph()
    graph["widget_server.cli"] = graph["widget_server.cli"] | {"static_build.top"}
    assert cycles(graph) == []
    assert layer_problems(graph) == [
        "widget_server.cli imports static_build.top: widget_server may import only "
        "widget_server.core, widget_server.http, widget_server.sources, widget_server.store"
    ]
    assert ["static_build", "widget_server", "static_build"] in cycles(package_graph(graph, top_package))


def test_the_package_checks_see_a_layer_imported_upwards():
    graph = module_graph()
    graph["widget_server.store.sqlite"] = graph["widget_server.store.sqlite"] | {"widget_server.sources.importer"}
    assert layer_problems(graph) == [
        "widget_server.store.sqlite imports widget_server.sources.importer: "
        "widget_server.store may import only widget_server.core"
    ]
    assert cycles(package_graph(graph)) != []

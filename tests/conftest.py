from __future__ import annotations

import collections
from pathlib import Path

import pytest

from widget_server.store.open import open_store
from widget_server.store.sqlite import Store


def pytest_collection_modifyitems(items):
    """Mark each test with the real parts it uses (tests/layers.py): `make test-fast` leaves them out."""
    from tests import layers

    give_each_test_its_own_id(items)
    for item in items:
        for part in sorted(layers.parts_of(item)):
            item.add_marker(part)
    items[:] = longest_files_first(items)


# How long a file's tests take, roughly, from the real parts they use: a browser file takes tens of
# seconds, a slow one about ten, one with a server a few, a pure one a fraction of one.
WEIGHTS = {"browser": 3, "slow": 2, "postgres": 1, "nginx": 1, "s3": 1, "rsync": 1}


def longest_files_first(items):
    """The items, files that take long first, each file's tests together and in their order.

    make test hands each process whole files in this order (loadfile, without xdist's own
    reordering by number of tests, which put the few long browser files last): the short files
    at the end fill the time until the last long one ends, instead of a process waiting for it.
    (Alternating browser files with those that mostly wait for a server was slower: 4:55 and 520
    CPU-s against 4:33 and 483, docs/testing.md.)
    """
    weight: dict[str, int] = {}
    for item in items:
        path = item.nodeid.split("::", 1)[0]
        weight[path] = max([weight.get(path, 0), *(WEIGHTS.get(m.name, 0) for m in item.iter_markers())])
    return sorted(items, key=lambda item: -weight[item.nodeid.split("::", 1)[0]])


def give_each_test_its_own_id(items):
    """Schemathesis names the item of each API operation `test_public_json[GET /v1/…]`, but pytest 9
    builds node ids from the function's name alone, so they shared one. make test hands out whole
    files (xdist's loadfile), whose queue is keyed by node id: it would have run one of them. Each
    now has its operation in its id, and a collection where two tests still share one stops."""
    for item in items:
        label = getattr(item, "operation_label", None)
        if label:
            item._id = item.parent.id.child(item.originalname).with_params(label)
    shared = [nodeid for nodeid, count in collections.Counter(item.nodeid for item in items).items() if count > 1]
    if shared:
        raise pytest.UsageError(f"tests that share a node id (only one of them would run): {shared[:5]}")


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    from tests import layers

    layers.current = item  # the helpers that start a real part check its marker (layers.require)


# UTC+14 and UTC-11: whatever the hour, the local date differs from the UTC date in one of them.
@pytest.fixture(params=["UTC", "Europe/Amsterdam", "Pacific/Kiritimati", "Pacific/Pago_Pago", "America/Los_Angeles"])
def machine_timezone(request, monkeypatch):
    """Run a test as on a machine in another time zone: date rules must not depend on it."""
    import time

    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(scope="session")
def postgres_cluster():
    """One throw-away PostgreSQL cluster for the session, started on first use (tests/postgres.py)."""
    from tests.postgres import running_postgres

    with running_postgres() as url:
        yield url


@pytest.fixture(scope="session")
def platform_server():
    """The platforms' APIs as documented, served from 127.0.0.1 for the session (tests/platform_server.py)."""
    from tests.platform_server import PlatformServer

    server = PlatformServer()
    yield server
    server.close()


BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(params=BACKENDS)
def backend(request, monkeypatch):
    """Run a test on each store backend: SQLite in the data folder, or an empty PostgreSQL database
    (TRUSTWIDGETS_STORE, which every Store.open of the test, the CLI and the service read)."""
    if request.param == "postgresql":
        from tests.postgres import fresh_database

        cluster = request.getfixturevalue("postgres_cluster")
        name = "t_" + "".join(c if c.isalnum() else "_" for c in request.node.name.lower())[:50]
        monkeypatch.setenv("TRUSTWIDGETS_STORE", fresh_database(cluster, name))
    else:
        monkeypatch.delenv("TRUSTWIDGETS_STORE", raising=False)
    return request.param


@pytest.fixture
def store(tmp_path: Path, backend: str) -> Store:
    opened = open_store(tmp_path / "data")
    yield opened
    opened.close()


@pytest.fixture
def sqlite_store(tmp_path: Path, monkeypatch) -> Store:
    """A store for what only SQLite has (PRAGMAs, its file, its migrations from older versions)."""
    monkeypatch.delenv("TRUSTWIDGETS_STORE", raising=False)
    opened = Store.open(tmp_path / "data")
    yield opened
    opened.close()


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (make test installs it; a missing one fails)."""
    from playwright.sync_api import sync_playwright

    from tests.layers import require

    require("browser")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def module_tab(browser):
    page = browser.new_page()
    yield page
    page.close()


@pytest.fixture
def tab(module_tab):
    """A page of the module's one tab, reset for this test: blank, 1280 x 720, light, motion allowed.

    For tests where a fresh page is not what they are about. A new page costs Chromium about a
    quarter of a CPU-second (its renderer, and the browser's side of it), and the browser tests
    opened some 600: most of make test's time. A test that takes `tab` sets the viewport and
    colour scheme it needs, adds no init script, and removes every listener it adds.
    """
    module_tab.goto("about:blank")
    module_tab.set_viewport_size({"width": 1280, "height": 720})
    module_tab.emulate_media(color_scheme="light", reduced_motion="no-preference")
    return module_tab


@pytest.fixture(scope="module")
def host():
    """A second origin (another port) serving shop pages that paste a snippet."""
    from tests.browser import Pages

    pages = Pages()
    yield pages
    pages.server.shutdown()
    pages.server.server_close()

from __future__ import annotations

from pathlib import Path

import pytest

from widget_server.store.open import open_store
from widget_server.store.sqlite import Store


def pytest_collection_modifyitems(items):
    """Mark each test with the real parts it uses (tests/layers.py): `make test-fast` leaves them out."""
    from tests import layers

    for item in items:
        for part in sorted(layers.parts_of(item)):
            item.add_marker(part)


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

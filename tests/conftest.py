from __future__ import annotations

from pathlib import Path

import pytest

from widget_server.store import Store


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


@pytest.fixture
def store(tmp_path: Path) -> Store:
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

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def host():
    """A second origin (another port) serving shop pages that paste a snippet."""
    from tests.browser import Pages

    pages = Pages()
    yield pages
    pages.server.shutdown()
    pages.server.server_close()

from __future__ import annotations

import json
from pathlib import Path

import pytest

from widget_server.store import Store

SHOP = {
    "id": "wtw-winkel",
    "name": "WTW Winkel",
    "locales": ["nl", "en"],
    "default_locale": "nl",
    "source": "Trustpilot",
    "policy_url": "https://www.example.nl/reviews",
}


def review(**fields):
    """A valid review object; keyword arguments override or (with None) drop fields."""
    base = {
        "id": "r-1",
        "shop": "wtw-winkel",
        "rating": 5,
        "title": "Snel geleverd",
        "text": "Prima unit.",
        "author": "Jan de Vries",
        "email": "jan@example.nl",
        "language": "nl",
        "experienced_at": "2026-09-20",
        "created_at": "2026-10-01T12:00:00Z",
        "verification": "verified",
        "status": "published",
    }
    base.update(fields)
    return {k: v for k, v in base.items() if v is not None}


@pytest.fixture
def store(tmp_path: Path) -> Store:
    opened = Store.open(tmp_path / "data")
    yield opened
    opened.close()


def write_json(path: Path, document: object) -> Path:
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


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

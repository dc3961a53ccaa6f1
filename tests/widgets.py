"""Shared helpers for widget tests: a store filled with the fixed widget data set."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from widget_server.core.i18n import available_locales
from widget_server.core.options import Options
from widget_server.core.render import render_widget
from widget_server.core.widgets import WIDGETS
from widget_server.sources.importer import import_document
from widget_server.store.open import open_store
from widget_server.store.sqlite import Store

DATA = Path(__file__).parent / "data"
AS_OF = date(2026, 11, 23)

# The widgets from the registry, so a new one is tested everywhere without editing a test. A table
# of per-widget expectations keyed by name asserts that it covers WIDGET_NAMES.
WIDGET_NAMES = tuple(WIDGETS)
REVIEW_WIDGETS = tuple(name for name, spec in WIDGETS.items() if spec.reviews)  # those that show reviews


def widgets_fitting(width: int) -> tuple[str, ...]:
    """The widgets made to fit a slot `width` px wide (their `narrowest` is at most that)."""
    return tuple(name for name, spec in WIDGETS.items() if spec.narrowest <= width)


def fixture_store(path: Path, document: dict | None = None) -> Store:
    store = open_store(path)
    rejected: list = []
    import_document(
        store,
        document or json.loads((DATA / "widgets.json").read_text()),
        available_locales=available_locales(),
        on_reject=rejected.append,
    )
    assert rejected == [], rejected
    return store


DEFAULTS = Options(lang=())  # every language: the language default has its own tests


def render(store: Store, shop_id: str, widget: str, locale: str, options: Options = DEFAULTS) -> str:
    snapshot = store.snapshot(shop_id, AS_OF)
    assert snapshot is not None
    return render_widget(snapshot, widget, locale, options.resolve(snapshot.shop)).decode()

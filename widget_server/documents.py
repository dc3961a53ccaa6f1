"""The public documents of the URL tree as bytes: what the service answers and the build writes."""

from __future__ import annotations

from datetime import date
from typing import Any

from .data import load_reviews_page, load_widget_data
from .options import Resolved
from .records import Shop
from .render import render_json, render_version, render_widget
from .store import Store
from .summary import shop_summary


def summary_bytes(store: Store, shop: Shop, as_of: date, summary: dict[str, Any] | None = None) -> bytes:
    return render_json(summary if summary is not None else shop_summary(store, shop, as_of))


def reviews_bytes(store: Store, shop: Shop, locale: str, options: Resolved, as_of: date, page: int) -> bytes | None:
    document = load_reviews_page(store, shop, locale, options, as_of, page)
    return None if document is None else render_json(document)


def widget_bytes(
    store: Store,
    shop: Shop,
    widget: str,
    locale: str,
    options: Resolved,
    as_of: date,
    summary: dict[str, Any] | None = None,
) -> bytes:
    data = load_widget_data(store, shop, widget, options, as_of, summary)
    return render_widget(data, widget, locale, options, as_of)


def cache_key(kind: str, shop_version: str, as_of: date, *parts: str) -> str:
    """Everything a document's bytes depend on: change any part and the key changes."""
    return "|".join((render_version(), kind, shop_version, as_of.isoformat(), *parts))

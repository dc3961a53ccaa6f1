"""Every public document as bytes: what the service answers and the build writes (pure).

`render_document(snapshot, ref, options)` is the one entry point; the loader and the OpenAPI
document, which belong to no shop, come from `site_document(ref)`.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from .catalogue import FILTER_OPTIONS, DocumentRef
from .csp import WIDGET_SCRIPT, WIDGET_SCRIPT_DIGEST
from .formatting import json_for_script
from .i18n import locales_dir
from .jsonld import product_jsonld
from .loader import loader
from .models import Shop
from .openapi import openapi
from .options import Options, Resolved, parse_options
from .render import render_json, render_method, render_version, render_widget
from .snapshot import Snapshot
from .views import reviews_page
from .widgets import WIDGETS


class UnknownVariant(LookupError):
    """The shop has no variant of that name."""


def resolve(shop: Shop, ref: DocumentRef, asked: Options) -> Resolved:
    """The options a document renders with: a variant's own (the query aside), else the asked ones.

    Raises UnknownVariant, or OptionError for a variant the shop stored before a rule changed.
    """
    if ref.variant is None:
        return asked.resolve(shop)
    variant = shop.variant(ref.variant)
    if variant is None:
        raise UnknownVariant(ref.variant)
    return parse_options(variant.options).resolve(shop)


def render_document(
    snapshot: Snapshot, ref: DocumentRef, options: Resolved, directory: Path | None = None
) -> bytes | None:
    """The bytes of a shop document, or None when it does not exist (a page past the last)."""
    directory = directory or locales_dir()
    if ref.product:
        found = snapshot.products.get(ref.product)
        if found is None:
            return None
        snapshot = found
    if ref.kind == "summary":
        return render_json(dict(snapshot.summary))
    if ref.kind == "jsonld":
        data = product_jsonld(snapshot)
        return None if data is None else (json_for_script(data) + "\n").encode()
    if ref.kind == "reviews":
        options = options.every_language_by_default()
        reviews = snapshot.page(options.filter, ref.page)
        if reviews is None:
            return None
        return render_json(
            reviews_page(snapshot, reviews, locale=ref.locale, options=options, page=ref.page, directory=directory)
        )
    if ref.kind == "widget":
        return render_widget(snapshot, ref.widget, ref.locale, options, directory)
    if ref.kind == "method":
        return render_method(snapshot, ref.locale, directory)
    raise ValueError(f"{ref.kind} is not a shop document")


def site_document(ref: DocumentRef) -> bytes | None:
    """The bytes of a document outside the shops: the loader (both names), the widgets' script, OpenAPI."""
    if ref.kind == "loader":
        return loader().body
    if ref.kind == "loader-hashed":
        script = loader()
        return script.body if ref.digest == script.digest else None
    if ref.kind == "widget-script":
        return WIDGET_SCRIPT if ref.digest == WIDGET_SCRIPT_DIGEST else None
    if ref.kind == "openapi":
        return render_json(openapi())
    raise ValueError(f"{ref.kind} is a shop document")


def content_key(ref: DocumentRef, options: Resolved) -> str:
    """The part of the options a document's bytes depend on (and nothing else: a cache key)."""
    if ref.kind in ("summary", "method", "jsonld"):
        return ""
    if ref.kind == "reviews":
        return options.key(FILTER_OPTIONS)
    return options.key(WIDGETS[ref.widget].options)


def cache_key(ref: DocumentRef, shop_version: str, as_of: date, options: Resolved) -> str:
    """Everything a document's bytes depend on: change any part and the key changes."""
    return "|".join((render_version(), ref.path, shop_version, as_of.isoformat(), content_key(ref, options)))

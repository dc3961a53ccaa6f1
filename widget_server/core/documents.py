"""Every public document as bytes: what the service answers and the build writes (pure).

`render_document(snapshot, ref, options)` is the one entry point; the loader and the OpenAPI
document, which belong to no shop, come from `site_document(ref)`. Each renders as its kind
(catalogue.py) says.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

from .catalogue import DocumentRef
from .freshness import day_key
from .i18n import locales_dir
from .models import Shop
from .options import Options, Resolved, parse_options
from .render import render_version
from .snapshot import Snapshot


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
    return ref.kind.render(snapshot, ref, options, directory)


def stream_document(
    snapshot: Snapshot, ref: DocumentRef, options: Resolved, directory: Path | None = None
) -> Iterator[bytes] | None:
    """The bytes of `render_document` in pieces (one piece but for a document that streams)."""
    directory = directory or locales_dir()
    if ref.product:
        found = snapshot.products.get(ref.product)
        if found is None:
            return None
        snapshot = found
    return ref.kind.stream(snapshot, ref, options, directory)


def site_document(ref: DocumentRef) -> bytes | None:
    """The bytes of a document outside the shops: the loader (both names), the widgets' script, OpenAPI."""
    return ref.kind.render_site(ref)


def content_key(ref: DocumentRef, options: Resolved) -> str:
    """The part of the options a document's bytes depend on (and nothing else: a cache key)."""
    return options.key(ref.kind.content_options(ref))


def cache_key(ref: DocumentRef, shop_version: str, as_of: date, change: date | None, options: Resolved) -> str:
    """Everything a document's bytes depend on: change any part and the key changes.

    Of the date, only what its bytes depend on (freshness.day_key): the day the shop's documents
    are made for (`as_of`: freshness.last_change), or for a document that does not state it the
    day they next change (`change`); both stay the same from day to day until `change`.
    """
    day = day_key(ref.kind.states_day, as_of, change)
    return "|".join((render_version(), ref.path, shop_version, day, content_key(ref, options)))

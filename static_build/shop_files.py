"""The files of one shop: which documents, under which names, rendered by the shared functions."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from widget_server.core.catalogue import shop_documents
from widget_server.core.documents import render_document, resolve, stream_document
from widget_server.core.options import Options
from widget_server.core.render import render_version
from widget_server.core.snapshot import Snapshot
from widget_server.store.protocol import ReviewStore

from .layout import SHOP_MANIFEST_PREFIX, shop_manifest_name
from .writer import Writer, twin_codings


def _twins(brotli: bool) -> str:
    return ",".join(suffix for suffix, _ in twin_codings(brotli))


def shop_digest(shop_version: str, as_of: date, brotli: bool = False) -> str:
    """Everything a shop's files depend on: its data, the templates and catalogs, the twins, and
    the day they are made for (freshness.last_change: the same every day until the next change)."""
    text = f"{shop_version}|{render_version()}|{as_of.isoformat()}|{_twins(brotli)}"
    return hashlib.blake2b(text.encode(), digest_size=10).hexdigest()


def part_digests(snapshot: Snapshot, as_of: date, brotli: bool = False) -> dict[str, str]:
    """What each part of a shop's files depends on: "" the shop's own documents, else a product's.

    A product's documents show the shop's name, source, policy and colours, but not its reviews,
    so a new shop review leaves them as they were, and a new product review leaves the others.
    """
    record = json.dumps(snapshot.shop.to_record(), sort_keys=True)
    common = f"{render_version()}|{as_of.isoformat()}|{_twins(brotli)}"
    # the method page says whether the shop has products
    parts = {"": f"{snapshot.own_version}|{record}|{bool(snapshot.products)}|{common}"}
    for sku, product in snapshot.products.items():
        parts[sku] = f"{product.version}|{record}|{common}"
    return {part: hashlib.blake2b(text.encode(), digest_size=10).hexdigest() for part, text in parts.items()}


def render_shop(
    store: ReviewStore,
    shop_id: str,
    as_of: date,
    digest: str,
    target: Path,
    live: Path | None = None,
    *,
    brotli: bool = False,
) -> dict[str, Any]:
    """Gather the shop once, render each of its documents, write them into `target`.

    The documents are made for the last day time changed the shop (`snapshot.as_of`, at most
    `as_of`), and the file list records it with the day they next change.

    Documents of a part (the shop's own, or one product's) whose inputs are those of the
    shop's `live` folder are taken from it as hard links, not rendered again; the shop's
    summary, which lists its products, always is. The folder is complete, with its own file
    list `.files-<digest>.json`, when this returns; the caller swaps it in.
    """
    # One view of the store for the whole shop: a big shop's later pages are read as its first
    # were, though an import commits meanwhile (else they shift against page 1 and its totals).
    with store.reading():
        return _render_shop(store, shop_id, as_of, digest, target, live, brotli=brotli)


def _render_shop(
    store: ReviewStore, shop_id: str, as_of: date, digest: str, target: Path, live: Path | None, *, brotli: bool
) -> dict[str, Any]:
    snapshot = store.snapshot(shop_id, as_of)
    if snapshot is None:
        raise LookupError(f"no shop {shop_id!r} in the store")
    shutil.rmtree(target, ignore_errors=True)
    writer = Writer(target, brotli=brotli)
    parts = part_digests(snapshot, snapshot.as_of, brotli)
    earlier_parts, earlier_files = _earlier(live)

    def rendered() -> Iterator[tuple[str, bytes]]:
        for ref in shop_documents(snapshot):
            always = ref.kind.lists_products(ref)
            same = earlier_parts.get(ref.product) == parts[ref.product] and not always
            if same and live is not None and writer.link(ref.shop_path, live, earlier_files):
                continue
            options = resolve(snapshot.shop, ref, Options())
            if ref.kind.streams:  # the review feed: written as it is made, never held whole
                pieces = stream_document(snapshot, ref, options)
                assert pieces is not None, ref.path
                writer.write_stream(ref.shop_path, pieces)
                continue
            body = render_document(snapshot, ref, options)
            assert body is not None, ref.path  # the catalogue lists only pages that exist
            yield ref.shop_path, body

    writer.write_all(rendered())
    change = snapshot.kept_until
    record = {
        "as_of": snapshot.as_of.isoformat(),  # the day the documents are made for
        "next_change": None if change is None else change.isoformat(),  # and the first any differs
        "digest": digest,
        "files": writer.files,
        "parts": parts,
    }
    (target / shop_manifest_name(digest)).write_text(json.dumps(record, sort_keys=True, separators=(",", ":")))
    return record


def shop_manifest(folder: Path) -> dict[str, Any] | None:
    """A shop folder's own file list, digest and part digests; None when it has none."""
    try:
        names = [name for name in os.listdir(folder) if name.startswith(SHOP_MANIFEST_PREFIX)]
    except OSError:
        return None
    if len(names) != 1:
        return None
    try:
        data: dict[str, Any] = json.loads((folder / names[0]).read_text())
    except (OSError, ValueError):
        return None
    return data


def _earlier(live: Path | None) -> tuple[dict[str, str], dict[str, Any]]:
    """The part digests and files of the shop's live folder, if it is there to link from."""
    data = None if live is None else shop_manifest(live)
    if data is None:
        return {}, {}
    return data["parts"], data["files"]

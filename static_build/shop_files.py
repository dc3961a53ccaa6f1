"""The files of one shop: which documents, under which names, rendered by the shared functions."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from datetime import date
from pathlib import Path
from typing import Any

from widget_server.core.catalogue import shop_documents
from widget_server.core.documents import render_document, resolve
from widget_server.core.options import Options
from widget_server.core.render import render_version
from widget_server.core.snapshot import Snapshot
from widget_server.store import Store

from .writer import Writer

MANIFEST_SUFFIX = ".files.json"  # beside the shop's folder, so it is not served


def shop_digest(shop_version: str, as_of: date) -> str:
    """Everything a shop's files depend on: its data, the templates and catalogs, the date."""
    text = f"{shop_version}|{render_version()}|{as_of.isoformat()}"
    return hashlib.blake2b(text.encode(), digest_size=10).hexdigest()


def part_digests(snapshot: Snapshot, as_of: date) -> dict[str, str]:
    """What each part of a shop's files depends on: "" the shop's own documents, else a product's.

    A product's documents show the shop's name, source, policy and colours, but not its reviews,
    so a new shop review leaves them as they were, and a new product review leaves the others.
    """
    record = json.dumps(snapshot.shop.to_record(), sort_keys=True)
    common = f"{render_version()}|{as_of.isoformat()}"
    # the method page says whether the shop has products
    parts = {"": f"{snapshot.own_version}|{record}|{bool(snapshot.products)}|{common}"}
    for sku, product in snapshot.products.items():
        parts[sku] = f"{product.version}|{record}|{common}"
    return {part: hashlib.blake2b(text.encode(), digest_size=10).hexdigest() for part, text in parts.items()}


def render_shop(store: Store, shop_id: str, as_of: date, target: Path, previous: Path | None = None) -> dict[str, Any]:
    """Gather the shop once, render each of its documents, write them into `target`.

    Documents of a part (the shop's own, or one product's) whose inputs are those of the
    shop's `previous` folder are taken from it as hard links, not rendered again; the shop's
    summary, which lists its products, always is. The folder is written under a temporary name
    and renamed when complete.
    """
    if target.exists():
        return read_shop_manifest(target)
    snapshot = store.snapshot(shop_id, as_of)
    if snapshot is None:
        raise LookupError(f"no shop {shop_id!r} in the store")
    staging = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    writer = Writer(staging)
    parts = part_digests(snapshot, as_of)
    earlier_parts, earlier_files = _earlier(previous)
    for ref in shop_documents(snapshot):
        same = earlier_parts.get(ref.product) == parts[ref.product] and not (ref.kind == "summary" and not ref.product)
        if same and previous is not None and writer.link(ref.shop_path, previous, earlier_files):
            continue
        body = render_document(snapshot, ref, resolve(snapshot.shop, ref, Options()))
        assert body is not None, ref.path  # the catalogue lists only pages that exist
        writer.write(ref.shop_path, body)
    manifest = manifest_path(target)
    temporary = manifest.with_name(f"{manifest.name}.tmp-{os.getpid()}")
    temporary.write_text(json.dumps({"files": writer.files, "parts": parts}, sort_keys=True))
    temporary.replace(manifest)
    try:
        staging.rename(target)
    except OSError:
        if not target.exists():  # a concurrent build finished the same digest first: fine
            raise
        shutil.rmtree(staging, ignore_errors=True)
    return writer.files


def manifest_path(target: Path) -> Path:
    return target.with_name(target.name + MANIFEST_SUFFIX)


def _read(target: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(manifest_path(target).read_text())
    return data if "files" in data and "parts" in data else {"files": data, "parts": {}}  # before products


def read_shop_manifest(target: Path) -> dict[str, Any]:
    files: dict[str, Any] = _read(target)["files"]
    return files


def _earlier(previous: Path | None) -> tuple[dict[str, str], dict[str, Any]]:
    """The part digests and files of the shop's previous folder, if it is there to link from."""
    if previous is None or not previous.is_dir():
        return {}, {}
    try:
        data = _read(previous)
    except (OSError, ValueError):
        return {}, {}
    return data["parts"], data["files"]

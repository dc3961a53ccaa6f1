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
from widget_server.store import Store

from .writer import Writer

MANIFEST_SUFFIX = ".files.json"  # beside the shop's folder, so it is not served


def shop_digest(shop_version: str, as_of: date) -> str:
    """Everything a shop's files depend on: its data, the templates and catalogs, the date."""
    text = f"{shop_version}|{render_version()}|{as_of.isoformat()}"
    return hashlib.blake2b(text.encode(), digest_size=10).hexdigest()


def render_shop(store: Store, shop_id: str, as_of: date, target: Path) -> dict[str, Any]:
    """Gather the shop once, render each of its documents, write them into `target`.

    The folder is written under a temporary name and renamed when complete.
    """
    if target.exists():
        return read_shop_manifest(target)
    snapshot = store.snapshot(shop_id, as_of)
    if snapshot is None:
        raise LookupError(f"no shop {shop_id!r} in the store")
    staging = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    writer = Writer(staging)
    for ref in shop_documents(snapshot):
        body = render_document(snapshot, ref, resolve(snapshot.shop, ref, Options()))
        assert body is not None, ref.path  # the catalogue lists only pages that exist
        writer.write(ref.shop_path, body)
    manifest = manifest_path(target)
    temporary = manifest.with_name(f"{manifest.name}.tmp-{os.getpid()}")
    temporary.write_text(json.dumps(writer.files, sort_keys=True))
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


def read_shop_manifest(target: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(manifest_path(target).read_text())
    return data

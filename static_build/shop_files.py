"""The files of one shop: which documents, under which names, rendered by the shared functions."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from datetime import date
from pathlib import Path
from typing import Any

from widget_server.data import page_count, page_name
from widget_server.documents import reviews_bytes, summary_bytes, widget_bytes
from widget_server.options import Options, parse_options
from widget_server.records import Shop
from widget_server.render import WIDGETS, render_version
from widget_server.store import Store
from widget_server.summary import shop_summary

from .writer import Writer

MANIFEST_SUFFIX = ".files.json"  # beside the shop's folder, so it is not served


def variant_file(widget: str, variant: str | None) -> str:
    """`badge.html`, or `badge--dark-positive.html` for the shop's variant `dark-positive`."""
    return f"{widget}.html" if variant is None else f"{widget}--{variant}.html"


def shop_digest(shop_version: str, as_of: date) -> str:
    """Everything a shop's files depend on: its data, the templates and catalogs, the date."""
    text = f"{shop_version}|{render_version()}|{as_of.isoformat()}"
    return hashlib.blake2b(text.encode(), digest_size=10).hexdigest()


def render_shop(store: Store, shop: Shop, as_of: date, target: Path) -> dict[str, Any]:
    """Write every file of `shop` into `target` (created complete under a temporary name)."""
    if target.exists():
        return read_shop_manifest(target)
    staging = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    shutil.rmtree(staging, ignore_errors=True)
    writer = Writer(staging)
    summary = shop_summary(store, shop, as_of)  # once per shop, not once per widget
    writer.write("summary.json", summary_bytes(store, shop, as_of, summary))
    defaults = Options().resolve(shop)
    for locale in shop.locales:
        total = store.count_shown(shop.id, as_of, stars=defaults.stars, languages=defaults.lang)
        for page in range(1, page_count(total) + 1):
            body = reviews_bytes(store, shop, locale, defaults, as_of, page)
            assert body is not None
            writer.write(f"{locale}/{page_name(page)}", body)
        for widget in WIDGETS:
            writer.write(
                f"{locale}/{variant_file(widget, None)}",
                widget_bytes(store, shop, widget, locale, defaults, as_of, summary),
            )
            for variant in shop.variants:
                options = parse_options(variant.options).resolve(shop)
                body = widget_bytes(store, shop, widget, locale, options, as_of, summary)
                writer.write(f"{locale}/{variant_file(widget, variant.name)}", body)
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

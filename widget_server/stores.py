"""Which store a process uses: PostgreSQL when TRUSTWIDGETS_STORE (or --store) names one, else SQLite."""

from __future__ import annotations

import os
from pathlib import Path

from .store import Store, StoreError
from .store_postgres import PostgresStore, is_postgres_url

STORE_ENV = "TRUSTWIDGETS_STORE"  # a postgresql:// URL; unset or empty: the SQLite file in the data folder


def open_store(data_dir: Path | str, url: str | None = None) -> Store:
    """The store of `url` (default: env TRUSTWIDGETS_STORE), or the SQLite store in `data_dir`."""
    url = os.environ.get(STORE_ENV, "") if url is None else url
    if not url:
        return Store.open(data_dir)
    if not is_postgres_url(url):
        raise StoreError(f"{STORE_ENV} / --store takes a postgresql:// URL, or nothing for SQLite")
    return PostgresStore.connect(url)

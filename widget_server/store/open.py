"""Which store a process uses: PostgreSQL when TRUSTWIDGETS_STORE (or --store) names one, else SQLite."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from .postgres import PostgresStore, explain_postgres, is_postgres_url
from .protocol import ReviewStore, StoreError
from .sqlite import Store, explain

STORE_ENV = "TRUSTWIDGETS_STORE"  # a postgresql:// URL; unset or empty: the SQLite file in the data folder
SQLITE_FILE = "store.sqlite3"  # in the data folder (Store.open)


class NoStore(StoreError):
    """A command that only reads found no SQLite store where it looked."""


def sqlite_path(data_dir: Path | str) -> Path:
    """Where the SQLite store of `data_dir` is, as an absolute path (for messages)."""
    return Path(data_dir).absolute() / SQLITE_FILE


def store_url(url: str | None = None) -> str:
    """The PostgreSQL URL in use, or "" for the SQLite store in the data folder."""
    return os.environ.get(STORE_ENV, "") if url is None else url


def open_store(data_dir: Path | str, url: str | None = None, *, create: bool = True) -> ReviewStore:
    """The store of `url` (default: env TRUSTWIDGETS_STORE), or the SQLite store in `data_dir`.

    With `create=False` a missing SQLite store is NoStore instead of a new empty one: a command
    run in the wrong folder must not leave a store there. A PostgreSQL URL names its database
    outright, so it is opened (and its schema made) either way.
    """
    url = store_url(url)
    if not url:
        if not create and not sqlite_path(data_dir).exists():
            raise NoStore(
                f"no store at {sqlite_path(data_dir)}: run `trustwidgets import FILE` (or `trustwidgets init`) "
                "to make one, or set TRUSTWIDGETS_DATA (or --data) to the folder that holds it"
            )
        return Store.open(data_dir)
    if not is_postgres_url(url):
        raise StoreError(f"{STORE_ENV} / --store takes a postgresql:// URL, or nothing for SQLite")
    return PostgresStore.connect(url)


def explain_failure(error: Exception, store: ReviewStore) -> StoreError | None:
    """One plain sentence for a failure of `store`'s engine (busy, full, unreachable), or None
    when `error` is not the store's: a bug, to be raised as it is."""
    if isinstance(error, StoreError):
        return error
    if isinstance(error, sqlite3.Error):
        return explain(error, store.path)
    if type(error).__module__.startswith("psycopg"):
        return explain_postgres(error, str(store.path), getattr(store, "url", ""))
    return None

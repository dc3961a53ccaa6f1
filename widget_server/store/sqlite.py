"""The SQLite review store: one file in WAL mode, SQLite's dialect, and its schema's history.

The queries are base.py's and the current schema schema.py's; this module adds what is
SQLite's own: the connection (a file made private before SQLite opens it), `PRAGMA
data_version` for changes, and the migrations that moved older stores to the current schema.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Hashable, Sequence
from operator import itemgetter
from pathlib import Path
from typing import Any

from .base import BUSY_SECONDS, SqlStore, window_sql
from .dialect import Dialect
from .protocol import Connection, StoreError

KEYS_PER_QUERY = 500  # rows whose stored values one query reads (an import's batch; SQLite takes 32,766 parameters)
# SQLite's history: each migration moves a store one version up; never edit one that has shipped.
# A new store is made from schema.py (the current schema) instead, at the last version.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE shops (
        id TEXT PRIMARY KEY,
        record TEXT NOT NULL,
        reviews_xor TEXT NOT NULL,
        version TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE reviews (
        shop TEXT NOT NULL REFERENCES shops(id),
        id TEXT NOT NULL,
        rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        author TEXT NOT NULL,
        language TEXT NOT NULL,
        experienced_on TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_on TEXT NOT NULL,
        verification TEXT NOT NULL CHECK (verification IN ('verified', 'imported')),
        status TEXT NOT NULL CHECK (status IN ('published', 'flagged', 'removed')),
        reply_text TEXT,
        reply_created_at TEXT,
        digest TEXT NOT NULL,
        PRIMARY KEY (shop, id)
    ) WITHOUT ROWID;
    -- The summary reads only this index (covering): one range scan per shop and window.
    CREATE INDEX reviews_window ON reviews (shop, created_on, verification, status, rating);
    -- The shown reviews, newest first.
    CREATE INDEX reviews_newest ON reviews (shop, created_at DESC, id);
    -- Emails are the audit reference of a purchase: kept apart so no widget query can read them.
    CREATE TABLE review_audit (
        shop TEXT NOT NULL,
        id TEXT NOT NULL,
        email TEXT,
        PRIMARY KEY (shop, id)
    ) WITHOUT ROWID;
    """,
    # 2: created_at keeps microseconds in a fixed-width text that sorts as the moments do, and
    # an index serves the newest reviews of each (rating, language) group for snapshots.
    """
    UPDATE reviews SET created_at = substr(created_at, 1, 19) || '.000000Z' WHERE length(created_at) = 20;
    UPDATE reviews SET reply_created_at = substr(reply_created_at, 1, 19) || '.000000Z'
        WHERE length(reply_created_at) = 20;
    CREATE INDEX reviews_groups ON reviews (shop, rating, language, created_at DESC, id)
    """,
    # 3: a third verification, `unverified` (SQLite changes a CHECK only by copying the table),
    # and the push endpoint's tokens: a public id and a hash of the secret, never the secret.
    """
    CREATE TABLE reviews_3 (
        shop TEXT NOT NULL REFERENCES shops(id),
        id TEXT NOT NULL,
        rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        author TEXT NOT NULL,
        language TEXT NOT NULL,
        experienced_on TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_on TEXT NOT NULL,
        verification TEXT NOT NULL CHECK (verification IN ('verified', 'imported', 'unverified')),
        status TEXT NOT NULL CHECK (status IN ('published', 'flagged', 'removed')),
        reply_text TEXT,
        reply_created_at TEXT,
        digest TEXT NOT NULL,
        PRIMARY KEY (shop, id)
    ) WITHOUT ROWID;
    INSERT INTO reviews_3 SELECT shop, id, rating, title, text, author, language, experienced_on, created_at,
        created_on, verification, status, reply_text, reply_created_at, digest FROM reviews;
    DROP TABLE reviews;
    ALTER TABLE reviews_3 RENAME TO reviews;
    CREATE INDEX reviews_window ON reviews (shop, created_on, verification, status, rating);
    CREATE INDEX reviews_newest ON reviews (shop, created_at DESC, id);
    CREATE INDEX reviews_groups ON reviews (shop, rating, language, created_at DESC, id);
    CREATE TABLE push_tokens (
        id TEXT PRIMARY KEY,
        shop TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        label TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    ) WITHOUT ROWID
    """,
    # 4: product reviews. A review may name a product (its SKU; '' for a review of the shop);
    # the indexes lead with (shop, product) so the shop's reads never touch product reviews.
    # shops.own_version covers the record and the shop's own reviews (the build's shop files);
    # shops.version also covers every product.
    """
    ALTER TABLE reviews ADD COLUMN product TEXT NOT NULL DEFAULT '';
    DROP INDEX reviews_window;
    DROP INDEX reviews_newest;
    DROP INDEX reviews_groups;
    CREATE INDEX reviews_window ON reviews (shop, product, created_on, verification, status, rating);
    CREATE INDEX reviews_newest ON reviews (shop, product, created_at DESC, id);
    CREATE INDEX reviews_groups ON reviews (shop, product, rating, language, created_at DESC, id);
    CREATE TABLE products (
        shop TEXT NOT NULL,
        sku TEXT NOT NULL,
        name TEXT NOT NULL,
        gtin TEXT NOT NULL,
        url TEXT NOT NULL,
        reviews_xor TEXT NOT NULL,
        version TEXT NOT NULL,
        PRIMARY KEY (shop, sku)
    ) WITHOUT ROWID;
    ALTER TABLE shops ADD COLUMN own_version TEXT NOT NULL DEFAULT '';
    UPDATE shops SET own_version = version
    """,
    # 5: the platforms' own scores leave the shop record for a column of their own (a JSON list,
    # one per platform; move_platforms carries over the one a record held), so importing the
    # record again keeps them; and each review says which platform it came from.
    """
    ALTER TABLE shops ADD COLUMN platforms TEXT NOT NULL DEFAULT '[]';
    ALTER TABLE reviews ADD COLUMN platform TEXT NOT NULL DEFAULT ''
    """,
    # 6: a review is (shop, platform, id): the same id from two platforms is two reviews. The
    # table is copied to change its key, its columns in the key's order (SQLite 3.40's integrity_check
    # reports false NULLs in a WITHOUT ROWID table whose key is not its leading columns); the audit rows take their
    # review's platform; the newest-first indexes end with platform, the keyset pages' last key.
    """
    CREATE TABLE review_audit_6 (
        shop TEXT NOT NULL,
        platform TEXT NOT NULL DEFAULT '',
        id TEXT NOT NULL,
        email TEXT,
        PRIMARY KEY (shop, platform, id)
    ) WITHOUT ROWID;
    INSERT INTO review_audit_6 (shop, id, email, platform)
        SELECT a.shop, a.id, a.email, coalesce(r.platform, '') FROM review_audit AS a
        LEFT JOIN reviews AS r ON r.shop = a.shop AND r.id = a.id;
    DROP TABLE review_audit;
    ALTER TABLE review_audit_6 RENAME TO review_audit;
    CREATE TABLE reviews_6 (
        shop TEXT NOT NULL REFERENCES shops(id),
        platform TEXT NOT NULL DEFAULT '',
        id TEXT NOT NULL,
        rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        author TEXT NOT NULL,
        language TEXT NOT NULL,
        experienced_on TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_on TEXT NOT NULL,
        verification TEXT NOT NULL CHECK (verification IN ('verified', 'imported', 'unverified')),
        status TEXT NOT NULL CHECK (status IN ('published', 'flagged', 'removed')),
        reply_text TEXT,
        reply_created_at TEXT,
        digest TEXT NOT NULL,
        product TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (shop, platform, id)
    ) WITHOUT ROWID;
    INSERT INTO reviews_6 (shop, platform, id, rating, title, text, author, language, experienced_on, created_at,
        created_on, verification, status, reply_text, reply_created_at, digest, product)
        SELECT shop, platform, id, rating, title, text, author, language, experienced_on, created_at,
        created_on, verification, status, reply_text, reply_created_at, digest, product FROM reviews;
    DROP TABLE reviews;
    ALTER TABLE reviews_6 RENAME TO reviews;
    CREATE INDEX reviews_window ON reviews (shop, product, created_on, verification, status, rating);
    CREATE INDEX reviews_newest ON reviews (shop, product, created_at DESC, id, platform);
    CREATE INDEX reviews_groups ON reviews (shop, product, rating, language, created_at DESC, id, platform)
    """,
    # 7: a push token names the formats it may push (a comma list); '*', every format, for the
    # tokens made before, so they keep working as they did.
    """
    ALTER TABLE push_tokens ADD COLUMN formats TEXT NOT NULL DEFAULT '*'
    """,
    # 8: a shop keeps the XOR of its products' versions ('' when it has none), so its version
    # follows a pushed review without reading the shop's other reviews; its data step
    # (versions_migration) computes every shop's from its reviews once.
    """
    ALTER TABLE shops ADD COLUMN products_xor TEXT NOT NULL DEFAULT ''
    """,
    # 9: where each shop's reviews live on a platform, its secret, and how its last sync went
    # (`trustwidgets source add`, `trustwidgets sync`).
    """
    CREATE TABLE sources (
        shop TEXT NOT NULL,
        platform TEXT NOT NULL,
        remote_id TEXT NOT NULL,
        base_url TEXT NOT NULL,
        secret TEXT NOT NULL,
        added_at TEXT NOT NULL,
        synced_at TEXT,
        full_at TEXT,
        newest TEXT,
        reviews_read INTEGER NOT NULL DEFAULT 0,
        last_error TEXT NOT NULL DEFAULT '',
        claimed_by TEXT,
        claimed_at TEXT,
        PRIMARY KEY (shop, platform)
    ) WITHOUT ROWID
    """,
    # 10: a review's own scale (5 stars, or 10: Kiyoh's score out of 10, never converted) and
    # whether it was given for a reward; the rating's CHECK follows the scale, so the table is
    # copied (SQLite changes a CHECK no other way). reviews_window covers the two new columns.
    """
    CREATE TABLE reviews_10 (
        shop TEXT NOT NULL REFERENCES shops(id),
        platform TEXT NOT NULL DEFAULT '',
        id TEXT NOT NULL,
        rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 10),
        title TEXT NOT NULL,
        text TEXT NOT NULL,
        author TEXT NOT NULL,
        language TEXT NOT NULL,
        experienced_on TEXT NOT NULL,
        created_at TEXT NOT NULL,
        created_on TEXT NOT NULL,
        verification TEXT NOT NULL CHECK (verification IN ('verified', 'imported', 'unverified')),
        status TEXT NOT NULL CHECK (status IN ('published', 'flagged', 'removed')),
        reply_text TEXT,
        reply_created_at TEXT,
        digest TEXT NOT NULL,
        product TEXT NOT NULL DEFAULT '',
        scale INTEGER NOT NULL DEFAULT 5 CHECK (scale IN (5, 10)),
        incentivized INTEGER NOT NULL DEFAULT 0 CHECK (incentivized IN (0, 1)),
        CHECK (rating <= scale),
        PRIMARY KEY (shop, platform, id)
    ) WITHOUT ROWID;
    INSERT INTO reviews_10 (shop, platform, id, rating, title, text, author, language, experienced_on, created_at,
        created_on, verification, status, reply_text, reply_created_at, digest, product)
        SELECT shop, platform, id, rating, title, text, author, language, experienced_on, created_at,
        created_on, verification, status, reply_text, reply_created_at, digest, product FROM reviews;
    DROP TABLE reviews;
    ALTER TABLE reviews_10 RENAME TO reviews;
    CREATE INDEX reviews_window ON reviews (shop, product, created_on, verification, status, rating, scale,
        incentivized);
    CREATE INDEX reviews_newest ON reviews (shop, product, created_at DESC, id, platform);
    CREATE INDEX reviews_groups ON reviews (shop, product, rating, language, created_at DESC, id, platform)
    """,
    # 11: a shop may have several sources on one platform (a Feedback Company account per
    # language, a Google location per branch): a source is (shop, platform, remote_id). The
    # table is copied to change its key.
    """
    CREATE TABLE sources_11 (
        shop TEXT NOT NULL,
        platform TEXT NOT NULL,
        remote_id TEXT NOT NULL,
        base_url TEXT NOT NULL,
        secret TEXT NOT NULL,
        added_at TEXT NOT NULL,
        synced_at TEXT,
        full_at TEXT,
        newest TEXT,
        reviews_read INTEGER NOT NULL DEFAULT 0,
        last_error TEXT NOT NULL DEFAULT '',
        claimed_by TEXT,
        claimed_at TEXT,
        PRIMARY KEY (shop, platform, remote_id)
    ) WITHOUT ROWID;
    INSERT INTO sources_11 SELECT shop, platform, remote_id, base_url, secret, added_at, synced_at, full_at, newest,
        reviews_read, last_error, claimed_by, claimed_at FROM sources;
    DROP TABLE sources;
    ALTER TABLE sources_11 RENAME TO sources
    """,
    # 12: a source's language, for its reviews where the platform names none (a Feedback Company
    # account per language); '' is the shop's default locale.
    """
    ALTER TABLE sources ADD COLUMN language TEXT NOT NULL DEFAULT ''
    """,
)


class SqliteDialect(Dialect):
    name = "sqlite"
    text = "TEXT"
    without_rowid = " WITHOUT ROWID"
    distinct = "IS NOT"
    migrations = MIGRATIONS
    platforms_migration = 5
    versions_migration = 8

    def indexed_by(self, index: str) -> str:
        return f" INDEXED BY {index}"

    def stored_version(self, db: Connection) -> int:
        return int(db.execute("PRAGMA user_version").fetchone()[0])

    def set_stored_version(self, db: Connection, version: int) -> None:
        db.execute(f"PRAGMA user_version = {int(version)}")

    def begin(self, db: Connection) -> None:
        db.execute("BEGIN IMMEDIATE")  # takes the write lock (waiting BUSY_SECONDS): imports run one after another

    def begin_read(self, db: Connection) -> None:
        db.execute("BEGIN")  # deferred: its first read pins what it sees (WAL), writers go on

    def lock(self, db: Connection) -> None:
        pass  # BEGIN IMMEDIATE took it

    def before_commit(self, db: Connection, *, counts: bool) -> None:
        pass  # PRAGMA data_version sees every commit by itself

    def analyze(self, db: Connection, written: int) -> None:
        pass  # the queries pin their indexes (INDEXED BY): no statistics to keep

    def insert_many(
        self, db: Connection, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]], conflict: str
    ) -> int:
        values = ", ".join("?" * len(columns))
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({values}) {conflict}"
        return int(db.executemany(sql, rows).rowcount)

    def upsert_changed(
        self,
        db: Connection,
        table: str,
        columns: Sequence[str],
        rows: list[tuple[Any, ...]],
        key: tuple[str, ...],
        when: tuple[str, ...],
        conflict: str,
    ) -> list[tuple[Any, ...]]:
        """The stored `when` values of the rows' keys are read first (one query a
        KEYS_PER_QUERY rows, the writer's lock held); only the rows that differ are written."""
        key_of, when_of = (_values_of([columns.index(c) for c in names]) for names in (key, when))
        stored: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        for start in range(0, len(rows), KEYS_PER_QUERY):
            chunk = rows[start : start + KEYS_PER_QUERY]
            values = ", ".join([f"({', '.join('?' * len(key))})"] * len(chunk))
            # CROSS JOIN keeps the loop on the keys, each a search of the primary key (SQLite
            # scans the whole table for `(a, b) IN (VALUES …)`).
            sql = (
                f"WITH k ({', '.join(key)}) AS (VALUES {values}) SELECT {', '.join(f't.{c}' for c in (*key, *when))} "
                f"FROM k CROSS JOIN {table} AS t WHERE {' AND '.join(f't.{c} = k.{c}' for c in key)}"
            )
            for found in db.execute(sql, [part for row in chunk for part in key_of(row)]):
                stored[tuple(found[: len(key)])] = tuple(found[len(key) :])
        changed, written = [], []
        for row in rows:
            row_key, now = key_of(row), when_of(row)
            before = stored.get(row_key)
            if before == now:
                continue
            stored[row_key] = now
            changed.append(row)
            written.append((*row_key, *(before or (None,) * len(when)), *now))
        if changed:
            self.insert_many(db, table, columns, changed, conflict)
        return written


def _values_of(indexes: list[int]) -> Callable[[tuple[Any, ...]], tuple[Any, ...]]:
    """A row's values at `indexes`, as a tuple (itemgetter gives one value alone for one index)."""
    if len(indexes) == 1:
        return lambda row: (row[indexes[0]],)
    return itemgetter(*indexes)


SQLITE = SqliteDialect()
SCHEMA_VERSION = SQLITE.schema_version
WINDOW_SQL = window_sql(SQLITE)


def explain(error: sqlite3.Error, path: Path | str) -> StoreError:
    """One plain sentence for a SQLite failure: what is wrong and what to do."""
    path = Path(path)
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return StoreError(
            f"the store at {path} is busy: another import held it for {BUSY_SECONDS:g} s; try again when it is done"
        )
    if "full" in text:
        return StoreError(f"the disk holding the store at {path} is full; free some space and try again")
    unwritable = "unable to open" in text and not (os.access(path.parent, os.W_OK) and os.access(path, os.W_OK))
    if "readonly" in text or "read-only" in text or unwritable:
        return StoreError(f"the store at {path} is read-only; check the file's and the folder's permissions")
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return StoreError(f"the store at {path} is damaged ({error}); restore it from a backup")
    return StoreError(f"the store at {path} cannot be used ({error})")


def create_private(path: Path) -> None:
    """Create the store file readable by its owner only (0600), before SQLite opens it: the
    store holds emails (review_audit). SQLite gives the -wal and -shm files the mode of the
    database file. An existing file keeps the mode its owner chose."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    except OSError:  # a missing or read-only folder: SQLite's own error, explained, says so
        pass


class Store(SqlStore):
    """One SQLite file in WAL mode; a connection per thread; one transaction per import batch."""

    dialect = SQLITE
    path: Path

    def __init__(self, path: Path | str) -> None:
        super().__init__()
        self.path = Path(path)

    @classmethod
    def open(cls, data_dir: Path | str) -> Store:
        """The embedded SQLite store in `data_dir` (open.open_store also knows PostgreSQL)."""
        directory = Path(data_dir)
        directory.mkdir(parents=True, exist_ok=True)
        store = cls(directory / "store.sqlite3")
        try:
            store.migrate()
        except sqlite3.Error as error:
            store.close()
            raise explain(error, store.path) from None
        return store

    @property
    def db(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            create_private(self.path)
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=BUSY_SECONDS)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def _committed(self) -> None:
        """Nothing to do: a write is made on its thread's connection, and every other thread's
        PRAGMA data_version sees its commit at once."""

    def data_version(self) -> Hashable:
        """Changes whenever another connection commits: a cheap "did anything change?"."""
        return int(self.db.execute("PRAGMA data_version").fetchone()[0])

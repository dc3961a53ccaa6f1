"""What differs between SQLite and PostgreSQL, as the pieces the store's SQL is written with.

The store's queries (base.py) and its schema (schema.py) are written once; where the engines
spell something differently they put in a piece of `store.dialect`:

- `text`: the type of every text column (PostgreSQL's COLLATE "C" sorts byte-wise, as SQLite);
- `without_rowid`: what ends a CREATE TABLE (SQLite keeps a table in its key's order);
- `distinct`: the null-safe "differs" (`IS NOT` in SQLite, `IS DISTINCT FROM` in PostgreSQL);
- `indexed_by(name)`: SQLite's plan pin after a table name (PostgreSQL's planner picks the
  same index on its own);
- `placeholders(sql)`: the queries are written with `?` placeholders, as sqlite3 takes them;
  psycopg is handed them with `%s` (and a literal `%` doubled);
- how a writer takes the store (`begin`, `lock`: SQLite's `BEGIN IMMEDIATE`, PostgreSQL's
  advisory lock with a timeout), what a commit also does (`before_commit`: PostgreSQL bumps
  its change counter and notifies listeners), and many rows written at once (`insert_many`,
  `upsert_changed`: SQLite's executemany, PostgreSQL's COPY into a scratch table), with what
  the written rows held before (SQLite reads it first, PostgreSQL in the INSERT's RETURNING);
- where the schema's version is kept (`stored_version`: SQLite's `PRAGMA user_version`,
  PostgreSQL's `store_meta` table, which `meta_schema` creates) and each engine's frozen
  migration history (`migrations`).

How each engine connects and notices another process's commit (SQLite's `PRAGMA
data_version`, PostgreSQL's LISTEN) is the store classes' part (sqlite.py, postgres.py).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import Any

from .protocol import Connection


class Dialect(ABC):
    name: str
    text: str
    without_rowid: str
    distinct: str
    # The engine's migrations: each moves a store's schema one version up, never edited once
    # shipped. A new store is made from schema.py instead and stamped with the last version.
    migrations: tuple[str, ...]
    platforms_migration: int  # the version after which move_platforms runs
    versions_migration: int  # the version after which every shop's versions are recomputed

    @property
    def schema_version(self) -> int:
        return len(self.migrations)

    def placeholders(self, sql: str) -> str:
        """The store's SQL (`?` placeholders, never a `?` in a literal) as the driver takes it."""
        return sql

    def indexed_by(self, index: str) -> str:
        """What pins a query's plan to `index`, after the table's name ("" where nothing does)."""
        return ""

    def meta_schema(self) -> tuple[str, ...]:
        """Tables of the engine's own that a new store needs besides schema.py's."""
        return ()

    @abstractmethod
    def stored_version(self, db: Connection) -> int:
        """The schema version of the store behind `db` (0: a new, empty store)."""

    @abstractmethod
    def set_stored_version(self, db: Connection, version: int) -> None: ...

    @abstractmethod
    def begin(self, db: Connection) -> None:
        """Start a writer's transaction."""

    @abstractmethod
    def begin_read(self, db: Connection) -> None:
        """Start a reader's transaction: every query in it sees the store as of its first."""

    @abstractmethod
    def lock(self, db: Connection) -> None:
        """Inside the transaction: wait (at most BUSY_SECONDS) until no other writer holds the store."""

    @abstractmethod
    def before_commit(self, db: Connection, *, counts: bool) -> None:
        """The transaction's last statements (`counts`: it changed data readers may cache)."""

    @abstractmethod
    def insert_many(
        self, db: Connection, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]], conflict: str
    ) -> int:
        """INSERT the rows into `columns` of `table` with the ON CONFLICT clause `conflict`;
        how many rows were inserted or updated."""

    @abstractmethod
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
        """As insert_many, with a `conflict` that updates a stored row exactly when its `when`
        columns differ (base.upsert_clause); for each row inserted or updated: its `key`
        values, its `when` values as they were stored (None for a new row), and as written."""

    @abstractmethod
    def analyze(self, db: Connection, written: int) -> None:
        """After an import that wrote `written` review rows: refresh the planner's statistics if needed."""

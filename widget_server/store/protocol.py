"""What a review store is to the code that uses it: the service, the imports, the build and the
CLI type against ReviewStore, which the SQLite store (sqlite.py) and the PostgreSQL store
(postgres.py) both implement with the same signatures (their shared body is base.py)."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from ..core.freshness import DayFacts
from ..core.models import Platform, PublicReview, Review, Shop
from ..core.rules import Window
from ..core.snapshot import Snapshot
from ..core.summary import WindowKey


class StoreError(Exception):
    """The store cannot be used (newer schema, unreadable file, busy, full, read-only, damaged)."""


@dataclass(frozen=True, slots=True)
class Source:
    """Where a shop's reviews live on a platform, and how its last sync went.

    `secret` is filled only for the sync that claimed the source (claim_source); listings leave
    it empty, and it is never part of the repr.
    """

    shop: str
    platform: str  # the platform's format name: trustpilot, etrusted, google, kiyoh, feedbackcompany
    remote_id: str  # the business unit, channel, or accounts/…/locations/…
    base_url: str  # '' for the platform's documented API host
    added_at: str
    synced_at: str | None = None  # the last sync that stored what it read
    full_at: str | None = None  # the last sync that read every page
    newest: str | None = None  # the newest review time that sync saw (the incremental mark)
    reviews_read: int = 0  # reviews the last stored sync read
    last_error: str = ""  # the last sync's failure, without secrets ('' after a good one)
    claimed_by: str | None = None  # the sync running now
    claimed_at: str | None = None
    language: str = ""  # of its reviews where the platform names none; '' the shop's default locale
    secret: str = field(default="", repr=False)


class Cursor(Protocol):
    """The part of a DB-API cursor the store reads (sqlite3's and psycopg's both have it)."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...

    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """A connection that takes the store's SQL: `?` placeholders, one statement a call."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Cursor: ...

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor: ...

    @property
    def in_transaction(self) -> bool: ...


class ReviewStore(Protocol):
    """A review store: one transaction per import, snapshots for the core, push tokens."""

    @property
    def path(self) -> Path | str:
        """Where the store is, for messages (a file, or a URL without its password)."""
        ...

    def close(self) -> None: ...

    def data_version(self) -> Hashable:
        """Changes whenever a write commits (anywhere): a cheap "did anything change?"."""
        ...

    def transaction(self, *, counts: bool = True) -> AbstractContextManager[Connection]: ...

    def reading(self) -> AbstractContextManager[None]: ...

    # writes, inside a transaction
    def upsert_shop(self, shop: Shop) -> bool: ...

    def upsert_platform(self, shop_id: str, platform: Platform) -> bool: ...

    def remove_platform(self, shop_id: str, name: str) -> bool: ...

    def upsert_reviews(self, reviews: list[Review]) -> int: ...

    def refresh_versions(self, shop_ids: set[str]) -> None: ...

    def recompute_versions(self, shop_ids: set[str]) -> None: ...

    def remove_shops(self, shop_ids: list[str], revoked_at: str) -> dict[str, tuple[int, int]]: ...

    # reads
    def shop(self, shop_id: str) -> Shop | None: ...

    def shops(self) -> list[tuple[Shop, str]]: ...

    def shop_versions(self) -> dict[str, str]: ...

    def window_counts(self, shop_id: str, window: Window) -> dict[WindowKey, int]: ...

    def day_facts(self, shop_id: str, as_of: date) -> DayFacts: ...

    def snapshot(self, shop_id: str, as_of: date) -> Snapshot | None: ...

    def shown_count(self, shop_id: str) -> int: ...

    def counted_reviews(self, shop_id: str, window: Window, limit: int, product: str = "") -> list[PublicReview]: ...

    def review_platforms(self, shop_id: str) -> set[str]: ...

    def counts(self) -> tuple[int, int]: ...

    # push tokens
    def create_token(self, shop_id: str, label: str, created_at: str, *, formats: tuple[str, ...]) -> str: ...

    def tokens(self, shop_id: str | None = None) -> list[tuple[str, str, str, str, str | None, str]]: ...

    def revoke_token(self, token_id: str, revoked_at: str) -> bool: ...

    def token_grant(self, token: str) -> tuple[str, str] | None: ...

    def token_owner(self, token: str) -> str | None: ...

    # sources on the platforms (`source add`, `sync`)
    def add_source(
        self, shop_id: str, platform: str, remote_id: str, base_url: str, secret: str, added_at: str, language: str = ""
    ) -> bool: ...

    def remove_source(self, shop_id: str, platform: str, remote_id: str) -> bool: ...

    def sources(self, shop_id: str | None = None) -> list[Source]: ...

    def claim_source(
        self, shop_id: str, platform: str, remote_id: str, owner: str, now: str, stale_before: str
    ) -> Source | None: ...

    def record_sync(
        self,
        shop_id: str,
        platform: str,
        remote_id: str,
        owner: str,
        *,
        error: str,
        synced_at: str | None = None,
        full_at: str | None = None,
        newest: str | None = None,
        reviews_read: int | None = None,
    ) -> bool: ...

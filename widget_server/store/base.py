"""The review store written once: every query and write in SQL both engines speak, with the
dialect's pieces (dialect.py) where they differ; the engines' classes (sqlite.py, postgres.py)
add how they connect and notice changes.

The only I/O edge the core reads through: `snapshot(shop_id, as_of)` returns a
core.snapshot.Snapshot in four queries whatever the shop's size.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from ..core.dates import format_timestamp, parse_timestamp, public_timestamp
from ..core.freshness import DayFacts, last_change, made_each_day
from ..core.models import Platform, Product, PublicReview, Reply, Review, Shop
from ..core.options import ReviewFilter
from ..core.rules import COUNTED_VERIFICATIONS, SHOWN_STATUSES, STAR_SCALE, Window, score_window
from ..core.snapshot import HEAD_SIZE, Group, ReviewList, ReviewSource, Snapshot
from ..core.summary import WindowKey, build_summary
from .dialect import Dialect
from .protocol import Connection, Source, StoreError
from .schema import schema, sql_list

GROUPS_PER_QUERY = 200
WHOLE_SHOP = 1000  # shops with at most this many shown reviews are read whole (bounded memory)
WHOLE_PRODUCTS = 4_000  # up to this many shown product reviews are read whole (memory: ~1 KB each, per cached snapshot)
MAX_REMEMBERED_PAGES = 4096
FEW_PRODUCTS = 32  # an import touching more of a shop's products reads all of them in one query
EMPTY_XOR = "0" * 32
NO_PLATFORMS = "[]"
REVIEW_SELECT = (
    "SELECT id, rating, title, text, author, language, experienced_on, created_at, created_on, "
    "verification, status, reply_text, reply_created_at, platform, scale, incentivized FROM reviews"
)
COLUMNS = REVIEW_SELECT.removeprefix("SELECT ").removesuffix(" FROM reviews")  # a review's, in _public's order
# How long a writer waits for another import to finish before it gives up (seconds).
BUSY_SECONDS = float(os.environ.get("TRUSTWIDGETS_STORE_WAIT", "30"))

# The rules' definitions as SQL: what tests/test_rules.py exercises is what production counts.
SHOWN = f"status IN {sql_list(SHOWN_STATUSES)}"
COUNTED = f"verification IN {sql_list(COUNTED_VERIFICATIONS)} AND scale = {int(STAR_SCALE)} AND incentivized = 0"


def window_sql(dialect: Dialect) -> str:
    """A shop's own reviews given in a window, by (verification, status, rating, month, scale, incentivized)."""
    return (
        "SELECT verification, status, rating, substr(created_on, 1, 7), scale, incentivized, count(*) FROM reviews"
        f"{dialect.indexed_by('reviews_window')} WHERE shop = ? AND product = '' AND created_on BETWEEN ? AND ? "
        "GROUP BY 1, 2, 3, 4, 5, 6"
    )


def product_window_sql(dialect: Dialect) -> str:
    """As window_sql, for every product of a shop at once."""
    return (
        "SELECT product, verification, status, rating, substr(created_on, 1, 7), scale, incentivized, count(*) "
        f"FROM reviews{dialect.indexed_by('reviews_window')} WHERE shop = ? AND product > '' "
        "AND created_on BETWEEN ? AND ? GROUP BY 1, 2, 3, 4, 5, 6, 7"
    )


def review_digest(review: Review) -> str:
    """A content hash of what widgets show of a review (not the email)."""
    reply = review.reply
    parts = [
        review.id,
        str(review.rating),
        review.title,
        review.text,
        review.author,
        review.language,
        review.experienced_at.isoformat(),
        public_timestamp(review.created_at),
        review.verification,
        review.status,
        "" if reply is None else "1",
        "" if reply is None else reply.text,
        "" if reply is None else public_timestamp(reply.created_at),
    ]
    if review.product is not None:  # shop reviews keep the digests they had before products
        product = review.product
        parts += ["product", product.sku, product.name, product.gtin, product.url]
    if review.platform:  # likewise, reviews that name no platform keep theirs
        parts += ["platform", review.platform]
    if review.scale != STAR_SCALE:  # and star reviews, theirs
        parts += ["scale", str(review.scale)]
    if review.incentivized:
        parts += ["incentivized"]
    return hashlib.blake2b("\x1f".join(parts).encode(), digest_size=16).hexdigest()


REVIEW_COLUMNS = (
    "rating",
    "title",
    "text",
    "author",
    "language",
    "experienced_on",
    "created_at",
    "created_on",
    "verification",
    "status",
    "reply_text",
    "reply_created_at",
    "digest",
    "product",
    "platform",
    "scale",
    "incentivized",
)
REVIEW_INSERT_COLUMNS = ("shop", "id", *REVIEW_COLUMNS)  # the order of _review_row
REVIEW_KEY = ("shop", "platform", "id")
REVIEW_CHANGES = ("digest", "product")  # a stored review is rewritten when these differ
AUDIT_COLUMNS = ("shop", "platform", "id", "email")  # the order of upsert_reviews' audit rows


def upsert_clause(
    dialect: Dialect, table: str, key: tuple[str, ...], update: tuple[str, ...], when: tuple[str, ...]
) -> str:
    """ON CONFLICT of `key`: the `update` columns take the new row's values, but only when its
    `when` columns differ from the stored row's (an unchanged row writes nothing)."""
    return (
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET "
        + ", ".join(f"{c} = excluded.{c}" for c in update)
        + f" WHERE ({', '.join(f'{table}.{c}' for c in when)}) {dialect.distinct} "
        + f"({', '.join(f'excluded.{c}' for c in when)})"
    )


def _review_row(review: Review) -> tuple[Any, ...]:
    reply = review.reply
    return (
        review.shop,
        review.id,
        review.rating,
        review.title,
        review.text,
        review.author,
        review.language,
        review.experienced_at.isoformat(),
        format_timestamp(review.created_at),
        review.created_at.date().isoformat(),
        review.verification,
        review.status,
        None if reply is None else reply.text,
        None if reply is None else format_timestamp(reply.created_at),
        review_digest(review),
        "" if review.product is None else review.product.sku,
        review.platform,
        review.scale,
        int(review.incentivized),
    )


def shop_version(record: str, reviews_xor: str, platforms: str = NO_PLATFORMS) -> str:
    """The data version of a shop: changes exactly when its record, a platform's score or any
    review changes (a shop without platform scores keeps the version it had before them)."""
    facts = record if platforms == NO_PLATFORMS else f"{record}\n{platforms}"
    return hashlib.blake2b(f"{facts}\n{reviews_xor}".encode(), digest_size=8).hexdigest()


def both_versions(record: str, platforms: str, reviews_xor: str, products_xor: str) -> tuple[str, str]:
    """(own_version, version) of a shop: own covers the record and its own reviews; version
    also its products (products_xor, the XOR of their versions, '' when it has none)."""
    own = shop_version(record, reviews_xor, platforms)
    return own, (shop_version(record, reviews_xor + products_xor, platforms) if products_xor else own)


def product_version(sku: str, name: str, gtin: str, url: str, reviews_xor: str) -> str:
    return shop_version(json.dumps([sku, name, gtin, url]), reviews_xor)


def platforms_text(platforms: tuple[Platform, ...]) -> str:
    """The stored form of a shop's platform scores: a JSON list by name."""
    ordered = sorted(platforms, key=lambda p: p.name.casefold())
    return json.dumps([p.to_record() for p in ordered], sort_keys=True, ensure_ascii=False)


SOURCE_COLUMNS = (
    "shop, platform, remote_id, base_url, added_at, synced_at, full_at, newest, reviews_read, last_error, "
    "claimed_by, claimed_at, language"
)  # the order of protocol.Source's fields (its secret last, read only by claim_source)
TOKEN_PREFIX = "tw_"
UNKNOWN_TOKEN_HASH = "0" * 64


def secret_hash(secret: str) -> str:
    """The stored form of a token's secret (a 256-bit random secret needs no slow hash)."""
    return hashlib.sha256(secret.encode("utf-8", "surrogateescape")).hexdigest()


def split_token(token: str) -> tuple[str, str]:
    """(id, secret) of `tw_<id>_<secret>`; ("", "") for anything else."""
    if not token.startswith(TOKEN_PREFIX):
        return "", ""
    token_id, _, secret = token[len(TOKEN_PREFIX) :].partition("_")
    return (token_id, secret) if token_id and secret else ("", "")


def shop_from_record(record: str, platforms: str = NO_PLATFORMS) -> Shop:
    shop = Shop.from_record(json.loads(record))
    if platforms == NO_PLATFORMS:
        return shop
    return replace(shop, platforms=tuple(Platform.from_record(p) for p in json.loads(platforms)))


def newest_by_group(groups: Iterable[Group], reviews: Iterable[PublicReview]) -> dict[Group, tuple[PublicReview, ...]]:
    """Each (rating, language, scale) group's first HEAD_SIZE of `reviews` (given newest first)."""
    heads: dict[Group, list[PublicReview]] = {group: [] for group in groups}
    for review in reviews:
        head = heads[(review.rating, review.language, review.scale)]
        if len(head) < HEAD_SIZE:
            head.append(review)
    return {group: tuple(found) for group, found in heads.items()}


class LazyHeads(Mapping[Group, tuple[PublicReview, ...]]):
    """A product's newest reviews of each group, read from the store the first time a document
    asks for them: a shop of 100,000 product reviews reads none of them for its own badge.

    Read on the asking thread's connection: inside the build's read transaction
    (Store.reading) with the rest of the shop; on the service, as its later pages are."""

    def __init__(self, load: Callable[[], dict[Group, tuple[PublicReview, ...]]]) -> None:
        self._load = load
        self._found: dict[Group, tuple[PublicReview, ...]] | None = None
        self._lock = threading.Lock()

    def _heads(self) -> dict[Group, tuple[PublicReview, ...]]:
        with self._lock:
            if self._found is None:
                self._found = self._load()
            return self._found

    def __getitem__(self, group: Group) -> tuple[PublicReview, ...]:
        return self._heads()[group]

    def __iter__(self) -> Iterator[Group]:
        return iter(self._heads())

    def __len__(self) -> int:
        return len(self._heads())


@dataclass
class ShopChanges:
    """What a transaction's review writes did to one shop's XORs, not yet in its rows."""

    xors: dict[str, int] = field(default_factory=dict)  # product ('' for the shop's own) -> digests out ^ in
    left: set[str] = field(default_factory=set)  # products a review moved away from (maybe empty now)
    named: set[str] = field(default_factory=set)  # products the written reviews name (their facts may have changed)

    def flip(self, product: str, digest: str) -> None:
        self.xors[product] = self.xors.get(product, 0) ^ int(digest, 16)


class SqlStore(ABC):
    """The store's reads and writes; one connection per thread, one transaction per import batch.

    Data versions are kept incrementally: each review written XORs its old digest out of its
    shop's (or product's) reviews_xor and its new one in, so an import costs what it writes,
    whatever the shop's size; recompute_versions reads every digest again (migrations, repair).
    """

    dialect: Dialect
    path: Path | str

    def __init__(self) -> None:
        self._local = threading.local()

    @property
    @abstractmethod
    def db(self) -> Connection:
        """This thread's connection."""

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def data_version(self) -> Hashable: ...

    # -- schema ----------------------------------------------------------------------

    def _stored_version(self, db: Connection) -> int:
        version = self.dialect.stored_version(db)
        if version > self.dialect.schema_version:
            raise StoreError(
                f"the store at {self.path} has schema version {version}; "
                f"this trustwidgets knows up to {self.dialect.schema_version}: upgrade trustwidgets"
            )
        return version

    def migrate(self) -> None:
        """Make a new store from the current schema, or move an older one up its engine's history."""
        dialect = self.dialect
        if self._stored_version(self.db) == dialect.schema_version:
            return  # the usual case: no lock, so opening never waits for an import
        with self.transaction(counts=False) as db:
            version = self._stored_version(db)  # again, under the writers' lock
            if version == 0:
                for statement in (*dialect.meta_schema(), *schema(dialect)):
                    db.execute(statement)
            for number in range(version or dialect.schema_version, dialect.schema_version):
                for statement in dialect.migrations[number].split(";"):  # one by one: executescript commits
                    if statement.strip():
                        db.execute(statement)
                if number + 1 == dialect.platforms_migration:
                    self.move_platforms()
                if number + 1 == dialect.versions_migration:
                    self.recompute_versions({str(row[0]) for row in db.execute("SELECT id FROM shops")})
            dialect.set_stored_version(db, dialect.schema_version)

    @contextmanager
    def transaction(self, *, counts: bool = True) -> Iterator[Connection]:
        """One writer at a time (dialect.lock); `counts`: readers learn of it (data_version)."""
        db = self.db
        self.dialect.begin(db)
        self._local.written = 0  # review rows this transaction wrote (dialect.analyze)
        self._local.changes = {}
        try:
            self.dialect.lock(db)
            yield db
            self._apply_changes(set(self._changes()))  # any not applied by refresh_versions
            self.dialect.before_commit(db, counts=counts)
        except BaseException:
            if db.in_transaction:  # the engine may have rolled back already (SQLite's full disk does)
                db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        if counts:
            self._committed()

    @contextmanager
    def reading(self) -> Iterator[None]:
        """One consistent view of the store for what runs inside (a shop's snapshot and the pages
        read from it later), whatever commits meanwhile; inside a transaction, that one's."""
        db = self.db
        if db.in_transaction:
            yield
            return
        self.dialect.begin_read(db)
        try:
            yield
        finally:
            if db.in_transaction:
                db.execute("COMMIT")  # nothing was written: it only ends the read

    @abstractmethod
    def _committed(self) -> None:
        """A write of this store object committed: where data_version would learn of it only
        later (PostgreSQL's notification), count it now, so the next request here sees it."""

    def _changes(self) -> dict[str, ShopChanges]:
        changes: dict[str, ShopChanges] | None = getattr(self._local, "changes", None)
        if changes is None:
            self._local.changes = changes = {}
        return changes

    # -- writes (inside a transaction) ------------------------------------------------

    def upsert_shop(self, shop: Shop) -> bool:
        """Insert or update a shop record; True when anything changed.

        The platform scores the record carries each replace only their own platform's stored
        score; a record without them keeps the stored ones (they are not part of the record).
        """
        record = json.dumps(shop.to_record(), sort_keys=True, ensure_ascii=False)
        row = self.db.execute(
            "SELECT record, reviews_xor, platforms, products_xor FROM shops WHERE id = ?", (shop.id,)
        ).fetchone()
        if row is None:
            version = shop_version(record, EMPTY_XOR)
            self.db.execute(
                "INSERT INTO shops (id, record, reviews_xor, version, own_version) VALUES (?, ?, ?, ?, ?)",
                (shop.id, record, EMPTY_XOR, version, version),
            )
            changed = True
        elif row[0] != record:
            own, every = both_versions(record, row[2], row[1], row[3])
            self.db.execute(
                "UPDATE shops SET record = ?, version = ?, own_version = ? WHERE id = ?",
                (record, every, own, shop.id),
            )
            changed = True
        else:
            changed = False
        for platform in shop.platforms:
            changed = self.upsert_platform(shop.id, platform) or changed
        return changed

    def upsert_platform(self, shop_id: str, platform: Platform) -> bool:
        """Keep a platform's own score for a shop, replacing only that platform's; True when it changed.

        A score read without a profile link (Google's answer has none; Kiyoh's may lack one) keeps
        the link stored with the platform's earlier score: the shop's page there has not moved.
        """
        row, kept = self._platforms_of(shop_id)
        earlier = next((p for p in kept if p.name.casefold() == platform.name.casefold()), None)
        if not platform.profile_url and earlier is not None and earlier.profile_url:
            platform = replace(platform, profile_url=earlier.profile_url)
        others = tuple(p for p in kept if p.name.casefold() != platform.name.casefold())
        return self._set_platforms(shop_id, row, (*others, platform))

    def remove_platform(self, shop_id: str, name: str) -> bool:
        """Drop a platform's own score for a shop (the platform says it has none now); True
        when there was one."""
        row, kept = self._platforms_of(shop_id)
        return self._set_platforms(shop_id, row, tuple(p for p in kept if p.name.casefold() != name.casefold()))

    def _platforms_of(self, shop_id: str) -> tuple[Any, tuple[Platform, ...]]:
        """The shop's row as _set_platforms needs it, and its platforms' scores."""
        row = self.db.execute(
            "SELECT record, reviews_xor, platforms, products_xor FROM shops WHERE id = ?", (shop_id,)
        ).fetchone()
        if row is None:
            raise StoreError(f"no shop {shop_id!r} in the store: import its shop record first")
        return row, shop_from_record(row[0], row[2]).platforms

    def _set_platforms(self, shop_id: str, row: Any, platforms: tuple[Platform, ...]) -> bool:
        """Store the shop's platforms' scores and its versions; False when nothing changed."""
        text = platforms_text(platforms)
        if text == row[2]:
            return False
        own, every = both_versions(row[0], text, row[1], row[3])
        self.db.execute(
            "UPDATE shops SET platforms = ?, version = ?, own_version = ? WHERE id = ?",
            (text, every, own, shop_id),
        )
        return True

    def move_platforms(self) -> None:
        """A data step of the migration to dialect.platforms_migration: the platform score a shop
        record held moves to `platforms` (the shops' versions follow at versions_migration)."""
        for shop_id, record in self.db.execute("SELECT id, record FROM shops").fetchall():
            data = json.loads(record)
            platform = data.pop("platform", None)
            if platform is None:
                continue
            kept = Platform.from_record(platform)
            self.db.execute(
                "UPDATE shops SET record = ?, platforms = ? WHERE id = ?",
                (json.dumps(data, sort_keys=True, ensure_ascii=False), platforms_text((kept,)), shop_id),
            )

    def upsert_reviews(self, reviews: list[Review]) -> int:
        """Insert or update reviews; returns how many rows changed (unchanged ones are not written).

        Each written review's old digest (the dialect reads it before the write, or in it)
        leaves its shop's or product's XOR as its new one enters; refresh_versions, or the
        commit, puts the XORs and versions in the shops' and products' rows.
        """
        db = self.db
        self.dialect.insert_many(
            db,
            "review_audit",
            AUDIT_COLUMNS,
            [(r.shop, r.platform, r.id, r.email) for r in reviews],
            upsert_clause(self.dialect, "review_audit", REVIEW_KEY, ("email",), ("email",)),
        )
        written = self.dialect.upsert_changed(
            db,
            "reviews",
            REVIEW_INSERT_COLUMNS,
            [_review_row(r) for r in reviews],
            REVIEW_KEY,
            REVIEW_CHANGES,
            upsert_clause(self.dialect, "reviews", REVIEW_KEY, REVIEW_COLUMNS, REVIEW_CHANGES),
        )
        changes = self._changes()
        for shop_id, _, _, old_digest, old_product, digest, product in written:
            shop = changes.get(shop_id) or changes.setdefault(shop_id, ShopChanges())
            if old_digest is not None:
                shop.flip(old_product, old_digest)
                if old_product and old_product != product:
                    shop.left.add(old_product)
            shop.flip(product, digest)
        self._local.written = getattr(self._local, "written", 0) + len(written)
        products = {(r.shop, r.product.sku): r.product for r in reviews if r.product is not None}
        facts = ("name", "gtin", "url")
        db.executemany(
            "INSERT INTO products (shop, sku, name, gtin, url, reviews_xor, version) VALUES (?, ?, ?, ?, ?, ?, '') "
            + upsert_clause(self.dialect, "products", ("shop", "sku"), facts, facts),
            [(shop, p.sku, p.name, p.gtin, p.url, EMPTY_XOR) for (shop, _), p in products.items()],
        )
        for shop_id, sku in products:
            changes.setdefault(shop_id, ShopChanges()).named.add(sku)
        if not db.in_transaction:  # each statement committed on its own: so do the XORs
            self._apply_changes(set(changes))
        return len(written)

    def remove_shops(self, shop_ids: list[str], revoked_at: str) -> dict[str, tuple[int, int]]:
        """Remove shops with their reviews and audit rows, and revoke their push tokens, all in
        one transaction: (reviews removed, tokens revoked) by shop.

        The tokens stay listed as revoked (`token list` shows when): a shop created again under
        the same id, say for another customer, must not accept a token given for the old one.
        """
        removed = {}
        with self.transaction() as db:
            for shop_id in shop_ids:
                reviews = db.execute("DELETE FROM reviews WHERE shop = ?", (shop_id,)).rowcount
                db.execute("DELETE FROM review_audit WHERE shop = ?", (shop_id,))
                db.execute("DELETE FROM products WHERE shop = ?", (shop_id,))
                db.execute("DELETE FROM shops WHERE id = ?", (shop_id,))
                db.execute("DELETE FROM sources WHERE shop = ?", (shop_id,))  # and the secrets with them
                tokens = db.execute(
                    "UPDATE push_tokens SET revoked_at = ? WHERE shop = ? AND revoked_at IS NULL", (revoked_at, shop_id)
                ).rowcount
                removed[shop_id] = (int(reviews), int(tokens))
        return removed

    def refresh_versions(self, shop_ids: set[str]) -> None:
        """Bring the data versions of shops (and their products) up to date with what this
        transaction wrote: the XORs its reviews changed, then the versions, from the stored
        XORs (no review is read). An import calls it once at its end.

        own_version covers the record and the shop's own reviews; each product's version its
        record and reviews; version covers both, so the service re-reads on any change.
        """
        self._apply_changes(shop_ids)
        self.dialect.analyze(self.db, getattr(self._local, "written", 0))
        self._local.written = 0

    def _apply_changes(self, shop_ids: set[str]) -> None:
        changes = self._changes()
        for shop_id in sorted(shop_ids):
            self._apply_shop(shop_id, changes.pop(shop_id, ShopChanges()))

    def _apply_shop(self, shop_id: str, changes: ShopChanges) -> None:
        db = self.db
        row = db.execute(
            "SELECT record, platforms, reviews_xor, products_xor FROM shops WHERE id = ?", (shop_id,)
        ).fetchone()
        if row is None:
            return
        reviews_xor = format(int(row[2], 16) ^ changes.xors.get("", 0), "032x")
        products_xor = int(row[3] or "0", 16)
        touched = sorted((changes.xors.keys() - {""}) | changes.named)
        sql = "SELECT sku, name, gtin, url, reviews_xor, version FROM products WHERE shop = ?"
        if len(touched) > FEW_PRODUCTS:  # one query for all beats a round trip each
            stored = {sku: rest for sku, *rest in db.execute(sql, (shop_id,))}
        else:
            stored = {sku: rest for one in touched for sku, *rest in db.execute(sql + " AND sku = ?", (shop_id, one))}
        for sku in touched:
            if sku not in stored:
                continue
            name, gtin, url, old_xor, old_version = stored[sku]
            products_xor ^= int(old_version or "0", 16)
            if sku in changes.left and not self._names(shop_id, sku):  # no review names it any more
                db.execute("DELETE FROM products WHERE shop = ? AND sku = ?", (shop_id, sku))
                continue
            product_xor = format(int(old_xor, 16) ^ changes.xors.get(sku, 0), "032x")
            version = product_version(sku, name, gtin, url, product_xor)
            products_xor ^= int(version, 16)
            if (product_xor, version) != (old_xor, old_version):
                db.execute(
                    "UPDATE products SET reviews_xor = ?, version = ? WHERE shop = ? AND sku = ?",
                    (product_xor, version, shop_id, sku),
                )
        any_products = db.execute("SELECT 1 FROM products WHERE shop = ? LIMIT 1", (shop_id,)).fetchone()
        self._set_versions(shop_id, row[0], row[1], reviews_xor, format(products_xor, "016x") if any_products else "")

    def _names(self, shop_id: str, sku: str) -> bool:
        """Whether any review of the shop names the product."""
        found = self.db.execute(
            f"SELECT 1 FROM reviews{self.dialect.indexed_by('reviews_newest')} WHERE shop = ? AND product = ? LIMIT 1",
            (shop_id, sku),
        ).fetchone()
        return found is not None

    def _set_versions(self, shop_id: str, record: str, platforms: str, reviews_xor: str, products_xor: str) -> None:
        own, every = both_versions(record, platforms, reviews_xor, products_xor)
        self.db.execute(
            "UPDATE shops SET reviews_xor = ?, products_xor = ?, own_version = ?, version = ? WHERE id = ? "
            f"AND (reviews_xor, products_xor, own_version, version) {self.dialect.distinct} (?, ?, ?, ?)",
            (reviews_xor, products_xor, own, every, shop_id, reviews_xor, products_xor, own, every),
        )

    def recompute_versions(self, shop_ids: set[str]) -> None:
        """The XORs and data versions of shops and their products from every review digest, as
        refresh_versions keeps them (a migration's data step; a repair). Reads whole shops."""
        db = self.db
        for shop_id in sorted(shop_ids):
            self._changes().pop(shop_id, None)
            xors: dict[str, int] = {}
            for product, digest in db.execute("SELECT product, digest FROM reviews WHERE shop = ?", (shop_id,)):
                xors[product] = xors.get(product, 0) ^ int(digest, 16)
            row = db.execute("SELECT record, platforms FROM shops WHERE id = ?", (shop_id,)).fetchone()
            if row is None:
                continue
            products_xor: int | None = None
            for sku, name, gtin, url, old_xor, old_version in db.execute(
                "SELECT sku, name, gtin, url, reviews_xor, version FROM products WHERE shop = ?", (shop_id,)
            ).fetchall():
                if sku not in xors:  # no review names it any more
                    db.execute("DELETE FROM products WHERE shop = ? AND sku = ?", (shop_id, sku))
                    continue
                product_xor = format(xors[sku], "032x")
                version = product_version(sku, name, gtin, url, product_xor)
                products_xor = (products_xor or 0) ^ int(version, 16)
                if (product_xor, version) != (old_xor, old_version):
                    db.execute(
                        "UPDATE products SET reviews_xor = ?, version = ? WHERE shop = ? AND sku = ?",
                        (product_xor, version, shop_id, sku),
                    )
            reviews_xor = format(xors.get("", 0), "032x")
            self._set_versions(
                shop_id, row[0], row[1], reviews_xor, "" if products_xor is None else format(products_xor, "016x")
            )

    # -- reads -----------------------------------------------------------------------

    def shop(self, shop_id: str) -> Shop | None:
        row = self.db.execute("SELECT record, platforms FROM shops WHERE id = ?", (shop_id,)).fetchone()
        return None if row is None else shop_from_record(row[0], row[1])

    def shops(self) -> list[tuple[Shop, str]]:
        """Every shop with its data version, by id."""
        rows = self.db.execute("SELECT record, platforms, version FROM shops ORDER BY id").fetchall()
        return [(shop_from_record(record, platforms), version) for record, platforms, version in rows]

    def shop_versions(self) -> dict[str, str]:
        return {str(shop): str(version) for shop, version in self.db.execute("SELECT id, version FROM shops")}

    def window_counts(self, shop_id: str, window: Window) -> dict[WindowKey, int]:
        """Every review given inside the window (removed too), by (verification, status, rating, month).

        One range scan of the covering index reviews_window.
        """
        rows = self.db.execute(
            window_sql(self.dialect), (shop_id, window.start.isoformat(), window.end.isoformat())
        ).fetchall()
        return {window_key(key): n for *key, n in rows}

    def day_facts(self, shop_id: str, as_of: date) -> DayFacts:
        """The days of the shop's reviews the passing of time turns on (freshness.DayFacts), of
        any status, its own and its products'. One scan of the shop's entries in reviews_window."""
        window = score_window(as_of)
        start, end = window.start.isoformat(), window.end.isoformat()
        row = self.db.execute(
            "SELECT max(CASE WHEN created_on <= ? THEN created_on END), "
            "max(CASE WHEN created_on < ? THEN created_on END), "
            "min(CASE WHEN created_on >= ? AND created_on <= ? THEN created_on END), "
            "min(CASE WHEN created_on > ? THEN created_on END) "
            f"FROM reviews{self.dialect.indexed_by('reviews_window')} WHERE shop = ?",
            (end, start, start, end, end, shop_id),
        ).fetchone()
        return DayFacts(*(None if day is None else date.fromisoformat(day) for day in row))

    def snapshot(self, shop_id: str, as_of: date) -> Snapshot | None:
        """The shop read once for `as_of`: record, summary, group counts and each group's newest.

        A shop of at most WHOLE_SHOP shown reviews is read whole in one query and pages come
        from memory; a larger one keeps only each group's newest and pages through SQL. Its
        products come in four more queries whatever their number (see _products).
        """
        row = self.db.execute(
            "SELECT record, version, own_version, platforms FROM shops WHERE id = ?", (shop_id,)
        ).fetchone()
        if row is None:
            return None
        shop = shop_from_record(row[0], row[3])
        # Made for the last day time changed the shop: its documents read the same until the next.
        facts = self.day_facts(shop_id, as_of)
        asked, as_of = as_of, last_change(as_of, facts.newest_given, facts.newest_before_window)
        products = self._products(shop, as_of, facts, asked)
        groups_index = self.dialect.indexed_by("reviews_groups")
        shown: dict[Group, int] = {}
        platforms: set[str] = set()
        for rating, language, scale, platform, n in self.db.execute(
            f"SELECT rating, language, scale, platform, count(*) FROM reviews{groups_index} WHERE shop = ? "
            f"AND product = '' AND {SHOWN} AND created_on <= ? GROUP BY rating, language, scale, platform",
            (shop_id, as_of.isoformat()),
        ):
            shown[(rating, language, scale)] = shown.get((rating, language, scale), 0) + n
            platforms.add(platform)
        summary = build_summary(
            shop,
            self.window_counts(shop_id, score_window(as_of)),
            as_of,
            products=[p.summary for p in products.values()],
            review_platforms=sorted(platforms),
        )
        source: ReviewSource
        if sum(shown.values()) <= WHOLE_SHOP:  # small: one query reads it all, pages come from memory
            everything = [
                _public(row)
                for row in self.db.execute(
                    f"{REVIEW_SELECT}{self.dialect.indexed_by('reviews_newest')} WHERE shop = ? AND product = '' "
                    f"AND {SHOWN} AND created_on <= ? ORDER BY created_at DESC, id, platform",
                    (shop_id, as_of.isoformat()),
                )
            ]
            heads = newest_by_group(shown, everything)
            source = ReviewList(everything)
        else:
            groups = sorted(shown)
            found: list[PublicReview] = []
            for start in range(0, len(groups), GROUPS_PER_QUERY):  # SQLite allows 500 terms in a UNION
                chunk = groups[start : start + GROUPS_PER_QUERY]
                one = (
                    f"SELECT * FROM ({REVIEW_SELECT}{groups_index} "
                    f"WHERE shop = ? AND product = '' AND rating = ? AND language = ? AND scale = ? AND {SHOWN} "
                    f"AND created_on <= ? ORDER BY created_at DESC, id, platform LIMIT {HEAD_SIZE}) AS head"
                )
                params: list[Any] = []
                for rating, language, scale in chunk:
                    params += [shop_id, rating, language, scale, as_of.isoformat()]
                found += map(_public, self.db.execute(" UNION ALL ".join([one] * len(chunk)), params))
            heads = newest_by_group(shown, found)
            source = ShownReviews(self, shop_id, as_of)
        return Snapshot(
            shop=shop,
            version=row[1],
            as_of=as_of,
            summary=summary,
            shown=shown,
            heads=heads,
            source=source,
            own_version=row[2],
            products=products,
            oldest_in_window=facts.oldest_in_window,
            next_given=facts.next_given,
            asked=asked,
            each_day=made_each_day(facts.newest_given, facts.newest_before_window),
        )

    def shown_count(self, shop_id: str) -> int:
        """How many of the shop's reviews are shown, its own and its products', whatever their date:
        how big a read its snapshot is (a shop of 100,000 product reviews reads 126 MB for its
        review feed, docs/benchmarks.md)."""
        row = self.db.execute(
            f"SELECT count(*) FROM reviews{self.dialect.indexed_by('reviews_groups')} WHERE shop = ? AND {SHOWN}",
            (shop_id,),
        ).fetchone()
        return int(row[0])

    def _products(self, shop: Shop, as_of: date, facts: DayFacts, asked: date) -> dict[str, Snapshot]:
        """Each product of the shop as a snapshot of its own, in four queries for all of them.

        The shown product reviews are read whole when there are at most WHOLE_PRODUCTS;
        beyond that each (product, rating, language) group keeps its newest HEAD_SIZE and later
        pages come from keyset queries, as for a large shop.
        """
        rows = self.db.execute(
            "SELECT sku, name, gtin, url, version FROM products WHERE shop = ? ORDER BY sku", (shop.id,)
        ).fetchall()
        if not rows:
            return {}
        window = score_window(as_of)
        counts: dict[str, dict[WindowKey, int]] = {sku: {} for sku, *_ in rows}
        for sku, *key, n in self.db.execute(
            product_window_sql(self.dialect), (shop.id, window.start.isoformat(), window.end.isoformat())
        ):
            counts.setdefault(sku, {})[window_key(key)] = n
        shown: dict[str, dict[Group, int]] = {sku: {} for sku, *_ in rows}
        platforms: dict[str, set[str]] = {}
        groups_index = self.dialect.indexed_by("reviews_groups")
        for sku, rating, language, scale, platform, n in self.db.execute(
            f"SELECT product, rating, language, scale, platform, count(*) FROM reviews{groups_index} "
            f"WHERE shop = ? AND product > '' AND {SHOWN} AND created_on <= ? GROUP BY 1, 2, 3, 4, 5",
            (shop.id, as_of.isoformat()),
        ):
            groups = shown.setdefault(sku, {})
            groups[(rating, language, scale)] = groups.get((rating, language, scale), 0) + n
            platforms.setdefault(sku, set()).add(platform)
        whole = sum(n for groups in shown.values() for n in groups.values()) <= WHOLE_PRODUCTS
        listed: dict[str, list[PublicReview]] = {sku: [] for sku, *_ in rows}
        if whole:
            sql = (
                f"SELECT product, {COLUMNS} FROM reviews{self.dialect.indexed_by('reviews_newest')} WHERE shop = ? "
                f"AND product > '' AND {SHOWN} AND created_on <= ? ORDER BY product, created_at DESC, id, platform"
            )
            for sku, *fields in self.db.execute(sql, (shop.id, as_of.isoformat())):
                listed.setdefault(sku, []).append(_public(tuple(fields)))
        found = {}
        for sku, name, gtin, url, version in rows:
            product = Product(sku=sku, name=name, gtin=gtin, url=url)
            groups = shown.get(sku, {})
            source: ReviewSource = (
                ReviewList(listed.get(sku, [])) if whole else ShownReviews(self, shop.id, as_of, product=sku)
            )
            heads: Mapping[Group, tuple[PublicReview, ...]] = (
                newest_by_group(groups, listed.get(sku, []))
                if whole
                else LazyHeads(partial(self._product_heads, shop.id, sku, as_of, groups))
            )
            found[sku] = Snapshot(
                shop=shop,
                version=version,
                as_of=as_of,
                summary=build_summary(
                    shop,
                    counts.get(sku, {}),
                    as_of,
                    product=product,
                    review_platforms=sorted(platforms.get(sku, ())),
                ),
                shown=groups,
                heads=heads,
                source=source,
                own_version=version,
                product=product,
                # the shop's days, which take in its products': never later than the product's own
                oldest_in_window=facts.oldest_in_window,
                next_given=facts.next_given,
                asked=asked,
            )
        return found

    def _product_heads(
        self, shop_id: str, sku: str, as_of: date, groups: Mapping[Group, int]
    ) -> dict[Group, tuple[PublicReview, ...]]:
        """One product's newest HEAD_SIZE shown reviews of each group, in one query."""
        sql = (
            f"SELECT {COLUMNS} FROM (SELECT {COLUMNS}, row_number() OVER (PARTITION BY rating, language, scale "
            "ORDER BY created_at DESC, id, platform) AS n FROM reviews "
            f"WHERE shop = ? AND product = ? AND {SHOWN} AND created_on <= ?) AS ranked WHERE n <= {HEAD_SIZE} "
            "ORDER BY created_at DESC, id, platform"
        )
        rows = self.db.execute(sql, (shop_id, sku, as_of.isoformat())).fetchall()
        return newest_by_group(groups, map(_public, rows))

    def counted_reviews(self, shop_id: str, window: Window, limit: int, product: str = "") -> list[PublicReview]:
        """The newest reviews that count toward the score of the shop, or of one of its products
        (for the staff preview). Read newest first along reviews_newest until `limit` are found:
        left to itself SQLite's planner takes reviews_window and sorts the whole window (100,000
        reviews: 261 ms against 5 ms)."""
        newest = self.dialect.indexed_by("reviews_newest")
        rows = self.db.execute(
            f"{REVIEW_SELECT}{newest} WHERE shop = ? AND product = ? AND {SHOWN} AND {COUNTED} "
            "AND created_on BETWEEN ? AND ? ORDER BY created_at DESC, id, platform LIMIT ?",
            (shop_id, product, window.start.isoformat(), window.end.isoformat(), limit),
        ).fetchall()
        return [_public(row) for row in rows]

    # -- push tokens: only a hash of the secret is stored ---------------------------------

    def create_token(self, shop_id: str, label: str, created_at: str, *, formats: tuple[str, ...]) -> str:
        """A new token for the shop that may push `formats`, returned once: `tw_<id>_<secret>`;
        the store keeps a hash."""
        token_id, secret = secrets.token_hex(6), secrets.token_urlsafe(32)
        with self.transaction() as db:
            db.execute(
                "INSERT INTO push_tokens (id, shop, secret_hash, label, created_at, formats) VALUES (?, ?, ?, ?, ?, ?)",
                (token_id, shop_id, secret_hash(secret), label, created_at, ",".join(formats)),
            )
        return f"{TOKEN_PREFIX}{token_id}_{secret}"

    def tokens(self, shop_id: str | None = None) -> list[tuple[str, str, str, str, str | None, str]]:
        """(id, shop, label, created_at, revoked_at, formats) of every token, or of one shop's."""
        sql = "SELECT id, shop, label, created_at, revoked_at, formats FROM push_tokens"
        rows = self.db.execute(
            sql + (" WHERE shop = ?" if shop_id else "") + " ORDER BY shop, created_at, id",
            (shop_id,) if shop_id else (),
        ).fetchall()
        return [(row[0], row[1], row[2], row[3], row[4], row[5]) for row in rows]

    def review_platforms(self, shop_id: str) -> set[str]:
        """The platforms a shop has reviews or a score from (as they name themselves)."""
        found = {
            str(row[0])
            for row in self.db.execute(
                "SELECT DISTINCT platform FROM reviews WHERE shop = ? AND platform <> ''", (shop_id,)
            )
        }
        shop = self.shop(shop_id)
        return found | {p.name for p in (shop.platforms if shop is not None else ())}

    def revoke_token(self, token_id: str, revoked_at: str) -> bool:
        with self.transaction() as db:
            changed = db.execute(
                "UPDATE push_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", (revoked_at, token_id)
            ).rowcount
        return bool(changed)

    def token_grant(self, token: str) -> tuple[str, str] | None:
        """(shop, stored formats) of a live token, or None; the secret is compared in constant time."""
        token_id, secret = split_token(token)
        row = self.db.execute(
            "SELECT shop, secret_hash, formats FROM push_tokens WHERE id = ? AND revoked_at IS NULL", (token_id,)
        ).fetchone()
        stored = row[1] if row is not None else UNKNOWN_TOKEN_HASH  # compare anyway: same time either way
        matches = hmac.compare_digest(secret_hash(secret), stored)
        return (str(row[0]), str(row[2])) if row is not None and matches else None

    def token_owner(self, token: str) -> str | None:
        """The shop a live token belongs to, or None."""
        grant = self.token_grant(token)
        return None if grant is None else grant[0]

    # -- sources on the platforms: the secret is written here and read only by a claim ----------

    def add_source(
        self, shop_id: str, platform: str, remote_id: str, base_url: str, secret: str, added_at: str, language: str = ""
    ) -> bool:
        """Store where a shop's reviews live on `platform` under `remote_id` (a shop may have several
        on one platform: a Feedback Company account per language, a Google location per branch).
        The same three again replace the source, whose sync state goes with it: the next sync reads
        every page. It keeps the day it was first added, which decides whose platform score the
        shop shows (sync.score_givers): a new key does not change the score shown. True when new."""
        key = (shop_id, platform, remote_id)
        with self.transaction(counts=False) as db:
            existed = db.execute(
                "SELECT added_at FROM sources WHERE shop = ? AND platform = ? AND remote_id = ?", key
            ).fetchone()
            db.execute("DELETE FROM sources WHERE shop = ? AND platform = ? AND remote_id = ?", key)
            db.execute(
                "INSERT INTO sources (shop, platform, remote_id, base_url, secret, added_at, language) "
                "VALUES (?, ?, ?, ?, ?, ?, ?)",
                (shop_id, platform, remote_id, base_url, secret, added_at if existed is None else existed[0], language),
            )
        return existed is None

    def remove_source(self, shop_id: str, platform: str, remote_id: str) -> bool:
        with self.transaction(counts=False) as db:
            removed = db.execute(
                "DELETE FROM sources WHERE shop = ? AND platform = ? AND remote_id = ?", (shop_id, platform, remote_id)
            ).rowcount
        return bool(removed)

    def sources(self, shop_id: str | None = None) -> list[Source]:
        """Every source, or one shop's, by shop, platform and id; without their secrets (never read here)."""
        where = " WHERE shop = ?" if shop_id else ""
        rows = self.db.execute(
            f"SELECT {SOURCE_COLUMNS} FROM sources{where} ORDER BY shop, platform, remote_id",
            (shop_id,) if shop_id else (),
        ).fetchall()
        return [Source(*row) for row in rows]

    def claim_source(
        self, shop_id: str, platform: str, remote_id: str, owner: str, now: str, stale_before: str
    ) -> Source | None:
        """Take the source for one sync, under the writers' lock, with its secret; None when
        another sync holds it (claimed after `stale_before`) or it is gone."""
        key = (shop_id, platform, remote_id)
        with self.transaction(counts=False) as db:
            row = db.execute(
                f"SELECT {SOURCE_COLUMNS}, secret FROM sources WHERE shop = ? AND platform = ? AND remote_id = ?", key
            ).fetchone()
            if row is None:
                return None
            source = Source(*row)
            if source.claimed_by is not None and source.claimed_at is not None and source.claimed_at > stale_before:
                return None
            db.execute(
                "UPDATE sources SET claimed_by = ?, claimed_at = ? WHERE shop = ? AND platform = ? AND remote_id = ?",
                (owner, now, *key),
            )
        return replace(source, claimed_by=owner, claimed_at=now)

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
    ) -> bool:
        """How `owner`'s sync of the source went, and its claim released (inside the caller's
        transaction: a good sync records itself in the transaction that stores what it read).
        Values left None keep what is stored. False when `owner` no longer holds the claim (the
        source was added again, removed, or taken over by another sync as stale): nothing recorded."""
        updated = self.db.execute(
            "UPDATE sources SET last_error = ?, synced_at = coalesce(?, synced_at), full_at = coalesce(?, full_at), "
            "newest = coalesce(?, newest), reviews_read = coalesce(?, reviews_read), claimed_by = NULL, "
            "claimed_at = NULL WHERE shop = ? AND platform = ? AND remote_id = ? AND claimed_by = ?",
            (error, synced_at, full_at, newest, reviews_read, shop_id, platform, remote_id, owner),
        ).rowcount
        return bool(updated)

    def counts(self) -> tuple[int, int]:
        """(shops, reviews) in the store."""
        shops = self.db.execute("SELECT count(*) FROM shops").fetchone()[0]
        reviews = self.db.execute("SELECT count(*) FROM reviews").fetchone()[0]
        return int(shops), int(reviews)


def _public(row: tuple[Any, ...]) -> PublicReview:
    (
        rid,
        rating,
        title,
        text,
        author,
        language,
        experienced_on,
        created_at,
        created_on,
        verification,
        status,
        reply_text,
        reply_created_at,
        platform,
        scale,
        incentivized,
    ) = row
    reply = None
    if reply_text is not None:
        reply = Reply(text=reply_text, created_at=parse_timestamp(reply_created_at))
    return PublicReview(
        id=rid,
        rating=rating,
        title=title,
        text=text,
        author=author,
        language=language,
        experienced_on=date.fromisoformat(experienced_on),
        created_at=created_at,
        created_on=date.fromisoformat(created_on),
        verification=verification,
        status=status,
        reply=reply,
        platform=platform,
        scale=scale,
        incentivized=bool(incentivized),
    )


def window_key(row: Any) -> WindowKey:
    """A window_sql row's key (incentivized is stored as 0 or 1)."""
    verification, status, rating, month, scale, incentivized = row
    return WindowKey(verification, status, rating, month, scale, bool(incentivized))


class ShownReviews:
    """A shop's shown reviews page by page for one as_of (the snapshot's ReviewSource).

    Pages read in order cost one keyset query each: the last row of a page is remembered and
    the next page starts after it. Only a jump to an unseen page counts rows to find its start.
    SQLite's plan is pinned to reviews_newest (dialect.indexed_by): its planner otherwise picks
    reviews_window and sorts the whole shop for every page (measured: a 20,000-review shop
    built in 22 s instead of 1 s).
    """

    def __init__(self, store: SqlStore, shop_id: str, as_of: date, product: str = "") -> None:
        self.store = store
        self.shop_id = shop_id
        self.as_of = as_of
        self.product = product  # '' for the shop's own reviews
        self.ends: dict[tuple[ReviewFilter, int, int], tuple[str, str, str]] = {}
        self.last: tuple[tuple[ReviewFilter, int, int], list[PublicReview]] | None = None

    def _where(self, wanted: ReviewFilter) -> tuple[str, list[Any]]:
        where = ["shop = ?", "product = ?", SHOWN, "created_on <= ?"]
        params: list[Any] = [self.shop_id, self.product, self.as_of.isoformat()]
        if wanted.stars:  # stars only: a review scored out of 10 has none
            where.append(f"scale = {int(STAR_SCALE)} AND rating IN ({','.join('?' * len(wanted.stars))})")
            params.extend(wanted.stars)
        if wanted.lang:
            where.append("(" + " OR ".join("lower(language) = ? OR lower(language) LIKE ?" for _ in wanted.lang) + ")")
            for tag in wanted.lang:
                params.extend([tag, tag + "-%"])
        return " AND ".join(where), params

    def page(self, wanted: ReviewFilter, number: int, size: int) -> list[PublicReview]:
        key = (wanted, size, number)
        # Read once: render threads share the snapshot, and another may replace `last` meanwhile.
        last = self.last
        if last is not None and last[0] == key:  # the same page in the next locale
            return last[1]
        where, params = self._where(wanted)
        after = self.ends.get((wanted, size, number - 1))
        newest = f"{REVIEW_SELECT}{self.store.dialect.indexed_by('reviews_newest')}"
        if after is None:
            sql = f"{newest} WHERE {where} ORDER BY created_at DESC, id, platform LIMIT ? OFFSET ?"
            params += [size, (number - 1) * size]
        else:
            created_at, review_id, platform = after
            sql = (
                f"{newest} WHERE {where} AND created_at <= ? "
                "AND (created_at < ? OR id > ? OR (id = ? AND platform > ?)) "
                "ORDER BY created_at DESC, id, platform LIMIT ?"
            )
            params += [created_at, created_at, review_id, review_id, platform, size]
        found = [_public(row) for row in self.store.db.execute(sql, params)]
        if found:
            if len(self.ends) >= MAX_REMEMBERED_PAGES:
                self.ends.clear()
            self.ends[key] = (found[-1].created_at, found[-1].id, found[-1].platform)
        self.last = (key, found)
        return found

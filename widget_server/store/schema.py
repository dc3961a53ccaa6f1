"""The store's current schema, defined once for both engines: what a new store is made with.

A change to what the store holds touches this file and adds a migration step to each engine's
history (sqlite.py, postgres.py), which moves an existing store to the same schema;
tests/test_store_schema.py checks that a new store and one migrated from the oldest version
agree, on both engines. The CHECK lists come from the rules' constants (core/rules.py).
"""

from __future__ import annotations

from ..core.rules import SCALES, STATUSES, VERIFICATIONS
from .dialect import Dialect

LOWEST_RATING, HIGHEST_RATING = 1, max(SCALES)  # as core/records.py accepts them, on the review's scale


def sql_list(values: tuple[str, ...]) -> str:
    """A SQL list of literal constants from core.rules (never user input)."""
    return "(" + ", ".join("'" + value.replace("'", "''") + "'" for value in values) + ")"


def int_list(values: tuple[int, ...]) -> str:
    return "(" + ", ".join(str(int(value)) for value in values) + ")"


WINDOW_INDEX = "shop, product, created_on, verification, status, rating, scale, incentivized"


def schema(dialect: Dialect) -> tuple[str, ...]:
    """The statements that create the current schema in `dialect`, one statement each."""
    text, rowid = dialect.text, dialect.without_rowid
    return (
        # A shop: its record, its platforms' own scores (a JSON list), and its data versions.
        # reviews_xor is the XOR of its own reviews' digests, products_xor the XOR of its
        # products' versions ('' when it has none); own_version covers the record and its own
        # reviews (the build's shop files), version also every product.
        f"""CREATE TABLE shops (
            id {text} PRIMARY KEY,
            record {text} NOT NULL,
            reviews_xor {text} NOT NULL,
            version {text} NOT NULL,
            own_version {text} NOT NULL DEFAULT '',
            platforms {text} NOT NULL DEFAULT '[]',
            products_xor {text} NOT NULL DEFAULT ''
        ){rowid}""",
        # A review is (shop, platform, id), its key its leading columns (SQLite 3.40's
        # integrity_check reports false NULLs in a WITHOUT ROWID table whose key is not);
        # product is its SKU, '' for a review of the shop; rating is on the review's scale (5:
        # stars; 10: Kiyoh's score out of 10); incentivized 1 for a review given for a reward.
        f"""CREATE TABLE reviews (
            shop {text} NOT NULL REFERENCES shops(id),
            platform {text} NOT NULL DEFAULT '',
            id {text} NOT NULL,
            rating INTEGER NOT NULL CHECK (rating BETWEEN {LOWEST_RATING} AND {HIGHEST_RATING}),
            title {text} NOT NULL,
            text {text} NOT NULL,
            author {text} NOT NULL,
            language {text} NOT NULL,
            experienced_on {text} NOT NULL,
            created_at {text} NOT NULL,
            created_on {text} NOT NULL,
            verification {text} NOT NULL CHECK (verification IN {sql_list(VERIFICATIONS)}),
            status {text} NOT NULL CHECK (status IN {sql_list(STATUSES)}),
            reply_text {text},
            reply_created_at {text},
            digest {text} NOT NULL,
            product {text} NOT NULL DEFAULT '',
            scale INTEGER NOT NULL DEFAULT 5 CHECK (scale IN {int_list(SCALES)}),
            incentivized INTEGER NOT NULL DEFAULT 0 CHECK (incentivized IN (0, 1)),
            CHECK (rating <= scale),
            PRIMARY KEY (shop, platform, id)
        ){rowid}""",
        # The summary reads only this index (covering): one range scan per shop and window.
        f"CREATE INDEX reviews_window ON reviews ({WINDOW_INDEX})",
        # The shown reviews newest first, and each (rating, language) group's newest; platform
        # is the keyset pages' last key.
        "CREATE INDEX reviews_newest ON reviews (shop, product, created_at DESC, id, platform)",
        "CREATE INDEX reviews_groups ON reviews (shop, product, rating, language, created_at DESC, id, platform)",
        # Emails are the audit reference of a purchase: kept apart so no widget query can read them.
        f"""CREATE TABLE review_audit (
            shop {text} NOT NULL,
            platform {text} NOT NULL DEFAULT '',
            id {text} NOT NULL,
            email {text},
            PRIMARY KEY (shop, platform, id)
        ){rowid}""",
        # The push endpoint's tokens: a public id and a hash of the secret, never the secret;
        # formats is the comma list of formats it may push ('*': every one).
        f"""CREATE TABLE push_tokens (
            id {text} PRIMARY KEY,
            shop {text} NOT NULL,
            secret_hash {text} NOT NULL,
            label {text} NOT NULL,
            created_at {text} NOT NULL,
            revoked_at {text},
            formats {text} NOT NULL DEFAULT '*'
        ){rowid}""",
        # The products reviews name, with the XOR of their reviews' digests and their version.
        f"""CREATE TABLE products (
            shop {text} NOT NULL,
            sku {text} NOT NULL,
            name {text} NOT NULL,
            gtin {text} NOT NULL,
            url {text} NOT NULL,
            reviews_xor {text} NOT NULL,
            version {text} NOT NULL,
            PRIMARY KEY (shop, sku)
        ){rowid}""",
        # Where a shop's reviews live on a platform (`trustwidgets source add`) and how its last
        # sync went. `secret` is the secret file's text (an API key, client credentials, a refresh
        # token): written by `source add` only, read by `sync` only, never printed. `newest` is the
        # newest review time the last sync saw (the incremental sync's mark), `full_at` when every
        # page was last read; `claimed_by`/`claimed_at` the sync running now (one at a time);
        # `language` that of its reviews where the platform names none ('' the shop's default locale).
        f"""CREATE TABLE sources (
            shop {text} NOT NULL,
            platform {text} NOT NULL,
            remote_id {text} NOT NULL,
            base_url {text} NOT NULL,
            secret {text} NOT NULL,
            added_at {text} NOT NULL,
            synced_at {text},
            full_at {text},
            newest {text},
            reviews_read INTEGER NOT NULL DEFAULT 0,
            last_error {text} NOT NULL DEFAULT '',
            claimed_by {text},
            claimed_at {text},
            language {text} NOT NULL DEFAULT '',
            PRIMARY KEY (shop, platform, remote_id)
        ){rowid}""",
    )

"""The one current schema (store/schema.py) and the engines' migration histories agree, and the
data versions kept incrementally equal a full recompute from every review (both engines)."""

import re
import sqlite3
from datetime import date

import pytest

from tests.factories import SHOP, review
from tests.postgres import fresh_database
from widget_server.sources.importer import import_document
from widget_server.store.open import open_store
from widget_server.store.postgres import PostgresStore
from widget_server.store.sqlite import MIGRATIONS, SCHEMA_VERSION, Store

LOCALES = ("en", "nl")


def checks(sql):
    """The CHECK clauses of a CREATE TABLE statement, whitespace made single."""
    found = []
    for match in re.finditer(r"CHECK\s*\(", sql):
        depth, end = 1, match.end()
        while depth:
            depth += {"(": 1, ")": -1}.get(sql[end], 0)
            end += 1
        found.append(" ".join(sql[match.end() : end - 1].split()))
    return sorted(found)


def sqlite_schema(conn):
    """Every table's columns in order (type, NOT NULL, default, key), CHECKs, foreign keys,
    WITHOUT ROWID, and its indexes' columns, order and collation: what sqlite_master says."""
    facts = {}
    tables = conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall()
    for name, sql in tables:
        indexes = {}
        for _, index, unique, origin, partial in conn.execute(f"PRAGMA index_list({name})"):
            columns = [tuple(row[2:]) for row in conn.execute(f"PRAGMA index_xinfo({index})")]
            # An index SQLite made for a key is named after the table it was made in (reviews_6).
            indexes[index if origin == "c" else origin] = (unique, partial, columns)
        facts[name] = {
            "columns": [tuple(row) for row in conn.execute(f"PRAGMA table_xinfo({name})")],
            "checks": checks(sql),
            "foreign keys": sorted(tuple(row[2:]) for row in conn.execute(f"PRAGMA foreign_key_list({name})")),
            "without rowid": conn.execute("SELECT wr FROM pragma_table_list WHERE name = ?", (name,)).fetchone()[0],
            "indexes": indexes,
        }
    return facts


def postgres_schema(conn):
    """Every column (type, collation, NULL, default), constraint and index: what
    information_schema and pg_catalog say. Columns are compared by name: ALTER TABLE adds a
    column last and PostgreSQL reorders columns only by rewriting the table, so a migrated
    table may hold its columns in another order than a new one (no query depends on it)."""
    columns = sorted(
        tuple(row)
        for row in conn.execute(
            "SELECT table_name, column_name, data_type, collation_name, is_nullable, column_default "
            "FROM information_schema.columns WHERE table_schema = 'public'"
        )
    )
    constraints = sorted(
        tuple(row)
        for row in conn.execute(
            "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE connamespace = 'public'::regnamespace"
        )
    )
    indexes = sorted(
        tuple(row)
        for row in conn.execute("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public'")
    )
    return {"columns": columns, "constraints": constraints, "indexes": indexes}


def test_a_new_sqlite_store_and_one_migrated_from_the_oldest_version_have_one_schema(tmp_path):
    Store.open(tmp_path / "new").close()
    (tmp_path / "old").mkdir()
    conn = sqlite3.connect(tmp_path / "old" / "store.sqlite3")
    conn.executescript(MIGRATIONS[0])
    conn.execute("PRAGMA user_version = 1")
    conn.close()
    Store.open(tmp_path / "old").close()  # migrated through every step
    schemas = []
    for folder in ("new", "old"):
        conn = sqlite3.connect(tmp_path / folder / "store.sqlite3")
        assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
        schemas.append(sqlite_schema(conn))
        conn.close()
    new, old = schemas
    assert set(new) == {"shops", "reviews", "review_audit", "push_tokens", "products", "sources"}
    assert new == old


def test_a_new_postgres_store_and_one_migrated_from_the_oldest_version_have_one_schema(postgres_cluster, tmp_path):
    import psycopg

    from widget_server.store.postgres import MIGRATIONS as POSTGRES_MIGRATIONS
    from widget_server.store.postgres import SCHEMA_VERSION as POSTGRES_VERSION

    new = fresh_database(postgres_cluster, "schema_new")
    PostgresStore.connect(new).close()
    old = fresh_database(postgres_cluster, "schema_old")
    with psycopg.connect(old, autocommit=True) as conn:
        for statement in POSTGRES_MIGRATIONS[0].split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute("UPDATE store_meta SET schema_version = 1")
    PostgresStore.connect(old).close()  # migrated through every step
    schemas = []
    for url in (new, old):
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT schema_version FROM store_meta").fetchone()[0] == POSTGRES_VERSION
            schemas.append(postgres_schema(conn))
    assert {row[0] for row in schemas[0]["columns"]} == {
        "store_meta",
        "shops",
        "reviews",
        "review_audit",
        "push_tokens",
        "products",
        "sources",
    }
    assert schemas[0] == schemas[1]


def versions(store):
    """Every stored XOR and data version, of shops and products."""
    shops = store.db.execute("SELECT id, reviews_xor, products_xor, own_version, version FROM shops ORDER BY id")
    products = store.db.execute("SELECT shop, sku, reviews_xor, version FROM products ORDER BY shop, sku")
    return [tuple(row) for row in shops.fetchall()], [tuple(row) for row in products.fetchall()]


def recomputed(store):
    """versions() after a full recompute from every review digest (in a transaction rolled back)."""

    class Undo(Exception):
        pass

    with pytest.raises(Undo), store.transaction():
        store.recompute_versions({shop for shop, *_ in versions(store)[0]})
        found = versions(store)
        raise Undo
    return found


def product(sku, name=None):
    return {"sku": sku, "name": name or f"Product {sku}"}


OTHER = {**SHOP, "id": "other", "name": "Other"}


def test_versions_kept_incrementally_equal_a_full_recompute(store):  # SQLite and PostgreSQL
    """Issue 24: an import changes a shop's XORs by the digests it writes (old out, new in),
    never reading the shop's other reviews; the result is what reading them all gives."""
    steps = [
        # new reviews: the shop's own, of two products, of another platform, of another shop
        {
            "shops": [SHOP, OTHER],
            "reviews": [
                review(id="a"),
                review(id="b", rating=3, product=product("P1")),
                review(id="c", rating=4, product=product("P1")),
                review(id="d", rating=2, product=product("P2")),
                review(id="a", platform="Google", verification="unverified", email=None),
                review(id="o1", shop="other", product=product("P1")),
            ],
        },
        # updates: a changed text, a reply, one removed, the same review again (no change)
        {
            "reviews": [
                review(id="a", text="Nu anders."),
                review(
                    id="b",
                    rating=3,
                    product=product("P1"),
                    reply={"text": "Dank", "created_at": "2026-10-02T09:00:00Z"},
                ),
                review(id="c", rating=4, status="removed", product=product("P1")),
                review(id="d", rating=2, product=product("P2")),
            ]
        },
        # a product's name changes; a review moves from P2 (its last) to P3, one to the shop itself
        {
            "reviews": [
                review(
                    id="b",
                    rating=3,
                    product=product("P1", "Renamed"),
                    reply={"text": "Dank", "created_at": "2026-10-02T09:00:00Z"},
                ),
                review(id="d", rating=2, product=product("P3")),
                review(id="c", rating=4, status="removed"),
            ]
        },
        # more products than refresh_versions reads one by one (FEW_PRODUCTS), then each emptied
        {"reviews": [review(id=f"e{n}", rating=1 + n % 5, product=product(f"Q{n}")) for n in range(40)]},
        {"reviews": [review(id=f"e{n}", rating=1 + n % 5, status="removed") for n in range(40)]},
        # the shop record changes and the last product review of the other shop moves to the shop
        {
            "shops": [{**SHOP, "name": "WTW Winkel B.V."}],
            "reviews": [review(id="o1", shop="other")],
        },
    ]
    first = None
    for number, document in enumerate(steps):
        import_document(store, document, available_locales=LOCALES)
        kept = versions(store)
        assert kept == recomputed(store), f"after step {number + 1}"
        first = first or kept
    shops, products = versions(store)
    assert [(shop, sku) for shop, sku, *_ in products] == [("wtw-winkel", "P1"), ("wtw-winkel", "P3")]  # P2 is gone
    other, ours = shops
    assert other[2] == "" and other[3] == other[4]  # no products (any more): version is own_version
    assert ours[2] != "" and ours[3] != ours[4]
    assert versions(store) != first
    # a shop removed and made again starts from nothing
    store.remove_shops(["other"], "2026-11-01T00:00:00.000000Z")
    import_document(store, {"shops": [OTHER], "reviews": [review(id="o2", shop="other")]}, available_locales=LOCALES)
    assert versions(store) == recomputed(store)
    snapshot = store.snapshot("wtw-winkel", date(2026, 11, 23))  # a counts (a's Google twin is unverified, c removed)
    assert snapshot.summary["review_count"] == 1 and set(snapshot.products) == {"P1", "P3"}


def test_a_fresh_import_and_one_made_piece_by_piece_have_the_same_versions(tmp_path, monkeypatch):
    """The same reviews reached in one import or through changes give the same versions."""
    monkeypatch.delenv("TRUSTWIDGETS_STORE", raising=False)
    final = [
        review(id="a", text="Nu anders."),
        review(id="b", product=product("P1", "Renamed")),
        review(id="c", status="removed"),
    ]
    piecewise = open_store(tmp_path / "one")
    import_document(
        piecewise,
        {"shops": [SHOP], "reviews": [review(id="a"), review(id="b", product=product("P1")), review(id="c")]},
        available_locales=LOCALES,
    )
    import_document(piecewise, {"reviews": final}, available_locales=LOCALES)
    whole = open_store(tmp_path / "two")
    import_document(whole, {"shops": [SHOP], "reviews": final}, available_locales=LOCALES)
    assert versions(piecewise) == versions(whole)
    piecewise.close()
    whole.close()


def test_a_store_whose_xors_went_stale_is_repaired_by_the_migration(tmp_path):
    """Version 8's data step recomputes every shop from its reviews (as a repair would)."""
    store = Store.open(tmp_path)
    import_document(store, {"shops": [SHOP], "reviews": [review(id="a"), review(id="b")]}, available_locales=LOCALES)
    good = versions(store)
    store.db.execute("UPDATE shops SET reviews_xor = ?, version = 'stale'", ("0" * 32,))
    store.db.execute("PRAGMA user_version = 7")
    store.db.execute("ALTER TABLE shops DROP COLUMN products_xor")
    store.db.execute("DROP TABLE sources")  # version 9's: a version-7 store has none
    store.close()
    store = Store.open(tmp_path)
    assert versions(store) == good
    store.close()

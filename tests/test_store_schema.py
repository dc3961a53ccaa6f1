"""The one current schema (store/schema.py) and the engines' migration histories agree (both engines)."""

import re
import sqlite3

from tests.postgres import fresh_database
from widget_server.store.postgres import PostgresStore
from widget_server.store.sqlite import MIGRATIONS, SCHEMA_VERSION, Store


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
    assert set(new) == {"shops", "reviews", "review_audit", "push_tokens", "products"}
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
    }
    assert schemas[0] == schemas[1]

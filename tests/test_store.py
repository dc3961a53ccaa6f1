import sqlite3
from datetime import date

import pytest

from tests.factories import SHOP, review
from widget_server.core.options import ReviewFilter
from widget_server.core.records import parse_review, parse_shop
from widget_server.core.rules import score_window
from widget_server.store import SCHEMA_VERSION, Store, StoreError


def fill(store, *reviews):
    with store.transaction():
        store.upsert_shop(parse_shop(SHOP, ("en", "nl")))
        store.upsert_reviews([parse_review(raw) for raw in reviews])
        store.refresh_versions({"wtw-winkel"})


def test_new_store_is_migrated_to_the_latest_schema(store):
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_a_store_from_a_newer_version_is_refused(tmp_path):
    path = tmp_path / "data"
    Store.open(path).close()
    conn = sqlite3.connect(path / "store.sqlite3")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="upgrade trustwidgets"):
        Store.open(path)


def test_a_file_that_is_not_a_database_is_a_clear_error(tmp_path):
    (tmp_path / "store.sqlite3").write_text("garbage" * 100)
    with pytest.raises(StoreError, match="is damaged"):
        Store.open(tmp_path)


def test_emails_are_kept_only_in_the_audit_table(store):
    fill(store, review())
    tables = [r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type='table'")]
    holding = [t for t in tables if "jan@example.nl" in repr(store.db.execute(f"SELECT * FROM {t}").fetchall())]
    assert holding == ["review_audit"]
    snapshot = store.snapshot("wtw-winkel", date(2026, 11, 23))
    assert "jan@example.nl" not in repr(snapshot.heads)
    assert "jan@example.nl" not in repr(snapshot.source.page(ReviewFilter(), 1, 50))


def test_window_counts_group_by_verification_and_rating(store):
    fill(
        store,
        review(id="1", rating=5),
        review(id="2", rating=4, status="flagged"),
        review(id="3", rating=1, status="removed"),
        review(id="4", rating=2, verification="imported", email=None),
        review(id="5", rating=3, created_at="2025-01-01T00:00:00Z", experienced_at=None),
    )
    counts = store.window_counts("wtw-winkel", score_window(date(2026, 11, 23)))
    assert counts == {("verified", 5): 1, ("verified", 4): 1, ("imported", 2): 1}


def test_the_summary_reads_one_covering_index(store):
    plan = store.db.execute(
        "EXPLAIN QUERY PLAN SELECT verification, rating, count(*) FROM reviews WHERE shop = ? "
        "AND created_on BETWEEN ? AND ? AND status IN ('published', 'flagged') GROUP BY verification, rating",
        ("x", "2025-01-01", "2026-01-01"),
    ).fetchall()
    assert "COVERING INDEX reviews_window" in " ".join(row[-1] for row in plan)


def test_shown_reviews_newest_first_with_filters(store):
    fill(
        store,
        review(id="old", created_at="2026-01-01T00:00:00Z", experienced_at=None, rating=3),
        review(id="new", created_at="2026-10-02T00:00:00Z", language="en-GB", rating=5),
        review(id="mid", created_at="2026-10-01T00:00:00Z", rating=4),
        review(id="gone", status="removed"),
        review(id="future", created_at="2026-11-24T00:00:00Z", experienced_at=None),
    )
    snapshot = store.snapshot("wtw-winkel", date(2026, 11, 23))
    for wanted, ids in [
        (ReviewFilter(), ["new", "mid", "old"]),
        (ReviewFilter(stars=(4, 5)), ["new", "mid"]),
        (ReviewFilter(lang=("en",)), ["new"]),
        (ReviewFilter(lang=("en-gb",)), ["new"]),
        (ReviewFilter(lang=("de",)), []),
    ]:
        assert [r.id for r in snapshot.newest(wanted, 50)] == ids, wanted
        assert [r.id for r in snapshot.source.page(wanted, 1, 50)] == ids, wanted
        assert snapshot.total(wanted) == len(ids)
    assert [r.id for r in snapshot.source.page(ReviewFilter(), 2, 1)] == ["mid"]  # a jump to an unseen page
    assert snapshot.total(ReviewFilter(stars=(3,))) == 1

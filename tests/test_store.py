import json
import os
import sqlite3
import stat
import subprocess
from datetime import date

import pytest

from tests.factories import SHOP, review, write_json
from tests.server import cli_args
from widget_server.core.options import ReviewFilter
from widget_server.core.records import parse_platform, parse_review, parse_shop
from widget_server.core.rules import score_window
from widget_server.store.base import ShownReviews
from widget_server.store.postgres import PostgresStore
from widget_server.store.protocol import StoreError
from widget_server.store.sqlite import SCHEMA_VERSION, WINDOW_SQL, Store


def fill(store, *reviews):
    with store.transaction():
        store.upsert_shop(parse_shop(SHOP, ("en", "nl")))
        store.upsert_reviews([parse_review(raw) for raw in reviews])
        store.refresh_versions({"wtw-winkel"})


def table_names(store):
    if isinstance(store, PostgresStore):
        return [r[0] for r in store.db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
    return [r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type='table'")]


def test_new_store_is_migrated_to_the_latest_schema(sqlite_store):
    store = sqlite_store
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


def _mode(path):
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def umask_022():
    """The usual umask, under which a file created without a mode of its own is 0644."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def test_a_new_store_file_is_readable_by_its_owner_only(tmp_path, monkeypatch, umask_022):
    """The store holds emails (review_audit): store.sqlite3 and its -wal and -shm are 0600,
    whether `trustwidgets init`, `import` or the service made it."""
    monkeypatch.delenv("TRUSTWIDGETS_STORE", raising=False)
    for command in ("init", "import"):
        data = tmp_path / command
        args = [str(write_json(tmp_path / "shops.json", {"shops": [SHOP]}))] if command == "import" else []
        result = subprocess.run(cli_args(data, command, *args), capture_output=True, text=True, timeout=60)
        assert result.returncode == 0, result.stderr
        assert _mode(data / "store.sqlite3") == 0o600
        store = Store.open(data)  # the WAL and its index exist while a connection is open
        try:
            assert store.counts()[0] == (1 if command == "import" else 0)
            for suffix in ("-wal", "-shm"):
                assert _mode(data / f"store.sqlite3{suffix}") == 0o600, suffix
        finally:
            store.close()


def test_an_existing_store_files_mode_is_left_alone(tmp_path, umask_022):
    Store.open(tmp_path / "data").close()
    path = tmp_path / "data" / "store.sqlite3"
    path.chmod(0o640)  # chosen by its owner, say for a backup group
    Store.open(tmp_path / "data").close()
    assert _mode(path) == 0o640


def test_emails_are_kept_only_in_the_audit_table(store):
    fill(store, review())
    tables = table_names(store)
    assert {"shops", "reviews", "review_audit", "products", "push_tokens"} <= set(tables)
    holding = [t for t in tables if "jan@example.nl" in repr(store.db.execute(f"SELECT * FROM {t}").fetchall())]
    assert holding == ["review_audit"]
    snapshot = store.snapshot("wtw-winkel", date(2026, 11, 23))
    assert "jan@example.nl" not in repr(snapshot.heads)
    assert "jan@example.nl" not in repr(snapshot.source.page(ReviewFilter(), 1, 50))


def test_window_counts_group_by_verification_status_rating_and_month(store):
    fill(
        store,
        review(id="1", rating=5),
        review(id="2", rating=4, status="flagged"),
        review(id="3", rating=1, status="removed"),
        review(id="4", rating=2, verification="imported", email=None),
        review(
            id="6",
            rating=2,
            verification="unverified",
            email=None,
            created_at="2026-01-31T23:59:59Z",
            experienced_at=None,
        ),
        review(
            id="7",
            rating=2,
            verification="unverified",
            email=None,
            created_at="2026-01-01T00:00:00Z",
            experienced_at=None,
        ),
        review(id="5", rating=3, created_at="2025-01-01T00:00:00Z", experienced_at=None),
        review(id="8", rating=8, scale=10, platform="Kiyoh"),
        review(id="9", rating=8, scale=10, platform="Kiyoh", incentivized=True),
        review(id="10", rating=5, incentivized=True),
    )
    counts = store.window_counts("wtw-winkel", score_window(date(2026, 11, 23)))
    assert counts == {
        ("verified", "published", 5, "2026-10", 5, False): 1,
        ("verified", "flagged", 4, "2026-10", 5, False): 1,
        ("verified", "removed", 1, "2026-10", 5, False): 1,
        ("imported", "published", 2, "2026-10", 5, False): 1,
        ("unverified", "published", 2, "2026-01", 5, False): 2,
        ("verified", "published", 8, "2026-10", 10, False): 1,
        ("verified", "published", 8, "2026-10", 10, True): 1,
        ("verified", "published", 5, "2026-10", 5, True): 1,
    }


def test_a_review_keeps_its_scale_and_reward_and_a_star_filter_passes_over_scores_out_of_ten(store):
    fill(
        store,
        review(id="s4", rating=4),
        review(id="k4", rating=4, scale=10, platform="Kiyoh", created_at="2026-10-02T12:00:00Z"),
        review(id="k9", rating=9, scale=10, platform="Kiyoh", incentivized=True, created_at="2026-10-03T12:00:00Z"),
    )
    snapshot = store.snapshot("wtw-winkel", date(2026, 11, 23))
    stored = {r.id: (r.rating, r.scale, r.incentivized) for r in snapshot.newest(ReviewFilter(), 10)}
    assert stored == {"s4": (4, 5, False), "k4": (4, 10, False), "k9": (9, 10, True)}
    assert [r.id for r in snapshot.newest(ReviewFilter(stars=(4,)), 10)] == ["s4"]
    assert snapshot.total(ReviewFilter(stars=(4,))) == 1
    assert [
        r.id for r in ShownReviews(store, "wtw-winkel", date(2026, 11, 23)).page(ReviewFilter(stars=(4,)), 1, 10)
    ] == ["s4"]
    assert (snapshot.summary["review_count"], snapshot.summary["score"]) == (1, 4.0)
    assert (snapshot.summary["ten_point_count"], snapshot.summary["incentivized_count"]) == (1, 1)


def test_the_summary_reads_one_covering_index(sqlite_store):
    store = sqlite_store
    plan = store.db.execute(f"EXPLAIN QUERY PLAN {WINDOW_SQL}", ("x", "2025-01-01", "2026-01-01")).fetchall()
    assert "COVERING INDEX reviews_window" in " ".join(row[-1] for row in plan)


def test_the_previews_counted_reviews_are_read_newest_first_without_a_sort(sqlite_store):
    """SQLite's planner picked reviews_window and sorted the whole window (261 ms for 100,000)."""
    fill(sqlite_store, review(id="a"), review(id="b", created_at="2026-10-02T00:00:00Z"))
    statements: list[str] = []
    sqlite_store.db.set_trace_callback(statements.append)
    try:
        found = sqlite_store.counted_reviews("wtw-winkel", score_window(date(2026, 11, 23)), 500)
    finally:
        sqlite_store.db.set_trace_callback(None)
    assert [r.id for r in found] == ["b", "a"]
    query = next(statement for statement in statements if statement.endswith("LIMIT 500"))
    plan = " ".join(row[-1] for row in sqlite_store.db.execute(f"EXPLAIN QUERY PLAN {query}"))
    assert "reviews_newest" in plan and "TEMP B-TREE" not in plan


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


def test_shown_count_counts_the_shops_shown_reviews_and_its_products_whatever_their_date(store):  # how big a read
    fill(
        store,
        review(id="a", created_at="2020-01-01T00:00:00Z", experienced_at=None),
        review(id="b"),
        review(id="future", created_at="2027-01-01T00:00:00Z", experienced_at=None),
        review(id="gone", status="removed"),
        review(id="of-a-product", product={"sku": "ZEH-Q350", "name": "Zehnder ComfoAir Q350"}),
        review(id="gone-product", status="removed", product={"sku": "ZEH-Q350", "name": "Zehnder ComfoAir Q350"}),
    )
    assert store.shown_count("wtw-winkel") == 4  # the review feed reads its products' reviews too
    assert store.shown_count("no-such-shop") == 0


def test_a_version_2_store_keeps_its_reviews_and_takes_unverified_ones(tmp_path):
    from widget_server.store.sqlite import MIGRATIONS

    conn = sqlite3.connect(tmp_path / "store.sqlite3")
    for script in MIGRATIONS[:2]:
        conn.executescript(script)
    conn.execute("PRAGMA user_version = 2")
    conn.execute(
        "INSERT INTO shops VALUES ('wtw-winkel', ?, ?, 'v')",
        (json.dumps(parse_shop(SHOP, ("en", "nl")).to_record()), "0" * 32),
    )
    conn.execute(
        "INSERT INTO reviews VALUES ('wtw-winkel', 'old', 5, 't', 'x', 'Jan', 'nl', '2026-09-20', "
        "'2026-10-01T12:00:00.000000Z', '2026-10-01', 'verified', 'published', NULL, NULL, 'd')"
    )
    with pytest.raises(sqlite3.IntegrityError):  # version 2 refuses the third verification
        conn.execute(
            "INSERT INTO reviews VALUES ('wtw-winkel', 'new', 5, 't', 'x', 'Jan', 'nl', '2026-09-20', "
            "'2026-10-01T12:00:00.000000Z', '2026-10-01', 'unverified', 'published', NULL, NULL, 'd')"
        )
    conn.commit()
    conn.close()
    store = Store.open(tmp_path)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    fill(store, review(id="new", verification="unverified", email=None))
    summary = store.snapshot("wtw-winkel", date(2026, 11, 23)).summary
    assert (summary["review_count"], summary["unverified_count"]) == (1, 1)
    indexes = {row[0] for row in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"reviews_window", "reviews_newest", "reviews_groups"} <= indexes


def test_a_version_4_store_moves_the_platform_score_out_of_the_record(tmp_path):
    from widget_server.store.sqlite import MIGRATIONS

    conn = sqlite3.connect(tmp_path / "store.sqlite3")
    for number, script in enumerate(MIGRATIONS[:4]):
        for statement in script.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {number + 1}")
    record = {
        **parse_shop(SHOP, ("en", "nl")).to_record(),
        "platform": {
            "name": "Trustpilot",
            "score_name": "TrustScore",
            "score": "4.6",
            "scale": 5,
            "review_count": 1234,
            "profile_url": "https://nl.trustpilot.com/review/wtw-winkel.nl",
            "read_on": "2026-11-20",
        },
    }
    conn.execute("INSERT INTO shops VALUES ('wtw-winkel', ?, ?, 'v', 'v')", (json.dumps(record), "0" * 32))
    conn.commit()
    conn.close()
    store = Store.open(tmp_path)
    stored = json.loads(store.db.execute("SELECT record FROM shops").fetchone()[0])
    assert "platform" not in stored
    shop = store.shop("wtw-winkel")
    assert [(p.name, p.score, p.review_count) for p in shop.platforms] == [("Trustpilot", "4.6", 1234)]
    assert store.shop_versions()["wtw-winkel"] != "v"  # the shop is rebuilt once with its new facts
    with store.transaction():  # the record imported again, as it was: the score stays
        store.upsert_shop(parse_shop(SHOP, ("en", "nl")))
    assert [p.name for p in store.shop("wtw-winkel").platforms] == ["Trustpilot"]


def test_a_platform_score_replaces_only_its_own_platform(store):  # SQLite and PostgreSQL
    base = {"score_name": "", "scale": 5, "profile_url": "", "read_on": "2026-11-20"}
    with store.transaction():
        store.upsert_shop(parse_shop(SHOP, ("en", "nl")))
        assert store.upsert_platform(
            "wtw-winkel", parse_platform({**base, "name": "Google", "score": 4.1, "review_count": 87})
        )
        version = store.shop_versions()["wtw-winkel"]
        assert store.upsert_platform(
            "wtw-winkel", parse_platform({**base, "name": "Trustpilot", "score": 4.6, "review_count": 1234})
        )
        assert store.shop_versions()["wtw-winkel"] != version
        version = store.shop_versions()["wtw-winkel"]
        assert not store.upsert_platform(  # the same score again changes nothing
            "wtw-winkel", parse_platform({**base, "name": "Trustpilot", "score": 4.6, "review_count": 1234})
        )
        assert store.shop_versions()["wtw-winkel"] == version
        assert store.upsert_platform(
            "wtw-winkel", parse_platform({**base, "name": "google", "score": 4.2, "review_count": 90})
        )
    kept = store.shop("wtw-winkel").platforms
    assert [(p.name, p.score, p.review_count) for p in kept] == [("google", "4.2", 90), ("Trustpilot", "4.6", 1234)]


GOOGLE_SCORE = {"score_name": "", "scale": 5, "read_on": "2026-11-20", "name": "Google"}


@pytest.mark.parametrize(
    ("second_link", "kept_link"),
    [
        ("", "https://g.page/wtw-winkel"),  # a Google sync reads no link: it used to erase the import's
        ("https://g.page/wtw-2", "https://g.page/wtw-2"),  # a new link replaces it
    ],
)
def test_a_score_read_without_a_profile_link_keeps_the_earlier_link(store, second_link, kept_link):
    with store.transaction():
        store.upsert_shop(parse_shop(SHOP, ("en", "nl")))
        first = {**GOOGLE_SCORE, "score": 4.1, "review_count": 87, "profile_url": "https://g.page/wtw-winkel"}
        store.upsert_platform("wtw-winkel", parse_platform(first))
        second = {**GOOGLE_SCORE, "score": 4.2, "review_count": 90, "profile_url": second_link}
        assert store.upsert_platform("wtw-winkel", parse_platform(second))
    (google,) = store.shop("wtw-winkel").platforms
    assert (google.score, google.review_count, google.profile_url) == ("4.2", 90, kept_link)


# Issue 23, point 9: a review is (shop, platform, id); the same id from two platforms is two reviews.
def test_the_same_id_from_two_platforms_is_two_reviews(store):  # SQLite and PostgreSQL
    same = {"created_at": "2026-10-01T12:00:00Z", "experienced_at": None}
    fill(
        store,
        review(id="dup-x", platform="Trustpilot", rating=1, **same),
        review(id="dup-x", platform="Google", rating=3, verification="unverified", email="g@example.nl", **same),
        review(id="dup-x", rating=4, email="own@example.nl", **same),
        review(id="dup-a", rating=5, **same),
        review(id="dup-z", platform="Google", rating=2, verification="unverified", **same),
    )
    expected = [
        ("dup-a", ""),
        ("dup-x", ""),
        ("dup-x", "Google"),
        ("dup-x", "Trustpilot"),
        ("dup-z", "Google"),
    ]
    snapshot = store.snapshot("wtw-winkel", date(2026, 11, 23))
    assert snapshot.summary["review_count"] == 3  # the unverified ones are shown, not counted
    assert [(r.id, r.platform) for r in snapshot.newest(ReviewFilter(), 50)] == expected
    # Page by page, each page after the one before (keyset) or jumped to (offset): none lost or twice.
    from widget_server.store.base import ShownReviews

    source = ShownReviews(store, "wtw-winkel", date(2026, 11, 23))
    pages = [source.page(ReviewFilter(), number, 1) for number in range(1, 7)]
    assert [(r.id, r.platform) for page in pages for r in page] == expected
    jumped = ShownReviews(store, "wtw-winkel", date(2026, 11, 23))
    assert [(r.id, r.platform) for r in jumped.page(ReviewFilter(), 4, 1)] == [expected[3]]
    assert [(r.id, r.platform) for r in jumped.page(ReviewFilter(), 5, 1)] == [expected[4]]
    audit = sorted(store.db.execute("SELECT platform, id, email FROM review_audit WHERE id = 'dup-x'").fetchall())
    assert [tuple(row) for row in audit] == [
        ("", "dup-x", "own@example.nl"),
        ("Google", "dup-x", "g@example.nl"),
        ("Trustpilot", "dup-x", "jan@example.nl"),
    ]
    with store.transaction():  # the Google one again, changed: only it changes
        assert (
            store.upsert_reviews(
                [parse_review(review(id="dup-x", platform="Google", rating=5, verification="unverified", **same))]
            )
            == 1
        )
    ratings = {
        r.platform: r.rating
        for r in store.snapshot("wtw-winkel", date(2026, 11, 23)).newest(ReviewFilter(), 50)
        if r.id == "dup-x"
    }
    assert ratings == {"": 4, "Google": 5, "Trustpilot": 1}


def test_a_version_5_store_keys_its_reviews_by_platform_and_keeps_them(tmp_path):
    from widget_server.store.sqlite import MIGRATIONS

    conn = sqlite3.connect(tmp_path / "store.sqlite3")
    for number, script in enumerate(MIGRATIONS[:5]):
        for statement in script.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {number + 1}")
    conn.execute(
        "INSERT INTO shops VALUES ('wtw-winkel', ?, ?, 'v', 'v', '[]')",
        (json.dumps(parse_shop(SHOP, ("en", "nl")).to_record()), "0" * 32),
    )
    conn.execute(
        "INSERT INTO reviews VALUES ('wtw-winkel', 'dup-x', 1, 't', 'x', 'Jan', 'nl', '2026-09-20', "
        "'2026-10-01T12:00:00.000000Z', '2026-10-01', 'verified', 'published', NULL, NULL, 'd', '', 'Trustpilot')"
    )
    conn.execute("INSERT INTO review_audit VALUES ('wtw-winkel', 'dup-x', 'tp@example.nl')")
    conn.commit()
    conn.close()
    store = Store.open(tmp_path)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.db.execute("SELECT platform, id, email FROM review_audit").fetchall() == [
        ("Trustpilot", "dup-x", "tp@example.nl")
    ]
    fill(store, review(id="dup-x", platform="Google", verification="unverified", email=None))
    assert sorted(store.db.execute("SELECT platform, id, rating FROM reviews").fetchall()) == [
        ("Google", "dup-x", 5),
        ("Trustpilot", "dup-x", 1),
    ]
    indexes = {row[0] for row in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"reviews_window", "reviews_newest", "reviews_groups"} <= indexes
    plan = " ".join(
        str(row[-1])
        for row in store.db.execute(
            "EXPLAIN QUERY PLAN SELECT id FROM reviews INDEXED BY reviews_newest WHERE shop = 'wtw-winkel' "
            "AND product = '' ORDER BY created_at DESC, id, platform"
        )
    )
    assert "TEMP B-TREE" not in plan  # the index serves the whole order, platform included


def test_a_version_6_store_keeps_its_push_tokens_pushing_every_format(tmp_path):
    """Issue 23, point 2: tokens made before tokens named formats keep working as they did."""
    from widget_server.core.platforms import TOKEN_FORMATS, token_formats
    from widget_server.store.base import secret_hash
    from widget_server.store.sqlite import MIGRATIONS

    conn = sqlite3.connect(tmp_path / "store.sqlite3")
    for number, script in enumerate(MIGRATIONS[:6]):
        for statement in script.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {number + 1}")
    conn.execute(
        "INSERT INTO push_tokens VALUES ('abcdef012345', 'wtw-winkel', ?, 'old', '2026-11-01T00:00:00.000000Z', NULL)",
        (secret_hash("s" * 43),),
    )
    conn.commit()
    conn.close()
    store = Store.open(tmp_path)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    grant = store.token_grant("tw_abcdef012345_" + "s" * 43)
    assert grant == ("wtw-winkel", "*")
    assert token_formats(grant[1]) == TOKEN_FORMATS
    store.close()


def test_a_big_shop_read_in_one_view_keeps_its_pages_though_an_import_commits(store, tmp_path):
    """More than WHOLE_SHOP reviews: later pages are queries of their own. Inside `reading()` they
    see the store as the snapshot did, so the pages neither repeat nor skip a review."""
    from widget_server.sources.importer import import_document
    from widget_server.store.open import open_store

    rows = [
        review(
            id=f"r{n:04d}",
            created_at=f"2026-{1 + n % 10:02d}-{1 + n % 28:02d}T{n % 24:02d}:00:00Z",
            experienced_at=None,
        )
        for n in range(1100)
    ]
    import_document(store, {"shops": [SHOP], "reviews": rows}, available_locales=("en", "nl"))
    other = open_store(tmp_path / "data")  # another connection: an import while a build renders
    everything = ReviewFilter()
    try:
        with store.reading():
            snapshot = store.snapshot("wtw-winkel", date(2026, 11, 23))
            assert isinstance(snapshot.source, ShownReviews)  # paged through SQL, not read whole
            listed = [r.id for r in snapshot.page(everything, 1)]
            new = review(id="new", created_at="2026-10-27T23:59:00Z", experienced_at=None)
            import_document(other, {"reviews": [new]}, available_locales=("en", "nl"))
            for number in range(2, snapshot.pages(everything) + 1):
                listed += [r.id for r in snapshot.page(everything, number)]
        assert len(listed) == len(set(listed)) == snapshot.total(everything) == 1100
        assert store.snapshot("wtw-winkel", date(2026, 11, 23)).total(everything) == 1101  # seen after
    finally:
        other.close()

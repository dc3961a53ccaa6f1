"""What only the PostgreSQL store has: its dialect, its schema, locking, and change notices.

The rest of the store's tests run on both backends (the `backend` fixture in conftest.py).
"""

import json
import os
import subprocess
import threading
import time
import urllib.request

import pytest

from tests.factories import SHOP, review, write_json
from tests.postgres import fresh_database
from tests.server import cli_args, running_service
from widget_server.sources.importer import import_files
from widget_server.store.open import open_store
from widget_server.store.postgres import LOCK_KEY, POSTGRES, SCHEMA_VERSION, PostgresStore, shown_url
from widget_server.store.protocol import StoreError
from widget_server.store.sqlite import SQLITE


@pytest.mark.parametrize(
    ("written", "sqlite", "postgres"),
    [
        (lambda d: "SELECT a FROM t WHERE b = ?", "SELECT a FROM t WHERE b = ?", "SELECT a FROM t WHERE b = %s"),
        (
            lambda d: f"SELECT a FROM reviews{d.indexed_by('reviews_newest')} WHERE x = ?",
            "SELECT a FROM reviews INDEXED BY reviews_newest WHERE x = ?",
            "SELECT a FROM reviews WHERE x = %s",
        ),
        (
            lambda d: f"WHERE digest {d.distinct} excluded.digest",
            "WHERE digest IS NOT excluded.digest",
            "WHERE digest IS DISTINCT FROM excluded.digest",
        ),
        (
            lambda d: f"WHERE (a, b) {d.distinct} (?, ?)",
            "WHERE (a, b) IS NOT (?, ?)",
            "WHERE (a, b) IS DISTINCT FROM (%s, %s)",
        ),
        (lambda d: "lower(language) LIKE ?", "lower(language) LIKE ?", "lower(language) LIKE %s"),
        (lambda d: "SELECT '100%'", "SELECT '100%'", "SELECT '100%%'"),
        (lambda d: "WHERE revoked_at IS NULL", "WHERE revoked_at IS NULL", "WHERE revoked_at IS NULL"),
        (lambda d: "WHERE reply_text IS NOT NULL", "WHERE reply_text IS NOT NULL", "WHERE reply_text IS NOT NULL"),
    ],
)
def test_a_query_is_written_once_with_each_dialects_pieces(written, sqlite, postgres):
    """The store's SQL takes SQLite's and PostgreSQL's spellings from their dialects; psycopg
    is handed it with its placeholders (`%s`, a literal % doubled)."""
    assert SQLITE.placeholders(written(SQLITE)) == sqlite
    assert POSTGRES.placeholders(written(POSTGRES)) == postgres


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql://tw:s3cret@db.example:5433/widgets", "postgresql://tw@db.example:5433/widgets"),
        ("postgresql://db.example/widgets", "postgresql://db.example/widgets"),
        ("postgres://tw:s3cret@db/w?sslmode=require", "postgres://tw@db/w"),
        ("postgresql://tw@db/w?password=s3cret", "postgresql://tw@db/w"),
        ("postgresql://tw:s3/c#ret@db:5432/w", "postgresql://tw@db:5432/w"),
        ("postgresql://tw:s3cret@h1:5432,h2:5433/w", "postgresql://tw@h1:5432,h2:5433/w"),
        ("db.example", "postgresql://…"),
    ],
)
def test_a_url_is_shown_without_its_password(url, shown):
    assert shown_url(url) == shown


@pytest.fixture
def database(postgres_cluster, request, monkeypatch):
    url = fresh_database(postgres_cluster, "p_" + request.node.name.lower()[:50].replace("[", "_").replace("]", ""))
    monkeypatch.setenv("TRUSTWIDGETS_STORE", url)
    return url


def test_the_schema_is_created_once_and_a_newer_one_is_refused(database, tmp_path):
    store = open_store(tmp_path)
    assert isinstance(store, PostgresStore)
    assert store.db.execute("SELECT schema_version FROM store_meta").fetchone()[0] == SCHEMA_VERSION
    store.close()
    open_store(tmp_path).close()  # opening again migrates nothing
    store = open_store(tmp_path)
    store.db.execute("UPDATE store_meta SET schema_version = ?", (SCHEMA_VERSION + 1,))
    store.close()
    with pytest.raises(StoreError, match=f"schema version {SCHEMA_VERSION + 1}; .*upgrade trustwidgets"):
        open_store(tmp_path)


def test_ids_sort_byte_wise_as_in_sqlite(database, tmp_path):
    """The text columns are COLLATE "C": keyset pages and ties order as SQLite orders them."""
    store = open_store(tmp_path)
    found = [
        row[0]
        for row in store.db.execute(
            "SELECT x FROM (VALUES ('b'), ('B'), ('a-2'), ('a_1'), ('A')) AS v(x) ORDER BY x COLLATE \"C\""
        )
    ]
    assert found == ["A", "B", "a-2", "a_1", "b"]
    collations = {
        row[0]
        for row in store.db.execute(
            "SELECT collation_name FROM information_schema.columns WHERE table_name = 'reviews' AND data_type = 'text'"
        )
    }
    assert collations == {"C"}
    store.close()


def test_concurrent_imports_run_one_after_the_other_and_lose_nothing(database, tmp_path):
    first = open_store(tmp_path)
    path = write_json(tmp_path / "shop.json", {"shops": [SHOP]})
    import_files(first, [path], available_locales=("en", "nl"))
    batches = [
        write_json(tmp_path / f"b{n}.json", {"reviews": [review(id=f"{n}-{i}") for i in range(200)]}) for n in range(4)
    ]
    errors = []

    def work(batch):
        store = open_store(tmp_path)  # a connection of its own
        try:
            import_files(store, [batch], available_locales=("en", "nl"))
        except Exception as error:  # noqa: BLE001 - any failure is the test's failure
            errors.append(error)
        finally:
            store.close()

    threads = [threading.Thread(target=work, args=(batch,)) for batch in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert first.counts() == (1, 800)
    versions = {first.shop_versions()["wtw-winkel"]}
    sqlite_twin = tmp_path / "twin"
    os.environ.pop("TRUSTWIDGETS_STORE")
    twin = open_store(sqlite_twin)
    import_files(twin, [path, *batches], available_locales=("en", "nl"))
    versions.add(twin.shop_versions()["wtw-winkel"])
    assert len(versions) == 1  # the same content gives the same data version on both engines
    first.close()
    twin.close()


def test_an_import_waits_for_another_and_then_says_busy(database, tmp_path):
    import psycopg

    store = open_store(tmp_path)
    store.close()
    path = write_json(tmp_path / "one.json", {"shops": [SHOP], "reviews": [review()]})
    holder = psycopg.connect(database, autocommit=False)
    holder.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
    try:
        started = time.monotonic()
        env = {**os.environ, "TRUSTWIDGETS_STORE_WAIT": "1"}
        done = subprocess.run(cli_args(tmp_path, "import", str(path)), capture_output=True, text=True, env=env)
        waited = time.monotonic() - started
    finally:
        holder.rollback()
        holder.close()
    assert done.returncode != 0 and "is busy: another import held it for 1 s" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and waited >= 1
    assert "nothing of this import was stored" in done.stderr
    again = subprocess.run(cli_args(tmp_path, "import", str(path)), capture_output=True, text=True)
    assert again.returncode == 0, again.stderr


def test_an_unreachable_store_is_one_clear_line(tmp_path, postgres_cluster):
    url = "postgresql://tw:s3cret@127.0.0.1:1/nothing"
    done = subprocess.run(
        cli_args(tmp_path, "--store", url, "shops"), capture_output=True, text=True, env=dict(os.environ)
    )
    assert done.returncode != 0
    assert "cannot reach the store at postgresql://tw@127.0.0.1:1/nothing" in done.stderr
    assert "s3cret" not in done.stderr and "Traceback" not in done.stderr
    other = subprocess.run(cli_args(tmp_path, "--store", "mysql://x", "shops"), capture_output=True, text=True)
    assert other.returncode != 0 and "takes a postgresql:// URL" in other.stderr


def test_a_connection_the_server_dropped_is_replaced(database, tmp_path):
    """A restart or a killed session must not leave a service failing until it restarts."""
    import psycopg

    write_json(tmp_path / "one.json", {"shops": [SHOP], "reviews": [review()]})
    store = open_store(tmp_path)
    import_files(store, [tmp_path / "one.json"], available_locales=("en", "nl"))
    pid = store.db.execute("SELECT pg_backend_pid()").fetchone()[0]
    with psycopg.connect(database, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    with pytest.raises(psycopg.OperationalError):
        store.counts()  # the request that finds the connection gone fails
    assert store.counts() == (1, 1)  # the next one has a new connection
    store.close()


@pytest.mark.parametrize(("rows", "analysed"), [(60, True), (40, False)])
def test_a_large_import_refreshes_the_planners_statistics(database, tmp_path, monkeypatch, rows, analysed):
    """Without it the first build after a big import sorted a 100,000-review shop for every page."""
    monkeypatch.setattr("widget_server.store.postgres.ANALYZE_AFTER", 50)
    path = write_json(tmp_path / "many.json", {"shops": [SHOP], "reviews": [review(id=f"r{n}") for n in range(rows)]})
    store = open_store(tmp_path)
    import_files(store, [path], available_locales=("en", "nl"))
    row = store.db.execute("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'reviews'").fetchone()
    assert (row[0] is not None) == analysed
    store.close()


def fetch(base, path):
    with urllib.request.urlopen(base + path, timeout=10) as response:
        return json.loads(response.read())


def test_two_services_over_one_database_show_an_import_at_their_next_request(database, tmp_path):
    first = write_json(tmp_path / "one.json", {"shops": [SHOP], "reviews": [review(id="r1")]})
    assert subprocess.run(cli_args(tmp_path, "import", str(first)), capture_output=True).returncode == 0
    env = {"TRUSTWIDGETS_STORE": database}
    with running_service(tmp_path / "a", env_extra=env) as one, running_service(tmp_path / "b", env_extra=env) as two:
        for base in (one, two):
            assert fetch(base, "/v1/wtw-winkel/summary.json")["window_total"] == 1
        more = write_json(tmp_path / "two.json", {"reviews": [review(id="r2"), review(id="r3")]})
        done = subprocess.run(cli_args(tmp_path, "import", str(more)), capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        for base in (one, two):
            assert fetch(base, "/v1/wtw-winkel/summary.json")["window_total"] == 3


def test_a_version_1_database_moves_the_platform_score_out_of_the_record(database, tmp_path):
    import json

    import psycopg

    from tests.factories import SHOP
    from widget_server.core.records import parse_shop
    from widget_server.store.postgres import MIGRATIONS

    record = {
        **parse_shop(SHOP, ("en", "nl")).to_record(),
        "platform": {
            "name": "Trustpilot",
            "score_name": "TrustScore",
            "score": "4.6",
            "scale": 5,
            "review_count": 1234,
            "profile_url": "",
            "read_on": "2026-11-20",
        },
    }
    with psycopg.connect(database, autocommit=True) as conn:
        for statement in MIGRATIONS[0].split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute("UPDATE store_meta SET schema_version = 1")
        conn.execute(
            "INSERT INTO shops (id, record, reviews_xor, version, own_version) VALUES (%s, %s, %s, 'v', 'v')",
            ("wtw-winkel", json.dumps(record), "0" * 32),
        )
    store = open_store(tmp_path)
    assert store.db.execute("SELECT schema_version FROM store_meta").fetchone()[0] == SCHEMA_VERSION
    assert "platform" not in json.loads(store.db.execute("SELECT record FROM shops").fetchone()[0])
    assert [(p.name, p.score) for p in store.shop("wtw-winkel").platforms] == [("Trustpilot", "4.6")]
    store.close()


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("postgresql://tw:s3cret@db.example:5433/widgets", None),
        ("postgresql://tw:s3/c#ret@db:5432/w", None),
        ("postgresql://tw:p%40ss@h1:5432,h2:5433/w?sslmode=require", None),
        ("postgresql://tw@[::1]:5432/w", None),
        ("postgresql://u:SECR ETPW8@db/w", "its password has a space or control character (write a space as %20)"),
        (
            "postgresql://u:SECRETPW9%zz@db/w",
            "its password has a % not followed by two hex digits (write a literal % as %25)",
        ),
        ("postgresql://u:SECRETPW4@[::1:1/x", "its host has an unclosed [ (an IPv6 address is written [::1]:5432)"),
        ("postgresql://u:pw@db:54x2/w", "its port is not a number"),
        (
            "postgresql://u%zz:pw@db/w",
            "its user name has a % not followed by two hex digits (write a literal % as %25)",
        ),
        (
            "postgresql://u:pw@db/w?sslmode=re quire",
            "its query has a space or control character (write a space as %20)",
        ),
        ("db.example", "it has no scheme://"),
    ],
)
def test_a_malformed_url_is_named_by_its_part_never_its_value(url, problem):
    from widget_server.store.postgres import url_problem

    assert url_problem(url) == problem
    assert problem is None or "SECR" not in problem


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://u:SECR ETPW8@127.0.0.1/w",
        "postgresql://u:SECRETPW9%zz@127.0.0.1/w",
        "postgresql://u:SECRETPW4@[::1:1/x",
    ],
)
def test_serve_and_import_never_print_a_password_from_a_malformed_url(tmp_path, url):
    import subprocess

    from tests.server import cli_args, free_port

    for command in (["shops"], ["serve", "--port", str(free_port())]):
        result = subprocess.run(
            cli_args(tmp_path, "--store", url, *command), capture_output=True, timeout=60, stdin=subprocess.DEVNULL
        )
        output = (result.stdout + result.stderr).decode()
        assert result.returncode == 2, output
        assert "SECRETPW" not in output and "ETPW8" not in output and "Traceback" not in output, output
        assert "cannot be used: its" in output


def test_a_version_2_database_keys_reviews_by_platform_and_keeps_its_tokens(database, tmp_path):
    import psycopg

    from tests.factories import SHOP
    from widget_server.core.records import parse_review, parse_shop
    from widget_server.store.base import secret_hash
    from widget_server.store.postgres import MIGRATIONS

    with psycopg.connect(database, autocommit=True) as conn:
        for script in MIGRATIONS[:2]:
            for statement in script.split(";"):
                if statement.strip():
                    conn.execute(statement)
        conn.execute("UPDATE store_meta SET schema_version = 2")
        conn.execute(
            "INSERT INTO shops (id, record, reviews_xor, version, own_version) VALUES (%s, %s, %s, 'v', 'v')",
            ("wtw-winkel", json.dumps(parse_shop(SHOP, ("en", "nl")).to_record()), "0" * 32),
        )
        conn.execute(
            "INSERT INTO reviews VALUES ('wtw-winkel', 'dup-x', 1, 't', 'x', 'Jan', 'nl', '2026-09-20', "
            "'2026-10-01T12:00:00.000000Z', '2026-10-01', 'verified', 'published', NULL, NULL, 'd', '', 'Trustpilot')"
        )
        conn.execute("INSERT INTO review_audit VALUES ('wtw-winkel', 'dup-x', 'tp@example.nl')")
        conn.execute(  # a token made before tokens named formats (issue 23, point 2)
            "INSERT INTO push_tokens VALUES ('abcdef012345', 'wtw-winkel', %s, 'old', '2026-11-01T00:00:00Z', NULL)",
            (secret_hash("s" * 43),),
        )
    store = open_store(tmp_path)
    assert store.token_grant("tw_abcdef012345_" + "s" * 43) == ("wtw-winkel", "*")  # it pushes any format, as before
    assert store.db.execute("SELECT schema_version FROM store_meta").fetchone()[0] == SCHEMA_VERSION
    assert [tuple(r) for r in store.db.execute("SELECT platform, id, email FROM review_audit")] == [
        ("Trustpilot", "dup-x", "tp@example.nl")
    ]
    with store.transaction():
        store.upsert_reviews(
            [parse_review(review(id="dup-x", platform="Google", verification="unverified", email=None))]
        )
    assert sorted(tuple(r) for r in store.db.execute("SELECT platform, id, rating FROM reviews")) == [
        ("Google", "dup-x", 5),
        ("Trustpilot", "dup-x", 1),
    ]
    indexes = {r[0] for r in store.db.execute("SELECT indexname FROM pg_indexes WHERE tablename = 'reviews'")}
    assert {"reviews_window", "reviews_newest", "reviews_groups"} <= indexes
    store.close()


def test_a_commit_here_changes_the_data_version_here_at_once(database):
    """A push's answer goes out right after its commit; the client's next request must see it,
    whether or not the listener has had the commit's notification yet."""
    from widget_server.core.records import parse_review, parse_shop

    store = PostgresStore.connect(database)
    try:
        with store.transaction():
            store.upsert_shop(parse_shop(SHOP, ("en", "nl")))
        for n in range(20):
            before = store.data_version()
            assert before[0] == "listened"
            with store.transaction():
                store.upsert_reviews([parse_review(review(id=f"r-{n}"))])
            assert store.data_version() != before, f"commit {n}"
    finally:
        store.close()

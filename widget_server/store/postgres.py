"""The review store on PostgreSQL: base.py's queries with PostgreSQL's dialect, its schema's
history, a connection per thread, and change notices.

What is PostgreSQL's own (PostgresDialect; the rest is written once in base.py and schema.py):

- text columns are `COLLATE "C"`, so ids, dates and keyset pages sort byte-wise as in SQLite;
- an import's transaction takes one advisory lock, so imports run one after another as
  SQLite's `BEGIN IMMEDIATE` makes them, and waits at most TRUSTWIDGETS_STORE_WAIT seconds;
- many rows are written by COPY into a scratch table and one INSERT … SELECT;
- every committed write bumps `store_meta.data_version` and sends a NOTIFY: the service
  listens on a connection of its own and learns of a change without a query per request
  (SQLite's `PRAGMA data_version` is that cheap); while that connection is down it polls
  `store_meta` on every request instead, so a change is never missed.

psycopg 3 is the driver (`pip install 'trustwidgets[postgresql]'`).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Hashable, Sequence
from typing import Any
from urllib.parse import unquote

from .base import BUSY_SECONDS, SqlStore
from .dialect import Dialect
from .protocol import Connection, StoreError

CHANNEL = "trustwidgets_changes"
RELISTEN_SECONDS = 1.0
ANALYZE_AFTER = 10_000  # rows written by one import after which it refreshes the planner's statistics
CHECK_SECONDS = 5.0  # how often the listening connection also reads the stored counter
KEEPALIVES: dict[str, Any] = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3}
LOCK_KEY = 0x7457_6964_6765_7473 & 0x7FFF_FFFF_FFFF_FFFF  # "tWidgets": one advisory lock for writers
# PostgreSQL's history: 1 was SQLite's version 4. Never edit a shipped version: add one. A new
# store is made from schema.py (the current schema) instead, at the last version.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE store_meta (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        schema_version INTEGER NOT NULL,
        data_version BIGINT NOT NULL
    );
    INSERT INTO store_meta VALUES (1, 0, 0);
    CREATE TABLE shops (
        id TEXT PRIMARY KEY,
        record TEXT NOT NULL,
        reviews_xor TEXT NOT NULL,
        version TEXT NOT NULL,
        own_version TEXT NOT NULL DEFAULT ''
    );
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
        verification TEXT NOT NULL CHECK (verification IN ('verified', 'imported', 'unverified')),
        status TEXT NOT NULL CHECK (status IN ('published', 'flagged', 'removed')),
        reply_text TEXT,
        reply_created_at TEXT,
        digest TEXT NOT NULL,
        product TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (shop, id)
    );
    CREATE INDEX reviews_window ON reviews (shop, product, created_on, verification, status, rating);
    CREATE INDEX reviews_newest ON reviews (shop, product, created_at DESC, id);
    CREATE INDEX reviews_groups ON reviews (shop, product, rating, language, created_at DESC, id);
    CREATE TABLE review_audit (
        shop TEXT NOT NULL,
        id TEXT NOT NULL,
        email TEXT,
        PRIMARY KEY (shop, id)
    );
    CREATE TABLE push_tokens (
        id TEXT PRIMARY KEY,
        shop TEXT NOT NULL,
        secret_hash TEXT NOT NULL,
        label TEXT NOT NULL,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    );
    CREATE TABLE products (
        shop TEXT NOT NULL,
        sku TEXT NOT NULL,
        name TEXT NOT NULL,
        gtin TEXT NOT NULL,
        url TEXT NOT NULL,
        reviews_xor TEXT NOT NULL,
        version TEXT NOT NULL,
        PRIMARY KEY (shop, sku)
    )
    """.replace(" TEXT", ' TEXT COLLATE "C"'),
    # 2: SQLite's version 5: the platforms' scores apart from the record, each review's platform.
    """
    ALTER TABLE shops ADD COLUMN platforms TEXT COLLATE "C" NOT NULL DEFAULT '[]';
    ALTER TABLE reviews ADD COLUMN platform TEXT COLLATE "C" NOT NULL DEFAULT ''
    """,
    # 3: SQLite's version 6: a review is (shop, platform, id), and so is its audit row.
    """
    ALTER TABLE review_audit ADD COLUMN platform TEXT COLLATE "C" NOT NULL DEFAULT '';
    UPDATE review_audit AS a SET platform = r.platform FROM reviews AS r
        WHERE r.shop = a.shop AND r.id = a.id AND r.platform <> '';
    ALTER TABLE review_audit DROP CONSTRAINT review_audit_pkey;
    ALTER TABLE review_audit ADD PRIMARY KEY (shop, platform, id);
    ALTER TABLE reviews DROP CONSTRAINT reviews_pkey;
    ALTER TABLE reviews ADD PRIMARY KEY (shop, platform, id);
    DROP INDEX reviews_newest;
    DROP INDEX reviews_groups;
    CREATE INDEX reviews_newest ON reviews (shop, product, created_at DESC, id, platform);
    CREATE INDEX reviews_groups ON reviews (shop, product, rating, language, created_at DESC, id, platform)
    """,
    # 4: SQLite's version 7: the formats a push token may push ('*': every one, as before).
    """
    ALTER TABLE push_tokens ADD COLUMN formats TEXT COLLATE "C" NOT NULL DEFAULT '*'
    """,
    # 5: SQLite's version 8: the XOR of a shop's products' versions ('' when it has none).
    """
    ALTER TABLE shops ADD COLUMN products_xor TEXT COLLATE "C" NOT NULL DEFAULT ''
    """,
    # 6: SQLite's version 9: each shop's sources on the platforms and their sync state.
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
    )
    """.replace(" TEXT", ' TEXT COLLATE "C"'),
    # 7: SQLite's version 10: a review's own scale (5 or 10) and whether it was given for a reward.
    """
    ALTER TABLE reviews DROP CONSTRAINT reviews_rating_check;
    ALTER TABLE reviews ADD CONSTRAINT reviews_rating_check CHECK (rating BETWEEN 1 AND 10);
    ALTER TABLE reviews ADD COLUMN scale INTEGER NOT NULL DEFAULT 5 CHECK (scale IN (5, 10));
    ALTER TABLE reviews ADD COLUMN incentivized INTEGER NOT NULL DEFAULT 0 CHECK (incentivized IN (0, 1));
    ALTER TABLE reviews ADD CHECK (rating <= scale);
    DROP INDEX reviews_window;
    CREATE INDEX reviews_window ON reviews (shop, product, created_on, verification, status, rating, scale,
        incentivized)
    """,
    # 8: SQLite's version 11: a source is (shop, platform, remote_id), several on one platform.
    """
    ALTER TABLE sources DROP CONSTRAINT sources_pkey;
    ALTER TABLE sources ADD PRIMARY KEY (shop, platform, remote_id)
    """,
    # 9: SQLite's version 12: a source's language for its reviews where the platform names none.
    """
    ALTER TABLE sources ADD COLUMN language TEXT COLLATE "C" NOT NULL DEFAULT ''
    """,
)


def is_postgres_url(url: str) -> bool:
    return url.startswith(("postgresql://", "postgres://"))


def shown_url(url: str) -> str:
    """The URL for messages: scheme, user, hosts and database; never a password or the query.

    Parsed by hand, not with urlsplit: a password with an unescaped '/' or '#', or libpq's
    several hosts (h1:5432,h2:5432), must not leak or raise.
    """
    scheme, found, rest = url.partition("://")
    if not found:
        return "postgresql://…"
    user = ""
    if "@" in rest:
        credentials, _, rest = rest.rpartition("@")
        user = credentials.split(":", 1)[0] + "@"
    rest = rest.split("?", 1)[0].split("#", 1)[0]
    return f"{scheme}://{user}{rest}"


_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")


def url_problem(url: str) -> str | None:
    """What is wrong with a store URL, naming the part and never its value; None when libpq may read it.

    libpq's own messages quote the offending text (a password with a space, a bad %-escape, a
    host it cannot parse) and so would put the password into logs.
    """
    _, found, rest = url.partition("://")
    if not found:
        return "it has no scheme://"
    credentials, at, hosts = rest.rpartition("@")  # as shown_url: a password may hold / ? #
    if not at:
        hosts = rest
    hosts, _, query = hosts.split("#", 1)[0].partition("?")
    user, _, password = credentials.partition(":")
    hosts, _, database = hosts.partition("/")
    parts = (("user name", user), ("password", password), ("host", hosts), ("database name", database))
    for name, value in (*parts, ("query", query)):
        if _PERCENT.search(value):
            return f"its {name} has a % not followed by two hex digits (write a literal % as %25)"
        if any(c.isspace() or ord(c) < 32 for c in value):
            return f"its {name} has a space or control character (write a space as %20)"
    for host in hosts.split(","):
        if host.count("[") != host.count("]") or (host.startswith("[") and "]" not in host):
            return "its host has an unclosed [ (an IPv6 address is written [::1]:5432)"
        port = host.rsplit("]", 1)[-1].rpartition(":")[2] if ":" in host.rsplit("]", 1)[-1] else ""
        if port and not port.isdigit():
            return "its port is not a number"
    return None


def safe_detail(message: str, url: str) -> str:
    """libpq's message, unless it repeats the URL or any piece of the password."""
    credentials = url.partition("://")[2].split("?", 1)[0].rpartition("@")[0]
    password = credentials.partition(":")[2]
    if (password and (password in message or unquote(password) in message)) or url in message or "@" in message:
        return "the URL could not be read; check its form: postgresql://user:password@host:port/database"
    return message


def explain_postgres(error: Exception, where: str, url: str = "") -> StoreError:
    """One plain sentence for a PostgreSQL failure (never the password, never a traceback)."""
    first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    first = safe_detail(first, url) if url else first
    code = getattr(getattr(error, "diag", None), "sqlstate", None) or ""
    if code == "55P03" or "lock timeout" in first:
        return StoreError(
            f"the store at {where} is busy: another import held it for {BUSY_SECONDS:g} s; try again when it is done"
        )
    if "connection" in first.lower() or code.startswith("08"):
        return StoreError(f"cannot reach the store at {where} ({first})")
    return StoreError(f"the store at {where} cannot be used ({first})")


def _stored_version(conn: Any) -> int:
    return int(conn.execute("SELECT data_version FROM store_meta WHERE id = 1").fetchone()[0])


class ChangeWatch:
    """A thread that LISTENs for committed writes and counts them (no query per request)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.changes = 0
        self._counting = threading.Lock()  # the listener and this process's own commits both count
        self.listening = threading.Event()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._run, name="trustwidgets-listen", daemon=True)
        self.thread.start()
        self.listening.wait(timeout=5)

    def _run(self) -> None:
        import psycopg

        while not self.stopped.is_set():
            try:
                with psycopg.connect(self.url, autocommit=True, connect_timeout=10, **KEEPALIVES) as conn:
                    conn.execute(f"LISTEN {CHANNEL}")
                    seen = _stored_version(conn)
                    self.count()  # anything may have changed while nobody listened
                    self.listening.set()
                    while not self.stopped.is_set():
                        for _ in conn.notifies(timeout=CHECK_SECONDS):
                            self.count()
                        # A notice can only be missed on a connection that died without a word
                        # (a NAT's idle timeout): the stored counter, read on the same connection
                        # every few seconds, catches that and proves the connection alive.
                        now = _stored_version(conn)
                        if now != seen:
                            seen = now
                            self.count()
            except Exception:  # noqa: BLE001 - any failure: poll until listening again
                pass
            finally:
                self.listening.clear()
            self.stopped.wait(RELISTEN_SECONDS)

    def count(self) -> None:
        with self._counting:
            self.changes += 1

    def stop(self) -> None:
        self.stopped.set()


class PostgresConnection:
    """A psycopg connection that takes the store's SQL (the sqlite3 methods the store uses)."""

    def __init__(self, raw: Any) -> None:
        self.raw = raw

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Any:
        return self.raw.execute(POSTGRES.placeholders(sql), tuple(parameters))  # placeholders always parsed: %% is %

    def executemany(self, sql: str, parameters: Any, /) -> Any:
        cursor = self.raw.cursor()
        cursor.executemany(POSTGRES.placeholders(sql), parameters)
        return cursor

    @property
    def in_transaction(self) -> bool:
        """Whether a transaction is open that a ROLLBACK can end (never on a broken connection)."""
        import psycopg

        return not self.raw.broken and bool(self.raw.info.transaction_status != psycopg.pq.TransactionStatus.IDLE)

    def close(self) -> None:
        self.raw.close()


class PostgresDialect(Dialect):
    name = "postgresql"
    text = 'TEXT COLLATE "C"'  # byte-wise order, as SQLite's
    without_rowid = ""
    distinct = "IS DISTINCT FROM"
    migrations = MIGRATIONS
    platforms_migration = 2
    versions_migration = 5

    def placeholders(self, sql: str) -> str:
        """psycopg's placeholders are `%s`, so a literal % is written %%."""
        return sql.replace("%", "%%").replace("?", "%s")

    def meta_schema(self) -> tuple[str, ...]:
        return (
            """CREATE TABLE store_meta (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                schema_version INTEGER NOT NULL,
                data_version BIGINT NOT NULL
            )""",
            "INSERT INTO store_meta VALUES (1, 0, 0)",
        )

    def stored_version(self, db: Connection) -> int:
        exists = db.execute("SELECT to_regclass('store_meta') IS NOT NULL").fetchone()[0]
        return int(db.execute("SELECT schema_version FROM store_meta").fetchone()[0]) if exists else 0

    def set_stored_version(self, db: Connection, version: int) -> None:
        db.execute("UPDATE store_meta SET schema_version = ?", (version,))

    def begin(self, db: Connection) -> None:
        db.execute("BEGIN")

    def begin_read(self, db: Connection) -> None:
        db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def lock(self, db: Connection) -> None:
        db.execute(f"SET LOCAL lock_timeout = '{int(BUSY_SECONDS * 1000)}ms'")
        db.execute("SELECT pg_advisory_xact_lock(?)", (LOCK_KEY,))

    def before_commit(self, db: Connection, *, counts: bool) -> None:
        if counts:
            db.execute("UPDATE store_meta SET data_version = data_version + 1 WHERE id = 1")
            db.execute(f"NOTIFY {CHANNEL}")  # delivered when (and only if) the transaction commits

    def insert_many(
        self, db: Connection, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]], conflict: str
    ) -> int:
        """COPY the rows into a scratch table, then one INSERT … SELECT with the same ON CONFLICT
        clause as SQLite's: one round trip for a batch instead of one per row."""
        return int(db.execute(self._copied(db, table, columns, rows) + f" {conflict}").rowcount)

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
        """One INSERT … RETURNING: a subquery there reads the table as it was when the statement
        began (PostgreSQL's snapshot), so it returns a written row's values from before."""
        match = " AND ".join(f"o.{c} = {table}.{c}" for c in key)
        before = ", ".join(f"(SELECT o.{c} FROM {table} AS o WHERE {match})" for c in when)
        returning = ", ".join(f"{table}.{c}" for c in key) + f", {before}, " + ", ".join(f"{table}.{c}" for c in when)
        sql = self._copied(db, table, columns, rows) + f" {conflict} RETURNING {returning}"
        return list(db.execute(sql).fetchall())

    def _copied(self, db: Connection, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> str:
        """COPY the rows into a scratch table like `table`; the INSERT … SELECT that takes them."""
        if not isinstance(db, PostgresConnection):
            raise TypeError(f"PostgreSQL's dialect writes through a PostgresConnection, not {type(db).__name__}")
        scratch = f"{table}_batch"
        db.execute(f"CREATE TEMP TABLE IF NOT EXISTS {scratch} (LIKE {table} INCLUDING DEFAULTS)")
        db.execute(f"TRUNCATE {scratch}")
        names = ", ".join(columns)
        with db.raw.cursor().copy(f"COPY {scratch} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        return f"INSERT INTO {table} ({names}) SELECT {names} FROM {scratch}"

    def analyze(self, db: Connection, written: int) -> None:
        """Fresh planner statistics after a large import, in its transaction.

        Without them the first build after loading a big shop pages its reviews by sorting the
        whole shop for every page (a 100,000-review shop: 144 s instead of a few): autovacuum
        analyses the table only a while later.
        """
        if written >= ANALYZE_AFTER:
            db.execute("ANALYZE reviews")
            db.execute("ANALYZE products")


POSTGRES = PostgresDialect()
SCHEMA_VERSION = POSTGRES.schema_version


class PostgresStore(SqlStore):
    """The store in a PostgreSQL database: a connection per thread, one transaction per import."""

    dialect = POSTGRES
    path: str

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url
        self.path = shown_url(url)  # where the store is, for messages
        self._watch: ChangeWatch | None = None
        self._watch_lock = threading.Lock()

    @classmethod
    def connect(cls, url: str) -> PostgresStore:
        try:
            import psycopg
        except ImportError:
            raise StoreError("a PostgreSQL store needs psycopg: pip install 'trustwidgets[postgresql]'") from None
        problem = url_problem(url)
        if problem is not None:
            raise StoreError(f"the store URL {shown_url(url)} cannot be used: {problem}")
        store = cls(url)
        try:
            store.migrate()
        except psycopg.Error as error:
            store.close()
            raise explain_postgres(error, store.path, url) from None
        except BaseException:
            store.close()
            raise
        return store

    @property
    def db(self) -> PostgresConnection:
        conn: PostgresConnection | None = getattr(self._local, "conn", None)
        if conn is not None and (conn.raw.closed or conn.raw.broken):  # a restart, a failover, a killed session
            self._local.conn = conn = None
        if conn is None:
            import psycopg

            conn = PostgresConnection(psycopg.connect(self.url, autocommit=True, connect_timeout=10, **KEEPALIVES))
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
        if self._watch is not None:
            self._watch.stop()

    def _committed(self) -> None:
        # Its NOTIFY reaches the listener a moment later: a push's answer must not come first.
        if self._watch is not None:
            self._watch.count()

    def data_version(self) -> Hashable:
        """Changes whenever a write commits: the count of notifications while listening, else
        (the listening connection is down) the stored counter, read on every call."""
        with self._watch_lock:
            if self._watch is None:
                self._watch = ChangeWatch(self.url)
        if self._watch.listening.is_set():
            return ("listened", self._watch.changes)
        return ("polled", int(self.db.execute("SELECT data_version FROM store_meta WHERE id = 1").fetchone()[0]))

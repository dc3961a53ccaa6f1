"""The store's own costs on either engine: an import into a big shop, a snapshot of it, one
pushed review, and the same file imported again (nothing changed).

    python -m bench.store_ops [--reviews 100000] [--pushes 20] [--postgres]

The library is called directly (no service, no CLI), so the figures are the store's: wall time
and CPU time (this process's and, with --postgres, the server process's that serves it). With
--postgres a throw-away cluster (tests/postgres.py, fsync on) holds the store. Run it with
PYTHONPATH at another checkout to measure that checkout's store on the same machine.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from widget_server.sources.importer import import_document, import_files
from widget_server.store.open import open_store

AS_OF = date(2026, 11, 23)
SHOP = {
    "id": "big",
    "name": "Big Shop",
    "locales": ["nl", "en"],
    "source": "Trustpilot",
    "policy_url": "https://www.example.nl/reviews",
}
LOCALES = ("en", "nl")


def review(n: int) -> dict[str, object]:
    given = datetime(2026, 11, 20, 12, tzinfo=UTC) - timedelta(minutes=n)
    found: dict[str, object] = {
        "id": f"b-{n}",
        "shop": "big",
        "rating": 1 + n % 5,
        "title": "Goed",
        "text": "Snel geleverd en goed advies.",
        "author": "Klant",
        "email": f"k{n}@example.nl",
        "language": ("nl", "en")[n % 2],
        "created_at": given.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "verification": "verified",
    }
    if n % 10 == 0:  # every tenth review is of one of 200 products
        found["product"] = {"sku": f"SKU-{n % 2000:04d}", "name": f"Product {n % 2000}"}
    return found


@contextlib.contextmanager
def store_url(postgres: bool) -> Iterator[str]:
    if not postgres:
        yield ""
        return
    from tests.postgres import running_postgres

    with running_postgres(durable=True) as url:
        yield url


class Clock:
    """Wall time and CPU time (this process's, plus the PostgreSQL backend's serving the store),
    so that figures taken on a busy machine can still be compared: CPU time barely moves with load."""

    def __init__(self, backend: int | None) -> None:
        self.backend = backend

    def cpu(self) -> float:
        used = time.process_time()
        if self.backend is not None:  # utime and stime of the backend process, in clock ticks
            fields = Path(f"/proc/{self.backend}/stat").read_text().rsplit(")", 1)[1].split()
            used += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        return used

    def time(self, call: Callable[[], object]) -> tuple[float, float]:
        wall, cpu = time.perf_counter(), self.cpu()
        call()
        return time.perf_counter() - wall, self.cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--pushes", type=int, default=20)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="tw-store-ops-") as temp, store_url(args.postgres) as url:
        folder = Path(temp)
        os.environ["TRUSTWIDGETS_STORE"] = url
        big = folder / "big.jsonl"
        big.write_text("".join(json.dumps(review(n)) + "\n" for n in range(args.reviews)))
        (folder / "shop.json").write_text(json.dumps({"shops": [SHOP]}))
        store = open_store(folder / "data")
        clock = Clock(int(store.db.execute("SELECT pg_backend_pid()").fetchone()[0]) if url else None)
        imported = clock.time(
            lambda: import_files(store, [big], available_locales=LOCALES, shop_file=folder / "shop.json")
        )
        again = clock.time(lambda: import_files(store, [big], available_locales=LOCALES))
        snapshots = [clock.time(lambda: store.snapshot("big", AS_OF)) for _ in range(5)]
        pushes = [
            clock.time(
                lambda n=n: import_document(store, {"reviews": [review(args.reviews + n)]}, available_locales=LOCALES)
            )
            for n in range(args.pushes)
        ]
        versions = store.shop_versions()
        store.close()

    def median(figures: list[tuple[float, float]]) -> str:
        wall, cpu = (statistics.median(f[i] for f in figures) * 1000 for i in (0, 1))
        return f"median {wall:.1f} ms (CPU {cpu:.1f} ms)"

    engine = "postgresql" if args.postgres else "sqlite"
    print(f"{engine}, one shop of {args.reviews:,} reviews (a tenth of them of 200 products); wall (CPU)")
    print(f"import: {imported[0]:.2f} s (CPU {imported[1]:.2f} s)")
    print(f"the same file again (nothing changed): {again[0]:.2f} s (CPU {again[1]:.2f} s)")
    print(f"snapshot of the shop: {median(snapshots)}")
    print(f"one pushed review (an import of one): {median(pushes)}")
    print(f"version: {versions['big']}")


if __name__ == "__main__":
    main()

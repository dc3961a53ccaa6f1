"""A shop of 100,000 reviews of its own and 100,000 product reviews (1,000 products of 100):
what its snapshot costs (any of its documents reads one), and every product's first page.

    python -m bench.product_heads [--tmp /dev/shm] [--data DIR]

--data reuses a store this made (kept when given); without it the store is made in --tmp and
removed. Run it with the cwd at another checkout to measure that checkout (before and after).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.synth import write, write_products
from widget_server.core.options import ReviewFilter
from widget_server.sources.importer import import_files
from widget_server.store.open import open_store

AS_OF = date(2026, 12, 1)


def make(folder: Path) -> None:
    shops, own = write(folder / "input", 1, 100_000, AS_OF)
    products = write_products(folder / "input", 1, 1000, 100, AS_OF)
    store = open_store(folder)
    try:
        import_files(store, [own, products], available_locales=("en", "nl"), shop_file=shops)
    finally:
        store.close()
    shutil.rmtree(folder / "input")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tmp", default="/dev/shm")
    parser.add_argument("--data", help="a store this made earlier (made there when missing)")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    folder = Path(args.data) if args.data else Path(tempfile.mkdtemp(dir=args.tmp))
    try:
        if not (folder / "store.sqlite3").exists():
            make(folder)
        store = open_store(folder)
        snapshots, pages = [], []
        for _ in range(args.rounds):
            started = time.perf_counter()
            snapshot = store.snapshot("shop-00000", AS_OF)
            snapshots.append(time.perf_counter() - started)
            started = time.perf_counter()
            for product in snapshot.products.values():
                product.page(ReviewFilter(), 1)
            pages.append(time.perf_counter() - started)
        store.close()
    finally:
        if not args.data:
            shutil.rmtree(folder)
    print(f"snapshot: best {min(snapshots) * 1000:.0f} ms of {args.rounds}")
    print(f"then every product's first page: best {min(pages) * 1000:.0f} ms")


if __name__ == "__main__":
    main()

"""What one commit costs in a store of many shops: a pushed review's import, and the service
finding its shops again after that commit (Service.shops, as every public request asks).

    python -m bench.many_shops [--shops 1000] [--rounds 20]

SQLite on tmpfs (/dev/shm); the library is called directly. Run it with PYTHONPATH at another
checkout to measure that checkout on the same machine (before and after).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path

from bench.synth import shop_record
from widget_server.http.service import Service
from widget_server.sources.importer import import_document
from widget_server.store.open import open_store

AS_OF = date(2026, 11, 23)
LOCALES = ("en", "nl")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shops", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(dir="/dev/shm" if Path("/dev/shm").is_dir() else None))
    try:
        store = open_store(folder)
        import_document(store, {"shops": [shop_record(n) for n in range(args.shops)]}, available_locales=LOCALES)
        service = Service(folder, as_of=AS_OF, cache_dir=folder / "cache")
        service.shops()
        shop = shop_record(args.shops // 2)["id"]
        pushes, reloads = [], []
        for n in range(args.rounds):
            review = {
                "id": f"p{n}",
                "shop": shop,
                "rating": 5,
                "author": "Jan",
                "language": "nl",
                "text": "Goed",
                "created_at": "2026-11-20T10:00:00Z",
                "verification": "imported",
            }
            started = time.perf_counter()
            import_document(store, {"reviews": [review]}, available_locales=LOCALES)
            pushes.append(time.perf_counter() - started)
            started = time.perf_counter()
            assert shop in service.shops()
            reloads.append(time.perf_counter() - started)
        service.store.close()
        store.close()
    finally:
        shutil.rmtree(folder)
    for name, times in (("one review imported", pushes), ("the service's shops after it", reloads)):
        print(f"{name}: median {statistics.median(times) * 1000:.2f} ms, min {min(times) * 1000:.2f} ms")


if __name__ == "__main__":
    main()

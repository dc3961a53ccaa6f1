"""Where a product shop's build time goes, each step alone: reading the shop, rendering its
documents, writing them with and without their .gz twins (CPU of this process, ms a shop), and
the rendering by document (its file name, and whether it is a product's: wall µs a document).

    python -m bench.product_floor DATA [SHOPS]

DATA is a store of bench.products' tree (100 shops x 200 products x 10 reviews); it times
SHOPS shops (10) from the eleventh on, after the first ten warmed the caches.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path

from static_build.writer import Writer
from widget_server.core.catalogue import shop_documents
from widget_server.core.documents import render_document, resolve
from widget_server.core.options import Options
from widget_server.store.open import open_store

AS_OF = date(2026, 11, 23)


def cpu() -> float:
    times = os.times()
    return times.user + times.system


def main(data: str, shops: int = 10) -> dict[str, float]:
    store = open_store(data)
    spent = {"read": 0.0, "render": 0.0, "write with twins": 0.0, "write without twins": 0.0}
    documents = 0
    by_name: Counter[str] = Counter()  # seconds rendering each kind of document
    counted: Counter[str] = Counter()
    with tempfile.TemporaryDirectory(dir="/dev/shm" if Path("/dev/shm").is_dir() else None) as folder:
        for n in range(shops):
            shop = f"shop-{n + 10:05d}"
            start = cpu()
            snapshot = store.snapshot(shop, AS_OF)
            assert snapshot is not None, shop
            spent["read"] += cpu() - start
            start = cpu()
            bodies: list[tuple[str, bytes]] = []
            for ref in shop_documents(snapshot):
                if not ref.kind.streams:  # the review feed is written as it is made
                    began = time.perf_counter()
                    body = render_document(snapshot, ref, resolve(snapshot.shop, ref, Options()))
                    product = "/products/" in f"/{ref.shop_path}"
                    name = ref.shop_path.rsplit("/", 1)[-1] + (" (product)" if product else "")
                    by_name[name] += time.perf_counter() - began
                    counted[name] += 1
                    assert body is not None, ref.path
                    bodies.append((ref.shop_path, body))
            spent["render"] += cpu() - start
            documents = len(bodies)
            for key, twins in (("write with twins", True), ("write without twins", False)):
                out = Path(folder) / f"{n}-{twins}"
                writer = Writer(out)
                if not twins:
                    writer.twins = ()
                start = cpu()
                writer.write_all(bodies)
                spent[key] += cpu() - start
                shutil.rmtree(out)
    result = {key: round(value / shops * 1000, 1) for key, value in spent.items()}
    print(f"{documents} documents a shop; CPU ms a shop: {result}")
    for name, seconds in by_name.most_common(6):
        each = seconds / counted[name] * 1e6
        print(f"  {name}: {counted[name] // shops} a shop, {each:.0f} µs each, {seconds / shops * 1000:.1f} ms a shop")
    return result


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 10)

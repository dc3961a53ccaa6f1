"""The review feed of a large shop (issue 26): one shop of 100,000 product reviews.

    python -m bench.review_feed --tmp /dev/shm --out bench/results/review_feed.json

One shop with `--products` products (every one with a page, every other one with a GTIN) and
`--reviews` product reviews in all, imported through the real command. Each figure is one
fresh process, its wall time and peak RSS (os.wait4's ru_maxrss):

- read: the shop's snapshot alone (what every document of the shop starts from);
- stream: the build's way: the shop read once, the feed written to a file with its .gz twin
  as it is made (Writer.write_stream);
- whole: the service's way: the same feed rendered to one bytes value (documents.render_document);
- service: the live service in process (Starlette's TestClient): the first request for the
  feed (read, render, cache) and a second one (from the render cache);
- build: the whole `trustwidgets build` of that shop (every document, the feed among them).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.harness import AS_OF, CLI, PY, measured
from bench.synth import reviews, shop_record

SHOP = shop_record(0)["id"]
FEED = f"/v1/{SHOP}/products/review-feed.xml"


def gtin13(n: int) -> str:
    """A GTIN-13 with a valid check digit."""
    body = f"871{n:09d}"
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(body))
    return body + str((10 - total % 10) % 10)


def write_shop(folder: Path, products: int, total: int, seed: int = 2026) -> tuple[Path, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    shop_file = folder / "shop.json"
    shop_file.write_text(json.dumps({"shops": [shop_record(0)]}))
    rng = random.Random(seed)
    path = folder / "products.jsonl"
    with path.open("w") as handle:
        for p in range(products):
            count = total // products + (1 if p < total % products else 0)
            product = {"sku": f"SKU-{p:05d}", "name": f"Product {p}", "url": f"https://shop0.example.nl/p/{p}"}
            if p % 2 == 0:
                product["gtin"] = gtin13(p)
            for review in reviews(rng, SHOP, count, AS_OF):
                review["id"] = f"p{p}-{review['id'].rsplit('-', 1)[1]}"
                review["product"] = product
                review["incentivized"] = rng.random() < 0.05
                handle.write(json.dumps(review) + "\n")
    return shop_file, path


def child(mode: str, data: Path, target: Path) -> None:
    """One measured step, in a process of its own; prints what it made as JSON."""
    from widget_server.core.catalogue import parse
    from widget_server.core.documents import render_document, stream_document
    from widget_server.core.options import Options
    from widget_server.store.open import open_store

    ref = parse(FEED)
    assert ref is not None
    found: dict[str, Any] = {}
    if mode == "service":
        from starlette.testclient import TestClient

        from widget_server.http.app import create_app

        with TestClient(create_app(data, as_of=AS_OF, cache_dir=target)) as client:
            for name in ("first", "second"):
                started = time.perf_counter()
                answer = client.get(FEED, headers={"Accept-Encoding": "identity"})
                found[f"{name}_s"] = time.perf_counter() - started
                assert answer.status_code == 200, answer.status_code
            found["bytes"] = len(answer.content)
        print(json.dumps(found))
        return
    store = open_store(data, create=False)
    started = time.perf_counter()
    snapshot = store.snapshot(SHOP, AS_OF)
    assert snapshot is not None
    found["read_s"] = time.perf_counter() - started
    found["reviews"] = sum(sum(p.shown.values()) for p in snapshot.products.values())
    options = Options().resolve(snapshot.shop)
    if mode == "read":
        pass
    elif mode == "stream":
        from static_build.writer import Writer

        writer = Writer(target)
        pieces = stream_document(snapshot, ref, options)
        assert pieces is not None
        writer.write_stream(ref.shop_path, pieces)
        found["bytes"] = writer.files[ref.shop_path]["size"]
        found["gz_bytes"] = writer.files[f"{ref.shop_path}.gz"]["size"]
    else:
        body = render_document(snapshot, ref, options)
        assert body is not None
        found["bytes"] = len(body)
    if mode != "read":
        found["feed_s"] = time.perf_counter() - started - found["read_s"]
    print(json.dumps(found))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--products", type=int, default=1_000)
    parser.add_argument("--tmp", type=Path, default=None, help="where the store and trees go (tmpfs: /dev/shm)")
    parser.add_argument("--out", type=Path, default=None, help="write the figures here as JSON")
    parser.add_argument("--child", choices=("read", "stream", "whole", "service"), help=argparse.SUPPRESS)
    parser.add_argument("--data", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--target", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.data, args.target)
        return
    with tempfile.TemporaryDirectory(dir=args.tmp) as work_dir:
        work = Path(work_dir)
        shop_file, review_file = write_shop(work / "synth", args.products, args.reviews)
        data = work / "data"
        wall, rss, _ = measured([*CLI, "--data", str(data), "import", "--shop-file", str(shop_file), str(review_file)])
        result: dict[str, Any] = {
            "reviews": args.reviews,
            "products": args.products,
            "import": {"wall_s": round(wall, 2), "rss_mb": round(rss, 1)},
        }
        for mode in ("read", "stream", "whole", "service"):
            command = [PY, "-m", "bench.review_feed", "--child", mode, "--data", str(data)]
            wall, rss, out = measured([*command, "--target", str(work / mode)])
            result[mode] = {"wall_s": round(wall, 2), "rss_mb": round(rss, 1), **json.loads(out)}
        out_dir = work / "out"
        wall, rss, line = measured(
            [*CLI, "--data", str(data), "build", "--out", str(out_dir), "--as-of", AS_OF.isoformat(), "--jobs", "1"]
        )
        built = out_dir / FEED.lstrip("/")
        result["build"] = {"wall_s": round(wall, 2), "rss_mb": round(rss, 1), "line": line.strip()}
        result["build"]["feed_bytes"] = built.stat().st_size
    text = json.dumps(result, indent=2, sort_keys=True)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    sys.exit(main())

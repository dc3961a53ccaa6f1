"""Products at scale (issue 13): 100 shops x 200 products x 10 reviews plus 100 shop reviews each.

    python -m bench.products --tmp /dev/shm --out bench/results/products.json
    python -m bench.products --tmp /dev/shm --code /path/to/older/checkout --builds-only --out before.json

Full build (2 jobs), a build with nothing changed, one product's new review (the whole build
command, and that shop's own render), and the service: a product's star snippet against the
shop's badge, both cached, with wrk.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench import harness
from bench.cases import build
from bench.harness import AS_OF, CLI, ROOT, Server, measured, wrk
from bench.synth import write, write_products
from tests.server import free_port
from widget_server.store.open import open_store


def one_product_review(path: Path) -> Path:
    review = {
        "id": "bench-product-new",
        "shop": "shop-00007",
        "rating": 1,
        "author": "Nieuw",
        "email": "n@example.nl",
        "language": "nl",
        "created_at": (AS_OF - timedelta(days=1)).isoformat() + "T10:00:00Z",
        "verification": "verified",
        "product": {"sku": "SKU-0003", "name": "Product 3 van winkel 7"},
    }
    path.write_text(json.dumps(review) + "\n")
    return path


def shop_render_seconds(data: Path, out: Path) -> float:
    """The changed shop's own render after one product review (linking the rest from before)."""
    from static_build.shop_files import render_shop

    target = Path(tempfile.mkdtemp(dir=data.parent)) / "shop"
    store = open_store(data)
    started = time.perf_counter()
    render_shop(store, "shop-00007", AS_OF, "bench", target, out / "v1" / "shop-00007")
    seconds = time.perf_counter() - started
    store.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--tmp", type=Path, default=ROOT / "bench")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--code", type=Path, help="a checkout whose code the commands run")
    parser.add_argument("--builds-only", action="store_true", help="the build figures, not the service's")
    args = parser.parse_args()
    if args.code:  # every command (import, build, serve) runs that checkout's code
        harness.use_checkout(args.code.resolve())
    work = Path(tempfile.mkdtemp(prefix="tw-products-", dir=args.tmp))
    try:
        synth = work / "synth"
        shop_file, reviews = write(synth, 100, 100, AS_OF)
        products = write_products(synth, 100, 200, 10, AS_OF)
        data, out = work / "data", work / "out"
        measured(CLI + ["--data", str(data), "import", "--shop-file", str(shop_file), str(reviews), str(products)])
        result: dict = {"shops": 100, "products_per_shop": 200, "reviews_per_product": 10}
        result["full"] = build(data, out, AS_OF, 2)
        result["no_change"] = build(data, out, AS_OF, 2)
        measured(CLI + ["--data", str(data), "import", str(one_product_review(synth / "one.jsonl"))])
        if not args.code:  # in this process: this checkout's code
            result["shop_render_after_one_product"] = shop_render_seconds(data, out)
        result["one_product"] = build(data, out, AS_OF, 2)
        if args.builds_only:
            return finish(args.out, result)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = Server(
            CLI + ["--data", str(data), "serve", "--port", str(port), "--as-of", AS_OF.isoformat()], base + "/healthz"
        )
        try:
            for name, path in (
                ("badge", "/v1/shop-00002/nl/badge.html"),
                ("product_stars", "/v1/shop-00002/nl/products/SKU-0100/stars.html"),
            ):
                wrk(base + path, 2)  # warm: the snapshot and the render cache
                result[name] = wrk(base + path, args.seconds)
        finally:
            server.stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    finish(args.out, result)


def finish(path: Path, result: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result))


if __name__ == "__main__":
    main()

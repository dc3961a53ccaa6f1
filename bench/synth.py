"""Synthetic shops and reviews for benchmarks: seeded, reproducible, streamed to disk.

    python -m bench.synth --shops 1000 --reviews 200 --out /tmp/synth
writes /tmp/synth/shops.json and /tmp/synth/reviews.jsonl.
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

TITLES = ["Snel geleverd", "Goed advies", "Prima unit", "Top service", "Redelijk", "Teleurgesteld"]
TEXTS = [
    "De unit werkt prima en de levering was snel. Goed advies gekregen over de juiste maat.",
    "Filters passen precies. Iets duurder dan elders, maar wel binnen twee dagen in huis.",
    "Great advice on sizing and fast delivery; installation went without problems.",
    "Klantenservice was lastig bereikbaar, maar uiteindelijk is alles opgelost.",
]


def shop_record(n: int) -> dict:
    return {
        "id": f"shop-{n:05d}",
        "name": f"Winkel {n}",
        "locales": ["nl", "en"],
        "default_locale": "nl",
        "source": "Trustpilot" if n % 2 else "Trusted Shops",
        "policy_url": f"https://shop{n}.example.nl/reviews",
    }


def reviews(rng: random.Random, shop: str, count: int, anchor: date):
    for n in range(count):
        given = datetime.combine(anchor - timedelta(days=rng.randrange(0, 540)), time(), UTC)
        given += timedelta(seconds=rng.randrange(86400))
        roll = rng.random()
        yield {
            "id": f"{shop}-{n}",
            "shop": shop,
            "rating": rng.choices((5, 4, 3, 2, 1), (60, 22, 8, 4, 6))[0],
            "title": rng.choice(TITLES),
            "text": rng.choice(TEXTS),
            "author": f"Klant {n % 97}",
            "email": f"k{n}@example.nl",
            "language": "nl",
            "experienced_at": (given.date() - timedelta(days=rng.randrange(0, 30))).isoformat(),
            "created_at": given.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "verification": "imported" if roll < 0.08 else "verified",
            "status": "removed" if roll > 0.98 else "published",
        }


def write(out: Path, shops: int, per_shop: int, anchor: date, seed: int = 6193) -> tuple[Path, Path]:
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    shop_file = out / "shops.json"
    shop_file.write_text(json.dumps({"shops": [shop_record(n) for n in range(shops)]}))
    review_file = out / "reviews.jsonl"
    with review_file.open("w") as handle:
        for n in range(shops):
            for review in reviews(rng, shop_record(n)["id"], per_shop, anchor):
                handle.write(json.dumps(review) + "\n")
    return shop_file, review_file


def write_products(out: Path, shops: int, products: int, per_product: int, anchor: date, seed: int = 6194) -> Path:
    """Product reviews for the shops of `write`: `products` products of `per_product` reviews each."""
    rng = random.Random(seed)
    path = out / "products.jsonl"
    with path.open("w") as handle:
        for n in range(shops):
            shop = shop_record(n)["id"]
            for p in range(products):
                product = {"sku": f"SKU-{p:04d}", "name": f"Product {p} van winkel {n}"}
                for review in reviews(rng, shop, per_product, anchor):
                    review["id"] = f"{shop}-p{p}-{review['id'].rsplit('-', 1)[1]}"
                    review["product"] = product
                    handle.write(json.dumps(review) + "\n")
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shops", type=int, default=1000)
    parser.add_argument("--reviews", type=int, default=200, help="reviews per shop")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--anchor", type=date.fromisoformat, default=date(2026, 11, 23))
    args = parser.parse_args()
    write(args.out, args.shops, args.reviews, args.anchor)


if __name__ == "__main__":
    main()

"""schema.org structured data for product pages (pure).

Only a product's rating is marked up, only where the shop opted in (`jsonld`) and the terms of
every source its shown reviews come from allow it (never Trustpilot: not a review's platform, nor
the shop's source for its own reviews), and only when the product has counted reviews. A shop's own
rating is never marked up: Google treats reviews of a business shown on its own site as
self-serving. The document is served as /v1/{shop}/products/{sku}/jsonld.json, escaped so that
it can be pasted inside a <script type="application/ld+json"> element as it is.
"""

from __future__ import annotations

from typing import Any

from .options import ReviewFilter
from .rules import allows_indexing, counts, score_window
from .snapshot import HEAD_SIZE, Snapshot

MAX_REVIEWS = 5


def product_jsonld(snapshot: Snapshot) -> dict[str, Any] | None:
    """A Product with its AggregateRating and up to five of its counted reviews, or None."""
    product, shop, summary = snapshot.product, snapshot.shop, snapshot.summary
    if product is None or not shop.jsonld or summary["score"] is None:
        return None
    # Where its shown reviews come from: each one's platform, the shop's source for its own.
    if not allows_indexing(*summary["review_platforms"]):
        return None
    window = score_window(snapshot.as_of)
    counted = [
        review
        for review in snapshot.newest(ReviewFilter(), HEAD_SIZE)
        if counts(review.verification, review.status, review.scale, review.incentivized) and review.created_on in window
    ][:MAX_REVIEWS]
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.name,
        "sku": product.sku,
    }
    if product.gtin:
        data["gtin"] = product.gtin
    if product.url:
        data["url"] = product.url
    data["aggregateRating"] = {
        "@type": "AggregateRating",
        "ratingValue": f"{summary['score']:.2f}",
        "reviewCount": summary["review_count"],
        "bestRating": 5,
        "worstRating": 1,
    }
    data["review"] = [
        {
            "@type": "Review",
            "author": {"@type": "Person", "name": review.author},
            "datePublished": review.created_on.isoformat(),
            "reviewRating": {"@type": "Rating", "ratingValue": review.rating, "bestRating": 5, "worstRating": 1},
            **({"name": review.title} if review.title else {}),
            **({"reviewBody": review.text} if review.text else {}),
        }
        for review in counted
    ]
    return data

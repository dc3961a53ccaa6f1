"""Snapshots made in memory from a list of reviews, for tests that need no store."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import date
from typing import Any

from widget_server.core.models import PublicReview, Shop
from widget_server.core.snapshot import HEAD_SIZE, ReviewList, Snapshot


def memory_snapshot(shop: Shop, reviews: list[PublicReview], as_of: date, summary: Mapping[str, Any]) -> Snapshot:
    """A snapshot of `reviews`, all taken as shown, newest first as given."""
    groups = Counter((r.rating, r.language, r.scale) for r in reviews)
    heads = {
        group: tuple(r for r in reviews if (r.rating, r.language, r.scale) == group)[:HEAD_SIZE] for group in groups
    }
    return Snapshot(
        shop=shop,
        version="test",
        as_of=as_of,
        summary=summary,
        shown=dict(groups),
        heads=heads,
        source=ReviewList(reviews),
    )


def rated_reviews(counts: dict[int, int], scale: int = 5) -> list[PublicReview]:
    """Shown reviews, `counts[rating]` of each rating (out of `scale`), newest first, ties in id order."""
    reviews = []
    for rating, count in counts.items():
        for n in range(count):
            reviews.append(
                PublicReview(
                    f"r{rating}-{n:03d}",
                    rating,
                    "",
                    "",
                    "A",
                    "nl",
                    date(2026, 11, 23),
                    f"2026-11-{1 + n % 20:02d}T00:00:00.000000Z",
                    date(2026, 11, 23),
                    "verified",
                    "published",
                    None,
                    scale=scale,
                )
            )
    reviews.sort(key=lambda r: r.id)
    reviews.sort(key=lambda r: r.created_at, reverse=True)
    return reviews

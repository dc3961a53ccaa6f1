"""The summary of a shop's reviews: the dict behind summary.json and every widget's score."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from .records import Shop
from .rules import grade, mean_score, score_window
from .store import Store


def build_summary(shop: Shop, window_counts: Mapping[tuple[str, int], int], as_of: date) -> dict[str, Any]:
    """The summary from shown reviews inside the window, counted by (verification, rating)."""
    window = score_window(as_of)
    distribution = {rating: window_counts.get(("verified", rating), 0) for rating in range(1, 6)}
    score = mean_score(distribution)
    return {
        "shop": shop.id,
        "name": shop.name,
        "as_of": as_of.isoformat(),
        "window": {"from": window.start.isoformat(), "to": window.end.isoformat()},
        "score": None if score is None else float(score),
        "grade": grade(score),
        "review_count": sum(distribution.values()),
        "distribution": {str(rating): n for rating, n in distribution.items()},
        "imported_count": sum(n for (kind, _), n in window_counts.items() if kind == "imported"),
        "source": shop.source,
        "policy_url": shop.policy_url,
    }


def shop_summary(store: Store, shop: Shop, as_of: date) -> dict[str, Any]:
    """Read the shop's counts from the store and build its summary."""
    return build_summary(shop, store.window_counts(shop.id, score_window(as_of)), as_of)

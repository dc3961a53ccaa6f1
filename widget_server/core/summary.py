"""The summary of a shop's reviews: the dict behind summary.json and every widget's score (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from .models import Shop
from .rules import COUNTED_VERIFICATIONS, grade, mean_score, score_window

IMPORTED = "imported"


def build_summary(shop: Shop, window_counts: Mapping[tuple[str, int], int], as_of: date) -> dict[str, Any]:
    """The summary from shown reviews given inside the window, counted by (verification, rating)."""
    window = score_window(as_of)
    distribution = {
        rating: sum(window_counts.get((kind, rating), 0) for kind in COUNTED_VERIFICATIONS) for rating in range(1, 6)
    }
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
        "imported_count": sum(n for (kind, _), n in window_counts.items() if kind == IMPORTED),
        "source": shop.source,
        "policy_url": shop.policy_url,
    }

"""The summary of a shop's reviews: the dict behind summary.json and every widget's score (pure).

It is made from the reviews given inside the window, counted by (verification, status, rating,
month): one covering-index query in the store. Everything the method page says comes from it,
so the page and summary.json cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from functools import lru_cache
from typing import Any, NamedTuple

from .dates import add_months
from .models import Product, Shop, most_reviewed
from .rules import SHOWN_STATUSES, STAR_SCALE, Window, counts, grade, mean_score, score_window


class WindowKey(NamedTuple):
    verification: str
    status: str
    rating: int
    month: str  # the calendar month the review was given in, "2026-11"
    scale: int = STAR_SCALE  # 5: stars; 10: a score out of 10, never counted
    incentivized: bool = False  # given for a reward, never counted


def window_months(as_of: date) -> tuple[tuple[str, date, date], ...]:
    """(month, first day, last day) of each calendar month the window touches, oldest first.

    The window's first and last months are partial: 23 Nov 2025 – 23 Nov 2026 touches 13 months.
    """
    return _calendar_months(score_window(as_of))


@lru_cache(maxsize=64)  # a shop and each of its products ask for the same window
def _calendar_months(window: Window) -> tuple[tuple[str, date, date], ...]:
    months, day = [], window.start
    while day <= window.end:
        following = add_months(day.replace(day=1), 1)
        last = min(window.end, date.fromordinal(following.toordinal() - 1))
        months.append((f"{day.year:04d}-{day.month:02d}", day, last))
        day = following
    return tuple(months)


def build_summary(
    shop: Shop,
    window_counts: Mapping[WindowKey, int],
    as_of: date,
    *,
    product: Product | None = None,
    products: Sequence[Mapping[str, Any]] = (),
    review_platforms: Sequence[str] = (),
) -> dict[str, Any]:
    """The summary from every review given inside the window (removed ones too, to say why not).

    `window_counts` holds only reviews given inside the window (the store's query says so).
    A product's summary (`product`) follows the same rules over the product's reviews; the
    shop's lists its products' scores (`products`: their summaries), which never enter its own.
    `review_platforms` are the platforms the shown reviews come from ("" for reviews whose import
    named none: they come from the shop's `source`).
    """
    window = score_window(as_of)
    counted = {
        key: n for key, n in window_counts.items() if counts(key.verification, key.status, key.scale, key.incentivized)
    }
    distribution = {rating: sum(n for key, n in counted.items() if key.rating == rating) for rating in range(1, 6)}
    score = mean_score(distribution)

    def shown(kind: str) -> int:
        """Shown reviews that are not counted, each under its first reason: given for a reward,
        then rated on another scale than stars, then its verification."""
        return sum(n for key, n in window_counts.items() if key.status in SHOWN_STATUSES and not_counted(key) == kind)

    months = []
    for month, first, last in window_months(as_of):
        by_rating = {rating: 0 for rating in range(1, 6)}
        for key, n in counted.items():
            if key.month == month:
                by_rating[key.rating] += n
        mean = mean_score(by_rating)
        months.append(
            {
                "month": month,
                "from": first.isoformat(),
                "to": last.isoformat(),
                "count": sum(by_rating.values()),
                "score": None if mean is None else float(mean),
            }
        )
    summary = {
        "shop": shop.id,
        "name": shop.name,
        "as_of": as_of.isoformat(),
        "window": {"from": window.start.isoformat(), "to": window.end.isoformat()},
        "score": None if score is None else float(score),
        "grade": grade(score),
        "review_count": sum(distribution.values()),
        "distribution": {str(rating): n for rating, n in distribution.items()},
        "window_total": sum(window_counts.values()),
        "flagged_count": sum(n for key, n in counted.items() if key.status == "flagged"),
        "imported_count": shown("imported"),
        "unverified_count": shown("unverified"),
        "incentivized_count": shown("incentivized"),
        "ten_point_count": shown("ten_point"),
        "removed_count": sum(n for key, n in window_counts.items() if key.status not in SHOWN_STATUSES),
        "months": months,
        "source": shop.source,
        "policy_url": shop.policy_url,
        **platform_fields(shop, product),
        "review_platforms": sorted({name or shop.source for name in review_platforms}, key=str.casefold),
    }
    if product is not None:
        summary["product"] = product.to_record()
    else:
        summary["products"] = [
            {
                "sku": item["product"]["sku"],
                "name": item["product"]["name"],
                "score": item["score"],
                "grade": item["grade"],
                "review_count": item["review_count"],
            }
            for item in products
        ]
    return summary


def not_counted(key: WindowKey) -> str:
    """Why a shown review is not counted, the first reason that holds ("" when it counts):
    `incentivized`, `ten_point` (a score out of 10), or its verification (`imported`, `unverified`)."""
    if key.incentivized:
        return "incentivized"
    if key.scale != STAR_SCALE:
        return "ten_point"
    return "" if counts(key.verification, key.status) else key.verification


def platform_fields(shop: Shop, product: Product | None) -> dict[str, Any]:
    """The platforms' own scores (the shop's only: a platform scores a shop, not a product).

    `platforms` lists every kept score by name; `platform` is the one shown first (the lead, or
    the most-reviewed when ours leads); `headline` says which score leads: "platform" or "own".
    """
    kept = () if product is not None else tuple(sorted(shop.platforms, key=lambda p: p.name.casefold()))
    lead = None if product is not None else shop.lead()
    first = lead or most_reviewed(kept)
    return {
        "headline": "own" if lead is None else "platform",
        "platform": None if first is None else first.to_record(),
        "platforms": [p.to_record() for p in kept],
    }

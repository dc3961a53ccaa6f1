"""What each public document shows, read from the store: widget data and reviews.json pages."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path
from typing import Any

from .dates import format_timestamp
from .formatting import relative_date
from .i18n import locales_dir, translations
from .options import Resolved
from .records import Shop
from .render import WidgetData, review_limit
from .store import Store, StoredReview
from .summary import shop_summary

PAGE_SIZE = 50


def load_widget_data(
    store: Store,
    shop: Shop,
    widget: str,
    options: Resolved,
    as_of: date,
    summary: dict[str, Any] | None = None,
) -> WidgetData:
    """The shop's summary (read unless given) and the reviews the widget shows."""
    limit = review_limit(widget, options)
    reviews = (
        store.shown_reviews(shop.id, as_of, stars=options.stars, languages=options.lang, limit=limit) if limit else []
    )
    if summary is None:
        summary = shop_summary(store, shop, as_of)
    return WidgetData(shop=shop, summary=summary, reviews=reviews)


def page_name(page: int) -> str:
    """`reviews.json` for the first page, `reviews-2.json` for the second, and so on."""
    return "reviews.json" if page == 1 else f"reviews-{page}.json"


def page_count(total: int) -> int:
    return max(1, math.ceil(total / PAGE_SIZE))


def review_document(review: StoredReview, locale: str, as_of: date, directory: Path) -> dict[str, Any]:
    gettext = translations(locale, directory).gettext
    reply = None
    if review.reply is not None:
        reply = {"text": review.reply.text, "created_at": format_timestamp(review.reply.created_at)}
    return {
        "id": review.id,
        "rating": review.rating,
        "title": review.title,
        "text": review.text,
        "author": review.author,
        "language": review.language,
        "date": review.created_on.isoformat(),
        "date_text": relative_date(review.created_on, as_of, locale) or gettext("today"),
        "created_at": review.created_at,
        "experienced_at": review.experienced_on.isoformat(),
        "verification": review.verification,
        "marker": gettext("verified") if review.verification == "verified" else gettext("imported review"),
        "status": review.status,
        "reply": reply,
    }


def reviews_document(
    shop: Shop,
    reviews: list[StoredReview],
    *,
    locale: str,
    options: Resolved,
    as_of: date,
    page: int,
    total: int,
    directory: Path | None = None,
) -> dict[str, Any]:
    """One page of the shown reviews, newest first (never an email: StoredReview has none)."""
    pages = page_count(total)
    root = directory or locales_dir()
    return {
        "shop": shop.id,
        "locale": locale,
        "as_of": as_of.isoformat(),
        "source": shop.source,
        "policy_url": shop.policy_url,
        "filter": {"stars": list(options.stars), "lang": list(options.lang)},
        "total": total,
        "page": page,
        "pages": pages,
        "page_size": PAGE_SIZE,
        "next": page_name(page + 1) if page < pages else None,
        "reviews": [review_document(r, locale, as_of, root) for r in reviews],
    }


def load_reviews_page(
    store: Store, shop: Shop, locale: str, options: Resolved, as_of: date, page: int
) -> dict[str, Any] | None:
    """A reviews.json page, or None when the page is past the last one."""
    total = store.count_shown(shop.id, as_of, stars=options.stars, languages=options.lang)
    if page < 1 or page > page_count(total):
        return None
    reviews = store.shown_reviews(
        shop.id,
        as_of,
        stars=options.stars,
        languages=options.lang,
        limit=PAGE_SIZE,
        offset=(page - 1) * PAGE_SIZE,
    )
    return reviews_document(shop, reviews, locale=locale, options=options, as_of=as_of, page=page, total=total)

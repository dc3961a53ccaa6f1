"""View models: a snapshot's summary and reviews formatted for one locale (pure)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from babel.lists import format_list
from markupsafe import Markup

from .dates import public_timestamp
from .formatting import ago_patterns, format_count, format_published, format_score, long_date, short_date, star_svg
from .i18n import N_, translations
from .models import PublicReview
from .options import Resolved, ReviewFilter, listed_filter
from .paths import reviews_file
from .rules import STAR_SCALE, window_length
from .snapshot import LOCAL_PAGES, PAGE_SIZE, RATING_PAGES, STARS_DOWN, Snapshot
from .widgets import WIDGETS

LEAD_LABEL_MAX = 14  # characters of a platform's name for its score shown beside the leading score

GRADE_LABELS = {
    "excellent": N_("Excellent"),
    "good": N_("Good"),
    "fair": N_("Fair"),
    "poor": N_("Poor"),
    "very_poor": N_("Very poor"),
}

# What a review card and reviews.json say of each verification (rules.VERIFICATIONS).
MARKERS = {
    "verified": N_("verified"),
    "imported": N_("imported review"),
    "unverified": N_("not verified"),
}
INCENTIVIZED_MARKER = N_("incentivised review")  # given for a reward: beside the verification


def summary_view(summary: Mapping[str, Any], locale: str, directory: Path) -> dict[str, Any]:
    """The summary with its numbers formatted for the locale."""
    gettext = translations(locale, directory).gettext
    score = summary["score"]
    view = dict(summary)
    view["has_score"] = score is not None
    view["count_text"] = format_count(summary["review_count"], locale)
    if score is not None:
        view["score_text"] = format_score(score, locale)
        view["stars_svg"] = star_svg(score, gettext("%(score)s out of 5 stars") % {"score": view["score_text"]})
        label = GRADE_LABELS[summary["grade"]]  # a variable: extraction must not see "grade"
        view["grade_label"] = gettext(label)
    platforms = [platform_view(p, locale, gettext) for p in summary.get("platforms", ())]
    first = summary.get("platform")
    lead = None
    if summary.get("headline") == "platform" and first is not None:
        lead = next(p for p in platforms if p["name"] == first["name"])
    view["lead"] = lead  # the platform whose score leads, or None: ours leads
    view["platform_view"] = next((p for p in platforms if first and p["name"] == first["name"]), None)
    view["other_platforms"] = [p for p in platforms if p is not lead]
    view["platforms_view"] = platforms
    view["via_text"] = format_list(summary.get("review_platforms") or [summary["source"]], locale=locale)
    view["window_months"] = window_length()
    return view


def platform_view(platform: Mapping[str, Any], locale: str, gettext: Any = None) -> dict[str, Any]:
    """The platform's own score formatted for the locale, labelled with the platform's names.

    Stars only for a 5-point scale: a score out of 10 is never drawn as stars.
    """
    score_text = format_published(platform["score"], locale)
    label = platform["score_name"] or platform["name"]
    stars = None
    if gettext is not None and platform["scale"] == STAR_SCALE:
        stars = star_svg(
            Decimal(platform["score"]),
            gettext("%(score)s out of 5 stars") % {"score": score_text},
        )
    return {
        "name": platform["name"],
        "label": label,
        "score_text": score_text,
        # The score's own name beside the leading score ("TrustScore 4,6"), when it is short
        # enough to share a line with the stars; a longer one stays on the method page.
        "lead_label": "" if platform["score_name"] in ("", platform["name"]) or len(label) > LEAD_LABEL_MAX else label,
        "stars_svg": stars,
        "scale": platform["scale"],
        # A score on another scale says which, where the widgets show it: "8,6/10".
        "out_of": "" if platform["scale"] == STAR_SCALE else f"/{platform['scale']}",
        "review_count": platform["review_count"],
        "count_text": format_count(platform["review_count"], locale),
        "url": platform["profile_url"],
        "read_on": platform["read_on"],
        "read_on_long": long_date(date.fromisoformat(platform["read_on"]), locale),
    }


@lru_cache(maxsize=64)
def _review_stars(rating: int, locale: str, directory: Path) -> Markup:
    """A card's stars: one of five images per locale."""
    gettext = translations(locale, directory).gettext
    return star_svg(rating, gettext("%(score)s out of 5 stars") % {"score": rating})


@lru_cache(maxsize=64)
def _points(rating: int, scale: int, locale: str, directory: Path) -> Markup:
    """A card's score out of 10: "8/10", which a screen reader reads as "8 out of 10"."""
    gettext = translations(locale, directory).gettext
    label = gettext("%(rating)s out of %(scale)s") % {"rating": rating, "scale": scale}
    return Markup('<span class="points" role="img" aria-label="{}">{}</span>').format(label, rating_text(rating, scale))


def rating_text(rating: int, scale: int) -> str:
    """A rating out of 10 as its platform shows it, "8/10" (never stars); "" for stars."""
    return "" if scale == STAR_SCALE else f"{rating}/{scale}"


def origin(review: PublicReview, source: str) -> str:
    """Where a review says it came from: its platform; the shop's source when the import named
    none; nothing for an imported review that names none (taken over from we cannot say where)."""
    if review.platform:
        return review.platform
    return "" if review.verification == "imported" else source


@lru_cache(maxsize=16)
def ago_phrases(locale: str, directory: Path) -> str:
    """The phrases the widgets' script writes a review's age with, as compact JSON: "today" and
    each unit's `ago_patterns`. The script counts by `formatting.elapsed`'s rule."""
    phrases: dict[str, Any] = {"today": translations(locale, directory).gettext("today"), **ago_patterns(locale)}
    return json.dumps(phrases, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def review_view(review: PublicReview, locale: str, directory: Path, source: str = "") -> dict[str, Any]:
    """A review card's fields, formatted for the locale; no field depends on the day it is read."""
    reply = None if review.reply is None else {"text": review.reply.text}
    stars = review.scale == STAR_SCALE
    return {
        "origin": origin(review, source),
        "id": review.id,
        "rating": review.rating,
        "scale": review.scale,
        "rating_text": rating_text(review.rating, review.scale),
        # Stars for a star rating; a score out of 10 as its platform writes it, "8/10".
        "rating_mark": (
            _review_stars(review.rating, locale, directory)
            if stars
            else _points(review.rating, review.scale, locale, directory)
        ),
        "incentivized": review.incentivized,
        "title": review.title,
        "text": review.text,
        "language": review.language,
        "author": review.author,
        "date": review.created_on.isoformat(),
        "date_long": long_date(review.created_on, locale),
        "date_text": short_date(review.created_on, locale),  # the script says how long ago
        "verification": review.verification,
        "reply": reply,
    }


def review_documents(
    reviews: list[PublicReview], locale: str, directory: Path, source: str = ""
) -> list[dict[str, Any]]:
    """Reviews as reviews.json publishes them (never an email: PublicReview has none)."""
    gettext = translations(locale, directory).gettext
    markers = {kind: gettext(label) for kind, label in MARKERS.items()}
    incentivized = gettext(INCENTIVIZED_MARKER)
    documents = []
    for review in reviews:
        reply = None
        if review.reply is not None:
            reply = {"text": review.reply.text, "created_at": public_timestamp(review.reply.created_at)}
        documents.append(
            {
                "id": review.id,
                "rating": review.rating,
                # Only where they differ from a star review's, so other reviews read as before.
                **({} if review.scale == STAR_SCALE else {"scale": review.scale}),
                **({"incentivized": True, "incentive_marker": incentivized} if review.incentivized else {}),
                "title": review.title,
                "text": review.text,
                "author": review.author,
                "language": review.language,
                "date": review.created_on.isoformat(),
                "date_text": short_date(review.created_on, locale),  # true whenever it is read
                "created_at": public_timestamp(review.created_at),
                "experienced_at": review.experienced_on.isoformat(),
                "verification": review.verification,
                "marker": markers[review.verification],
                "platform": origin(review, source) or None,
                "status": review.status,
                "reply": reply,
            }
        )
    return documents


def reviews_page(
    snapshot: Snapshot,
    reviews: list[PublicReview],
    *,
    locale: str,
    options: Resolved,
    page: int,
    directory: Path,
    stars: int,
) -> dict[str, Any]:
    """One page of the shown reviews, newest first (options settled: documents.render_document);
    `stars`: of the file of one star rating's reviews (reviews-3star.json)."""
    shop, wanted = snapshot.shop, options.filter
    pages = snapshot.rating_pages(wanted) if stars else snapshot.pages(wanted)  # the files there are
    return {
        "shop": shop.id,
        **({"product": snapshot.product.sku} if snapshot.product else {}),
        "locale": locale,
        "as_of": snapshot.listed_on.isoformat(),
        "source": shop.source,
        "policy_url": shop.policy_url,
        "filter": {"stars": list(wanted.stars), "lang": list(wanted.lang)},
        "total": snapshot.total(wanted),
        "page": page,
        "pages": pages,
        "page_size": PAGE_SIZE,
        "next": reviews_file(page + 1, stars) + _asked(options, listed_filter(shop), stars) if page < pages else None,
        "reviews": review_documents(reviews, locale, directory, shop.source),
    }


def _asked(options: Resolved, listed: ReviewFilter, stars: int) -> str:
    """The query that asked for other reviews than the files list, for `next` to ask it again
    ("?stars=1&lang=de"); "" for the files' own (what a static tree holds). A rating's file
    names its stars in its name: only its language is asked."""
    texts, wanted = options.texts(), options.filter
    query = {}
    if not stars and wanted.stars != listed.stars:
        query["stars"] = texts["stars"]
    if wanted.lang != listed.lang:
        query["lang"] = texts["lang"]
    return "?" + urlencode(query, safe=",") if query else ""


@lru_cache(maxsize=64)
def _list_words(shop_name: str, locale: str, directory: Path) -> dict[str, str]:
    """The words the list's script writes cards and pages with, its numbers as {0}, {1}, {2}."""
    gettext = translations(locale, directory).gettext
    return {
        "more": gettext("read more"),
        "less": gettext("read less"),
        "by": gettext("review by %(author)s") % {"author": "{0}"},
        "reply": gettext("Reply from %(name)s") % {"name": shop_name},
        "points": gettext("%(rating)s out of %(scale)s") % {"rating": "{0}", "scale": "{1}"},
        "range": gettext("%(first)s–%(last)s of %(total)s") % {"first": "{0}", "last": "{1}", "total": "{2}"},
        "page": gettext("Page %(page)s of %(pages)s") % {"page": "{0}", "pages": "{1}"},
        "failed": gettext("The reviews could not be loaded. Please try again later."),
        # sorted or filtered by stars, a long list shows each rating's newest reviews (snapshot.py)
        "capped": gettext("the newest %(count)s of each star rating")
        % {"count": format_count(RATING_PAGES * PAGE_SIZE, locale)},
        # sorted by stars, a long list leaves out the reviews scored out of 10 (no file of theirs)
        "unscored": gettext("without %(count)s on a scale of 10") % {"count": "{0}"},
    }


@lru_cache(maxsize=16)
def _list_marks(locale: str, directory: Path) -> Markup:
    """The stars of each rating, which the list's script copies into the cards it makes."""
    return Markup("").join(
        Markup('<span data-r="{}">{}</span>').format(stars, _review_stars(stars, locale, directory))
        for stars in STARS_DOWN
    )


@lru_cache(maxsize=256)
def _bar_words(stars: int, count: int, locale: str, directory: Path) -> tuple[str, str, str]:
    """A bar's label ("3 sterren"), its count and the word after it, for a screen reader."""
    ngettext = translations(locale, directory).ngettext
    label = ngettext("%(count)s star", "%(count)s stars", stars) % {"count": stars}
    return label, format_count(count, locale), ngettext("review", "reviews", count)


def list_view(snapshot: Snapshot, wanted: ReviewFilter, locale: str, directory: Path) -> dict[str, Any]:
    """What the list widget shows besides its first page: a bar per star rating (how many of
    the reviews it lists have that rating: what the bar's filter then shows), and, for its
    script, how to read the rest from the files of reviews.json and the words it writes with."""
    ratings = {stars: snapshot.total(one) for stars, one in snapshot.ratings(wanted).items()}
    rated = sum(ratings.values())
    bars = []  # none where no review has stars (all out of 10)
    for stars, count in ratings.items() if rated else ():
        label, count_text, word = _bar_words(stars, count, locale, directory)
        bars.append(
            {
                "stars": stars,
                "label": label,
                "count": count,
                "count_text": count_text,
                "reviews_word": word,
                # whole per cent, rounded down, so that no bar looks fuller than its share
                "percent": count * 100 // rated,
            }
        )
    config = {
        "total": snapshot.total(wanted),
        # of reviews.json: with up to `local`, the script filters and sorts them; with more, each
        # rating with reviews has files of its own, of its newest `cap` reviews (Snapshot.by_star)
        "pages": snapshot.pages(wanted),
        "local": LOCAL_PAGES,
        "cap": RATING_PAGES * PAGE_SIZE,
        "size": PAGE_SIZE,
        "per": WIDGETS["list"].reviews,
        "stars": {str(stars): count for stars, count in ratings.items()},
        "words": _list_words(snapshot.shop.name, locale, directory),
    }
    return {
        "bars": bars,
        "config": json.dumps(config, sort_keys=True, ensure_ascii=False, separators=(",", ":")),
        "marks": _list_marks(locale, directory),
    }

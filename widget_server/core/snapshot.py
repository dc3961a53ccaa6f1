"""A shop read once: its record, summary and shown reviews, as plain data (pure).

The store builds a Snapshot in a fixed number of queries (store.Store.snapshot); every
document of the shop is then a function of (snapshot, locale, options). Memory stays bounded
for shops with hundreds of thousands of reviews: the snapshot holds counts and, for each
(rating, language, scale) group, only its newest HEAD_SIZE reviews, which is enough for every widget
and for the first page of any filter. Later pages come from `source`, which the store
implements with keyset queries (never a growing OFFSET when read in order).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Protocol, TypeVar, cast

from .freshness import kept_until, next_change
from .models import Product, PublicReview, Shop
from .options import MAX_COUNT, ReviewFilter

PAGE_SIZE = 50  # reviews per reviews.json page
STARS_DOWN = (5, 4, 3, 2, 1)  # the star ratings, highest first
# The list widget: a list of up to LOCAL_PAGES pages of reviews.json is filtered and sorted in the
# visitor's frame from those pages; a longer one has files of each star rating, of that rating's
# newest RATING_PAGES pages (1,000 reviews) at most, so that a shop of 100,000 reviews does not
# get as many files again.
LOCAL_PAGES = 4
RATING_PAGES = 20
HEAD_SIZE = max(PAGE_SIZE, MAX_COUNT)  # newest reviews held per (rating, language) group
MEMO_FILTERS = 32  # filters whose newest reviews and total a snapshot keeps (see Snapshot)

Group = tuple[int, str, int]  # (rating, language as stored, scale)
T = TypeVar("T")


class ReviewSource(Protocol):
    """Pages of a shop's shown reviews, newest first, for one filter."""

    def page(self, wanted: ReviewFilter, number: int, size: int) -> list[PublicReview]: ...


class ReviewList:
    """A ReviewSource over reviews already in memory, newest first (a small shop, read whole)."""

    def __init__(self, reviews: list[PublicReview]) -> None:
        self.reviews = reviews
        # Each filter's reviews, filtered once and paged many times, for the first MEMO_FILTERS
        # filters asked (a visitor's query names any it likes: memory stays bounded).
        self.matching: dict[ReviewFilter, list[PublicReview]] = {}

    def page(self, wanted: ReviewFilter, number: int, size: int) -> list[PublicReview]:
        if not (wanted.stars or wanted.lang):
            matching = self.reviews
        elif wanted in self.matching:
            matching = self.matching[wanted]
        else:
            matching = [r for r in self.reviews if wanted.matches(r.rating, r.language, r.scale)]
            if len(self.matching) < MEMO_FILTERS:
                self.matching[wanted] = matching
        return matching[(number - 1) * size : number * size]


@dataclass(frozen=True, slots=True)
class Snapshot:
    shop: Shop
    version: str  # the shop's data version: changes exactly when its record or reviews change
    as_of: date
    summary: Mapping[str, Any]
    shown: Mapping[Group, int]  # shown reviews given by as_of, by group
    heads: Mapping[Group, tuple[PublicReview, ...]]  # the newest HEAD_SIZE of each group
    source: ReviewSource
    own_version: str = ""  # the shop's record and own reviews only (a product: its version)
    product: Product | None = None  # set on a product's snapshot: its reviews, its summary
    products: Mapping[str, Snapshot] = field(default_factory=dict)  # by SKU, on the shop's snapshot
    # The days the passing of time changes its documents on (freshness.next_change): the oldest
    # review inside the window (of any status, the shop's or a product's), the first given ahead.
    oldest_in_window: date | None = None
    next_given: date | None = None
    asked: date | None = None  # the day it was read for, when as_of is earlier (freshness.last_change)
    each_day: bool = False  # no review given by as_of: made for each day (freshness.made_each_day)
    # Each filter's newest reviews and total, worked out once for the first MEMO_FILTERS filters
    # asked (a build asks a handful; the service's visitors can ask any number, so the rest are
    # worked out each time rather than held for the snapshot's life).
    _newest: dict[ReviewFilter, list[PublicReview]] = field(default_factory=dict, compare=False, repr=False)
    _totals: dict[ReviewFilter, int] = field(default_factory=dict, compare=False, repr=False)
    _derived: dict[Hashable, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def read_for(self) -> date:
        """The day it was read for: as_of, or a later day whose documents are the same."""
        return self.asked or self.as_of

    @property
    def listed_on(self) -> date:
        """The day its reviews pages are made for: its newest shown review's (a review leaving the
        window changes no list of shown reviews), or as_of when it shows none."""
        return max((head[0].created_on for head in self.heads.values() if head), default=self.as_of)

    @property
    def next_change(self) -> date | None:
        """The first day after as_of on which a document that does not state the day changes."""
        return next_change(self.as_of, self.oldest_in_window, self.next_given)

    @property
    def kept_until(self) -> date | None:
        """The first day after as_of on which any of its documents could differ (what a build
        that keeps the shop's files until then reads; freshness.kept_until)."""
        return kept_until(self.as_of, self.next_change, self.each_day)

    def total(self, wanted: ReviewFilter) -> int:
        """How many shown reviews the filter matches."""
        found = self._totals.get(wanted)
        if found is None:
            found = sum(
                n for (rating, language, scale), n in self.shown.items() if wanted.matches(rating, language, scale)
            )
            if len(self._totals) < MEMO_FILTERS:
                self._totals[wanted] = found
        return found

    def derived(self, key: Hashable, make: Callable[[], T]) -> T:
        """`make()`, made once per snapshot and key: a view every document of a locale shares.

        What it returns is shared between documents, so nothing may change it afterwards.
        """
        if key not in self._derived:
            self._derived[key] = make()
        return cast(T, self._derived[key])

    def has_language(self, tag: str) -> bool:
        """Whether any shown review is in that language (or one of its subtags)."""
        return self.total(ReviewFilter(lang=(tag,))) > 0

    def newest(self, wanted: ReviewFilter, limit: int) -> list[PublicReview]:
        """The newest `limit` (at most HEAD_SIZE) shown reviews the filter matches."""
        if limit > HEAD_SIZE:
            raise ValueError(f"at most {HEAD_SIZE} reviews come from a snapshot's heads")
        found = self._newest.get(wanted)
        if found is None:
            heads = [
                head
                for (rating, language, scale), head in self.heads.items()
                if wanted.matches(rating, language, scale)
            ]
            found = [review for head in heads for review in head]
            found.sort(key=lambda r: (r.id, r.platform))
            found.sort(key=lambda r: r.created_at, reverse=True)  # stable: ties stay in (id, platform) order
            found = found[:HEAD_SIZE]
            if len(self._newest) < MEMO_FILTERS:
                self._newest[wanted] = found
        return found[:limit]

    def by_star(self, wanted: ReviewFilter) -> dict[int, ReviewFilter]:
        """The filter of each star rating `wanted` lists that has reviews, highest first, narrowed
        to that rating: the list widget's pages of one rating (reviews-3star.json). None where
        all `wanted` lists fits on LOCAL_PAGES pages: the list widget filters and sorts those
        itself, so a product of ten reviews gets no more files."""
        if self.pages(wanted) <= LOCAL_PAGES:
            return {}
        return {stars: one for stars, one in self.ratings(wanted).items() if self.total(one)}

    @staticmethod
    def ratings(wanted: ReviewFilter) -> dict[int, ReviewFilter]:
        """`wanted` narrowed to each star rating it lists, highest first (the list widget's bars)."""
        return {
            stars: replace(wanted, stars=(stars,)) for stars in STARS_DOWN if not wanted.stars or stars in wanted.stars
        }

    def rating_pages(self, one: ReviewFilter) -> int:
        """How many files one rating's reviews have (by_star): its newest RATING_PAGES pages at most."""
        return min(self.pages(one), RATING_PAGES)

    def pages(self, wanted: ReviewFilter) -> int:
        return max(1, math.ceil(self.total(wanted) / PAGE_SIZE))

    def page(self, wanted: ReviewFilter, number: int) -> list[PublicReview] | None:
        """Page `number` (from 1) of the filter's reviews, or None past the last page."""
        if not 1 <= number <= self.pages(wanted):
            return None
        if number == 1:
            return self.newest(wanted, PAGE_SIZE)
        return self.source.page(wanted, number, PAGE_SIZE)

"""Snapshot: counts by group, the newest reviews of any filter from the heads, and pages."""

from datetime import date

import pytest

from tests.snapshots import memory_snapshot, rated_reviews
from widget_server.core.models import PublicReview, Shop
from widget_server.core.options import ReviewFilter
from widget_server.core.snapshot import HEAD_SIZE, MEMO_FILTERS, PAGE_SIZE, ReviewList

SHOP = Shop("s", "S", ("nl",), "nl", "Trustpilot", "https://example.nl/r")
AS_OF = date(2026, 11, 23)


def made(review_id, rating, language, created_at):
    return PublicReview(
        review_id, rating, "", "", "A", language, AS_OF, created_at, AS_OF, "verified", "published", None
    )


REVIEWS = [  # newest first, ties in id order
    made("b", 5, "nl", "2026-11-20T10:00:00.000000Z"),
    made("c", 4, "en-GB", "2026-11-20T10:00:00.000000Z"),
    made("a", 5, "nl", "2026-11-19T10:00:00.000000Z"),
    made("d", 1, "EN", "2026-11-18T10:00:00.000000Z"),
    made("e", 3, "de", "2026-11-01T10:00:00.000000Z"),
]


@pytest.mark.parametrize(
    ("wanted", "ids"),
    [
        (ReviewFilter(), ["b", "c", "a", "d", "e"]),
        (ReviewFilter(stars=(5,)), ["b", "a"]),
        (ReviewFilter(stars=(1, 4)), ["c", "d"]),
        (ReviewFilter(lang=("en",)), ["c", "d"]),
        (ReviewFilter(lang=("en-gb",)), ["c"]),
        (ReviewFilter(lang=("e",)), []),
        (ReviewFilter(stars=(5,), lang=("en",)), []),
        (ReviewFilter(stars=(3, 5), lang=("de", "nl")), ["b", "a", "e"]),
    ],
)
def test_newest_and_total_follow_the_filter(wanted, ids):
    snapshot = memory_snapshot(SHOP, REVIEWS, AS_OF, {})
    assert [r.id for r in snapshot.newest(wanted, HEAD_SIZE)] == ids
    assert snapshot.total(wanted) == len(ids)
    assert [r.id for r in snapshot.page(wanted, 1)] == ids


def test_asking_again_gives_the_same_answers_whatever_was_asked_between():
    snapshot = memory_snapshot(SHOP, REVIEWS, AS_OF, {})
    five, everything = ReviewFilter(stars=(5,)), ReviewFilter()
    assert [r.id for r in snapshot.newest(five, 1)] == ["b"]
    assert [r.id for r in snapshot.newest(everything, 3)] == ["b", "c", "a"]
    assert [r.id for r in snapshot.newest(five, HEAD_SIZE)] == ["b", "a"]
    assert [r.id for r in snapshot.newest(everything, 2)] == ["b", "c"]
    assert (snapshot.total(five), snapshot.total(everything), snapshot.total(five)) == (2, 5, 2)


def test_a_snapshot_keeps_the_answers_of_a_bounded_number_of_filters():
    snapshot = memory_snapshot(SHOP, REVIEWS, AS_OF, {})
    asked = [ReviewFilter(lang=("nl", f"x{n:03d}")) for n in range(3 * MEMO_FILTERS)]
    for wanted in asked:
        assert [r.id for r in snapshot.newest(wanted, HEAD_SIZE)] == ["b", "a"]
        assert snapshot.total(wanted) == 2
    assert len(snapshot._newest) == len(snapshot._totals) == MEMO_FILTERS  # a visitor's ?lang= is unbounded
    assert [r.id for r in snapshot.newest(asked[-1], 1)] == ["b"]


def test_a_derived_view_is_made_once_per_key():
    snapshot = memory_snapshot(SHOP, REVIEWS, AS_OF, {})
    made_for: list[str] = []

    def make(locale):
        made_for.append(locale)
        return {"locale": locale}

    first = snapshot.derived(("summary", "nl"), lambda: make("nl"))
    assert snapshot.derived(("summary", "nl"), lambda: make("nl")) is first
    assert snapshot.derived(("summary", "en"), lambda: make("en")) == {"locale": "en"}
    assert made_for == ["nl", "en"]


def test_newest_keeps_id_order_within_one_timestamp_across_groups():
    tied = [made(f"x{n}", 1 + n % 5, "nl", "2026-11-20T10:00:00.000000Z") for n in (10, 9, 8, 11)]
    snapshot = memory_snapshot(SHOP, tied, AS_OF, {})
    assert [r.id for r in snapshot.newest(ReviewFilter(), 4)] == ["x10", "x11", "x8", "x9"]


def test_newest_takes_at_most_the_heads():
    snapshot = memory_snapshot(SHOP, REVIEWS, AS_OF, {})
    assert [r.id for r in snapshot.newest(ReviewFilter(), 2)] == ["b", "c"]
    with pytest.raises(ValueError, match="^at most 50 reviews come from a snapshot's heads$"):
        snapshot.newest(ReviewFilter(), HEAD_SIZE + 1)
    assert len(snapshot.newest(ReviewFilter(), HEAD_SIZE)) == len(REVIEWS)


@pytest.mark.parametrize(("count", "pages"), [(0, 1), (1, 1), (PAGE_SIZE, 1), (PAGE_SIZE + 1, 2), (3 * PAGE_SIZE, 3)])
def test_pages(count, pages):
    reviews = [made(f"r{n:04d}", 5, "nl", f"2026-11-{1 + n % 20:02d}T00:00:00.000000Z") for n in range(count)]
    reviews.sort(key=lambda r: r.id)
    reviews.sort(key=lambda r: r.created_at, reverse=True)
    snapshot = memory_snapshot(SHOP, reviews, AS_OF, {})
    assert snapshot.pages(ReviewFilter()) == pages
    assert snapshot.page(ReviewFilter(), 0) is None
    assert snapshot.page(ReviewFilter(), pages + 1) is None
    listed = [r.id for n in range(1, pages + 1) for r in snapshot.page(ReviewFilter(), n)]
    assert listed == [r.id for r in reviews]


@pytest.mark.parametrize(
    ("wanted", "number", "size", "ids"),
    [
        (ReviewFilter(), 1, 2, ["b", "c"]),
        (ReviewFilter(), 2, 2, ["a", "d"]),
        (ReviewFilter(), 3, 2, ["e"]),
        (ReviewFilter(), 4, 2, []),
        (ReviewFilter(stars=(5, 3)), 1, 2, ["b", "a"]),
        (ReviewFilter(stars=(5, 3)), 2, 2, ["e"]),
        (ReviewFilter(lang=("en",)), 1, 5, ["c", "d"]),
        (ReviewFilter(stars=(4,), lang=("en",)), 1, 5, ["c"]),
    ],
)
def test_a_review_list_pages_a_filter(wanted, number, size, ids):
    assert [r.id for r in ReviewList(REVIEWS).page(wanted, number, size)] == ids


@pytest.mark.parametrize(
    ("reviews", "tag", "has"),
    [
        ([made("x", 5, "nl-BE", "2026-11-20T10:00:00.000000Z")], "nl", True),  # one review, in a subtag
        ([made("x", 5, "nl-BE", "2026-11-20T10:00:00.000000Z")], "en", False),
        ([], "nl", False),
    ],
)
def test_has_language_takes_a_single_review(reviews, tag, has):
    assert memory_snapshot(SHOP, reviews, AS_OF, {}).has_language(tag) is has


def test_a_review_list_keeps_the_first_filters_it_is_asked_and_no_more():
    """A visitor's query names any filter it likes (lang=nl,aa, lang=nl,ab, ...): each is still
    answered, but only the first MEMO_FILTERS are kept in the service's memory."""
    source = ReviewList(REVIEWS)
    for n in range(MEMO_FILTERS + 10):
        asked = ReviewFilter(lang=("en", f"x{n}"))
        assert [r.id for r in source.page(asked, 1, 5)] == ["c", "d"]
    assert len(source.matching) == MEMO_FILTERS


def test_a_review_list_pages_one_filter_again_and_again():
    source = ReviewList(REVIEWS)
    english = ReviewFilter(lang=("en",))
    assert [r.id for r in source.page(english, 1, 1)] == ["c"]
    assert [r.id for r in source.page(english, 2, 1)] == ["d"]  # the second page of the same filter
    assert source.page(english, 3, 1) == []


@pytest.mark.parametrize(
    ("reviews", "wanted", "ratings"),
    [
        # up to four pages: the list widget filters and sorts them itself, no file per rating
        (rated_reviews({5: 150, 3: 50}), ReviewFilter(), []),
        (rated_reviews({5: 150, 3: 51}), ReviewFilter(), [5, 3]),  # a page more: each rating with reviews
        (rated_reviews({5: 1, 4: 1, 3: 1, 2: 1, 1: 197}), ReviewFilter(), [5, 4, 3, 2, 1]),  # highest first
        # a shop's star filter: only its ratings, and its total decides whether there is a page more
        (rated_reviews({5: 150, 4: 50, 3: 10}), ReviewFilter(stars=(4, 5)), []),
        (rated_reviews({5: 150, 4: 51, 3: 10}), ReviewFilter(stars=(4, 5)), [5, 4]),
        # a score out of 10 has no stars
        (rated_reviews({5: 201}) + rated_reviews({9: 5}, scale=10), ReviewFilter(lang=("nl",)), [5]),
        (rated_reviews({4: 5}) + rated_reviews({8: 200}, scale=10), ReviewFilter(), [4]),
    ],
)
def test_by_star_gives_the_ratings_with_files_of_their_own(reviews, wanted, ratings):
    snapshot = memory_snapshot(SHOP, reviews, AS_OF, {})
    found = snapshot.by_star(wanted)
    assert list(found) == ratings
    for stars, one in found.items():
        assert one == ReviewFilter(stars=(stars,), lang=wanted.lang)


@pytest.mark.parametrize(("count", "files"), [(1, 1), (PAGE_SIZE, 1), (PAGE_SIZE + 1, 2), (1000, 20), (1001, 20)])
def test_a_ratings_files_hold_its_newest_thousand_reviews(count, files):
    snapshot = memory_snapshot(SHOP, rated_reviews({5: count}), AS_OF, {})
    assert snapshot.rating_pages(ReviewFilter(stars=(5,))) == files

from datetime import date
from decimal import Decimal
from fractions import Fraction
from math import floor

import pytest
from hypothesis import given
from hypothesis import strategies as st

from widget_server.core.rules import (
    allows_indexing,
    counts,
    grade,
    is_counted,
    is_shown,
    mean_score,
    score_window,
)

AS_OF = date(2026, 11, 23)


def test_window_is_twelve_months_both_ends_inclusive():
    window = score_window(AS_OF)
    assert (window.start, window.end) == (date(2025, 11, 23), date(2026, 11, 23))
    assert date(2025, 11, 23) in window
    assert date(2026, 11, 23) in window
    assert date(2025, 11, 22) not in window
    assert date(2026, 11, 24) not in window


@pytest.mark.parametrize(
    ("verification", "status", "given_on", "counted"),
    [
        ("verified", "published", date(2026, 1, 1), True),
        ("verified", "flagged", date(2026, 1, 1), True),  # flagged: still counted
        ("verified", "removed", date(2026, 1, 1), False),
        ("imported", "published", date(2026, 1, 1), False),  # imported: never counted
        ("verified", "published", date(2025, 11, 23), True),  # first day of the window
        ("verified", "published", date(2025, 11, 22), False),
        ("verified", "published", date(2026, 11, 23), True),  # as_of itself
        ("verified", "published", date(2026, 11, 24), False),  # after as_of
    ],
)
def test_is_counted(verification, status, given_on, counted):
    assert is_counted(verification, status, given_on, score_window(AS_OF)) is counted


@pytest.mark.parametrize(
    ("verification", "scale", "incentivized", "counted"),
    [
        ("verified", 5, False, True),
        ("verified", 10, False, False),  # a score out of 10 (Kiyoh) never enters the star mean
        ("verified", 5, True, False),  # given for a reward: never counted
        ("verified", 10, True, False),
        ("imported", 10, False, False),
        ("unverified", 5, True, False),
    ],
)
def test_only_star_reviews_not_given_for_a_reward_count(verification, scale, incentivized, counted):
    given_on = date(2026, 1, 1)
    assert is_counted(verification, "published", given_on, score_window(AS_OF), scale, incentivized) is counted


@pytest.mark.parametrize(
    ("status", "given_on", "shown"),
    [
        ("published", date(2020, 1, 1), True),  # old reviews are shown, just not counted
        ("flagged", AS_OF, True),
        ("removed", date(2026, 1, 1), False),
        ("published", date(2026, 11, 24), False),  # not shown yet
    ],
)
def test_is_shown(status, given_on, shown):
    assert is_shown(status, given_on, AS_OF) is shown


@pytest.mark.parametrize(
    ("distribution", "expected"),
    [
        ({}, None),
        ({1: 0, 5: 0}, None),
        ({5: 1}, "5.00"),
        ({1: 1}, "1.00"),
        # 899 / 200 = 4.495 exactly: half away from zero gives 4.50 (a float would give 4.49)
        ({5: 99, 4: 101}, "4.50"),
        ({5: 1, 4: 2}, "4.33"),  # 13/3 = 4.333…
        ({5: 2, 4: 1}, "4.67"),  # 14/3 = 4.666…
        ({4: 1, 5: 1}, "4.50"),
        ({3: 1, 4: 1}, "3.50"),
        ({1: 1, 2: 1, 3: 1, 4: 1, 5: 1}, "3.00"),
        ({5: 1, 1: 7}, "1.50"),
        ({2: 1, 1: 199}, "1.01"),  # 201/200 = 1.005 → 1.01
    ],
)
def test_mean_score(distribution, expected):
    result = mean_score(distribution)
    assert (None if result is None else str(result)) == expected


def fraction_score(distribution):
    """An independent computation: exact Fraction, then round half up at the hundredths."""
    count = sum(distribution.values())
    mean = Fraction(sum(r * n for r, n in distribution.items()), count)
    return Decimal(floor(mean * 100 + Fraction(1, 2))) / 100


@given(st.dictionaries(st.integers(1, 5), st.integers(0, 10**6), min_size=1).filter(lambda d: sum(d.values()) > 0))
def test_mean_score_matches_exact_fractions(distribution):
    assert mean_score(distribution) == fraction_score(distribution)


@pytest.mark.parametrize(
    ("score", "key"),
    [
        ("5.00", "excellent"),
        ("4.50", "excellent"),
        ("4.49", "good"),
        ("3.50", "good"),
        ("3.49", "fair"),
        ("2.50", "fair"),
        ("2.49", "poor"),
        ("1.50", "poor"),
        ("1.49", "very_poor"),
        ("1.00", "very_poor"),
    ],
)
def test_grade_boundaries(score, key):
    assert grade(Decimal(score)) == key


def test_no_score_no_grade():
    assert grade(None) is None


@pytest.mark.parametrize(
    ("sources", "allowed"),
    [
        (("Trustpilot",), False),
        ((" trustpilot ",), False),
        (("Trusted Shops",), True),
        (("Trustpilot en Kiyoh",), False),  # a shop's free-text source naming it among others
        (("Trusted Shops", "Kiyoh"), True),
        (("Trusted Shops", "Trustpilot"), False),  # one review's platform is enough
        ((), True),
    ],
)
def test_allows_indexing(sources, allowed):
    assert allows_indexing(*sources) is allowed


def test_a_score_below_one_has_no_grade():
    with pytest.raises(ValueError, match="^score 0.99 is below the lowest grade$"):
        grade(Decimal("0.99"))


@pytest.mark.parametrize(
    ("verification", "status", "counted"),
    [
        ("verified", "published", True),
        ("verified", "flagged", True),
        ("verified", "removed", False),
        ("imported", "published", False),
    ],
)
def test_counts_by_default_a_review_in_stars_not_rewarded(verification, status, counted):
    assert counts(verification, status) is counted

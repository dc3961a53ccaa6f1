"""The Trusted Shops scoring rules: window, counted reviews, score, grade (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from .dates import add_months

# The window's length in calendar months. Everything reads it when it runs (window_length(),
# score_window()), never a copy taken at import: the store's queries, every widget's and the
# method page's sentences, the OpenAPI document and the CLI's help all follow this one value.
WINDOW_MONTHS = 12
EXPERIENCE_MONTHS = 6  # a review is given at most this many calendar months after the experience

# The rule definitions the store's SQL is built from (store.py), so what the tests exercise
# here is what production counts.
SHOWN_STATUSES = ("published", "flagged")  # removed reviews are never shown
COUNTED_VERIFICATIONS = ("verified",)  # only reviews tied to a purchase count
STAR_SCALE = 5  # only reviews rated in stars count: a score out of 10 (Kiyoh) is never converted
SCALES = (STAR_SCALE, 10)  # the scales a review may be rated on
# verified: tied to a purchase; imported: taken over from elsewhere without that tie;
# unverified: published by a platform that does not tie reviews to purchases (Google).
VERIFICATIONS = ("verified", "imported", "unverified")
STATUSES = ("published", "flagged", "removed")

# (lowest rounded score, key), best first: RULES.md's grade table.
GRADES: tuple[tuple[Decimal, str], ...] = (
    (Decimal("4.50"), "excellent"),
    (Decimal("3.50"), "good"),
    (Decimal("2.50"), "fair"),
    (Decimal("1.50"), "poor"),
    (Decimal("1.00"), "very_poor"),
)

# Sources whose guidelines forbid marking their reviews up for search engines.
NO_INDEXING_SOURCES = frozenset({"trustpilot"})


@dataclass(frozen=True, slots=True)
class Window:
    start: date
    end: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


def window_length() -> int:
    """The window's length in calendar months (WINDOW_MONTHS, as it is now)."""
    return WINDOW_MONTHS


def window_words() -> str:
    """The window in English, for the OpenAPI document and help texts: "the last 12 months"."""
    months = window_length()
    return f"the last {months} month{'' if months == 1 else 's'}"


def score_window(as_of: date) -> Window:
    """The WINDOW_MONTHS calendar months before `as_of`, both ends inclusive."""
    return Window(add_months(as_of, -window_length()), as_of)


def counts(verification: str, status: str, scale: int = STAR_SCALE, incentivized: bool = False) -> bool:
    """Whether a review of this kind counts when given inside the window: verified, not removed,
    rated in stars, and not given for a reward."""
    return (
        verification in COUNTED_VERIFICATIONS and status in SHOWN_STATUSES and scale == STAR_SCALE and not incentivized
    )


def is_counted(
    verification: str,
    status: str,
    given_on: date,
    window: Window,
    scale: int = STAR_SCALE,
    incentivized: bool = False,
) -> bool:
    """Counted (see counts) and given inside the window."""
    return counts(verification, status, scale, incentivized) and given_on in window


def is_shown(status: str, given_on: date, as_of: date) -> bool:
    """Published and flagged reviews are shown once given; removed ones never are."""
    return status in SHOWN_STATUSES and given_on <= as_of


def is_eligible(experienced_at: date, given_on: date) -> bool:
    """Given on or after the experience, and at most six calendar months after it."""
    return experienced_at <= given_on <= add_months(experienced_at, EXPERIENCE_MONTHS)


def mean_score(distribution: Mapping[int, int]) -> Decimal | None:
    """The mean rating to two decimals, half away from zero, in exact integer arithmetic."""
    count = sum(distribution.values())
    if count == 0:
        return None
    total = sum(rating * n for rating, n in distribution.items())
    hundredths, remainder = divmod(total * 100, count)
    if 2 * remainder >= count:
        hundredths += 1
    return Decimal(hundredths).scaleb(-2)


def grade(score: Decimal | None) -> str | None:
    """The grade key for a rounded score; None when there is no score."""
    if score is None:
        return None
    for lowest, key in GRADES:
        if score >= lowest:
            return key
    raise ValueError(f"score {score} is below the lowest grade")


def allows_indexing(*sources: str) -> bool:
    """Whether every review source named lets a shop mark its rating up as JSON-LD: none names
    one whose guidelines forbid it, alone or among others (a shop's free-text source may read
    "Trustpilot en Kiyoh"; a review's platform "Trustpilot")."""
    return not any(name in source.casefold() for source in sources for name in NO_INDEXING_SOURCES)

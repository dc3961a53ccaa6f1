"""Locale formatting for widgets: numbers, dates, star geometry, excerpts (pure)."""

from __future__ import annotations

import json
from datetime import date
from decimal import ROUND_FLOOR, Decimal
from functools import lru_cache
from typing import Any, Literal

from babel import Locale
from babel.dates import format_date
from babel.lists import format_list
from babel.numbers import format_decimal
from markupsafe import Markup, escape

from .dates import add_months

STAR_SIZE = 20
STAR_GAP = 2
STARS_WIDTH = 5 * STAR_SIZE + 4 * STAR_GAP


@lru_cache(maxsize=4096)
def format_score(score: float | Decimal, locale: str) -> str:
    """Two decimals in the locale's style: nl `4,50`, en `4.50`."""
    return format_decimal(Decimal(str(score)), format="0.00", locale=locale)


@lru_cache(maxsize=1024)
def format_published(score: str, locale: str) -> str:
    """A platform's score with the decimals it was published with: "4.6" is nl `4,6`, en `4.6`."""
    decimals = len(score.partition(".")[2])
    return format_decimal(Decimal(score), format="0" + ("." + "0" * decimals if decimals else ""), locale=locale)


@lru_cache(maxsize=4096)
def format_count(count: int, locale: str) -> str:
    """A whole number with the locale's grouping: nl `1.234`, en `1,234`."""
    return format_decimal(count, locale=locale)


@lru_cache(maxsize=1024)
def star_fill(rating: float | Decimal) -> Decimal:
    """The width, in star-row units, that `rating` of 5 stars fills (4.3 fills 4.3 stars)."""
    value = min(max(Decimal(str(rating)), Decimal(0)), Decimal(5))
    whole = value.to_integral_value(rounding=ROUND_FLOOR)
    width = min(whole * (STAR_SIZE + STAR_GAP) + (value - whole) * STAR_SIZE, Decimal(STARS_WIDTH))
    return width.quantize(Decimal("0.01"))


def star_svg(rating: float | Decimal, label: str) -> Markup:
    """One accessible image of five stars, `rating` of them filled (the partial one exactly)."""
    return Markup(
        f'<svg class="stars" viewBox="0 0 {STARS_WIDTH} 20" role="img" aria-label="{escape(label)}">'
        f'<use href="#tw-r" class="e"/><svg width="{star_fill(rating)}" height="20">'
        '<use href="#tw-r" class="f"/></svg></svg>'
    )


Unit = Literal["day", "week", "month", "year"]
UNITS: tuple[Unit, ...] = ("day", "week", "month", "year")


def elapsed(day: date, as_of: date) -> tuple[int, Unit] | None:
    """How long ago `day` was, in completed calendar units, never rounded up (None: today or later).

    1-6 days; then completed weeks while less than a calendar month has passed; then completed
    calendar months while less than twelve; then completed years. 364 days ago is 11 months.
    Exactly twelve is still "12 months" where the day is inside the 12 months up to `as_of` (the
    window's first day, both ends inclusive): a review counted in the score is never "1 year ago".
    """
    days = (as_of - day).days
    if days <= 0:
        return None
    if days < 7:
        return days, "day"
    months = (as_of.year - day.year) * 12 + as_of.month - day.month
    if add_months(day, months) > as_of:  # the last month is not complete yet
        months -= 1
    if months == 0:
        return days // 7, "week"
    if months < 12 or (months == 12 and day >= add_months(as_of, -12)):
        return months, "month"
    return months // 12, "year"


@lru_cache(maxsize=16)
def ago_patterns(locale: str) -> dict[str, dict[str, str]]:
    """`{"day": {"one": "{0} dag geleden", "other": "{0} dagen geleden"}, ...}`: Babel's "ago"
    patterns by unit and plural category, which the widgets' script fills with `elapsed`'s count
    in the visitor's browser (the document itself says the day, which stays true)."""
    fields = Locale.parse(locale)._data["date_fields"]  # where format_timedelta reads them
    return {unit: dict((fields.get(f"{unit}-long") or fields[unit])["past"]) for unit in UNITS}


@lru_cache(maxsize=4096)
def short_date(day: date, locale: str) -> str:
    """`20 nov 2026` / `Nov 20, 2026` / `20.11.2026`: a review's day, true whenever it is read."""
    return format_date(day, format="medium", locale=locale)


@lru_cache(maxsize=4096)
def long_date(day: date, locale: str) -> str:
    """`1 oktober 2026` / `October 1, 2026`."""
    return format_date(day, format="long", locale=locale)


@lru_cache(maxsize=256)
def star_list(stars: tuple[int, ...], locale: str) -> str:
    """`4 en 5` / `4 and 5`."""
    return format_list([str(s) for s in stars], style="standard", locale=locale)


@lru_cache(maxsize=256)
def language_names(tags: tuple[str, ...], locale: str) -> str:
    """`Nederlands en Engels` / `Dutch and English`, in the widget's locale."""
    names = Locale.parse(locale).languages
    return format_list([names.get(tag.split("-")[0], tag) for tag in tags], locale=locale)


def json_for_script(value: Any) -> str:
    """JSON that is safe inside a <script> element: no `</script>`, `<!--` or line separators."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    for char, replacement in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, replacement)
    return text

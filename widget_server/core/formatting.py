"""Locale formatting for widgets: numbers, dates, star geometry, excerpts (pure)."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import ROUND_FLOOR, Decimal
from functools import lru_cache
from typing import Any

from babel import Locale
from babel.dates import format_date, format_timedelta
from babel.lists import format_list
from babel.numbers import format_decimal
from markupsafe import Markup, escape

STAR_SIZE = 20
STAR_GAP = 2
STARS_WIDTH = 5 * STAR_SIZE + 4 * STAR_GAP
EXCERPT_CHARS = 90  # four lines of the narrowest card (200px) hold about 100 characters


@lru_cache(maxsize=4096)
def format_score(score: float | Decimal, locale: str) -> str:
    """Two decimals in the locale's style: nl `4,50`, en `4.50`."""
    return format_decimal(Decimal(str(score)), format="0.00", locale=locale)


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


def days_ago(day: date, as_of: date) -> int:
    return (as_of - day).days


def relative_date(day: date, as_of: date, locale: str) -> str | None:
    """`3 dagen geleden` / `3 days ago`; None for today (the template says "today")."""
    days = days_ago(day, as_of)
    return None if days <= 0 else _days_ago_text(days, locale)


@lru_cache(maxsize=4096)
def _days_ago_text(days: int, locale: str) -> str:
    return format_timedelta(timedelta(days=-days), granularity="day", threshold=0.9, add_direction=True, locale=locale)


@lru_cache(maxsize=4096)
def long_date(day: date, locale: str) -> str:
    """`1 oktober 2026` / `October 1, 2026`."""
    return format_date(day, format="long", locale=locale)


def excerpt_needed(text: str, limit: int = EXCERPT_CHARS) -> bool:
    """Whether a text is long enough to be clamped behind a "read more"."""
    return len(text) > limit or text.count("\n") >= 3


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

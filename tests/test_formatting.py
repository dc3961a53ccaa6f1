from datetime import date
from decimal import Decimal

import pytest

from widget_server.core.formatting import (
    ago_patterns,
    elapsed,
    format_count,
    format_score,
    json_for_script,
    language_names,
    long_date,
    short_date,
    star_fill,
    star_list,
    star_svg,
)

AS_OF = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("score", "locale", "text"),
    [
        (4.5, "nl", "4,50"),
        (4.5, "en", "4.50"),
        (Decimal("4.49"), "nl", "4,49"),
        (5, "en", "5.00"),
        (1.01, "de", "1,01"),
    ],
)
def test_format_score(score, locale, text):
    assert format_score(score, locale) == text


@pytest.mark.parametrize(
    ("count", "locale", "text"),
    [(1234, "nl", "1.234"), (1234, "en", "1,234"), (7, "nl", "7"), (1234567, "en", "1,234,567")],
)
def test_format_count(count, locale, text):
    assert format_count(count, locale) == text


@pytest.mark.parametrize(
    ("rating", "width"),
    [
        (5, "108.00"),
        (4.3, "94.00"),
        (4.5, "98.00"),
        (1, "22.00"),
        (0, "0.00"),
        (Decimal("3.99"), "85.80"),
        (7, "108.00"),
    ],
)
def test_star_fill_covers_exactly_the_rating(rating, width):
    # star i (0-based) spans [22*i, 22*i + 20]: 4.3 fills four stars and 0.3 of the fifth
    assert str(star_fill(rating)) == width


# How long ago, in words, is the widgets' script's to say in the visitor's browser (by `elapsed`'s
# rule): tests/test_dates_browser.py holds the table of phrases. The document says the day.
@pytest.mark.parametrize(
    ("day", "locale", "text"),
    [
        (date(2026, 11, 20), "nl", "20 nov 2026"),
        (date(2026, 11, 20), "en", "Nov 20, 2026"),
        (date(2026, 11, 20), "de", "20.11.2026"),
        (date(2026, 3, 1), "nl", "1 mrt 2026"),
        (date(2025, 5, 9), "en", "May 9, 2025"),
        (date(2025, 5, 9), "de", "09.05.2025"),
    ],
)
def test_short_date(day, locale, text):
    assert short_date(day, locale) == text


@pytest.mark.parametrize(
    ("locale", "patterns"),
    [
        ("nl", {"day": ("{0} dag geleden", "{0} dagen geleden"), "year": ("{0} jaar geleden", "{0} jaar geleden")}),
        ("en", {"week": ("{0} week ago", "{0} weeks ago"), "month": ("{0} month ago", "{0} months ago")}),
        ("de", {"day": ("vor {0} Tag", "vor {0} Tagen"), "year": ("vor {0} Jahr", "vor {0} Jahren")}),
    ],
)
def test_ago_patterns_by_unit_and_plural_category(locale, patterns):
    found = ago_patterns(locale)
    assert set(found) == {"day", "week", "month", "year"}
    for unit, (one, other) in patterns.items():
        assert (found[unit]["one"], found[unit]["other"]) == (one, other)


@pytest.mark.parametrize(
    ("day", "as_of", "expected"),
    [
        (date(2026, 1, 31), date(2026, 2, 28), (1, "month")),  # a month from the 31st ends on the 28th
        (date(2026, 1, 31), date(2026, 2, 27), (3, "week")),  # 27 days
        (date(2024, 2, 29), date(2025, 2, 28), (12, "month")),  # inside the 12 months from 2024-02-28
        (date(2024, 2, 28), date(2025, 2, 28), (12, "month")),  # their first day: counted, never a year
        (date(2024, 2, 27), date(2025, 2, 28), (1, "year")),
        (date(2025, 11, 23), date(2026, 11, 23), (12, "month")),
        (date(2025, 11, 22), date(2026, 11, 23), (1, "year")),
        (date(2027, 2, 28), date(2028, 2, 29), (12, "month")),  # 2028-02-29's twelve months start on 2027-02-28
        (date(2027, 2, 27), date(2028, 2, 29), (1, "year")),
        (date(2024, 2, 29), date(2025, 2, 27), (11, "month")),
        (date(2026, 11, 22), date(2026, 11, 23), (1, "day")),
        (date(2026, 11, 17), date(2026, 11, 23), (6, "day")),
        (date(2026, 11, 16), date(2026, 11, 23), (1, "week")),  # Babel says "1 week" for 7 days too
        (date(2024, 10, 23), date(2026, 11, 23), (2, "year")),  # 25 months: two completed years
        (date(2026, 11, 23), date(2026, 11, 23), None),
    ],
)
def test_elapsed_counts_completed_calendar_units(day, as_of, expected):
    assert elapsed(day, as_of) == expected


@pytest.mark.parametrize(
    ("args", "text"),
    [
        ((date(2026, 10, 1), "nl"), "1 oktober 2026"),
        ((date(2026, 10, 1), "en"), "October 1, 2026"),
    ],
)
def test_long_date(args, text):
    assert long_date(*args) == text


@pytest.mark.parametrize(
    ("stars", "locale", "text"),
    [((4, 5), "nl", "4 en 5"), ((4, 5), "en", "4 and 5"), ((5,), "nl", "5"), ((3, 4, 5), "nl", "3, 4 en 5")],
)
def test_star_list(stars, locale, text):
    assert star_list(stars, locale) == text


@pytest.mark.parametrize(
    ("tags", "locale", "text"),
    [(("nl",), "en", "Dutch"), (("nl", "en"), "nl", "Nederlands en Engels"), (("en-GB",), "en", "English")],
)
def test_language_names(tags, locale, text):
    assert language_names(tags, locale) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (
            {"a": "</script><script>x()</script>"},
            '{"a":"\\u003c/script\\u003e\\u003cscript\\u003ex()\\u003c/script\\u003e"}',
        ),
        ({"b": "<!-- & \u2028"}, '{"b":"\\u003c!-- \\u0026 \\u2028"}'),
        ({"n": 4.5, "a": 1}, '{"a":1,"n":4.5}'),
        ({"é": "Zoë \u2029 \u2028"}, '{"é":"Zoë \\u2029 \\u2028"}'),  # not ASCII-escaped, but the separators are
    ],
)
def test_json_for_script_cannot_close_the_script(value, text):
    assert json_for_script(value) == text


@pytest.mark.parametrize(
    ("rating", "label", "svg"),
    [
        (
            4.5,
            "4,50 van 5 sterren",
            '<svg class="stars" viewBox="0 0 108 20" role="img" aria-label="4,50 van 5 sterren"><use href="#tw-r" class="e"/>'
            '<svg width="98.00" height="20"><use href="#tw-r" class="f"/></svg></svg>',
        ),
        (
            1,
            '1 "<b>"',
            '<svg class="stars" viewBox="0 0 108 20" role="img" aria-label="1 &#34;&lt;b&gt;&#34;">'
            '<use href="#tw-r" class="e"/><svg width="22.00" height="20"><use href="#tw-r" class="f"/></svg></svg>',
        ),
    ],
)
def test_star_svg(rating, label, svg):
    assert str(star_svg(rating, label)) == svg

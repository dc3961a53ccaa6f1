"""The method page's view: how a shop's score is made, in the visitor's language (pure).

Every number comes from the summary (summary.build_summary), the same dict summary.json
publishes, so the page and the JSON cannot disagree.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.dates import format_date
from markupsafe import Markup, escape

from .formatting import format_count, format_score, long_date
from .i18n import translations
from .views import summary_view

CHART_WIDTH, CHART_HEIGHT = 520, 150
PLOT_TOP, PLOT_BOTTOM = 14, 118  # the bars' area; month labels sit below it


def month_label(month: Mapping[str, Any], locale: str) -> str:
    """`nov. 2026`, or the days it covers where the window cuts the month: `23–30 nov. 2025`."""
    return _month_label(month["from"], month["to"], locale)


@lru_cache(maxsize=1024)  # every shop built for one date has the same months
def _month_label(start: str, end: str, locale: str) -> str:
    first, last = date.fromisoformat(start), date.fromisoformat(end)
    whole = first.day == 1 and (last.month != date.fromordinal(last.toordinal() + 1).month)
    if whole:
        return format_date(first, "MMM y", locale=locale)
    return f"{first.day}–{format_date(last, 'd MMM y', locale=locale)}"


def month_chart(months: list[Mapping[str, Any]], locale: str, label: str) -> Markup:
    """Bars of counted reviews per month (the table beside it carries the numbers in words)."""
    step = CHART_WIDTH / len(months)
    tallest = max((m["count"] for m in months), default=0) or 1
    plot = PLOT_BOTTOM - PLOT_TOP
    parts = [
        f'<svg class="chart" viewBox="0 0 {CHART_WIDTH} {CHART_HEIGHT}" role="img" aria-label="{escape(label)}">',
        f'<line x1="0" y1="{PLOT_BOTTOM}" x2="{CHART_WIDTH}" y2="{PLOT_BOTTOM}" class="axis"/>',
    ]
    for index, month in enumerate(months):
        height = round(plot * month["count"] / tallest, 1)
        x = round(index * step + step * 0.2, 1)
        parts.append(
            f'<rect x="{x}" y="{round(PLOT_BOTTOM - height, 1)}" width="{round(step * 0.6, 1)}" height="{height}"/>'
        )
        if month["count"]:
            parts.append(
                f'<text x="{round(index * step + step / 2, 1)}" y="{round(PLOT_BOTTOM - height - 3, 1)}" '
                f'class="n">{escape(format_count(month["count"], locale))}</text>'
            )
        short = _month_short(month["from"], locale)
        parts.append(
            f'<text x="{round(index * step + step / 2, 1)}" y="{PLOT_BOTTOM + 14}" class="m">{escape(short)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


@lru_cache(maxsize=1024)
def _month_short(start: str, locale: str) -> str:
    """`nov`: the chart's label under a month's bar."""
    return format_date(date.fromisoformat(start), "MMM", locale=locale).rstrip(".")


def method_view(summary: Mapping[str, Any], locale: str, directory: Path) -> dict[str, Any]:
    """The summary as the method page shows it: formatted numbers, dates and the month table."""
    gettext = translations(locale, directory).gettext
    view = summary_view(summary, locale, directory)
    window = summary["window"]
    months = [
        {
            **month,
            "label": month_label(month, locale),
            "count_text": format_count(month["count"], locale),
            "score_text": None if month["score"] is None else format_score(month["score"], locale),
        }
        for month in summary["months"]
    ]
    view.update(
        {
            "as_of_long": long_date(date.fromisoformat(summary["as_of"]), locale),
            "window_from_long": long_date(date.fromisoformat(window["from"]), locale),
            "window_to_long": long_date(date.fromisoformat(window["to"]), locale),
            "numbers": {
                key: format_count(summary[key], locale)
                for key in (
                    "window_total",
                    "review_count",
                    "flagged_count",
                    "imported_count",
                    "unverified_count",
                    "incentivized_count",
                    "ten_point_count",
                    "removed_count",
                )
            },
            "distribution_rows": [
                (rating, format_count(summary["distribution"][str(rating)], locale)) for rating in range(5, 0, -1)
            ],
            "month_rows": months,
            "chart": month_chart(summary["months"], locale, gettext("Counted reviews per month")),
        }
    )
    return view

"""When a shop's documents next change with nothing new stored (pure).

A document's bytes depend on the day only through what the rules let in: which reviews are
inside the score's window, and which are given by then (a review dated ahead is shown from its
day). Its reviews' ages are written by the widgets' script in the visitor's browser, so they do
not count. With the store unchanged, the shop's documents stay byte for byte the same until the
first of these days; the build keeps them, and the service keys its cache by that day.

The documents that state the day they were made for (`as_of` in summary.json and reviews.json,
"Figures as of" and the month chart of the method page: `DocumentKind.states_day`) change every
day.
"""

from __future__ import annotations

from datetime import date, timedelta

from .dates import add_months
from .rules import score_window, window_length

ONE_DAY = timedelta(days=1)


def window_exit(given_on: date) -> date:
    """The first day whose window no longer holds a review given on `given_on`."""
    day = add_months(given_on, window_length()) + ONE_DAY
    while score_window(day).start <= given_on:  # a window ending on 29 February starts a day early
        day += ONE_DAY
    return day


def next_change(as_of: date, oldest_in_window: date | None, next_given: date | None) -> date | None:
    """The first day after `as_of` on which a document that does not state the day could change.

    `oldest_in_window`: the day the oldest review inside `as_of`'s window (of any status, the
    shop's or a product's) was given: its leaving is the window's first change. `next_given`:
    the first day after `as_of` a review is given on (dated ahead): it enters then. None: the
    documents never change by the passing of days alone.
    """
    days = []
    if oldest_in_window is not None:
        days.append(window_exit(oldest_in_window))
    if next_given is not None:
        if next_given <= as_of:
            raise ValueError("next_given must come after as_of")
        days.append(next_given)
    return min(days, default=None)


def day_key(states_day: bool, as_of: date, change: date | None) -> str:
    """What of the date a document's bytes depend on: the day itself for a document that states
    it; else the day its content next changes, the same on every day until then ("" for never)."""
    if states_day:
        return as_of.isoformat()
    return "until " + change.isoformat() if change else "never"

"""When a shop's documents next change with nothing new stored (pure).

A document's bytes depend on the day only through what the rules let in: which reviews are
inside the score's window, and which are given by then (a review dated ahead is shown from its
day). Its reviews' ages are written by the widgets' script in the visitor's browser, so they do
not count. With the store unchanged, the shop's documents stay byte for byte the same until the
first of these days; the build keeps them, and the service keys its cache by that day.

The documents that state the day they were made for (`as_of` in summary.json and reviews.json,
"Figures as of" and the month chart of the method page: `DocumentKind.states_day`) are made for
the last day time changed them (`last_change`), so they too stay the same until the next change.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import NamedTuple

from .dates import add_months
from .rules import score_window, window_length

ONE_DAY = timedelta(days=1)


class DayFacts(NamedTuple):
    """The days of a shop's reviews (of any status, its own and its products') that the passing
    of time turns on, as of a day: what the store reads for `last_change` and `next_change`."""

    newest_given: date | None  # the newest given by that day
    newest_before_window: date | None  # the newest given before that day's window
    oldest_in_window: date | None  # the oldest inside it
    next_given: date | None  # the first given after that day


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


def last_change(as_of: date, newest_given: date | None, newest_before_window: date | None) -> date:
    """The day a shop's documents are made for: the latest day, up to `as_of`, on which the
    passing of time changed them, so that they read the same every day until the next change.

    `newest_given`: the newest review given by `as_of` (it came in on its day);
    `newest_before_window`: the newest given before `as_of`'s window (it left the window on
    window_exit of its day, at the latest on `as_of`). The window of that day holds exactly the
    reviews `as_of`'s holds, and the same are given by then, so every figure is the same; a
    document that names its day names that one. A shop with neither is made for `as_of`.
    """
    if made_each_day(newest_given, newest_before_window):
        return as_of
    days = [day for day in (newest_given,) if day is not None]
    if newest_before_window is not None:
        days.append(window_exit(newest_before_window))
    found = max(days)
    if found > as_of:
        raise ValueError("the facts must be those of as_of")
    return found


def made_each_day(newest_given: date | None, newest_before_window: date | None) -> bool:
    """Whether a shop's documents are made for each day asked (`last_change` of a shop with no
    review given by then: its window, its `as_of` and its month chart move every day)."""
    return newest_given is None and newest_before_window is None


def kept_until(as_of: date, change: date | None, each_day: bool) -> date | None:
    """The first day after `as_of` on which any of a shop's documents could differ, those that
    state their day among them: `change` (next_change), or the next day where they are made for
    each day (made_each_day). None: never, by the passing of days alone."""
    return as_of + ONE_DAY if each_day else change


def day_key(states_day: bool, as_of: date, change: date | None) -> str:
    """What of the date a document's bytes depend on: for a document that states its day, that
    day (`as_of`: the last change); else the day it next changes ("never" when none). Either is
    the same on every day until the next change."""
    if states_day:
        return as_of.isoformat()
    return "until " + change.isoformat() if change else "never"

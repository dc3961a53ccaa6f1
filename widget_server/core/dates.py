"""Calendar arithmetic and ISO 8601 parsing used by the review rules."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime


def add_months(day: date, months: int) -> date:
    """The same day `months` calendar months later (or earlier), clamped to the month's end."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def parse_date(value: object) -> date:
    """A calendar date from `YYYY-MM-DD`; raises ValueError with a plain reason."""
    if not isinstance(value, str):
        raise ValueError("must be a date written as YYYY-MM-DD")
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError("is not a date written as YYYY-MM-DD") from None


def parse_timestamp(value: object) -> datetime:
    """An aware UTC datetime from ISO 8601; a time without zone is UTC, a date alone is midnight."""
    if not isinstance(value, str):
        raise ValueError("must be an ISO 8601 date-time such as 2026-10-01T12:00:00Z")
    try:
        parsed = datetime.fromisoformat(value)  # a date alone is its midnight
    except ValueError:
        raise ValueError("is not an ISO 8601 date-time such as 2026-10-01T12:00:00Z") from None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:
        return parsed.astimezone(UTC)
    except OverflowError:  # 0001-01-01T00:00+14:00 is before the first day the calendar has
        raise ValueError("is outside the calendar once converted to UTC") from None


def format_timestamp(moment: datetime) -> str:
    """The stored form, UTC with microseconds: `2026-10-01T12:00:00.000000Z`.

    Fixed width, so the text sorts as the moments do, and two reviews given within one second
    keep their order.
    """
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def public_timestamp(moment: datetime | str) -> str:
    """The published form: `2026-10-01T12:00:00Z`, with the fraction only when there is one."""
    text = format_timestamp(moment) if isinstance(moment, datetime) else moment
    return text.replace(".000000Z", "Z")


def today_utc() -> date:
    """Today's date in UTC: the default `as_of`."""
    return datetime.now(UTC).date()

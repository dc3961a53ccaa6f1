from datetime import UTC, date, datetime

import pytest

from widget_server.core.dates import add_months, format_timestamp, parse_date, parse_timestamp, public_timestamp

pytestmark = pytest.mark.usefixtures("machine_timezone")  # every test, in four time zones


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 3, 31), 6, date(2026, 9, 30)),  # RULES.md's example: clamped to the month's end
        (date(2026, 11, 23), -12, date(2025, 11, 23)),
        (date(2024, 2, 29), -12, date(2023, 2, 28)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 1, 15), 0, date(2026, 1, 15)),
        (date(2026, 12, 1), 1, date(2027, 1, 1)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10-01T12:00:00Z", datetime(2026, 10, 1, 12, tzinfo=UTC)),
        ("2026-10-01T12:00:00", datetime(2026, 10, 1, 12, tzinfo=UTC)),  # no zone: UTC
        ("2026-10-01T01:30:00+02:00", datetime(2026, 9, 30, 23, 30, tzinfo=UTC)),  # offset → UTC
        ("2026-10-01", datetime(2026, 10, 1, tzinfo=UTC)),
    ],
)
def test_parse_timestamp(text, expected):
    assert parse_timestamp(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("yesterday", "is not an ISO 8601 date-time such as 2026-10-01T12:00:00Z"),
        ("2026-13-01T00:00:00Z", "is not an ISO 8601 date-time such as 2026-10-01T12:00:00Z"),
        ("", "is not an ISO 8601 date-time such as 2026-10-01T12:00:00Z"),
        (20261001, "must be an ISO 8601 date-time such as 2026-10-01T12:00:00Z"),
        (None, "must be an ISO 8601 date-time such as 2026-10-01T12:00:00Z"),
        ("0001-01-01T00:00:00+00:01", "is outside the calendar once converted to UTC"),
        ("9999-12-31T23:59:59-00:01", "is outside the calendar once converted to UTC"),
    ],
)
def test_parse_timestamp_rejects(text, reason):
    with pytest.raises(ValueError) as error:
        parse_timestamp(text)
    assert str(error.value) == reason


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("2026-02-30", "is not a date written as YYYY-MM-DD"),
        ("2026-1-1", "is not a date written as YYYY-MM-DD"),
        ("2026-01-011", "is not a date written as YYYY-MM-DD"),
        ("20261001", "is not a date written as YYYY-MM-DD"),  # ISO, but not the one form we take
        (5, "must be a date written as YYYY-MM-DD"),
        (None, "must be a date written as YYYY-MM-DD"),
    ],
)
def test_parse_date_rejects_with_reason(text, reason):
    with pytest.raises(ValueError) as error:
        parse_date(text)
    assert str(error.value) == reason


@pytest.mark.parametrize("text", ["2026-02-30", "2026-1-1", "01-10-2026", 5])
def test_parse_date_rejects(text):
    with pytest.raises(ValueError):
        parse_date(text)


@pytest.mark.parametrize(
    ("given", "stored", "published"),
    [
        ("2026-10-01T14:00:00.123456+02:00", "2026-10-01T12:00:00.123456Z", "2026-10-01T12:00:00.123456Z"),
        ("2026-10-01T12:00:00Z", "2026-10-01T12:00:00.000000Z", "2026-10-01T12:00:00Z"),
        ("2026-10-01T12:00:00.5Z", "2026-10-01T12:00:00.500000Z", "2026-10-01T12:00:00.500000Z"),
        ("2026-10-01", "2026-10-01T00:00:00.000000Z", "2026-10-01T00:00:00Z"),
    ],
)
def test_timestamps_keep_their_precision_in_utc(given, stored, published):
    moment = parse_timestamp(given)
    assert format_timestamp(moment) == stored
    assert public_timestamp(moment) == public_timestamp(stored) == published


def test_stored_timestamps_sort_as_the_moments_do():
    moments = ["2026-10-01T12:00:00Z", "2026-10-01T12:00:00.5Z", "2026-10-01T12:00:01Z", "2026-10-01T12:00:00.05Z"]
    stored = sorted(format_timestamp(parse_timestamp(m)) for m in moments)
    assert stored == [format_timestamp(m) for m in sorted(parse_timestamp(m) for m in moments)]


def test_today_is_the_utc_date_wherever_the_machine_is():
    from widget_server.core.dates import today_utc

    before = datetime.now(UTC).date()
    assert today_utc() in (before, datetime.now(UTC).date())

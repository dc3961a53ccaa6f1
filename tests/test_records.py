from datetime import UTC, date, datetime

import pytest

from tests.factories import SHOP, review
from widget_server.core.records import Invalid, parse_review, parse_shop
from widget_server.core.rules import is_eligible

LOCALES = ("en", "nl")


@pytest.mark.parametrize(
    ("experienced", "given", "eligible"),
    [
        (date(2026, 3, 31), date(2026, 9, 30), True),  # RULES.md: given by 2026-09-30 at the latest
        (date(2026, 3, 31), date(2026, 10, 1), False),
        (date(2026, 3, 31), date(2026, 3, 31), True),  # the same day
        (date(2026, 3, 31), date(2026, 3, 30), False),  # before the experience
        (date(2026, 1, 15), date(2026, 7, 15), True),
        (date(2026, 1, 15), date(2026, 7, 16), False),
    ],
)
def test_is_eligible(experienced, given, eligible):
    assert is_eligible(experienced, given) is eligible


def test_parse_review_accepts_the_rules_example():
    parsed = parse_review(review(reply={"text": "Dank!", "created_at": "2026-10-02T09:00:00Z"}))
    assert parsed.rating == 5
    assert parsed.created_at == datetime(2026, 10, 1, 12, tzinfo=UTC)
    assert parsed.reply is not None and parsed.reply.text == "Dank!"
    assert "jan@example.nl" not in repr(parsed)  # the email never shows up in a repr or log


def test_experienced_at_defaults_to_the_day_given():
    assert parse_review(review(experienced_at=None)).experienced_at == date(2026, 10, 1)


def test_offsets_are_converted_to_utc_before_the_date_is_taken():
    parsed = parse_review(review(created_at="2026-10-01T01:00:00+02:00", experienced_at="2026-09-30"))
    assert parsed.created_at.date() == date(2026, 9, 30)


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"rating": 0}, "rating must be a whole number from 1 to 5 (got 0)"),
        ({"rating": 6}, "rating must be a whole number from 1 to 5 (got 6)"),
        ({"rating": 4.5}, "rating must be a whole number from 1 to 5 (got 4.5)"),
        ({"rating": "5"}, "rating must be a whole number from 1 to 5 (got '5')"),
        ({"rating": True}, "rating must be a whole number from 1 to 5 (got true)"),
        ({"rating": None}, "rating must be a whole number from 1 to 5 (got missing)"),
        ({"shop": "WTW"}, "shop must be a shop id"),
        ({"shop": "-wtw"}, "shop must be a shop id"),
        ({"verification": "trusted"}, "verification must be one of verified, imported"),
        ({"status": "hidden"}, "status must be one of published, flagged, removed"),
        ({"text": "x" * 5001}, "text is longer than 5,000 characters"),
        ({"author": ""}, "author is required"),
        ({"author": "   "}, "author is required"),
        ({"author": "Jan\nde Vries"}, "author must be a single line"),
        ({"title": "a\x00b"}, "title contains control characters"),
        ({"email": None}, "email is required for a verified review"),
        ({"email": "not-an-email"}, "email is not an email address"),
        ({"language": "dutch!"}, "language must be a language tag"),
        ({"created_at": "gisteren"}, "created_at is not an ISO 8601 date-time"),
        ({"created_at": None}, "created_at is required"),
        (
            {"experienced_at": "2026-03-31", "created_at": "2026-10-01T00:00:00Z"},
            "given more than 6 months after the experience",
        ),
        ({"experienced_at": "2026-10-02"}, "created_at is before experienced_at"),
        ({"reply": {"text": "ok"}}, "reply created_at is required"),
        ({"reply": {"text": "ok", "created_at": "2026-09-01T00:00:00Z"}}, "reply created_at is before the review"),
        ({"reply": "thanks"}, "reply must be a JSON object"),
        ({"stars": 5}, "unknown review field 'stars'"),
    ],
)
def test_parse_review_rejects_with_reason(fields, reason):
    with pytest.raises(Invalid) as error:
        parse_review(review(**fields))
    assert reason in str(error.value)


def test_reasons_never_repeat_the_email():
    with pytest.raises(Invalid) as error:
        parse_review(review(email="jan@@example.nl"))
    assert "jan@" not in str(error.value)


def test_imported_reviews_need_no_email():
    assert parse_review(review(verification="imported", email=None)).email is None


def test_parse_shop_defaults():
    shop = parse_shop(SHOP, LOCALES)
    assert (shop.theme, shop.carousel_count, shop.jsonld, shop.star_filter) == ("auto", 10, False, ())


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"locales": ["fr"]}, "locales must be a non-empty list from: en, nl"),
        ({"locales": []}, "locales must be a non-empty list"),
        ({"default_locale": "de"}, "default_locale must be one of the shop's locales"),
        ({"policy_url": "javascript:alert(1)"}, "policy_url must be an http(s) URL"),
        ({"policy_url": "https://"}, "policy_url must be an http(s) URL"),
        ({"accent": "red"}, "accent must be a hex colour"),
        ({"theme": "neon"}, "theme must be one of light, dark, auto"),
        ({"star_filter": [0, 5]}, "star_filter must list ratings from 1 to 5"),
        ({"carousel_count": 0}, "carousel_count must be a whole number from 1 to 50"),
        ({"allowed_domains": ["exa mple.nl"]}, "allowed_domains entry 1 is not a host name"),
        ({"locales": ["nl", "nl"]}, "locales must not repeat a locale"),
        ({"language_filter": ["nl"] * 21}, "language_filter lists more than 20 language tags"),
        ({"allowed_domains": [f"s{n}.example.nl" for n in range(51)]}, "allowed_domains lists more than 50"),
        ({"allowed_domains": [f"{'a' * 60}{n}.example.nl" for n in range(50)]}, "longer than 2,048 characters"),
        ({"allowed_domains": ["a.example.nl", "a.example.nl"]}, "must not repeat a host name"),
        ({"variants": [{"name": f"v{n}", "theme": "dark"} for n in range(21)]}, "variants lists more than 20"),
        ({"variants": [{"name": "v", "stars": "4, 5"}]}, "variant 'v': stars must list ratings from 1 to 5"),
        ({"jsonld": "yes"}, "jsonld must be true or false"),
        ({"variants": [{"name": "Dark"}]}, "variant name must be lower-case"),
        ({"variants": [{"name": "dark", "theme": "neon"}]}, "variant 'dark': theme must be light, dark or auto"),
        ({"variants": [{"name": "a"}, {"name": "a"}]}, "variant names must be unique"),
        ({"colour": "#fff"}, "unknown shop field 'colour'"),
        ({"name": ""}, "name is required"),
    ],
)
def test_parse_shop_rejects_with_reason(fields, reason):
    with pytest.raises(Invalid) as error:
        parse_shop({**SHOP, **fields}, LOCALES)
    assert reason in str(error.value)


def test_shop_record_round_trips():
    raw = {
        **SHOP,
        "allowed_domains": ["www.example.nl", "*.example.nl"],
        "star_filter": [5, 4],
        "variants": [{"name": "dark-45", "theme": "dark", "stars": "4,5"}],
    }
    shop = parse_shop(raw, LOCALES)
    assert parse_shop(shop.to_record(), LOCALES) == shop
    assert shop.star_filter == (4, 5)

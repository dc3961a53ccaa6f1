import re
from datetime import UTC, date, datetime

import pytest

from tests.factories import SHOP, review
from widget_server.core.models import Platform, Product
from widget_server.core.options import parse_options
from widget_server.core.records import (
    Invalid,
    _scale,
    depth,
    is_frame_ancestor,
    parse_platform,
    parse_product,
    parse_review,
    parse_shop,
    shown,
    shown_name,
    visible,
)
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


@pytest.mark.usefixtures("machine_timezone")
def test_experienced_at_defaults_to_the_day_given():
    assert parse_review(review(experienced_at=None)).experienced_at == date(2026, 10, 1)


@pytest.mark.usefixtures("machine_timezone")
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
        ({"rating": 11, "scale": 10}, "rating must be a whole number from 1 to 10 (got 11)"),
        ({"rating": 0, "scale": 10}, "rating must be a whole number from 1 to 10 (got 0)"),
        ({"rating": 7.5, "scale": 10}, "rating must be a whole number from 1 to 10 (got 7.5)"),
        ({"scale": 100}, "scale must be one of 5, 10 (got 100)"),
        ({"scale": 7}, "scale must be one of 5, 10 (got 7)"),
        ({"scale": "10"}, "scale must be one of 5, 10 (got '10')"),
        ({"scale": True}, "scale must be one of 5, 10 (got true)"),
        ({"incentivized": "yes"}, "incentivized must be true or false (got 'yes')"),
        ({"incentivized": 1}, "incentivized must be true or false (got 1)"),
        ({"shop": "WTW"}, "shop must be a shop id: lower-case letters, digits and inner hyphens"),
        ({"shop": "-wtw"}, "shop must be a shop id: lower-case letters, digits and inner hyphens"),
        ({"verification": "trusted"}, "verification must be one of verified, imported, unverified (got 'trusted')"),
        ({"status": "hidden"}, "status must be one of published, flagged, removed (got 'hidden')"),
        ({"text": "x" * 5001}, "text is longer than 5,000 characters (5,001)"),
        ({"author": ""}, "author is required"),
        ({"author": "   "}, "author is required"),
        ({"author": "\u200b"}, "author is required"),  # a zero-width space: nothing shows
        ({"author": " \u200d\u2060\ufeff\u00ad "}, "author is required"),  # joiners, BOM, soft hyphen
        ({"author": "\u3164"}, "author is required"),  # the Hangul filler, a 'letter' that shows nothing
        ({"author": "\u2800\u115f\u1160\uffa0"}, "author is required"),
        ({"author": "Jan\nde Vries"}, "author must be a single line"),
        ({"title": "a\x00b"}, "title contains control characters"),
        ({"email": None}, "email is required for a verified review (it is the purchase reference)"),
        ({"email": "not-an-email"}, "email is not an email address"),
        ({"language": "dutch!"}, "language must be a language tag such as nl or en-GB"),
        ({"created_at": "gisteren"}, "created_at is not an ISO 8601 date-time such as 2026-10-01T12:00:00Z"),
        ({"created_at": None}, "created_at is required"),
        (
            {"experienced_at": "2026-03-31", "created_at": "2026-10-01T00:00:00Z"},
            "given more than 6 months after the experience (experienced 2026-03-31, given 2026-10-01)",
        ),
        (
            {"experienced_at": "2026-10-02"},
            "created_at is before experienced_at: a review is given after the experience",
        ),
        ({"reply": {"text": "ok"}}, "reply created_at is required"),
        (
            {"reply": {"text": "ok", "created_at": "2026-09-01T00:00:00Z"}},
            "reply created_at is before the review was given",
        ),
        ({"reply": "thanks"}, "reply must be a JSON object"),
        ({"stars": 5}, "unknown review field 'stars'"),
    ],
)
def test_parse_review_rejects_with_reason(fields, reason):
    with pytest.raises(Invalid) as error:
        parse_review(review(**fields))
    assert str(error.value) == reason


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
        ({"locales": []}, "locales must be a non-empty list from: en, nl"),
        ({"default_locale": "de"}, "default_locale must be one of the shop's locales"),
        ({"policy_url": "javascript:alert(1)"}, "policy_url must be an http(s) URL"),
        ({"policy_url": "https://"}, "policy_url must be an http(s) URL"),
        ({"accent": "red"}, "accent must be a hex colour such as #f5a400"),
        ({"theme": "neon"}, "theme must be one of light, dark, auto (got 'neon')"),
        ({"star_filter": [0, 5]}, "star_filter must list ratings from 1 to 5"),
        ({"carousel_count": 0}, "carousel_count must be a whole number from 1 to 50"),
        ({"allowed_domains": ["exa mple.nl"]}, "allowed_domains entry 1 is not a host name"),
        ({"locales": ["nl", "nl"]}, "locales must not repeat a locale"),
        ({"language_filter": ["nl"] * 21}, "language_filter lists more than 20 language tags"),
        ({"allowed_domains": [f"s{n}.example.nl" for n in range(51)]}, "allowed_domains lists more than 50 host names"),
        (
            {"allowed_domains": [f"{'a' * 60}{n}.example.nl" for n in range(50)]},
            "allowed_domains are longer than 2,048 characters together",
        ),
        ({"allowed_domains": ["a.example.nl", "a.example.nl"]}, "allowed_domains must not repeat a host name"),
        ({"variants": [{"name": f"v{n}", "theme": "dark"} for n in range(21)]}, "variants lists more than 20 variants"),
        (
            {"variants": [{"name": "v", "stars": "4, 5"}]},
            "variant 'v': stars must list ratings from 1 to 5, such as 4,5",
        ),
        ({"jsonld": "yes"}, "jsonld must be true or false"),
        ({"variants": [{"name": "Dark"}]}, "variant name must be lower-case letters, digits and inner hyphens"),
        ({"variants": [{"name": "dark", "theme": "neon"}]}, "variant 'dark': theme must be light, dark or auto"),
        ({"variants": [{"name": "a"}, {"name": "a"}]}, "variant names must be unique"),
        ({"colour": "#fff"}, "unknown shop field 'colour'"),
        ({"name": ""}, "name is required"),
    ],
)
def test_parse_shop_rejects_with_reason(fields, reason):
    with pytest.raises(Invalid) as error:
        parse_shop({**SHOP, **fields}, LOCALES)
    assert str(error.value) == reason


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


# Both edges of every limit: the largest accepted value and the first refused one.
@pytest.mark.parametrize(
    ("field", "limit", "lines"),
    [("text", 5000, True), ("title", 300, False), ("author", 100, False)],
)
def test_text_limits_have_two_edges(field, limit, lines):
    assert getattr(parse_review(review(**{field: "x" * limit})), field) == "x" * limit
    with pytest.raises(Invalid, match=f"{field} is longer than {limit:,} characters \\({limit + 1:,}\\)"):
        parse_review(review(**{field: "x" * (limit + 1)}))


def test_id_limit_has_two_edges():
    assert parse_review(review(id="i" * 200)).id == "i" * 200
    with pytest.raises(Invalid, match="id must be one line of at most 200 characters"):
        parse_review(review(id="i" * 201))


def test_email_limit_has_two_edges():
    longest = "a" * 243 + "@example.nl"  # 254 characters
    assert parse_review(review(email=longest)).email == longest
    with pytest.raises(Invalid, match="email is not an email address"):
        parse_review(review(email="a" * 244 + "@example.nl"))


@pytest.mark.parametrize("rating", [1, 2, 3, 4, 5])
def test_every_rating_from_one_to_five_is_accepted(rating):
    assert parse_review(review(rating=rating)).rating == rating


@pytest.mark.parametrize(
    ("fields", "rating", "scale", "incentivized"),
    [
        ({}, 5, 5, False),  # the defaults: stars, not given for a reward
        ({"scale": 5, "incentivized": False}, 5, 5, False),
        ({"scale": None, "incentivized": None}, 5, 5, False),  # null: the default
        ({"rating": 1, "scale": 10}, 1, 10, False),
        ({"rating": 10, "scale": 10}, 10, 10, False),
        ({"rating": 8, "scale": 10, "incentivized": True}, 8, 10, True),
        ({"incentivized": True}, 5, 5, True),
    ],
)
def test_a_review_keeps_its_own_scale_and_whether_it_was_rewarded(fields, rating, scale, incentivized):
    parsed = parse_review(review(**fields))
    assert (parsed.rating, parsed.scale, parsed.incentivized) == (rating, scale, incentivized)


@pytest.mark.parametrize(
    ("char", "accepted"),
    [
        ("\x00", False),
        ("\x01", False),
        ("\x08", False),
        ("\t", False),  # a title is one line
        ("\x0b", False),
        ("\x0c", False),
        ("\x1f", False),
        ("\x7f", False),
        ("\x80", True),  # a C1 control is valid text; it is escaped wherever it is written
        ("é", True),
        ("\u202e", True),  # bidi controls are shown inert (dir=auto, bdi)
    ],
)
def test_control_characters_in_a_title(char, accepted):
    raw = review(title=f"a{char}b")
    if accepted:
        assert parse_review(raw).title == f"a{char}b"
    else:
        with pytest.raises(Invalid, match="title (contains control characters|must be a single line)"):
            parse_review(raw)


@pytest.mark.parametrize("char", ["\n", "\t", "\r"])
def test_text_may_span_lines(char):
    assert parse_review(review(text=f"one{char}two")).text == f"one{char}two"


@pytest.mark.parametrize(
    ("email", "accepted"),
    [
        ("jan@example.nl", True),
        ("j@e", True),
        ("jan de vries@example.nl", False),
        ("jan@exa mple.nl", False),
        ("jan@@example.nl", False),
        ("@example.nl", False),
        ("jan@", False),
        ("jan\x00@example.nl", False),
    ],
)
def test_emails(email, accepted):
    if accepted:
        assert parse_review(review(email=email)).email == email
    else:
        with pytest.raises(Invalid, match="email is not an email address"):
            parse_review(review(email=email))


@pytest.mark.parametrize(
    ("given", "stored"),
    [("nl", "nl"), ("NL", "nl"), ("en-GB", "en-GB"), ("EN-gb", "en-gb"), ("es-419", "es-419"), ("deu", "deu")],
)
def test_language_tags(given, stored):
    assert parse_review(review(language=given)).language == stored


@pytest.mark.parametrize("tag", ["nl-", "n", "dutch", "nl_NL", "-nl", "nl--x", "nl-abcdefghi", ""])
def test_bad_language_tags(tag):
    with pytest.raises(Invalid, match="language must be a language tag such as nl or en-GB"):
        parse_review(review(language=tag))


def test_a_review_without_title_or_text_keys_is_accepted_with_defaults():
    raw = {k: v for k, v in review().items() if k not in ("title", "text", "status")}
    parsed = parse_review(raw)
    assert (parsed.title, parsed.text, parsed.status) == ("", "", "published")


def test_an_imported_review_needs_no_email():
    parsed = parse_review(review(verification="imported", email=None))
    assert (parsed.verification, parsed.email) == ("imported", None)


@pytest.mark.parametrize(
    "reply",
    [{"text": "", "created_at": "2026-10-02T00:00:00Z"}, {"text": "  "}, {"text": "\u200e\u200f\u200b"}],
)
def test_an_empty_reply_is_rejected(reply):
    with pytest.raises(Invalid, match="text is required"):
        parse_review(review(reply=reply))


def test_a_reply_may_be_given_the_same_moment_as_the_review():
    parsed = parse_review(review(reply={"text": "ok", "created_at": "2026-10-01T12:00:00Z"}))
    assert parsed.reply is not None and parsed.reply.created_at == datetime(2026, 10, 1, 12, tzinfo=UTC)


@pytest.mark.usefixtures("machine_timezone")
def test_every_field_of_a_parsed_review():
    parsed = parse_review(
        review(
            id="r-9",
            rating=4,
            title="Goed",
            text="Prima.",
            author="Jan",
            email="jan@example.nl",
            language="nl",
            experienced_at="2026-09-20",
            created_at="2026-10-01T14:30:15.5+02:00",
            verification="verified",
            status="flagged",
            reply={"text": "Dank", "created_at": "2026-10-02T09:00:00Z"},
        )
    )
    assert (parsed.id, parsed.shop, parsed.rating, parsed.title, parsed.text, parsed.author) == (
        "r-9",
        "wtw-winkel",
        4,
        "Goed",
        "Prima.",
        "Jan",
    )
    assert (parsed.email, parsed.language, parsed.verification, parsed.status) == (
        "jan@example.nl",
        "nl",
        "verified",
        "flagged",
    )
    assert parsed.experienced_at == date(2026, 9, 20)
    assert parsed.created_at == datetime(2026, 10, 1, 12, 30, 15, 500000, tzinfo=UTC)
    assert parsed.reply is not None
    assert (parsed.reply.text, parsed.reply.created_at) == ("Dank", datetime(2026, 10, 2, 9, tzinfo=UTC))


def test_every_field_of_a_parsed_shop_and_its_record():
    raw = {
        "id": "wtw-winkel",
        "name": "WTW Winkel",
        "locales": ["en", "nl"],
        "default_locale": "nl",
        "source": "Trustpilot",
        "policy_url": "http://www.example.nl/reviews",
        "allowed_domains": ["www.example.nl", "*.example.nl"],
        "theme": "dark",
        "accent": "#00B67A",
        "background": "#FFF",
        "star_filter": [5, 4],
        "language_filter": ["NL", "en-GB"],
        "carousel_count": 50,
        "jsonld": True,
        "variants": [{"name": "dark-45", "theme": "dark", "stars": [4, 5]}],
    }
    shop = parse_shop(raw, LOCALES)
    assert shop.to_record() == {
        "id": "wtw-winkel",
        "name": "WTW Winkel",
        "locales": ["en", "nl"],
        "default_locale": "nl",
        "source": "Trustpilot",
        "policy_url": "http://www.example.nl/reviews",
        "allowed_domains": ["www.example.nl", "*.example.nl"],
        "theme": "dark",
        "accent": "#00b67a",
        "background": "#ffffff",
        "star_filter": [4, 5],
        "language_filter": ["nl", "en-GB"],
        "carousel_count": 50,
        "jsonld": True,
        "variants": [{"name": "dark-45", "theme": "dark", "stars": "4,5"}],
    }
    assert parse_shop(shop.to_record(), LOCALES) == shop


def test_shop_defaults():
    shop = parse_shop(SHOP, LOCALES)
    assert (shop.theme, shop.accent, shop.carousel_count, shop.jsonld) == ("auto", "#f5a400", 10, False)
    assert (shop.allowed_domains, shop.star_filter, shop.variants, shop.background) == ((), (), (), "")
    assert shop.language_filter is None  # each widget shows its own language where the shop has any
    assert shop.default_locale == "nl"
    without = {k: v for k, v in SHOP.items() if k != "default_locale"}
    assert parse_shop({**without, "locales": ["en", "nl"]}, LOCALES).default_locale == "en"  # the first locale


@pytest.mark.parametrize(
    ("fields", "accepted"),
    [
        ({"carousel_count": 1}, True),
        ({"carousel_count": 50}, True),
        ({"carousel_count": 0}, False),
        ({"carousel_count": 51}, False),
        ({"locales": [f"l{n}" for n in range(20)]}, None),  # 20 is the cap, but these have no catalog
        ({"language_filter": ["nl"] * 20}, True),
        ({"language_filter": ["nl"] * 21}, False),
        ({"allowed_domains": [f"s{n}.example.nl" for n in range(50)]}, True),
        ({"allowed_domains": [f"s{n}.example.nl" for n in range(51)]}, False),
        ({"variants": [{"name": f"v{n}"} for n in range(20)]}, True),
        ({"variants": [{"name": f"v{n}"} for n in range(21)]}, False),
        ({"policy_url": "https://example.nl/r"}, True),
        ({"policy_url": "http://example.nl/r"}, True),
        ({"policy_url": "ftp://example.nl/r"}, False),
        ({"policy_url": "https://example.nl/a b"}, False),
        ({"star_filter": [1, 2, 3]}, True),
        ({"star_filter": [0]}, False),
        ({"star_filter": [True]}, False),
    ],
)
def test_shop_limits_have_two_edges(fields, accepted):
    if accepted is None:
        with pytest.raises(Invalid, match="locales must be a non-empty list from"):
            parse_shop({**SHOP, **fields}, LOCALES)
    elif accepted:
        parse_shop({**SHOP, **fields}, LOCALES)
    else:
        with pytest.raises(Invalid):
            parse_shop({**SHOP, **fields}, LOCALES)


@pytest.mark.parametrize(
    ("value", "kept"),
    [(["NL"], ("nl",)), ("all", ()), ([], ()), (None, None)],
)
def test_a_language_filter_is_kept(value, kept):
    shop = parse_shop({**SHOP, "language_filter": value}, LOCALES)
    assert shop.language_filter == kept
    assert parse_shop(shop.to_record(), LOCALES) == shop


@pytest.mark.parametrize("value", ["none", "#ggg", 7, "rgb(0,0,0)"])
def test_a_background_must_be_a_colour_or_empty(value):
    with pytest.raises(Invalid, match="^background must be a hex colour such as #ffffff, or empty for none$"):
        parse_shop({**SHOP, "background": value}, LOCALES)


def nested(levels):
    value: list = []
    for _ in range(levels - 1):
        value = [value]
    return value


@pytest.mark.parametrize(
    ("value", "depth_found"),
    [
        (1, 0),
        ("text", 0),
        ([], 1),
        ({}, 1),
        ([[]], 2),
        ({"a": {"b": 1}}, 2),
        ([1, [2, [3]]], 3),
        ({"a": [{"b": []}]}, 4),
        ([{"x": 1}, [[[[]]]]], 5),  # the deepest branch counts, not the first
        (nested(100), 100),
        (nested(101), 101),
        (nested(5000), 101),  # counting stops past the limit
    ],
)
def test_depth(value, depth_found):
    assert depth(value) == depth_found


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, "missing"),
        (True, "true"),
        (False, "false"),
        (5, "5"),
        (4.5, "4.5"),
        (10**23, "100000000000000000000000"),  # 24 characters: repeated
        (10**24, "a number"),  # 25: described
        ("verified", "'verified'"),
        ("a" * 24, repr("a" * 24)),
        ("a" * 25, "a text of 25 characters"),
        ("piet@example.nl", "a text of 15 characters"),  # could be an email: never repeated
        ("a.b", "a text of 3 characters"),
        ("", "a text of 0 characters"),
        ([], "a list"),
        ({}, "an object"),
        ((1,), "another kind of value"),
    ],
)
def test_shown(value, text):
    assert shown(value) == text


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ({"text": "ok", "created_at": "2026-10-02T00:00:00Z", "by": "x"}, "unknown reply field 'by'"),
        (
            {"text": "ok", "created_at": "gisteren"},
            "reply created_at is not an ISO 8601 date-time such as 2026-10-01T12:00:00Z",
        ),
        (
            {"text": "ok", "created_at": 5},
            "reply created_at must be an ISO 8601 date-time such as 2026-10-01T12:00:00Z",
        ),
        ({"text": "ok", "created_at": "3000-01-01T00:00:00Z"}, "reply created_at must fall in the years 1900–2999"),
        (
            {"text": "a\ud800", "created_at": "2026-10-02T00:00:00Z"},
            "text is not valid Unicode (it holds an unpaired surrogate)",
        ),
        ({"text": "x" * 5001, "created_at": "2026-10-02T00:00:00Z"}, "text is longer than 5,000 characters (5,001)"),
        ([], "reply must be a JSON object"),
    ],
)
def test_parse_reply_rejects_with_reason(reply, reason):
    with pytest.raises(Invalid) as error:
        parse_review(review(reply=reply))
    assert str(error.value) == reason


def test_a_reply_keeps_its_text_and_time():
    parsed = parse_review(review(reply={"text": "Dank\nu", "created_at": "2026-10-02T11:00:00+02:00"}))
    assert parsed.reply is not None
    assert (parsed.reply.text, parsed.reply.created_at) == ("Dank\nu", datetime(2026, 10, 2, 9, tzinfo=UTC))


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("not an object", "a review must be a JSON object"),
        (review(id=None), "id is required and must be text"),
        (review(id="   "), "id is required and must be text"),
        (review(id=5), "id is required and must be text"),
        (review(id="a\x01b"), "id must be one line of at most 200 characters"),
        (review(id="a\nb"), "id must be one line of at most 200 characters"),
        (review(id="a\ud800"), "id is not valid Unicode (it holds an unpaired surrogate)"),
        (review(id="a\x85b"), "id must be one line of at most 200 characters"),  # NEL, a C1 line break
        (review(id="a\u2028b"), "id must be one line of at most 200 characters"),
        (review(id="jan.devries@example.nl"), "id looks like an email address: a review's id is published with it"),
        (
            review(platform="jan@example.com"),
            "platform looks like an email address: it names where the review was written",
        ),
        (review(title="Snel\x85geleverd"), "title must be a single line"),  # NEL: a line break in C1
        (review(author="Jan\u2028Jansen"), "author must be a single line"),
        (review(title="Snel\u2029geleverd"), "title must be a single line"),
        (
            review(product={"sku": "p1", "name": "Pomp", "url": "https://x.nl/\ud800"}),
            "product url must be an http(s) URL",
        ),
        (review(author="jan@example.nl"), "author looks like an email address: a review shows a display name only"),
        (
            review(author="Jan (jan@example.nl)"),
            "author looks like an email address: a review shows a display name only",
        ),
        (review(title=["a"]), "title must be text"),
        (review(title="a\ud800"), "title is not valid Unicode (it holds an unpaired surrogate)"),
        (review(created_at="1899-12-31T23:59:59Z", experienced_at=None), "created_at must fall in the years 1900–2999"),
        (review(created_at="3000-01-01T00:00:00Z", experienced_at=None), "created_at must fall in the years 1900–2999"),
        (
            review(created_at="1900-03-01T00:00:00Z", experienced_at="1899-12-31"),
            "experienced_at must fall in the years 1900–2999",
        ),
        (review(experienced_at="2026-9-20"), "experienced_at is not a date written as YYYY-MM-DD"),
        (review(experienced_at=20260920), "experienced_at must be a date written as YYYY-MM-DD"),
        (review(created_at=1), "created_at must be an ISO 8601 date-time such as 2026-10-01T12:00:00Z"),
        (review(created_at="0001-01-01T00:00:00+14:00"), "created_at is outside the calendar once converted to UTC"),
        (review(verification=None), "verification must be one of verified, imported, unverified (got missing)"),
        (review(status="Removed "), "status must be one of published, flagged, removed (got 'Removed ')"),
        ({**review(), "extra": 1}, "unknown review field 'extra'"),
        ({**review(), "piet@example.nl": 1}, "unknown review field a name of 15 characters"),
    ],
)
def test_review_messages(raw, reason):
    with pytest.raises(Invalid) as error:
        parse_review(raw)
    assert str(error.value) == reason


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"created_at": "1900-01-01T00:00:00Z", "experienced_at": None}, date(1900, 1, 1)),
        ({"created_at": "2999-12-31T23:59:59Z", "experienced_at": None}, date(2999, 12, 31)),
        ({"created_at": "2026-10-01T00:00:00Z", "experienced_at": ""}, date(2026, 10, 1)),  # empty: not given
        ({"created_at": "2026-10-01", "experienced_at": None}, date(2026, 10, 1)),  # a date alone is midnight
    ],
)
def test_dates_at_the_edges_are_accepted(fields, expected):
    assert parse_review(review(**fields)).experienced_at == expected


def test_an_empty_email_on_an_imported_review_is_no_email():
    assert parse_review(review(verification="imported", email="")).email is None


@pytest.mark.parametrize(
    ("fields", "reason"),
    [
        ({"policy_url": "https://e.nl/" + "p" * 1987}, None),  # 2,000 characters
        ({"policy_url": "https://e.nl/" + "p" * 1988}, "policy_url must be an http(s) URL"),
        ({"policy_url": 5}, "policy_url must be an http(s) URL"),
        ({"policy_url": "https://"}, "policy_url must be an http(s) URL"),
        ({"policy_url": "https://e.nl/\x01"}, "policy_url must be an http(s) URL"),
        ({"policy_url": "https://e.nl/\ud800"}, "policy_url must be an http(s) URL"),  # cannot be stored
        ({"policy_url": "https://e.nl/beleid\r\n"}, "policy_url must be an http(s) URL"),  # breaks the link
        ({"policy_url": "\thttps://e.nl/beleid"}, "policy_url must be an http(s) URL"),
        ({"policy_url": "https://e.nl/a\u00a0b"}, "policy_url must be an http(s) URL"),
        ({"policy_url": "https://e.nl/a\u2028b"}, "policy_url must be an http(s) URL"),
        ({"policy_url": "https://e.nl/a b"}, "policy_url must be an http(s) URL"),
        ("a shop", "a shop must be a JSON object"),
        ({"id": "Shop"}, "shop must be a shop id: lower-case letters, digits and inner hyphens"),
        ({"locales": "nl"}, "locales must be a list"),
        ({"locales": [f"l{n}" for n in range(21)]}, "locales lists more than 20 locales"),
        ({"allowed_domains": "a.nl"}, "allowed_domains must be a list"),
        ({"allowed_domains": ["a.nl", 5]}, "allowed_domains entry 2 is not a host name"),
        ({"accent": "f5a40"}, "accent must be a hex colour such as #f5a400"),
        ({"accent": 5}, "accent must be a hex colour such as #f5a400"),
        ({"star_filter": [6]}, "star_filter must list ratings from 1 to 5"),
        ({"language_filter": ["nl", "d"]}, "language_filter must be a language tag such as nl or en-GB"),
        ({"carousel_count": "10"}, "carousel_count must be a whole number from 1 to 50"),
        ({"carousel_count": True}, "carousel_count must be a whole number from 1 to 50"),
        ({"variants": ["dark"]}, "a variant must be a JSON object"),
        ({"variants": [{"name": "dark", "colour": "x"}]}, "unknown variant field 'colour'"),
        ({"variants": [{"name": 5}]}, "variant name must be lower-case letters, digits and inner hyphens"),
        ({"name": "x" * 201}, "name is longer than 200 characters (201)"),
        ({"name": "WTW\nWinkel"}, "name must be a single line"),
        ({"source": ""}, "source is required"),
        ({"source": "x" * 101}, "source is longer than 100 characters (101)"),
        ({"source": "Trust\npilot"}, "source must be a single line"),
        ({"default_locale": "de"}, "default_locale must be one of the shop's locales"),
    ],
)
def test_shop_messages(fields, reason):
    raw = fields if isinstance(fields, str) else {**SHOP, **fields}
    if reason is None:
        assert parse_shop(raw, LOCALES).policy_url == fields["policy_url"]
        return
    with pytest.raises(Invalid) as error:
        parse_shop(raw, LOCALES)
    assert str(error.value) == reason


def test_name_and_source_at_their_limits():
    shop = parse_shop({**SHOP, "name": "n" * 200, "source": "s" * 100}, LOCALES)
    assert (shop.name, shop.source) == ("n" * 200, "s" * 100)


def test_a_variant_keeps_its_options_as_query_text():
    shop = parse_shop({**SHOP, "variants": [{"name": "v", "stars": [5, 4], "count": 3, "theme": "dark"}]}, LOCALES)
    assert shop.variants[0].name == "v"
    assert dict(shop.variants[0].options) == {"stars": "5,4", "count": "3", "theme": "dark"}


def test_allowed_domains_may_take_exactly_2048_characters():
    domains = [f"s{n:02d}-{'x' * 25}.example.nl" for n in range(49)] + [f"s49-{'x' * 24}.example.nl"]
    assert len(" ".join(domains)) == 2048
    assert parse_shop({**SHOP, "allowed_domains": domains}, LOCALES).allowed_domains == tuple(domains)


@pytest.mark.parametrize(
    ("text", "accepted"),
    [
        ("www.example.nl", True),
        ("*.example.nl", True),
        ("localhost", True),
        ("localhost:8100", True),
        ("www.example.nl:8443", True),
        ("www.example.nl:*", True),
        ("localhost:1", True),
        ("localhost:65535", True),  # the largest port
        ("localhost:65536", False),  # the first refused
        ("localhost:0", False),
        ("localhost:080", False),  # CSP compares the port as a number; one spelling only
        ("localhost:", False),
        ("localhost:8100:1", False),
        ("127.0.0.1", True),
        ("127.0.0.1:8100", True),
        ("255.255.255.255", True),
        ("256.0.0.1", False),
        ("127.0.0.01", False),  # a browser writes 127.0.0.1: this would never match
        ("127.0.0", False),
        ("*.0.0.1", False),
        ("[::1]", False),
        ("[::1]:8100", False),
        ("https://www.example.nl", False),
        ("www.example.nl/shop", False),
        ("*", False),
        ("WWW.example.nl", False),
        ("exa mple.nl", False),
    ],
)
def test_allowed_domains_take_what_frame_ancestors_matches(text, accepted):
    assert is_frame_ancestor(text) is accepted
    if accepted:
        assert parse_shop({**SHOP, "allowed_domains": [text]}, LOCALES).allowed_domains == (text,)


@pytest.mark.parametrize(
    ("domain", "reason"),
    [
        ("[::1]:8100", "allowed_domains entry 1 is an IPv6 address, which frame-ancestors cannot name"),
        ("localhost:65536", "allowed_domains entry 1 is not a host name"),
    ],
)
def test_allowed_domains_say_why_they_refuse(domain, reason):
    with pytest.raises(Invalid, match=f"^{re.escape(reason)}$"):
        parse_shop({**SHOP, "allowed_domains": [domain]}, LOCALES)


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("stars", "stars"),
        ("newFieldFromPlatform", "newFieldFromPlatform"),
        ("countsTowardsLocationTrustScore", "countsTowardsLocationTrustScore"),  # camelCase, 31
        ("review date", "review date"),  # a CSV header with a space
        ("product_sku-2", "product_sku-2"),
        ("x" * 64, "x" * 64),
        ("x" * 65, "a name of 65 characters"),
        ("jan.jansen@example.com", "a name of 22 characters"),
        ("piet@example", "a name of 12 characters"),
        ("https://evil.example/", "a name of 21 characters"),
        ("\ud800x", "a name of 2 characters"),  # a lone surrogate cannot even be encoded
        ("tab\there", "a name of 8 characters"),
        ("<script>", "a name of 8 characters"),
        ("Jañ", "a name of 3 characters"),
        (" ", "a name of 1 character"),
        ("", "an empty name"),
        (7, "7"),  # a CSV header or JSON key is text; anything else is shown as text
    ],
)
def test_shown_name_masks_what_could_be_personal_data(name, masked):
    assert shown_name(name) == masked


@pytest.mark.parametrize(
    ("field", "given", "stored"),
    [
        ("accent", "#ABC", "#aabbcc"),
        ("accent", "f5a400", "#f5a400"),
        ("background", "#FFF", "#ffffff"),
        ("background", " ", ""),
    ],
)
def test_a_shops_option_defaults_read_as_the_same_option_in_a_url(field, given, stored):
    shop = parse_shop({**SHOP, field: given}, LOCALES)
    assert getattr(shop, field) == stored
    asked = parse_options({field: given})
    assert getattr(asked, field) == stored


PLATFORM = {
    "name": "Trustpilot",
    "score_name": "TrustScore",
    "score": "4.6",
    "scale": 5,
    "review_count": 1234,
    "read_on": "2026-11-20",
    "profile_url": "https://www.trustpilot.com/review/example.nl",
}


def test_a_platform_score_is_kept_as_published():
    assert parse_platform(PLATFORM) == Platform(
        name="Trustpilot",
        score="4.6",
        scale=5,
        review_count=1234,
        read_on=date(2026, 11, 20),
        score_name="TrustScore",
        profile_url="https://www.trustpilot.com/review/example.nl",
    )


@pytest.mark.parametrize(
    ("change", "field", "kept"),
    [
        ({"score": 4.6}, "score", "4.6"),
        ({"score": 4}, "score", "4"),
        ({"score": " 4.50 "}, "score", "4.5"),
        ({"score": "4.00"}, "score", "4"),
        ({"score": "0"}, "score", "0"),
        ({"score": "5"}, "score", "5"),
        ({"score": "10", "scale": 10}, "score", "10"),
        ({"score": "9.99", "scale": 10}, "scale", 10),
        ({"scale": 10}, "scale", 10),
        ({"review_count": 0}, "review_count", 0),
        ({"review_count": 10**9}, "review_count", 10**9),
        ({"read_on": "1900-01-01"}, "read_on", date(1900, 1, 1)),
        ({"read_on": "2999-12-31"}, "read_on", date(2999, 12, 31)),
        ({"profile_url": ""}, "profile_url", ""),
        ({"profile_url": None}, "profile_url", ""),
        ({"score_name": None}, "score_name", ""),
        (
            {"name": "Kiyoh", "profile_url": "https://www.kiyoh.com/reviews/1/x"},
            "profile_url",
            "https://www.kiyoh.com/reviews/1/x",
        ),
        ({"name": "x" * 60, "profile_url": ""}, "name", "x" * 60),
    ],
)
def test_a_platform_score_keeps(change, field, kept):
    assert getattr(parse_platform({**PLATFORM, **change}), field) == kept


def test_a_platform_score_without_scale_is_out_of_five():
    assert parse_platform({k: v for k, v in PLATFORM.items() if k != "scale"}).scale == 5


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"scale": 4}, "platform scale must be one of 5, 10"),
        ({"scale": True}, "platform scale must be one of 5, 10"),
        ({"scale": "5"}, "platform scale must be one of 5, 10"),
        ({"review_count": -1}, "platform review_count must be a whole number of at least 0"),
        ({"review_count": 10**9 + 1}, "platform review_count must be a whole number of at least 0"),
        ({"review_count": True}, "platform review_count must be a whole number of at least 0"),
        ({"review_count": 1.0}, "platform review_count must be a whole number of at least 0"),
        ({"review_count": None}, "platform review_count must be a whole number of at least 0"),
        ({"read_on": "1899-12-31"}, "platform read_on must fall in the years 1900–2999"),
        ({"read_on": "3000-01-01"}, "platform read_on must fall in the years 1900–2999"),
        ({"score": True}, "platform score must be a number"),
        ({"score": None}, "platform score must be a number"),
        ({"score": [4]}, "platform score must be a number"),
        (
            {"score": "5.01"},
            "platform score must be a number from 0 to 5 with at most two decimals (got a text of 4 characters)",
        ),
        ({"score": "10.5", "scale": 10}, "platform score must be a number from 0 to 10 with at most two decimals"),
        ({"score": "4.567"}, "platform score must be a number from 0 to 5 with at most two decimals"),
        ({"score": "04.5"}, "platform score must be a number from 0 to 5 with at most two decimals"),
        ({"score": "4."}, "platform score must be a number from 0 to 5 with at most two decimals"),
        ({"score": "-1"}, "platform score must be a number from 0 to 5 with at most two decimals"),
        ({"score": "4,6"}, "platform score must be a number from 0 to 5 with at most two decimals"),
        ({"score": "100", "scale": 10}, "platform score must be a number from 0 to 10 with at most two decimals"),
        ({"profile_url": 5}, "platform profile_url must be an https URL"),
        ({"profile_url": "https://phish.example/x"}, "platform: the Trustpilot profile URL must be an https link on"),
        ({"name": ""}, "name is required"),
        ({"name": "x" * 61}, "name is longer than 60 characters (61)"),
        ({"score_name": "x" * 41}, "score_name is longer than 40 characters (41)"),
        ({"colour": "x"}, "unknown platform field 'colour'"),
    ],
)
def test_a_platform_score_is_refused(change, message):
    with pytest.raises(Invalid) as error:
        parse_platform({**PLATFORM, **change})
    assert str(error.value).startswith(message)


def test_a_platform_score_without_its_day_is_refused():
    with pytest.raises(Invalid, match=r"^platform read_on is required \(the day the score was read\)$"):
        parse_platform({k: v for k, v in PLATFORM.items() if k != "read_on"})


def test_a_platform_score_must_be_an_object():
    with pytest.raises(Invalid, match="^platform must be a JSON object$"):
        parse_platform(["Trustpilot"])


PRODUCT = {
    "sku": "ZEH-Q350",
    "name": " Zehnder ComfoAir Q350 ",
    "gtin": "8712345678906",
    "url": "https://www.example.nl/q350",
}


def test_a_product_is_kept():
    assert parse_product(PRODUCT) == Product(
        sku="ZEH-Q350", name="Zehnder ComfoAir Q350", gtin="8712345678906", url="https://www.example.nl/q350"
    )


@pytest.mark.parametrize(
    ("change", "field", "kept"),
    [
        ({"gtin": None}, "gtin", ""),
        ({"gtin": ""}, "gtin", ""),
        ({"gtin": "96385074"}, "gtin", "96385074"),
        ({"url": None}, "url", ""),
        ({"url": ""}, "url", ""),
        ({"sku": "a" * 64}, "sku", "a" * 64),
        ({"sku": "0.b_c-d"}, "sku", "0.b_c-d"),
    ],
)
def test_a_product_keeps(change, field, kept):
    assert getattr(parse_product({**PRODUCT, **change}), field) == kept


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sku": "a" * 65}, "product sku must be 1-64 letters"),
        ({"sku": "-a"}, "product sku must be 1-64 letters"),
        ({"sku": 5}, "product sku must be 1-64 letters"),
        ({"sku": ""}, "product sku must be 1-64 letters"),
        ({"sku": "review-feed.xml"}, "product sku 'review-feed.xml' is the name of the shop's review feed"),
        ({"gtin": "8712345678907"}, "product gtin must be a GTIN-8, -12, -13 or -14 with a valid check digit"),
        ({"gtin": "871234567890"}, "product gtin must be a GTIN-8, -12, -13 or -14 with a valid check digit"),
        ({"gtin": 8712345678906}, "product gtin must be a GTIN-8, -12, -13 or -14 with a valid check digit"),
        ({"gtin": "1234567"}, "product gtin must be a GTIN-8, -12, -13 or -14 with a valid check digit"),
        ({"url": "javascript:alert(1)"}, "product url must be an http(s) URL"),
        ({"url": "https://example.nl/c3\r\n"}, "product url must be an http(s) URL"),
        ({"name": ""}, "name is required"),
        ({"name": "\u200b"}, "name is required"),
        ({"name": "x" * 201}, "name is longer than 200 characters (201)"),
        ({"name": "a\nb"}, "name must be a single line"),
        ({"price": 5}, "unknown product field 'price'"),
    ],
)
def test_a_product_is_refused(change, message):
    with pytest.raises(Invalid) as error:
        parse_product({**PRODUCT, **change})
    assert str(error.value).startswith(message)


@pytest.mark.parametrize(
    ("value", "kept"),
    [("platform", "platform"), ("own", "own"), (" Trustpilot ", "Trustpilot"), ("x" * 60, "x" * 60)],
)
def test_a_shops_headline_is_kept(value, kept):
    assert parse_shop({**SHOP, "headline": value}, LOCALES).headline == kept


@pytest.mark.parametrize("value", [5, "", "  ", "x" * 61, "Trust\x07pilot", "Trust\ud800pilot", "Trust\npilot", None])
def test_a_shops_headline_is_refused(value):
    with pytest.raises(Invalid) as error:
        parse_shop({**SHOP, "headline": value}, LOCALES)
    assert str(error.value) == "headline must be platform, own, or the name of the platform whose score leads"


def test_a_shop_lists_at_most_twenty_platforms():
    names = [f"P{n}" for n in range(21)]
    platforms = [{**PLATFORM, "name": name, "profile_url": ""} for name in names]
    assert len(parse_shop({**SHOP, "platforms": platforms[:20]}, LOCALES).platforms) == 20
    with pytest.raises(Invalid) as error:
        parse_shop({**SHOP, "platforms": platforms}, LOCALES)
    assert str(error.value) == "platforms lists more than 20 platforms"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"score": [4]}, "platform score must be a number"),
        ({"score": None}, "platform score must be a number"),
        ({"name": "Trust\npilot"}, "name must be a single line"),
        ({"score_name": "Trust\nScore"}, "score_name must be a single line"),
        ({"profile_url": "ftp://x"}, "platform profile_url must be an https URL"),
    ],
)
def test_a_platform_score_is_refused_saying_exactly(change, message):
    if change.get("profile_url") == "ftp://x":  # a text: the profile rules say what is wrong with it
        message = "platform: the Trustpilot profile URL must be an https URL"
    with pytest.raises(Invalid) as error:
        parse_platform({**PLATFORM, **change})
    assert str(error.value) == message


def test_a_product_must_be_an_object():
    with pytest.raises(Invalid) as error:
        parse_product("ZEH-Q350")
    assert str(error.value) == "product must be a JSON object"


@pytest.mark.parametrize(
    ("platform", "kept"),
    [(None, ""), ("", ""), ("Kiyoh", "Kiyoh"), (" Trustpilot ", " Trustpilot "), ("x" * 60, "x" * 60)],
)
def test_a_reviews_platform_is_kept(platform, kept):
    assert parse_review(review(platform=platform)).platform.strip() == kept.strip()


@pytest.mark.parametrize(
    ("platform", "message"),
    [
        ("x" * 61, "platform is longer than 60 characters (61)"),
        ("Trust\npilot", "platform must be a single line"),
        (5, "platform must be text"),
    ],
)
def test_a_reviews_platform_is_refused(platform, message):
    with pytest.raises(Invalid) as error:
        parse_review(review(platform=platform))
    assert str(error.value) == message


def test_a_shop_names_each_platform_once_in_platform_and_platforms():
    google = {**PLATFORM, "name": "Google", "profile_url": ""}
    shop = parse_shop({**SHOP, "platform": PLATFORM, "platforms": [google]}, LOCALES)
    assert [p.name for p in shop.platforms] == ["Trustpilot", "Google"]
    with pytest.raises(Invalid) as error:
        parse_shop({**SHOP, "platform": PLATFORM, "platforms": [{**PLATFORM, "name": "trustpilot"}]}, LOCALES)
    assert str(error.value) == "platforms must name each platform once"


@pytest.mark.parametrize(("value", "scale"), [(None, 5), (5, 5), (10, 10)])
def test_scale_accepts_five_or_ten(value, scale):
    assert _scale(value) == scale


@pytest.mark.parametrize("value", [5.0, 10.0, True, False, "5", 1, 4, 6, 9, 11])
def test_scale_refuses_anything_but_the_integers_five_and_ten(value):
    with pytest.raises(Invalid, match=r"^scale must be one of 5, 10 "):
        _scale(value)


@pytest.mark.parametrize(
    ("value", "shows"),
    [
        ("", False),
        (" \t\u00a0\u3000", False),  # white space of every width
        ("\u200b\u200c\u200d\u2060\ufeff\u00ad\u200e\u200f\u202e", False),  # format characters
        ("\u115f\u1160\u3164\uffa0\u2800", False),  # fillers and the blank Braille pattern
        ("J", True),
        ("\u200bJan", True),
        ("\u2801", True),  # a Braille pattern with a dot
        ("\u00e9", True),
        ("\U0001f600", True),
        ("\u05d0", True),
    ],
)
def test_visible(value, shows):
    assert visible(value) is shows

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
    with pytest.raises(Invalid, match="language must be a language tag"):
        parse_review(review(language=tag))


def test_a_review_without_title_or_text_keys_is_accepted_with_defaults():
    raw = {k: v for k, v in review().items() if k not in ("title", "text", "status")}
    parsed = parse_review(raw)
    assert (parsed.title, parsed.text, parsed.status) == ("", "", "published")


def test_an_imported_review_needs_no_email():
    parsed = parse_review(review(verification="imported", email=None))
    assert (parsed.verification, parsed.email) == ("imported", None)


@pytest.mark.parametrize("reply", [{"text": "", "created_at": "2026-10-02T00:00:00Z"}, {"text": "  "}])
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
    assert (shop.allowed_domains, shop.star_filter, shop.language_filter, shop.variants) == ((), (), (), ())
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


def test_a_language_filter_is_kept():
    assert parse_shop({**SHOP, "language_filter": ["NL"]}, LOCALES).language_filter == ("nl",)

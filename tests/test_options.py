import pytest

from tests.factories import SHOP
from widget_server.core.options import OptionError, Options, parse_options
from widget_server.core.records import parse_shop


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, Options()),
        ({"theme": "dark"}, Options(theme="dark")),
        ({"accent": "#ABC"}, Options(accent="#aabbcc")),
        ({"accent": "00b67a"}, Options(accent="#00b67a")),
        ({"stars": "5,4,4"}, Options(stars=(4, 5))),
        ({"stars": ""}, Options(stars=())),
        ({"lang": "NL,en"}, Options(lang=("en", "nl"))),
        ({"count": "3"}, Options(count=3)),
        ({"lang": ""}, Options(lang=None)),  # empty: the default (the widget's own language)
        ({"lang": "all"}, Options(lang=())),
        ({"background": ""}, Options(background="")),
        ({"background": "#FFF"}, Options(background="#ffffff")),
        ({"background": "10261c"}, Options(background="#10261c")),
        ({"lang": ",".join(["ab-abcdefgh-abcdefg"] * 19 + ["ab-abcdefgh-abcdefgh"])}, None),  # 400 characters
        ({"count": "1"}, Options(count=1)),  # both edges of every limit
        ({"count": "50"}, Options(count=50)),
        ({"stars": "1,2,3,4,5"}, Options(stars=(1, 2, 3, 4, 5))),
        ({"stars": "1"}, Options(stars=(1,))),
        ({"lang": ",".join(f"l{chr(97 + n // 26)}{chr(97 + n % 26)}" for n in range(20))}, None),  # 20 tags
        ({"lang": "es-419,zh-Hant-TW"}, Options(lang=("es-419", "zh-hant-tw"))),
        ({"utm_source": "x", "theme": "light"}, Options(theme="light")),  # unknown names ignored
    ],
)
def test_parse_options(query, expected):
    parsed = parse_options(query)
    if expected is None:  # many tags: what matters is that they are all taken
        assert len(parsed.lang) == len(set(query["lang"].split(",")))
    else:
        assert parsed == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"theme": "neon"}, "theme must be light, dark or auto"),
        ({"accent": "red"}, "accent must be a hex colour"),
        ({"accent": "#12345"}, "accent must be a hex colour"),
        ({"stars": "6"}, "stars must list ratings from 1 to 5"),
        ({"stars": "a"}, "stars must list ratings from 1 to 5"),
        ({"lang": "<script>"}, "lang must list up to 20 language tags"),
        ({"lang": ",".join(f"l{chr(97 + n // 26)}{chr(97 + n % 26)}" for n in range(21))}, "up to 20 language tags"),
        ({"lang": "nl,"}, "lang must list"),
        ({"lang": ",".join(["ab-abcdefgh-abcdefgh"] * 20)}, "lang must list up to 20 language tags"),  # 419
        ({"accent": "#ggg"}, "^accent must be a hex colour such as #f5a400$"),
        ({"lang": "n"}, "lang must list"),
        ({"lang": "ALL"}, "lang must list"),  # ALL is no tag, and all is spelled one way
        ({"lang": "all,nl"}, "lang must list"),
        ({"background": "transparent"}, "^background must be a hex colour such as #ffffff, or empty for none$"),
        ({"stars": "4, 5"}, "stars must list ratings from 1 to 5"),  # no spaces: one spelling
        ({"stars": "0"}, "stars must list ratings from 1 to 5"),
        ({"stars": "²"}, "stars must list ratings from 1 to 5"),
        ({"stars": "1,2,3,4,5,5"}, "stars must list ratings from 1 to 5"),
        ({"count": "²"}, "count must be a whole number from 1 to 50"),  # isdigit() says yes, int() says no
        ({"count": "５"}, "count must be a whole number from 1 to 50"),
        ({"count": "٥"}, "count must be a whole number from 1 to 50"),
        ({"count": "05"}, "count must be a whole number from 1 to 50"),
        ({"count": " 5"}, "count must be a whole number from 1 to 50"),
        ({"count": "0"}, "count must be a whole number from 1 to 50"),
        ({"count": "51"}, "count must be a whole number from 1 to 50"),
        ({"count": "-1"}, "count must be a whole number from 1 to 50"),
    ],
)
def test_parse_options_rejects(query, message):
    with pytest.raises(OptionError, match=message):
        parse_options(query)


def test_resolve_fills_shop_defaults_and_keeps_explicit_empty_filters():
    shop = parse_shop({**SHOP, "star_filter": [4, 5], "theme": "light"}, ("en", "nl"))
    assert Options().resolve(shop).stars == (4, 5)
    assert Options(stars=()).resolve(shop).stars == ()
    assert Options(theme="dark").resolve(shop).theme == "dark"
    assert Options().resolve(shop).key() == "theme=light;accent=#f5a400;background=;stars=4,5;lang=;count=10"
    assert Options(lang=()).resolve(shop).key(("lang",)) == "lang=all"


@pytest.mark.parametrize(
    ("tags", "review", "listed"),
    [
        (["en-GB"], "en-GB", True),  # as the docs write a tag, in the record and on the review
        (["en-GB"], "en-gb", True),
        (["EN"], "en-GB", True),
        (["nl-BE"], "nl", False),
        (["en-GB"], "en-US", False),
    ],
)
def test_a_shops_language_filter_matches_tags_case_aside(tags, review, listed):
    shop = parse_shop({**SHOP, "language_filter": tags}, ("en", "nl"))
    assert Options().resolve(shop).filter.matches(5, review) is listed


@pytest.mark.parametrize(
    ("lang", "has", "settled"),
    [
        (None, {"nl"}, ("nl",)),  # the default: the widget's own language, where the shop has any
        (None, {"en"}, ()),  # none in that language: every language
        ((), {"nl"}, ()),  # lang=all
        (("en",), {"nl"}, ("en",)),  # asked for: kept even where none match
    ],
)
def test_the_language_default_is_settled_against_the_shops_reviews(lang, has, settled):
    shop = parse_shop(SHOP, ("en", "nl"))
    resolved = Options(lang=lang).resolve(shop).settle("nl", has.__contains__)
    assert resolved.lang == settled
    assert resolved.filter.lang == settled


def test_an_unsettled_language_default_has_no_filter_yet():
    with pytest.raises(ValueError, match="settled"):
        _ = Options().resolve(parse_shop(SHOP, ("en", "nl"))).filter


def test_asked_options_win_over_the_shops_defaults():
    shop = parse_shop(
        {**SHOP, "language_filter": ["nl"], "star_filter": [5], "theme": "light", "accent": "#000000"}, ("en", "nl")
    )
    asked = Options(theme="dark", accent="#ffffff", stars=(1, 2), lang=("en", "de"), count=3).resolve(shop)
    assert (asked.theme, asked.accent, asked.stars, asked.lang, asked.count) == (
        "dark",
        "#ffffff",
        (1, 2),
        ("en", "de"),
        3,
    )
    assert asked.key() == "theme=dark;accent=#ffffff;background=;stars=1,2;lang=en,de;count=3"
    assert asked.key(("lang", "stars")) == "lang=en,de;stars=1,2"


def test_asked_presentation_and_languages_win_and_the_shops_fill_the_rest():
    shop = parse_shop({**SHOP, "background": "#ffffff", "language_filter": ["nl"]}, ("en", "nl"))
    assert Options().resolve(shop).background == "#ffffff"
    assert Options(background="#000000").resolve(shop).background == "#000000"
    assert Options(background="").resolve(shop).background == ""  # asked: no panel
    assert Options().resolve(shop).lang == ("nl",)
    assert Options(lang=()).resolve(shop).lang == ()


@pytest.mark.parametrize(("lang", "listed"), [(None, ()), ((), ()), (("en",), ("en",))])
def test_reviews_json_lists_every_language_unless_asked(lang, listed):
    shop = parse_shop(SHOP, ("en", "nl"))
    assert Options(lang=lang).resolve(shop).every_language_by_default().lang == listed

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
        ({"utm_source": "x", "theme": "light"}, Options(theme="light")),  # unknown names ignored
    ],
)
def test_parse_options(query, expected):
    assert parse_options(query) == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"theme": "neon"}, "theme must be light, dark or auto"),
        ({"accent": "red"}, "accent must be a hex colour"),
        ({"accent": "#12345"}, "accent must be a hex colour"),
        ({"stars": "6"}, "stars must list ratings from 1 to 5"),
        ({"stars": "a"}, "stars must list ratings from 1 to 5"),
        ({"lang": "<script>"}, "lang must list language tags"),
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
    assert Options().resolve(shop).key() == "theme=light;accent=#f5a400;stars=4,5;lang=;count=10"

"""The models' records: what is stored is read back as it was (a table of shops and products)."""

from dataclasses import replace
from datetime import date

import pytest

from tests.factories import SHOP
from widget_server.core.models import Platform, Product, Shop, Variant, most_reviewed
from widget_server.core.records import parse_shop

LOCALES = ("en", "nl", "de")
TRUSTPILOT = Platform(
    "Trustpilot", "4.6", 5, 1234, date(2026, 11, 20), "TrustScore", "https://www.trustpilot.com/review/x.nl"
)
GOOGLE = Platform("Google", "4.8", 5, 1234, date(2026, 11, 21))


@pytest.mark.parametrize(
    "change",
    [
        {},
        {"language_filter": "all"},
        {"language_filter": ["nl", "en"]},
        {"star_filter": [4, 5], "allowed_domains": ["www.example.nl", "shop.example.nl"]},
        {"variants": [{"name": "dark", "theme": "dark", "stars": "4,5"}, {"name": "light", "theme": "light"}]},
        {"headline": "own", "theme": "dark", "accent": "#123456", "background": "#ffffff", "carousel_count": 7},
        {"jsonld": True, "locales": ["nl", "de"], "default_locale": "de"},
    ],
)
def test_a_shop_is_read_back_from_its_record(change):
    shop = parse_shop({**SHOP, **change}, LOCALES)
    assert Shop.from_record(shop.to_record()) == shop
    assert parse_shop(shop.to_record(), LOCALES) == shop


def test_a_shops_record_names_its_headline_only_when_it_is_not_the_default():
    assert "headline" not in parse_shop(SHOP, LOCALES).to_record()
    assert parse_shop({**SHOP, "headline": "own"}, LOCALES).to_record()["headline"] == "own"


def test_a_shops_record_leaves_its_platforms_out():
    shop = parse_shop({**SHOP, "platforms": [TRUSTPILOT.to_record()]}, LOCALES)
    assert shop.platforms == (TRUSTPILOT,)
    assert "platforms" not in shop.to_record() and "platform" not in shop.to_record()


def test_a_variant_is_kept_with_its_options():
    shop = Shop.from_record({**parse_shop(SHOP, LOCALES).to_record(), "variants": [{"name": "v", "theme": "dark"}]})
    assert shop.variants == (Variant("v", {"theme": "dark"}),)
    assert shop.variant("v") == Variant("v", {"theme": "dark"})
    assert shop.variant("w") is None


def test_a_platform_is_read_back_from_its_record():
    record = TRUSTPILOT.to_record()
    assert record == {
        "name": "Trustpilot",
        "score_name": "TrustScore",
        "score": "4.6",
        "scale": 5,
        "review_count": 1234,
        "read_on": "2026-11-20",
        "profile_url": "https://www.trustpilot.com/review/x.nl",
    }
    assert Platform.from_record(record) == TRUSTPILOT


def test_a_product_record():
    product = Product("ZEH-Q350", "ComfoAir Q350", "8712345678906", "https://www.example.nl/q350")
    assert product.to_record() == {
        "sku": "ZEH-Q350",
        "name": "ComfoAir Q350",
        "gtin": "8712345678906",
        "url": "https://www.example.nl/q350",
    }


@pytest.mark.parametrize(
    ("headline", "platforms", "leads"),
    [
        ("platform", (), None),
        ("own", (TRUSTPILOT,), None),
        ("platform", (TRUSTPILOT,), TRUSTPILOT),
        ("platform", (TRUSTPILOT, GOOGLE), GOOGLE),  # the same count: by name
        ("platform", (GOOGLE, TRUSTPILOT), GOOGLE),
        ("trustpilot", (GOOGLE, TRUSTPILOT), TRUSTPILOT),
        ("Kiyoh", (TRUSTPILOT,), TRUSTPILOT),  # a platform not kept: the one with the most reviews
    ],
)
def test_which_score_leads(headline, platforms, leads):
    shop = replace(parse_shop({**SHOP, "headline": headline}, LOCALES), platforms=platforms)
    assert shop.lead() == leads


def test_the_most_reviewed_platform():
    more = Platform("Kiyoh", "8.6", 10, 2000, date(2026, 11, 20))
    assert most_reviewed((TRUSTPILOT, more, GOOGLE)) == more
    assert most_reviewed(()) is None

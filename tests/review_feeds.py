"""The review feed's checks the tests share: Google's schema (tests/data/product_reviews.xsd),
and what a valid feed still may not say."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lxml import etree

XSD = Path(__file__).parent / "data" / "product_reviews.xsd"
FEED_PATH = "/v1/{shop}/products/review-feed.xml"


@cache
def schema() -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(str(XSD)))


def valid_feed(body: bytes) -> etree._Element:
    """The feed's root, once it is well-formed XML 1.0 that the schema accepts and every overall
    rating lies in its own min..max (a check XSD 1.0 cannot state)."""
    root = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True))
    if not schema().validate(root):
        raise AssertionError(str(schema().error_log))
    for overall in root.iter("overall"):
        assert int(overall.get("min")) <= int(overall.text) <= int(overall.get("max")), etree.tostring(overall)
    return root


def review_ids(root: etree._Element) -> list[str]:
    return [review.findtext("review_id") for review in root.iter("review")]

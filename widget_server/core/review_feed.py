"""Google's Product Review Feed (schema 2.4) of a shop's shown product reviews, as XML (pure).

Merchant Center keeps only what the latest feed holds, so the feed is always whole: every
shown review of every product, products by SKU, each product's reviews newest first. It is
written a review page at a time (`feed_chunks`), so a shop of 100,000 product reviews is never
held as one list. Shop reviews and emails never reach it: it reads the product snapshots'
PublicReviews only. See docs/review-feed.md for what each element holds and why.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from xml.sax.saxutils import escape

from .models import PublicReview
from .options import ReviewFilter
from .snapshot import Snapshot

FEED_VERSION = "2.4"
SCHEMA_LOCATION = "http://www.google.com/shopping/reviews/schema/product/2.4/product_reviews.xsd"
ANONYMOUS = "Anonymous"
VERIFIED = "verified"  # tied to a purchase (rules.VERIFICATIONS); "imported" and "unverified" are not
EVERY_REVIEW = ReviewFilter()  # the feed lists every shown review: no widget's filter applies

# What XML 1.0 does not allow in a document (C0 controls but tab, LF and CR; lone surrogates;
# U+FFFE and U+FFFF): removed, since one such character makes the whole feed unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# What xml_text changes: the above, markup and CR. Most values (ids, dates, names) hold none.
_CHANGED = re.compile("[&<>\r\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<feed xmlns:vc="http://www.w3.org/2007/XMLSchema-versioning" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    f'xsi:noNamespaceSchemaLocation="{SCHEMA_LOCATION}">\n'
    f"<version>{FEED_VERSION}</version>\n"
)


def xml_text(value: str) -> str:
    """Character data: the characters XML 1.0 forbids removed, markup escaped, CR kept as a reference."""
    if _CHANGED.search(value) is None:  # one scan, not five: a feed writes about 9 values a review
        return value
    return escape(_NOT_XML.sub("", value), {"\r": "&#13;"})


def _kept(value: str) -> str:
    """What of a value the feed keeps (xml_text's characters), without surrounding space: a
    required element is left out where nothing is kept, never written empty."""
    return _NOT_XML.sub("", value).strip()


def _element(name: str, value: str) -> str:
    return f"<{name}>{xml_text(value)}</{name}>"


def _boolean(value: bool) -> str:
    return "true" if value else "false"


def review_id(review_id: str, platform: str) -> str:
    """The feed's id of a review: unique in the shop, as (platform, id) is in the store.

    `Platform:id` for a platform's review, with `%` and `:` of the platform written `%25` and
    `%3A`, so its first `:` ends it; a native review's id as it is, or after a `:` when it holds
    one (native `Trustpilot:x` is `:Trustpilot:x`, never Trustpilot's review `x`).
    """
    if platform:
        return platform.replace("%", "%25").replace(":", "%3A") + ":" + review_id
    return ":" + review_id if ":" in review_id else review_id


def timestamp(created_at: str) -> str:
    """`2026-10-01T12:00:00Z` from the stored `2026-10-01T12:00:00.000000Z` (whole seconds)."""
    return f"{created_at[:19]}Z"


def language(tag: str) -> str:
    """The review's ISO 639-1 language from its stored tag (`nl-BE` -> `nl`); "" when unknown."""
    primary = tag.split("-", 1)[0].lower()
    return primary if re.fullmatch(r"[a-z]{2,3}", primary) else ""


def feed_chunks(snapshot: Snapshot) -> Iterator[bytes]:
    """The feed of a shop's snapshot, in pieces of about one page of reviews each (UTF-8)."""
    shop = snapshot.shop
    yield (_HEAD + f"<publisher>{_element('name', shop.name)}</publisher>\n").encode()
    opened = False
    for sku in sorted(snapshot.products):
        product = snapshot.products[sku]
        if product.product is None:
            continue
        # review_url and product_url are required: a product without a page of its own is given
        # the shop's page about its reviews, and Google matches it by its GTIN or SKU
        page = product.product.url or shop.policy_url
        product_xml = _product(product, page)
        for number in range(1, product.pages(EVERY_REVIEW) + 1):
            parts = [
                _review(review, product_xml, page)
                for review in product.page(EVERY_REVIEW, number) or ()
                if _kept(review.text) or _kept(review.title)
            ]
            if parts and not opened:
                parts.insert(0, "<reviews>\n")
                opened = True
            if parts:
                yield "".join(parts).encode()
    yield ("</reviews>\n</feed>\n" if opened else "</feed>\n").encode()


def render_feed(snapshot: Snapshot) -> bytes:
    """The whole feed as one bytes value (what the service caches and the tests read)."""
    return b"".join(feed_chunks(snapshot))


def _product(snapshot: Snapshot, page: str) -> str:
    """The <products> element every review of one product shares: its ids, name and page."""
    product = snapshot.product
    assert product is not None
    ids = []
    if product.gtin:
        ids.append(f"<gtins>{_element('gtin', product.gtin)}</gtins>")
    ids.append(f"<skus>{_element('sku', product.sku)}</skus>")  # no brand: the store keeps none
    return (
        f"<products><product><product_ids>{''.join(ids)}</product_ids>"
        f"{_element('product_name', product.name)}{_element('product_url', page)}</product></products>"
    )


def _review(review: PublicReview, product_xml: str, review_url: str) -> str:
    author = _kept(review.author)
    name = _element("name", author) if author else f'<name is_anonymous="true">{ANONYMOUS}</name>'
    text, title = _kept(review.text), _kept(review.title)
    if not text:  # Google requires content: a review of a title alone gives it as its content
        text, title = title, ""
    lang = language(review.language)
    parts = [
        "<review>",
        _element("review_id", review_id(review.id, review.platform)),
        f"<reviewer>{name}</reviewer>",
        _element("is_verified_purchase", _boolean(review.verification == VERIFIED)),
        _element("is_incentivized_review", _boolean(review.incentivized)),
        _element("review_timestamp", timestamp(review.created_at)),
        _element("title", title) if title else "",
        _element("content", text),
        _element("review_language", lang) if lang else "",
        # The product's page lists all its reviews: a group page, not one review's own page.
        f'<review_url type="group">{xml_text(review_url)}</review_url>',
        f'<ratings><overall min="1" max="{review.scale}">{review.rating}</overall></ratings>',
        product_xml,
        "</review>\n",
    ]
    return "".join(parts)

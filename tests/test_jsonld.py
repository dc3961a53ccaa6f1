"""Product JSON-LD: what Google documents as required for review snippets, and only where allowed."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from tests.factories import SHOP, review
from tests.widgets import fixture_store
from widget_server.core.catalogue import JSONLD, DocumentRef, shop_documents
from widget_server.core.documents import render_document
from widget_server.core.jsonld import product_jsonld
from widget_server.core.options import Options
from widget_server.demo import demo_document

AS_OF = date(2026, 11, 23)
PRODUCT = {"sku": "ZEH-Q350", "name": "Zehnder ComfoAir Q350", "gtin": "4012345000009"}
ALLOWED = {**SHOP, "source": "Trusted Shops", "jsonld": True}


def google_review_snippet_faults(data: dict) -> list[str]:
    """The properties Google's review snippet documentation marks required, for a Product.

    developers.google.com/search/docs/appearance/structured-data/review-snippet: the item needs
    a name; an AggregateRating needs ratingValue and ratingCount or reviewCount; a Review needs
    an author (with a name) and a reviewRating with a ratingValue. Ratings are on bestRating..worstRating.
    """
    faults = []
    if data.get("@context") != "https://schema.org" or data.get("@type") != "Product":
        faults.append("not a schema.org Product")
    if not isinstance(data.get("name"), str) or not data["name"]:
        faults.append("Product.name missing")
    rating = data.get("aggregateRating")
    if not rating and not data.get("review"):
        faults.append("neither aggregateRating nor review")
    if rating:
        if rating.get("@type") != "AggregateRating":
            faults.append("aggregateRating is not an AggregateRating")
        value = rating.get("ratingValue")
        if not isinstance(value, str) or not re.fullmatch(r"[1-5]\.[0-9]{2}", value):
            faults.append(f"ratingValue {value!r} is not a dotted number from 1 to 5")
        if not isinstance(rating.get("reviewCount", rating.get("ratingCount")), int):
            faults.append("AggregateRating needs reviewCount or ratingCount")
        if (rating.get("bestRating"), rating.get("worstRating")) != (5, 1):
            faults.append("the scale is not 1..5")
    for item in data.get("review", []):
        author = item.get("author", {})
        if author.get("@type") != "Person" or not author.get("name") or len(author["name"]) >= 100:
            faults.append("Review.author must be a Person with a name under 100 characters")
        stars = item.get("reviewRating", {})
        if stars.get("@type") != "Rating" or not isinstance(stars.get("ratingValue"), int):
            faults.append("Review.reviewRating.ratingValue missing")
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", item.get("datePublished", "")):
            faults.append("Review.datePublished is not an ISO date")
    return faults


def product_rows():
    return [
        review(id="v5", rating=5, title="Stil", text="Zeer stil.", product=PRODUCT),
        review(id="v4", rating=4, product=PRODUCT, created_at="2026-10-02T12:00:00Z"),
        review(id="v3", rating=3, product=PRODUCT, created_at="2026-10-03T12:00:00Z"),
        review(id="v2", rating=4, product=PRODUCT, created_at="2026-10-04T12:00:00Z"),
        review(id="v1", rating=5, product=PRODUCT, created_at="2026-10-05T12:00:00Z"),
        review(id="v0", rating=5, product=PRODUCT, created_at="2026-10-06T12:00:00Z"),
        review(id="imp", rating=1, verification="imported", email=None, product=PRODUCT),
        review(id="shop", rating=1),
    ]


def jsonld_of(store, shop="wtw-winkel", sku=PRODUCT["sku"]):
    snapshot = store.snapshot(shop, AS_OF)
    return render_document(snapshot, DocumentRef(JSONLD, shop=shop, product=sku), Options().resolve(snapshot.shop))


def test_the_product_markup_has_what_google_requires(tmp_path):
    store = fixture_store(tmp_path / "d", {"shops": [ALLOWED], "reviews": product_rows()})
    body = jsonld_of(store)
    data = json.loads(body)
    assert google_review_snippet_faults(data) == []
    assert (data["name"], data["sku"], data["gtin"]) == ("Zehnder ComfoAir Q350", "ZEH-Q350", "4012345000009")
    assert data["aggregateRating"] == {
        "@type": "AggregateRating",
        "ratingValue": "4.33",  # 26 / 6 verified: the imported 1 never counts
        "reviewCount": 6,
        "bestRating": 5,
        "worstRating": 1,
    }
    assert [r["reviewRating"]["ratingValue"] for r in data["review"]] == [5, 5, 4, 3, 4]  # newest five counted
    assert data["review"][0]["author"] == {"@type": "Person", "name": "Jan de Vries"}
    assert all(r["author"]["name"] != "" for r in data["review"])
    assert "imp" not in body.decode() and "@example" not in body.decode()


def test_every_demo_product_passes_where_markup_is_allowed(tmp_path):
    store = fixture_store(tmp_path / "d", demo_document(AS_OF))
    marked = 0
    for shop, _ in store.shops():
        snapshot = store.snapshot(shop.id, AS_OF)
        refs = [ref for ref in shop_documents(snapshot) if ref.kind is JSONLD]
        if shop.source == "Trustpilot":
            assert refs == []  # Trustpilot's terms forbid the markup
        for ref in refs:
            data = json.loads(render_document(snapshot, ref, Options().resolve(shop)))
            assert google_review_snippet_faults(data) == [], ref.path
            marked += 1
    assert marked == 2  # greenvent's two products


@pytest.mark.parametrize(
    ("shop", "rows"),
    [
        ({**ALLOWED, "jsonld": False}, product_rows()),  # the shop did not opt in
        ({**ALLOWED, "source": "Trustpilot"}, product_rows()),  # the source forbids it
        ({**ALLOWED, "source": " trustpilot "}, product_rows()),
        ({**ALLOWED, "source": "Trustpilot en Kiyoh"}, product_rows()),
        (ALLOWED, [*product_rows(), review(id="tp", platform="Trustpilot", product=PRODUCT)]),  # a review's platform
        (ALLOWED, [review(id="i", verification="imported", email=None, product=PRODUCT)]),  # nothing counted
    ],
)
def test_no_markup_where_it_is_not_allowed_or_not_earned(tmp_path, shop, rows):
    store = fixture_store(tmp_path / "d", {"shops": [shop], "reviews": rows})
    assert jsonld_of(store) is None
    snapshot = store.snapshot("wtw-winkel", AS_OF)
    assert not [ref for ref in shop_documents(snapshot) if ref.kind is JSONLD]
    assert product_jsonld(snapshot) is None  # never for the shop's own rating


def test_what_counts_is_where_the_products_reviews_come_from(tmp_path):
    # The shop collects its own reviews on Trustpilot; this product's come from Trusted Shops.
    rows = [{**row, "platform": "Trusted Shops"} for row in product_rows()]
    store = fixture_store(tmp_path / "d", {"shops": [{**ALLOWED, "source": "Trustpilot"}], "reviews": rows})
    assert json.loads(jsonld_of(store))["aggregateRating"]["reviewCount"] == 6


def test_the_markup_is_safe_inside_a_script_element(tmp_path):
    hostile = {**PRODUCT, "name": "</script><script>alert(1)</script> <!-- x"}
    # U+2028 ends a line in JavaScript before ES2019: a review's text may hold it, a name may not.
    rows = [review(id="x", text="</SCRIPT> & <b> \u2028 y", author="</script>", product=hostile)]
    store = fixture_store(tmp_path / "d", {"shops": [ALLOWED], "reviews": rows})
    body = jsonld_of(store).decode()
    assert "<" not in body and ">" not in body and "\u2028" not in body
    data = json.loads(body)
    assert data["name"] == hostile["name"] and data["review"][0]["author"]["name"] == "</script>"

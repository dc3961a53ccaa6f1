"""Product reviews: their own exact summaries, never the shop's, and their documents and JSON-LD."""

from __future__ import annotations

import json
import random
import subprocess
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest

from tests.factories import SHOP, review
from tests.server import cli_args
from tests.widgets import fixture_store
from widget_server.core.catalogue import (
    JSONLD,
    REVIEW_FEED,
    REVIEWS,
    SUMMARY,
    WIDGET,
    DocumentRef,
    parse,
    shop_documents,
)
from widget_server.core.documents import render_document
from widget_server.core.options import Options
from widget_server.core.records import Invalid, parse_review
from widget_server.store.open import open_store

AS_OF = date(2026, 11, 23)
WINDOW_START = date(2025, 11, 23)
Q350 = {"sku": "ZEH-Q350", "name": "Zehnder ComfoAir Q350", "gtin": "4012345000009", "url": "https://example.nl/q350"}
FLAIR = {"sku": "brink.flair_300", "name": "Brink Flair 300"}


def at(day: date, hour: int = 12) -> str:
    return f"{day.isoformat()}T{hour:02d}:00:00Z"


def expected(rows, product_sku):
    """The rules computed independently: Fractions and Decimal rounding, no code under test."""
    counted = [
        r["rating"]
        for r in rows
        if r.get("product", {}).get("sku", "") == product_sku
        and r["verification"] == "verified"
        and r.get("status", "published") != "removed"
        and WINDOW_START <= date.fromisoformat(r["created_at"][:10]) <= AS_OF
    ]
    if not counted:
        return None, 0
    mean = Fraction(sum(counted), len(counted))
    rounded = (Decimal(mean.numerator) / Decimal(mean.denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    exact = Fraction(sum(counted) * 100, len(counted))  # check Decimal's division did not round first
    assert abs(Fraction(rounded) * 100 - exact) <= Fraction(1, 2)
    return float(rounded), len(counted)


def edge_rows():
    """Window edges (both ends in, a day outside), removed and flagged, and a 4.495 that rounds up."""
    rows = [
        review(id="edge-first", rating=1, created_at=at(WINDOW_START, 0), experienced_at=None, product=Q350),
        review(id="edge-last", rating=5, created_at=at(AS_OF, 23), experienced_at=None, product=Q350),
        review(
            id="edge-before",
            rating=1,
            created_at=at(WINDOW_START - timedelta(days=1), 23),
            experienced_at=None,
            product=Q350,
        ),
        review(id="removed", rating=1, status="removed", product=Q350),
        review(id="flagged", rating=2, status="flagged", product=Q350),
        review(id="imported", rating=1, verification="imported", email=None, product=Q350),
        review(id="unverified", rating=1, verification="unverified", email=None, product=Q350),
    ]
    # 899 stars over 200 reviews is 4.495: half up to 4.50 (a float mean would say 4.49)
    for n in range(99):
        rows.append(review(id=f"f5-{n}", rating=5, product=FLAIR))
    for n in range(101):
        rows.append(review(id=f"f4-{n}", rating=4, product=FLAIR))
    rows.append(review(id="shop-1", rating=2))  # the shop's own
    return rows


def random_rows(seed):
    rng = random.Random(seed)
    rows = []
    for n in range(400):
        given = AS_OF - timedelta(days=rng.randrange(0, 500))
        choice = rng.random()
        product = None if choice < 0.3 else (Q350 if choice < 0.65 else FLAIR)
        verification = rng.choice(["verified", "verified", "verified", "imported", "unverified"])
        rows.append(
            review(
                id=f"r{n}",
                rating=rng.randint(1, 5),
                created_at=at(given, rng.randrange(0, 24)),
                experienced_at=None,
                verification=verification,
                email=None if verification != "verified" else f"c{n}@example.nl",
                status=rng.choice(["published", "published", "flagged", "removed"]),
                product=product,
            )
        )
    return rows


@pytest.mark.parametrize("rows", [edge_rows(), random_rows(1), random_rows(2)], ids=["edges", "random-1", "random-2"])
def test_product_summaries_are_exact_and_never_move_the_shops(tmp_path, rows):
    store = fixture_store(tmp_path / "data", {"shops": [SHOP], "reviews": rows})
    snapshot = store.snapshot("wtw-winkel", AS_OF)
    for sku in (Q350["sku"], FLAIR["sku"]):
        product = snapshot.products[sku]
        assert (product.summary["score"], product.summary["review_count"]) == expected(rows, sku), sku
        assert sum(m["count"] for m in product.summary["months"]) == product.summary["review_count"]
    assert (snapshot.summary["score"], snapshot.summary["review_count"]) == expected(rows, "")
    without = fixture_store(
        tmp_path / "shop-only", {"shops": [SHOP], "reviews": [r for r in rows if "product" not in r]}
    )
    alone = without.snapshot("wtw-winkel", AS_OF).summary
    for key in ("score", "review_count", "distribution", "window_total", "imported_count", "unverified_count"):
        assert snapshot.summary[key] == alone[key], key
    listed = {p["sku"]: (p["score"], p["review_count"]) for p in snapshot.summary["products"]}
    assert listed == {sku: expected(rows, sku) for sku in (Q350["sku"], FLAIR["sku"])}


def test_the_edges_fixture_rounds_half_up(tmp_path):
    store = fixture_store(tmp_path / "data", {"shops": [SHOP], "reviews": edge_rows()})
    products = store.snapshot("wtw-winkel", AS_OF).products
    assert products[FLAIR["sku"]].summary["score"] == 4.5
    assert products[Q350["sku"]].summary["review_count"] == 3  # both window ends and the flagged one


def test_the_shops_widgets_never_show_a_product_review(tmp_path):
    store = fixture_store(tmp_path / "data", {"shops": [SHOP], "reviews": edge_rows()})
    snapshot = store.snapshot("wtw-winkel", AS_OF)
    for ref in shop_documents(snapshot):
        if ref.product or ref.kind is REVIEW_FEED:  # the review feed is made of product reviews alone
            continue
        body = render_document(snapshot, ref, Options().resolve(snapshot.shop))
        assert body is not None
        assert b"f5-0" not in body and b"edge-last" not in body, ref.path
    page = json.loads(
        render_document(
            snapshot, DocumentRef(REVIEWS, shop="wtw-winkel", locale="nl"), Options().resolve(snapshot.shop)
        )
    )
    assert [r["id"] for r in page["reviews"]] == ["shop-1"]
    product_page = render_document(
        snapshot,
        DocumentRef(REVIEWS, shop="wtw-winkel", locale="nl", product=FLAIR["sku"]),
        Options().resolve(snapshot.shop),
    )
    assert json.loads(product_page)["total"] == 200


@pytest.mark.parametrize(
    ("path", "ref"),
    [
        ("/v1/s/products/ZEH-Q350/summary.json", DocumentRef(SUMMARY, shop="s", product="ZEH-Q350")),
        ("/v1/s/products/a.b_c-1/jsonld.json", DocumentRef(JSONLD, shop="s", product="a.b_c-1")),
        ("/v1/s/nl/products/ZEH-Q350/reviews.json", DocumentRef(REVIEWS, shop="s", locale="nl", product="ZEH-Q350")),
        (
            "/v1/s/nl/products/ZEH-Q350/reviews-2.json",
            DocumentRef(REVIEWS, shop="s", locale="nl", page=2, product="ZEH-Q350"),
        ),
        ("/v1/s/en/products/X/stars.html", DocumentRef(WIDGET, shop="s", locale="en", widget="stars", product="X")),
        (
            "/v1/s/en/products/X/carousel.html",
            DocumentRef(WIDGET, shop="s", locale="en", widget="carousel", product="X"),
        ),
        ("/v1/s/en/products/X/badge.html", None),  # products have a star snippet and a carousel
        ("/v1/s/en/products/X/footer.html", None),
        ("/v1/s/en/products/X/stars--v.html", None),  # no variants for products
        ("/v1/s/en/products/X/method.html", None),
        ("/v1/s/products/.x/summary.json", None),  # a SKU starts with a letter or digit
        ("/v1/s/products/" + "a" * 65 + "/summary.json", None),
        ("/v1/s/products/a%2Fb/summary.json", None),
        ("/v1/s/products/X/reviews.json", None),
        ("/v1/s/NL/products/X/stars.html", None),  # upper case only in the SKU segment
        ("/v1/S/products/X/summary.json", None),
    ],
)
def test_product_paths(path, ref):
    assert parse(path) == ref
    if ref is not None:
        assert ref.path == path


@pytest.mark.parametrize(
    ("product", "reason"),
    [
        ({"sku": "", "name": "x"}, "product sku must be"),
        ({"sku": "a/b", "name": "x"}, "product sku must be"),
        ({"sku": "a" * 65, "name": "x"}, "product sku must be"),
        ({"sku": "ok", "name": ""}, "name is required"),
        ({"sku": "ok", "name": "x", "gtin": "4012345000008"}, "valid check digit"),
        ({"sku": "ok", "name": "x", "gtin": "40123450000"}, "GTIN-8, -12, -13 or -14"),
        ({"sku": "ok", "name": "x", "url": "javascript:alert(1)"}, "product url must be an http"),
        ({"sku": "ok", "name": "x", "colour": "red"}, "unknown product field 'colour'"),
        ("ZEH-Q350", "product must be a JSON object"),
    ],
)
def test_bad_products_are_rejected_with_the_reason(product, reason):
    with pytest.raises(Invalid, match=reason):
        parse_review(review(product=product))


def test_csv_product_columns(tmp_path):
    shops = tmp_path / "shops.json"
    shops.write_text(json.dumps({"shops": [SHOP]}))
    csv = tmp_path / "r.csv"
    csv.write_text(
        "id,shop,rating,author,email,created_at,verification,language,product_sku,product_name,product_gtin\n"
        "p1,wtw-winkel,5,Jan,jan@example.nl,2026-11-01T10:00:00Z,verified,nl,ZEH-Q350,Zehnder Q350,4012345000009\n"
        "p2,wtw-winkel,4,Piet,piet@example.nl,2026-11-02T10:00:00Z,verified,nl,,,\n"
    )
    result = subprocess.run(
        cli_args(tmp_path / "d", "import", "--shop-file", str(shops), str(csv)), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    store = open_store(tmp_path / "d")
    snapshot = store.snapshot("wtw-winkel", AS_OF)
    assert snapshot.summary["review_count"] == 1  # p2, the shop's
    assert snapshot.products["ZEH-Q350"].summary["product"] == {
        "sku": "ZEH-Q350",
        "name": "Zehnder Q350",
        "gtin": "4012345000009",
        "url": "",
    }


def test_a_shop_of_many_product_reviews_reads_a_products_reviews_only_for_its_documents(tmp_path, monkeypatch):
    """A shop's own badge read every product's newest reviews (77 MB, 2 s for 100,000): past
    WHOLE_PRODUCTS a product's are read when one of its documents asks, in one query."""
    from widget_server.core.options import ReviewFilter
    from widget_server.store import base as store_module

    store = fixture_store(tmp_path / "data", {"shops": [SHOP], "reviews": random_rows(3)})
    monkeypatch.setattr(store_module, "WHOLE_PRODUCTS", 10)
    statements: list[str] = []
    store.db.set_trace_callback(statements.append)
    snapshot = store.snapshot("wtw-winkel", AS_OF)
    read = [s for s in statements if s.startswith("SELECT") and "row_number()" in s]
    assert read == []  # the snapshot itself reads counts and summaries only
    newest = snapshot.products[Q350["sku"]].page(ReviewFilter(), 1)
    read = [s for s in statements if s.startswith("SELECT") and "row_number()" in s]
    assert len(read) == 1 and f"product = '{Q350['sku']}'" in read[0] and newest
    snapshot.products[Q350["sku"]].page(ReviewFilter(stars=(5,)), 1)
    assert len([s for s in statements if "row_number()" in s]) == 1  # read once
    store.db.set_trace_callback(None)


def test_a_products_newest_read_on_demand_are_those_read_whole_on_both_engines(store, monkeypatch):
    from widget_server.core.options import ReviewFilter
    from widget_server.sources.importer import import_document
    from widget_server.store import base as store_module

    import_document(store, {"shops": [SHOP], "reviews": random_rows(5)}, available_locales=("en", "nl"))
    whole = store.snapshot("wtw-winkel", AS_OF)
    monkeypatch.setattr(store_module, "WHOLE_PRODUCTS", 10)
    apart = store.snapshot("wtw-winkel", AS_OF)
    for sku in (Q350["sku"], FLAIR["sku"]):
        for wanted in (ReviewFilter(), ReviewFilter(stars=(1, 2)), ReviewFilter(lang=("nl",))):
            first = [r.id for r in whole.products[sku].page(wanted, 1) or []]
            assert first and [r.id for r in apart.products[sku].page(wanted, 1) or []] == first


def test_many_product_reviews_page_through_the_store_as_a_few_do(tmp_path, monkeypatch):
    """Past WHOLE_PRODUCTS the snapshot keeps each group's newest and pages with keyset queries."""
    from widget_server.core.options import ReviewFilter
    from widget_server.store import base as store_module

    rows = random_rows(3)
    store = fixture_store(tmp_path / "data", {"shops": [SHOP], "reviews": rows})
    whole = store.snapshot("wtw-winkel", AS_OF)
    monkeypatch.setattr(store_module, "WHOLE_PRODUCTS", 10)
    paged = store.snapshot("wtw-winkel", AS_OF)
    for sku in (Q350["sku"], FLAIR["sku"]):
        a, b = whole.products[sku], paged.products[sku]
        assert a.summary == b.summary
        for wanted in (ReviewFilter(), ReviewFilter(stars=(5,)), ReviewFilter(lang=("nl",))):
            assert a.pages(wanted) == b.pages(wanted)
            for number in range(1, a.pages(wanted) + 1):
                assert [r.id for r in a.page(wanted, number) or []] == [r.id for r in b.page(wanted, number) or []]

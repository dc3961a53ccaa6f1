"""The Product Review Feed: Google's schema 2.4, every shown product review once, nothing else,
and the same bytes from the service and the static build. Every feed built here is validated
against tests/data/product_reviews.xsd (written from Google's reference)."""

from __future__ import annotations

import gzip
import json
from dataclasses import replace
from datetime import date

import pytest
from starlette.testclient import TestClient

from static_build.build import build
from tests.client import request
from tests.factories import SHOP, review
from tests.nginx import running_nginx
from tests.review_feeds import FEED_PATH, review_ids, valid_feed
from tests.server import free_port
from tests.snapshots import memory_snapshot
from tests.widgets import fixture_store
from widget_server.core.catalogue import REVIEW_FEED, DocumentRef, parse
from widget_server.core.documents import render_document, stream_document
from widget_server.core.models import Product, PublicReview, Shop
from widget_server.core.options import Options
from widget_server.core.review_feed import feed_chunks, language, render_feed, review_id, timestamp, xml_text
from widget_server.http.app import create_app

AS_OF = date(2026, 11, 23)
Q350 = {"sku": "ZEH-Q350", "name": "Zehnder ComfoAir Q350", "gtin": "4012345000009", "url": "https://example.nl/q350"}
FLAIR = {"sku": "brink.flair_300", "name": "Brink Flair 300"}  # no page of its own
HOSTILE = {"sku": "A.B_1", "name": 'Filter <F7> & "G4"', "url": "https://example.nl/p?a=1&b=<2>"}
OTHER_SHOP = {**SHOP, "id": "leeg", "name": "Lege Winkel"}


def rows():
    return [
        review(id="shop-1", text="Een winkelreview", email="winkel@example.nl"),  # the shop's own
        review(id="p-verified", product=Q350, email="koper@example.nl"),
        review(id="p-imported", product=Q350, verification="imported", email=None, rating=3, title=""),
        review(id="p-incentivised", product=Q350, incentivized=True, rating=4, created_at="2026-10-02T08:30:15Z"),
        review(id="p-kiyoh", product=Q350, scale=10, rating=8, platform="Kiyoh", verification="imported", email=None),
        review(id="p-removed", product=Q350, status="removed"),
        review(id="p-flagged", product=Q350, status="flagged", rating=2),
        review(id="p-later", product=Q350, created_at="2026-11-30T12:00:00Z"),  # after as_of: not yet shown
        review(id="p-flair", product=FLAIR),
        review(id="dup", product=HOSTILE, text="<b>\"Top\" & 'goed'</b> ]]> 😀", author="<Jan> & Co"),
        review(id="dup", product=HOSTILE, platform="Trustpilot", verification="imported", email=None, language="en-GB"),
        review(id="p-title-only", product=HOSTILE, text="", title="Alleen een titel"),
    ]


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("feed")
    fixture_store(folder, {"shops": [SHOP, OTHER_SHOP], "reviews": rows()}).close()
    return folder


@pytest.fixture(scope="module")
def feed(data):
    store = fixture_store(data)  # the same store, opened again
    try:
        snapshot = store.snapshot("wtw-winkel", AS_OF)
    finally:
        store.close()
    body = render_document(snapshot, parse(FEED_PATH.format(shop="wtw-winkel")), Options().resolve(snapshot.shop))
    return body


def test_the_feed_is_valid_and_holds_every_shown_product_review_once(feed):
    root = valid_feed(feed)
    assert review_ids(root) == [
        # products by SKU ("A.B_1" < "ZEH-Q350"), each product's reviews newest first, ties by (id, platform)
        "dup",
        "Trustpilot:dup",  # the store tells reviews apart by (platform, id): so does the feed
        "p-title-only",
        "p-incentivised",  # given a day later than the others
        "p-flagged",
        "p-imported",
        "Kiyoh:p-kiyoh",
        "p-verified",
        "p-flair",  # "brink.flair_300" sorts after upper case
    ]


def test_shop_reviews_unshown_reviews_products_without_a_page_and_emails_never_appear(feed):
    text = feed.decode()
    for absent in ("shop-1", "Een winkelreview", "p-removed", "p-later", "@example.nl"):
        assert absent not in text


def test_the_feed_head_names_the_schema_version_and_the_shop(feed):
    root = valid_feed(feed)
    assert feed.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<feed ')
    assert root.get("{http://www.w3.org/2001/XMLSchema-instance}noNamespaceSchemaLocation") == (
        "http://www.google.com/shopping/reviews/schema/product/2.4/product_reviews.xsd"
    )
    assert [child.tag for child in root] == ["version", "publisher", "reviews"]
    assert root.findtext("version") == "2.4"
    assert root.findtext("publisher/name") == "WTW Winkel"


def _review(root, rid):
    return next(r for r in root.iter("review") if r.findtext("review_id") == rid)


def test_one_review_in_full_children_in_the_schemas_order(feed):
    valid_feed(feed)
    assert (
        "<review><review_id>p-incentivised</review_id><reviewer><name>Jan de Vries</name></reviewer>"
        "<is_verified_purchase>true</is_verified_purchase><is_incentivized_review>true</is_incentivized_review>"
        "<review_timestamp>2026-10-02T08:30:15Z</review_timestamp><title>Snel geleverd</title>"
        "<content>Prima unit.</content><review_language>nl</review_language>"
        '<review_url type="group">https://example.nl/q350</review_url>'
        '<ratings><overall min="1" max="5">4</overall></ratings>'
        "<products><product><product_ids><gtins><gtin>4012345000009</gtin></gtins><skus><sku>ZEH-Q350</sku></skus>"
        "</product_ids><product_name>Zehnder ComfoAir Q350</product_name>"
        "<product_url>https://example.nl/q350</product_url></product></products></review>\n"
    ) in feed.decode()


@pytest.mark.parametrize(
    ("rid", "verified", "incentivised", "rating", "maximum"),
    [
        ("p-verified", "true", "false", "5", "5"),
        ("p-imported", "false", "false", "3", "5"),  # imported: not tied to a purchase
        ("p-incentivised", "true", "true", "4", "5"),
        ("Kiyoh:p-kiyoh", "false", "false", "8", "10"),  # a score out of 10 keeps its own scale
        ("p-flagged", "true", "false", "2", "5"),  # flagged is still shown
        ("Trustpilot:dup", "false", "false", "5", "5"),
    ],
)
def test_verification_incentive_and_rating_of_each_review(feed, rid, verified, incentivised, rating, maximum):
    found = _review(valid_feed(feed), rid)
    assert found.findtext("is_verified_purchase") == verified
    assert found.findtext("is_incentivized_review") == incentivised
    overall = found.find("ratings/overall")
    assert (overall.text, overall.get("min"), overall.get("max")) == (rating, "1", maximum)


def test_xml_special_characters_are_escaped_and_read_back_as_written(feed):
    root = valid_feed(feed)
    found = _review(root, "dup")
    assert found.findtext("content") == "<b>\"Top\" & 'goed'</b> ]]> 😀"
    assert found.findtext("reviewer/name") == "<Jan> & Co"
    assert found.findtext("products/product/product_name") == 'Filter <F7> & "G4"'
    assert found.findtext("products/product/product_url") == "https://example.nl/p?a=1&b=<2>"
    assert found.findtext("review_url") == "https://example.nl/p?a=1&b=<2>"
    assert found.find("products/product/product_ids/gtins") is None  # no GTIN known: none given
    assert found.findtext("products/product/product_ids/skus/sku") == "A.B_1"
    assert b"<script" not in feed and b"<b>" not in feed


def test_a_product_without_a_page_is_given_the_shops_review_page_and_matched_by_its_sku(feed):
    found = _review(valid_feed(feed), "p-flair")
    assert found.findtext("review_url") == found.findtext("products/product/product_url") == SHOP["policy_url"]
    assert found.findtext("products/product/product_ids/skus/sku") == "brink.flair_300"
    assert found.findtext("products/product/product_name") == "Brink Flair 300"


def test_a_review_of_a_title_alone_gives_the_title_as_its_content(feed):
    found = _review(valid_feed(feed), "p-title-only")
    assert (found.find("title"), found.findtext("content")) == (None, "Alleen een titel")


def test_no_brand_and_no_mpn_the_store_keeps_none(feed):
    root = valid_feed(feed)
    assert not list(root.iter("brands")) and not list(root.iter("mpns"))


def test_a_shop_without_product_reviews_has_an_empty_feed_that_is_still_valid(data):
    store = fixture_store(data)
    try:
        snapshot = store.snapshot("leeg", AS_OF)
    finally:
        store.close()
    body = render_feed(snapshot)
    root = valid_feed(body)
    assert [child.tag for child in root] == ["version", "publisher"]
    assert root.findtext("publisher/name") == "Lege Winkel"


def _shop_with(reviews_of):
    """A shop whose products P0, P1, ... have the reviews `reviews_of(n)` gives (made in memory)."""
    shop = Shop("s", "S & Co", ("nl",), "nl", "T", "https://e.nl/reviews")
    products = {}
    for n, reviews in enumerate(reviews_of):
        product = Product(f"P{n}", f"Product {n}", url=f"https://e.nl/p/{n}")
        products[product.sku] = replace(memory_snapshot(shop, reviews, AS_OF, {}), product=product)
    return replace(memory_snapshot(shop, [], AS_OF, {}), products=products)


def _public(n, **fields):
    base = {
        "id": f"r{n:05d}",
        "rating": 1 + n % 5,
        "title": "",
        "text": f"Review {n}",
        "author": "A",
        "language": "nl",
        "experienced_on": AS_OF,
        "created_at": f"2026-11-01T{23 - n // 3600 % 24:02d}:{59 - n // 60 % 60:02d}:{59 - n % 60:02d}.000000Z",
        "created_on": AS_OF,
        "verification": "verified",
        "status": "published",
        "reply": None,
    }
    return PublicReview(**{**base, **fields})


def test_characters_xml_10_forbids_are_removed_and_the_feed_stays_valid():
    hostile = "a\x00b\x01c\x08d\x0be\x0cf\x1fg\ufffeh\uffffi\ud800j\tk\nl\rm"
    reviews = [_public(1, text=hostile, title="t\x07", author="\x02Piet\x1b")]
    body = render_feed(_shop_with([reviews]))
    found = _review(valid_feed(body), "r00001")
    assert found.findtext("content") == "abcdefghij\tk\nl\rm"  # tab, LF and CR are XML; CR kept as &#13;
    assert (found.findtext("title"), found.findtext("reviewer/name")) == ("t", "Piet")


def test_a_review_with_no_name_is_anonymous_and_one_with_no_words_is_left_out():
    reviews = [_public(1, author="  "), _public(2, text=" ", title="")]
    root = valid_feed(render_feed(_shop_with([reviews])))
    assert review_ids(root) == ["r00001"]
    name = _review(root, "r00001").find("reviewer/name")
    assert (name.get("is_anonymous"), name.text) == ("true", "Anonymous")


def test_a_native_id_that_reads_as_a_platforms_is_a_review_of_its_own():
    """The store holds native `Trustpilot:x` and Trustpilot's `x` apart; the feed wrote both as
    `Trustpilot:x`, which its XSD (and Google) refuse as one id twice."""
    reviews = [_public(1, id="Trustpilot:x"), _public(2, id="x", platform="Trustpilot")]
    assert review_ids(valid_feed(render_feed(_shop_with([reviews])))) == [":Trustpilot:x", "Trustpilot:x"]


def test_a_value_of_only_characters_xml_forbids_counts_as_empty():
    """The import keeps U+FFFE and U+FFFF, which XML cannot hold: a name, text or title of only
    those was written as an empty <name> or <content>, which Google requires to hold text."""
    reviews = [
        _public(1, author="\ufffe", text="\uffff \x01"),  # no words at all: left out
        _public(2, author="\uffff", text="\ufffe", title="Titel"),  # the title is its content
    ]
    root = valid_feed(render_feed(_shop_with([reviews])))
    assert review_ids(root) == ["r00002"]
    found = _review(root, "r00002")
    assert (found.findtext("content"), found.find("title")) == ("Titel", None)
    name = found.find("reviewer/name")
    assert (name.get("is_anonymous"), name.text) == ("true", "Anonymous")


def test_the_feed_comes_a_page_of_reviews_at_a_time_and_whole_is_the_same_bytes():
    snapshot = _shop_with([[_public(n + 1000 * p) for n in range(120)] for p in range(3)])  # 3 pages each
    chunks = list(feed_chunks(snapshot))
    assert len(chunks) == 1 + 3 * 3 + 1  # head, 3 pages of each product, tail
    assert b"".join(chunks) == render_feed(snapshot)
    ref = DocumentRef(REVIEW_FEED, shop="s")
    options = Options().resolve(snapshot.shop)
    assert b"".join(stream_document(snapshot, ref, options)) == render_document(snapshot, ref, options)
    assert len(set(review_ids(valid_feed(b"".join(chunks))))) == 360


@pytest.mark.parametrize(
    ("stored", "published"),
    [("2026-10-01T12:00:00.000000Z", "2026-10-01T12:00:00Z"), ("2026-01-31T23:59:59.999999Z", "2026-01-31T23:59:59Z")],
)
def test_timestamp(stored, published):
    assert timestamp(stored) == published


@pytest.mark.parametrize(
    ("tag", "code"), [("nl", "nl"), ("nl-BE", "nl"), ("EN-gb", "en"), ("fil", "fil"), ("", ""), ("x1", "")]
)
def test_language(tag, code):
    assert language(tag) == code


@pytest.mark.parametrize(
    ("rid", "platform", "feed_id"),
    [
        ("r-1", "", "r-1"),
        ("r-1", "Trustpilot", "Trustpilot:r-1"),
        ("x:y", "Trustpilot", "Trustpilot:x:y"),  # the platform's first ':' ends it
        ("Trustpilot:x", "", ":Trustpilot:x"),  # never Trustpilot's review x
        (":a", "", "::a"),
        ("c", "a:b", "a%3Ab:c"),  # never platform a's review b:c
        ("c", "50%3A", "50%253A:c"),
        ("c", "%", "%25:c"),
    ],
)
def test_review_id(rid, platform, feed_id):
    assert review_id(rid, platform) == feed_id


def test_review_ids_that_the_store_tells_apart_stay_apart_in_the_feed():
    pairs = [
        (r, p) for r in ("x", "b:c", "Trustpilot:x", ":x", "%3A", "c") for p in ("", "Trustpilot", "a:b", "a", "%3A")
    ]
    assert len({review_id(r, p) for r, p in pairs}) == len(pairs)


@pytest.mark.parametrize(
    ("text", "xml"),
    [("a & b", "a &amp; b"), ("<x>", "&lt;x&gt;"), ('"q"', '"q"'), ("a\rb", "a&#13;b"), ("\x00\x1f\ufffe", "")],
)
def test_xml_text(text, xml):
    assert xml_text(text) == xml


def test_the_service_and_the_build_give_the_same_valid_bytes(data, tmp_path):
    out = tmp_path / "out"
    build(data, out, AS_OF)
    with TestClient(create_app(data, as_of=AS_OF, cache_dir=tmp_path / "cache")) as client:
        for shop in ("wtw-winkel", "leeg"):
            path = FEED_PATH.format(shop=shop)
            built = (out / path.lstrip("/")).read_bytes()
            answer = client.get(path, headers={"Accept-Encoding": "identity"})
            assert answer.status_code == 200
            assert answer.content == built
            valid_feed(built)
            twin = out / f"{path.lstrip('/')}.gz"
            if len(built) >= 1024:
                assert gzip.decompress(twin.read_bytes()) == built
            zipped = client.get(path, headers={"Accept-Encoding": "gzip"})
            assert zipped.content == built  # httpx decodes it


def test_the_feeds_headers_are_the_data_documents(data, tmp_path):
    with TestClient(create_app(data, as_of=AS_OF, cache_dir=tmp_path / "cache")) as client:
        feed = client.get(FEED_PATH.format(shop="wtw-winkel"))
        summary = client.get("/v1/wtw-winkel/summary.json")
        missing = client.get(FEED_PATH.format(shop="geen-winkel"))
    assert feed.headers["content-type"] == "application/xml"
    for name in ("cache-control", "access-control-allow-origin", "x-content-type-options", "vary"):
        assert feed.headers.get(name) == summary.headers.get(name), name
    assert feed.headers["etag"]
    assert missing.status_code == 404


def test_the_build_lists_the_feed_in_the_shops_manifest(data, tmp_path):
    out = tmp_path / "out"
    build(data, out, AS_OF)
    manifests = list((out / "v1" / "wtw-winkel").glob(".files-*.json"))
    assert len(manifests) == 1
    assert "products/review-feed.xml" in json.loads(manifests[0].read_text())["files"]


def test_nginx_serves_the_built_feed_with_the_services_bytes_and_headers(data, tmp_path):
    out = tmp_path / "out"
    build(data, out, AS_OF)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    block = f"server {{ listen 127.0.0.1:{port}; root {out}; include {out}/nginx.conf; }}"
    path = FEED_PATH.format(shop="wtw-winkel")
    with TestClient(create_app(data, as_of=AS_OF, cache_dir=tmp_path / "cache")) as client:
        service = client.get(path, headers={"Accept-Encoding": "identity"})
    with running_nginx(tmp_path / "nginx", block, base + "/v1/embed.js"):
        status, headers, body = request(base, path)
        zipped_status, zipped_headers, zipped = request(base, path, headers={"Accept-Encoding": "gzip"})
    assert status == zipped_status == 200
    assert body == service.content == gzip.decompress(zipped)
    assert zipped_headers["content-encoding"] == "gzip"
    valid_feed(body)
    for name in ("content-type", "cache-control", "access-control-allow-origin", "x-content-type-options"):
        assert headers[name] == service.headers[name], name


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (("<is_verified_purchase>true</is_verified_purchase>", ""), None),  # optional: still valid
        (("<review_id>p-verified</review_id>", ""), "review_id"),  # required
        (("<content>Prima unit.</content>", "<content> </content>"), "content"),  # required, not blank
        (('type="group"', 'type="page"'), "type"),
        (('max="5">5<', 'max="5">6<'), "overall"),  # outside its own min..max
        (("<version>2.4</version>", "<version>2.3</version>"), "version"),
        (("<title>Snel geleverd</title><content>", "<content>"), None),
        (
            (
                "<is_verified_purchase>true</is_verified_purchase><is_incentivized_review>false</is_incentivized_review>",
                "<is_incentivized_review>false</is_incentivized_review><is_verified_purchase>true</is_verified_purchase>",
            ),
            "is_verified_purchase",  # out of the schema's order
        ),
        (("<gtin>4012345000009</gtin>", "<gtin>40123</gtin>"), "gtin"),
        (("<product_url>https://example.nl/q350</product_url>", ""), "product_url"),
    ],
)
def test_the_schema_refuses_what_google_would(feed, change, why):
    """The XSD is no rubber stamp: one change to a valid review, and it says no (or yes, where optional)."""
    start = feed.index(b"<review><review_id>p-verified</review_id>")
    end = feed.index(b"</review>", start) + len(b"</review>")
    old, new = change
    review = feed[start:end].decode()
    assert old in review or old.startswith("<version>")
    changed = feed[:start] + review.replace(old, new, 1).encode() + feed[end:]
    if old.startswith("<version>"):
        changed = feed.replace(old.encode(), new.encode())
    if why is None:
        valid_feed(changed)
    else:
        with pytest.raises(AssertionError, match=why):
            valid_feed(changed)

"""Shop documents, byte for byte, of the demo shops: the method page, the summaries, a page of
reviews, a product's documents and a variant. Each golden covers what the tables elsewhere check
piece by piece (the chart, the JSON fields, the JSON-LD); a change to any byte must be looked at:
run with UPDATE_GOLDEN=1 to accept it.
"""

import json
import os
from datetime import date
from pathlib import Path

import pytest

from tests.snapshots import memory_snapshot, rated_reviews
from tests.trustpilot_shops import open_loaded
from tests.widgets import AS_OF, fixture_store
from widget_server.core.catalogue import JSONLD, METHOD, REVIEWS, SUMMARY, WIDGET, DocumentRef
from widget_server.core.documents import UnknownVariant, cache_key, render_document, resolve
from widget_server.core.models import Shop
from widget_server.core.options import Options
from widget_server.demo import demo_document

GOLDEN = Path(__file__).parent / "golden" / "documents"
SKU = "ZEH-Q350"
REFS = {
    "method-nl.html": DocumentRef(METHOD, shop="wtw-winkel", locale="nl"),
    "method-en.html": DocumentRef(METHOD, shop="wtw-winkel", locale="en"),
    "greenvent-method-en.html": DocumentRef(METHOD, shop="greenvent", locale="en"),
    "summary.json": DocumentRef(SUMMARY, shop="wtw-winkel"),
    "reviews-nl.json": DocumentRef(REVIEWS, shop="wtw-winkel", locale="nl"),
    "reviews-en-2.json": DocumentRef(REVIEWS, shop="wtw-winkel", locale="en", page=2),
    "product-summary.json": DocumentRef(SUMMARY, shop="wtw-winkel", product=SKU),
    "product-jsonld.json": DocumentRef(JSONLD, shop="greenvent", product="GV-DUCT-125"),
    "product-reviews-nl.json": DocumentRef(REVIEWS, shop="wtw-winkel", locale="nl", product=SKU),
    "product-stars-en.html": DocumentRef(WIDGET, shop="wtw-winkel", locale="en", widget="stars", product=SKU),
    "variant-footer-nl.html": DocumentRef(
        WIDGET, shop="wtw-winkel", locale="nl", widget="footer", variant="dark-positive"
    ),
}


# The model customer: Trustpilot's own score leads (groenhuis), or the one with the most reviews
# of two platforms (luchtwerk), loaded through the real platform import.
PLATFORM_REFS = {
    f"{shop}-{widget}-{locale}.html": DocumentRef(WIDGET, shop=shop, locale=locale, widget=widget)
    for shop in ("groenhuis", "luchtwerk")
    for locale in ("nl", "en")
    for widget in ("badge", "footer")
} | {
    "luchtwerk-summary.json": DocumentRef(SUMMARY, shop="luchtwerk"),
    "luchtwerk-method-nl.html": DocumentRef(METHOD, shop="luchtwerk", locale="nl"),
    "luchtwerk-reviews-en.json": DocumentRef(REVIEWS, shop="luchtwerk", locale="en"),
}


@pytest.fixture(scope="module")
def platform_store(tmp_path_factory):
    opened = open_loaded(tmp_path_factory.mktemp("platforms"), AS_OF)
    yield opened
    opened.close()


@pytest.mark.parametrize("name", list(PLATFORM_REFS))
def test_a_trustpilot_shops_document_is_its_golden(platform_store, name):
    body = render(platform_store, PLATFORM_REFS[name])
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_bytes(body)
    assert body == path.read_bytes(), f"{path} differs; look at the change, then UPDATE_GOLDEN=1"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    opened = fixture_store(tmp_path_factory.mktemp("documents"), demo_document(AS_OF))
    yield opened
    opened.close()


def render(store, ref):
    snapshot = store.snapshot(ref.shop, AS_OF)
    return render_document(snapshot, ref, resolve(snapshot.shop, ref, Options()))


@pytest.mark.parametrize("name", list(REFS))
def test_document_is_its_golden(store, name):
    body = render(store, REFS[name])
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(body)
    assert body == path.read_bytes(), f"{path} differs; look at the change, then UPDATE_GOLDEN=1"


def test_a_page_past_the_last_and_an_unknown_product_do_not_exist(store):
    assert render(store, DocumentRef(REVIEWS, shop="wtw-winkel", locale="nl", page=999)) is None
    assert render(store, DocumentRef(JSONLD, shop="wtw-winkel", product=SKU)) is None  # the shop did not opt in
    assert render(store, DocumentRef(SUMMARY, shop="wtw-winkel", product="NO-SUCH-SKU")) is None


def test_an_unknown_variant_is_refused(store):
    snapshot = store.snapshot("wtw-winkel", AS_OF)
    ref = DocumentRef(WIDGET, shop="wtw-winkel", locale="nl", widget="badge", variant="no-such")
    with pytest.raises(UnknownVariant):
        resolve(snapshot.shop, ref, Options())


def test_a_variant_takes_its_own_options_not_the_asked_ones(store):
    snapshot = store.snapshot("wtw-winkel", AS_OF)
    ref = REFS["variant-footer-nl.html"]
    assert resolve(snapshot.shop, ref, Options(theme="light")) == resolve(snapshot.shop, ref, Options())
    assert resolve(snapshot.shop, ref, Options()).theme == "dark"


def test_the_cache_key_holds_only_the_options_a_document_depends_on(store):
    snapshot = store.snapshot("wtw-winkel", AS_OF)
    summary, reviews = REFS["summary.json"], REFS["reviews-nl.json"]
    light, dark = (Options(theme=t).resolve(snapshot.shop) for t in ("light", "dark"))
    assert cache_key(summary, "v", AS_OF, None, light) == cache_key(summary, "v", AS_OF, None, dark)
    assert cache_key(reviews, "v", AS_OF, None, light) == cache_key(reviews, "v", AS_OF, None, dark)
    badge = DocumentRef(WIDGET, shop="wtw-winkel", locale="nl", widget="badge")
    assert cache_key(badge, "v", AS_OF, None, light) != cache_key(badge, "v", AS_OF, None, dark)
    four = Options(stars=(4,)).resolve(snapshot.shop)
    assert cache_key(reviews, "v", AS_OF, None, light) != cache_key(reviews, "v", AS_OF, None, four)
    assert cache_key(summary, "v", AS_OF, None, light) != cache_key(summary, "w", AS_OF, None, light)


def test_the_cache_key_holds_the_day_only_where_the_bytes_state_it(store):
    snapshot = store.snapshot("wtw-winkel", AS_OF)
    options = Options().resolve(snapshot.shop)
    badge = DocumentRef(WIDGET, shop="wtw-winkel", locale="nl", widget="badge")
    change, tomorrow = date(2026, 12, 24), date(2026, 11, 24)
    # a widget's key is the same every day until the shop's next change, then another
    assert cache_key(badge, "v", AS_OF, change, options) == cache_key(badge, "v", tomorrow, change, options)
    assert cache_key(badge, "v", AS_OF, change, options) != cache_key(badge, "v", AS_OF, date(2027, 1, 1), options)
    assert cache_key(badge, "v", AS_OF, None, options) != cache_key(badge, "v", AS_OF, change, options)
    # summary.json says its as_of: a new key every day
    summary = REFS["summary.json"]
    assert cache_key(summary, "v", AS_OF, change, options) != cache_key(summary, "v", tomorrow, change, options)


def one_rating_page(snapshot, stars: int, page: int = 1) -> dict | None:
    ref = DocumentRef(REVIEWS, shop=snapshot.shop.id, locale="nl", page=page, stars=stars)
    body = render_document(snapshot, ref, Options().resolve(snapshot.shop))
    return None if body is None else json.loads(body)


def test_a_ratings_file_lists_that_ratings_reviews_page_by_page():
    shop = Shop("s", "S", ("nl",), "nl", "Trustpilot", "https://example.nl/r")
    reviews = rated_reviews({5: 270, 3: 12, 1: 1})  # more than four pages in all
    snapshot = memory_snapshot(shop, reviews, AS_OF, {})
    pages = [one_rating_page(snapshot, 5, n) for n in range(1, 7)]
    first = pages[0]
    assert (first["filter"]["stars"], first["total"], first["pages"], first["next"]) == (
        [5],
        270,
        6,
        "reviews-5star-2.json",
    )
    assert [len(p["reviews"]) for p in pages] == [50, 50, 50, 50, 50, 20] and pages[5]["next"] is None
    assert [r["id"] for p in pages for r in p["reviews"]] == [r.id for r in reviews if r.rating == 5]
    assert one_rating_page(snapshot, 1)["total"] == 1
    assert one_rating_page(snapshot, 5, 7) is None  # past its last page
    assert one_rating_page(snapshot, 4) is None  # no four-star review: no file


def test_a_list_of_four_pages_has_no_files_per_rating():
    shop = Shop("s", "S", ("nl",), "nl", "Trustpilot", "https://example.nl/r")
    snapshot = memory_snapshot(shop, rated_reviews({5: 150, 3: 50}), AS_OF, {})
    assert one_rating_page(snapshot, 5) is None and one_rating_page(snapshot, 3) is None


def test_a_ratings_files_stop_at_its_newest_thousand_reviews():
    shop = Shop("s", "S", ("nl",), "nl", "Trustpilot", "https://example.nl/r")
    reviews = rated_reviews({5: 1030, 4: 3})
    snapshot = memory_snapshot(shop, reviews, AS_OF, {})
    last = one_rating_page(snapshot, 5, 20)
    assert (last["total"], last["pages"], last["next"]) == (1030, 20, None)
    assert last["reviews"][-1]["id"] == [r.id for r in reviews if r.rating == 5][999]
    assert one_rating_page(snapshot, 5, 21) is None
    every = render_document(snapshot, DocumentRef(REVIEWS, shop="s", locale="nl", page=20), Options().resolve(shop))
    assert every is not None
    page = json.loads(every)  # all 1,033 reviews: 21 pages, past any rating's limit
    assert (page["pages"], page["next"]) == (21, "reviews-21.json")

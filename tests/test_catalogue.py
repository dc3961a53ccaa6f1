"""The catalogue: one spelling per document, and the build, the service and it agree on the tree."""

import pytest
from starlette.testclient import TestClient

from static_build.build import build
from tests.builds import documents
from tests.snapshots import memory_snapshot, rated_reviews
from tests.widgets import AS_OF, WIDGET_NAMES, fixture_store
from widget_server.core.catalogue import (
    JSONLD,
    KINDS,
    LOADER,
    LOADER_HASHED,
    METHOD,
    OPENAPI,
    REVIEW_FEED,
    REVIEWS,
    SUMMARY,
    WIDGET,
    WIDGET_SCRIPT_KIND,
    DocumentKind,
    DocumentRef,
    parse,
    shop_documents,
    site_documents,
)
from widget_server.core.csp import LIST_SCRIPT_DIGEST, WIDGET_SCRIPT_DIGEST
from widget_server.core.loader import loader
from widget_server.core.models import PublicReview, Shop, Variant
from widget_server.core.openapi import json_response, openapi
from widget_server.core.paths import SHOP_PATH, Route, reviews_file
from widget_server.demo import demo_document
from widget_server.http.app import create_app

REFS = [
    (DocumentRef(LOADER), "/v1/embed.js"),
    (DocumentRef(LOADER_HASHED, digest="0123456789ab"), "/v1/embed.0123456789ab.js"),
    (DocumentRef(WIDGET_SCRIPT_KIND, digest="0123456789ab"), "/v1/widget.0123456789ab.js"),
    (DocumentRef(OPENAPI), "/v1/openapi.json"),
    (DocumentRef(SUMMARY, shop="wtw-winkel"), "/v1/wtw-winkel/summary.json"),
    (DocumentRef(REVIEWS, shop="a", locale="nl", page=1), "/v1/a/nl/reviews.json"),
    (DocumentRef(REVIEWS, shop="a", locale="nl", page=2), "/v1/a/nl/reviews-2.json"),
    (DocumentRef(REVIEWS, shop="a", locale="nl", page=999999), "/v1/a/nl/reviews-999999.json"),
    (DocumentRef(WIDGET, shop="a", locale="en", widget="badge"), "/v1/a/en/badge.html"),
    (DocumentRef(WIDGET, shop="a", locale="deu", widget="footer"), "/v1/a/deu/footer.html"),
    (DocumentRef(WIDGET, shop="a-b", locale="nl", widget="stars", variant="dark-1"), "/v1/a-b/nl/stars--dark-1.html"),
    (DocumentRef(METHOD, shop="a", locale="nl"), "/v1/a/nl/method.html"),
    (DocumentRef(SUMMARY, shop="a", product="ZEH-Q350"), "/v1/a/products/ZEH-Q350/summary.json"),
    (DocumentRef(JSONLD, shop="a", product="b.c_d-1"), "/v1/a/products/b.c_d-1/jsonld.json"),
    (DocumentRef(REVIEWS, shop="a", locale="nl", product="X"), "/v1/a/nl/products/X/reviews.json"),
    (DocumentRef(REVIEWS, shop="a", locale="en", page=3, product="X"), "/v1/a/en/products/X/reviews-3.json"),
    (DocumentRef(WIDGET, shop="a", locale="en", widget="stars", product="X"), "/v1/a/en/products/X/stars.html"),
    (DocumentRef(WIDGET, shop="a", locale="de", widget="carousel", product="X"), "/v1/a/de/products/X/carousel.html"),
    (DocumentRef(REVIEW_FEED, shop="a"), "/v1/a/products/review-feed.xml"),
    (DocumentRef(REVIEWS, shop="a", locale="nl", stars=3), "/v1/a/nl/reviews-3star.json"),
    (DocumentRef(REVIEWS, shop="a", locale="nl", page=2, stars=1), "/v1/a/nl/reviews-1star-2.json"),
    (DocumentRef(REVIEWS, shop="a", locale="en", stars=5, product="X"), "/v1/a/en/products/X/reviews-5star.json"),
    (DocumentRef(WIDGET, shop="a", locale="nl", widget="list", product="X"), "/v1/a/nl/products/X/list.html"),
]


@pytest.mark.parametrize(("ref", "path"), REFS)
def test_a_ref_writes_its_path_and_parses_back(ref, path):
    assert ref.path == path
    assert parse(path) == ref


@pytest.mark.parametrize(
    "path",
    [
        "/v1/",
        "/v1/embed.0123456789a.js",  # a hash of 11 digits
        "/v1/embed.0123456789AB.js",
        "/v2/a/summary.json",
        "/v1/A/summary.json",
        "/v1/-a/summary.json",
        "/v1/a/summary.json/",
        "/v1/a/reviews.json",  # two parts are only the summary
        "/v1/a/summary.jsonx",
        "/v1/a/nl/reviews-1.json",  # the first page has one name: reviews.json
        "/v1/a/nl/reviews-0.json",
        "/v1/a/nl/reviews-02.json",
        "/v1/a/nl/reviews-1000000.json",
        "/v1/a/NL/badge.html",
        "/v1/a/nlnl/badge.html",
        "/v1/a/n/badge.html",
        "/v1/a/nl/banner.html",
        "/v1/a/nl/badge--.html",
        "/v1/a/nl/badge--Dark.html",
        "/v1/a/nl/badge--dark-.html",
        "/v1/a/nl/badge.htm",
        "/v1/a/nl/x/badge.html",
        "/v1/../v1/a/summary.json",
        "/v1/embed.0123456789ab.js/x",  # a site document has one part
        "/v1/widget.0123456789ab.js/x",
        "/v1/embed.js/x",
        "/v1/openapi.json/x",
        "/v1/A/products/X/summary.json",  # the shop id is checked in a product's path too
        "/v1/a/products/-X/summary.json",
        "/v1/a/products/X/jsonld.json/x",
        "/v1/a/products/X/reviews.json",  # reviews are per locale
        "/v1/a/NL/products/X/reviews.json",
        "/v1/a/nl/products/-X/reviews.json",
        "/v1/a/nl/product/X/reviews.json",
        "/v1/a/nl/products/X/badge.html",  # the badge is no product widget
        "/v1/a/nl/products/X/stars--dark.html",  # a product's widget has no variants
        "/v1/a/nl/products/X/summary.json",
        "/v1/a/nl/products/X/method.html",
        "/v1/a/review-feed.xml",  # the feed lives in the products folder, once per shop
        "/v1/a/nl/products/review-feed.xml",
        "/v1/a/products/review-feed.xml/x",
        "/v1/a/products/review-feed.XML",
        "/v1/A/products/review-feed.xml",
        "/v1/a/nl/reviews-0star.json",  # one star rating of 1 to 5
        "/v1/a/nl/reviews-6star.json",
        "/v1/a/nl/reviews-45star.json",
        "/v1/a/nl/reviews-3stars.json",
        "/v1/a/nl/reviews-3star-1.json",  # its first page has one name too
        "/v1/a/nl/reviews-2-3star.json",
    ],
)
def test_other_paths_are_no_document(path):
    assert parse(path) is None


@pytest.mark.parametrize(
    ("page", "stars", "name"),
    [
        (1, 0, "reviews.json"),
        (2, 0, "reviews-2.json"),
        (12, 0, "reviews-12.json"),
        (1, 3, "reviews-3star.json"),
        (2, 1, "reviews-1star-2.json"),
    ],
)
def test_reviews_file(page, stars, name):
    assert reviews_file(page, stars) == name


def test_every_route_template_matches_its_kind():
    examples = {
        "shop": "s",
        "locale": "nl",
        "page": "3",
        "widget": "badge",
        "variant": "v",
        "digest": "a" * 12,
        "sku": "ZEH-Q350.b_1",
        "product_widget": "stars",
        "stars": "3",
    }
    for kind in KINDS:
        for route in kind.routes:
            ref = parse(route.template.format(**examples))
            assert ref is not None and ref.kind is kind, route.template


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory):
    data = tmp_path_factory.mktemp("catalogue")
    fixture_store(data, demo_document(AS_OF)).close()
    return data


def catalogue_paths(store):
    paths = {ref.path for ref in site_documents(loader().digest)}
    for shop, _ in store.shops():
        paths |= {ref.path for ref in shop_documents(store.snapshot(shop.id, AS_OF))}
    return paths


def test_the_build_writes_exactly_the_catalogues_documents(demo_data, tmp_path):
    out = tmp_path / "out"
    build(demo_data, out, AS_OF)
    written = {"/" + path for path in documents(out) if not path.endswith((".gz", ".br"))}
    store = fixture_store(tmp_path / "copy", demo_document(AS_OF))
    try:
        expected = catalogue_paths(store)
    finally:
        store.close()
    assert any("reviews-2.json" in p for p in expected) and any("--dark-positive" in p for p in expected)
    assert written == expected


def test_the_service_answers_every_catalogue_document(demo_data, tmp_path):
    store = fixture_store(tmp_path / "copy", demo_document(AS_OF))
    try:
        expected = catalogue_paths(store)
    finally:
        store.close()
    with TestClient(create_app(demo_data, as_of=AS_OF, cache_dir=tmp_path / "cache")) as client:
        answers = {path: client.get(path).status_code for path in sorted(expected)}
    assert answers == dict.fromkeys(sorted(expected), 200)


@pytest.mark.parametrize(
    ("ref", "media_type", "header_kind"),
    [
        (DocumentRef(LOADER), "text/javascript; charset=utf-8", "loader"),
        (DocumentRef(LOADER_HASHED, digest="0" * 12), "text/javascript; charset=utf-8", "loader-hashed"),
        (DocumentRef(WIDGET_SCRIPT_KIND, digest="0" * 12), "text/javascript; charset=utf-8", "loader-hashed"),
        (DocumentRef(OPENAPI), "application/json", "json"),
        (DocumentRef(SUMMARY, shop="a"), "application/json", "json"),
        (DocumentRef(REVIEWS, shop="a", locale="nl"), "application/json", "json"),
        (DocumentRef(WIDGET, shop="a", locale="nl", widget="badge"), "text/html; charset=utf-8", "widget"),
        (DocumentRef(REVIEW_FEED, shop="a"), "application/xml", "json"),
    ],
)
def test_what_each_kind_of_document_is(ref, media_type, header_kind):
    assert (ref.media_type, ref.header_kind) == (media_type, header_kind)


class _Calendar(DocumentKind):
    """A document kind a later change might add: everything about it is said here."""

    name, media_type, header_kind = "calendar", "application/json", "json"
    routes = (Route(f"{SHOP_PATH}/calendar.json", "Review days of the shop"),)
    response = {"description": "the calendar", "content": {"application/json": {"schema": {"type": "object"}}}}

    def path(self, ref):
        return f"{SHOP_PATH.format(shop=ref.shop)}/calendar.json"

    def parse(self, parts):
        return DocumentRef(self, shop=parts[0]) if len(parts) == 2 and parts[1] == "calendar.json" else None


def test_a_new_kind_is_one_object_the_openapi_document_lists():
    calendar = _Calendar()
    ref = calendar.parse(["a", "calendar.json"])
    assert ref is not None and ref.path == "/v1/a/calendar.json" and ref.shop_path == "calendar.json"
    assert (ref.media_type, ref.header_kind, ref.query_options) == ("application/json", "json", ())
    paths = openapi((*KINDS, calendar))["paths"]
    assert paths["/v1/{shop}/calendar.json"]["get"]["summary"] == "Review days of the shop"
    assert set(paths) - set(openapi(KINDS)["paths"]) == {"/v1/{shop}/calendar.json"}


def test_a_products_widget_has_no_variants():
    with pytest.raises(ValueError, match="no variants"):
        _ = DocumentRef(WIDGET, shop="a", locale="nl", widget="stars", variant="v", product="X").path


def test_only_the_shops_own_summary_and_the_review_feed_list_its_products():
    assert SUMMARY.lists_products(DocumentRef(SUMMARY, shop="a"))
    assert not SUMMARY.lists_products(DocumentRef(SUMMARY, shop="a", product="X"))
    assert REVIEW_FEED.lists_products(DocumentRef(REVIEW_FEED, shop="a"))
    listing = [kind for kind in KINDS if kind.lists_products(DocumentRef(kind, shop="a"))]
    assert listing == [SUMMARY, REVIEW_FEED]


def test_a_site_document_has_no_shop_rendering_and_a_shop_document_no_site_rendering():
    with pytest.raises(ValueError, match="^loader is a site document$"):
        LOADER.render(None, DocumentRef(LOADER), None, None)
    with pytest.raises(ValueError, match="^summary is a shop document$"):
        SUMMARY.render_site(DocumentRef(SUMMARY, shop="a"))


def test_the_query_options_each_document_takes():
    assert DocumentRef(SUMMARY, shop="a").query_options == ()
    assert DocumentRef(REVIEWS, shop="a", locale="nl").query_options == ("stars", "lang")
    assert DocumentRef(WIDGET, shop="a", locale="nl", widget="badge").query_options[:2] == ("theme", "accent")
    assert DocumentRef(WIDGET, shop="a", locale="nl", widget="badge", variant="v").query_options == ()


@pytest.mark.parametrize(
    ("ref", "inside"),
    [
        (DocumentRef(SUMMARY, shop="a"), "summary.json"),
        (DocumentRef(REVIEWS, shop="a", locale="nl", page=3), "nl/reviews-3.json"),
        (DocumentRef(WIDGET, shop="a-b", locale="en", widget="stars", variant="v"), "en/stars--v.html"),
        (DocumentRef(REVIEW_FEED, shop="a"), "products/review-feed.xml"),
    ],
)
def test_shop_path_is_the_path_inside_the_shops_folder(ref, inside):
    assert ref.shop_path == inside


def pages(name: str) -> list[str]:
    return [f"{name}.json", *(f"{name}-{n}.json" for n in range(2, 6))]


def test_shop_documents_lists_every_document_once_in_order():
    shop = Shop("s", "S", ("nl", "en"), "nl", "T", "https://e.nl", variants=(Variant("v", {"theme": "dark"}),))
    reviews = [
        PublicReview(
            f"r{n:03d}",
            5,
            "",
            "",
            "A",
            "nl",
            AS_OF,
            f"2026-11-01T00:00:{n % 60:02d}.000000Z",
            AS_OF,
            "verified",
            "published",
            None,
        )
        for n in range(201)  # five pages: more than the list widget reads whole
    ]
    paths = [ref.path for ref in shop_documents(memory_snapshot(shop, reviews, AS_OF, {}))]
    widgets = [
        path
        for locale in ("nl", "en")
        for path in (
            f"/v1/s/{locale}/method.html",
            *(f"/v1/s/{locale}/{w}{s}.html" for w in WIDGET_NAMES for s in ("", "--v")),
        )
    ]
    assert paths == [
        "/v1/s/summary.json",
        *(f"/v1/s/{locale}/{name}" for name in pages("reviews") for locale in ("nl", "en")),
        # the list widget's files of each rating that has reviews (all are fives)
        *(f"/v1/s/{locale}/{name}" for name in pages("reviews-5star") for locale in ("nl", "en")),
        *widgets,
        "/v1/s/products/review-feed.xml",  # every shop has one: empty without product reviews
    ]


def test_site_documents():
    assert [ref.path for ref in site_documents("0123456789ab")] == [
        "/v1/embed.js",
        "/v1/embed.0123456789ab.js",
        f"/v1/widget.{WIDGET_SCRIPT_DIGEST}.js",
        f"/v1/widget.{LIST_SCRIPT_DIGEST}.js",
        "/v1/openapi.json",
    ]


def test_a_json_answer_refers_to_its_schema():
    assert json_response("Summary", "the summary") == {
        "description": "the summary",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Summary"}}},
    }


def test_a_ratings_files_stop_at_twenty_pages_and_the_list_of_all_does_not():
    shop = Shop("s", "S", ("nl",), "nl", "T", "https://e.nl")
    snapshot = memory_snapshot(shop, rated_reviews({5: 1060}), AS_OF, {})
    paths = [ref.path for ref in shop_documents(snapshot) if ref.kind is REVIEWS]
    assert paths == [
        "/v1/s/nl/reviews.json",
        *(f"/v1/s/nl/reviews-{n}.json" for n in range(2, 23)),  # 1,060 reviews: 22 pages
        "/v1/s/nl/reviews-5star.json",
        *(f"/v1/s/nl/reviews-5star-{n}.json" for n in range(2, 21)),  # the newest 1,000
    ]

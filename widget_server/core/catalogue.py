"""The catalogue of public documents: every kind of document as one object (pure).

A DocumentKind holds all that is true of one kind: its paths (written and read), media type,
header policy, the query options it takes, the options its bytes depend on, how it renders,
and its OpenAPI description. A DocumentRef names one document (a kind and its parts) and knows
its path. The service routes by `parse`, the static build writes `shop_documents` and
`site_documents`, `_headers` and nginx.conf take their patterns from here, the loader its paths
from paths.py, and the OpenAPI document lists KINDS. Nothing else dispatches on a kind: a new
document is a new kind here, added to KINDS.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .csp import LIST_SCRIPT_DIGEST, SCRIPTS, WIDGET_SCRIPT_DIGEST
from .formatting import json_for_script
from .jsonld import product_jsonld
from .loader import loader
from .models import SHOP_ID, SKU
from .openapi import json_response, openapi
from .options import OPTION_NAMES, Resolved, listed_filter
from .paths import (
    JSONLD_FILE,
    JSONLD_PATH,
    LATER_PAGE,
    LOADER_HASH,
    LOADER_HASHED_PATH,
    LOADER_PATH,
    LOCALE,
    METHOD_FILE,
    ONE_STAR,
    OPENAPI_PATH,
    PREFIX,
    PRODUCT_LOCALE_PATH,
    PRODUCT_PATH,
    PRODUCT_WIDGET_PATH,
    PRODUCTS,
    REVIEW_FEED_FILE,
    REVIEW_FEED_PATH,
    SHOP_PATH,
    SUMMARY_FILE,
    VARIANT_SEPARATOR,
    WIDGET_PATH,
    WIDGET_SCRIPT_PATH,
    WINDOW_WORDS,
    Route,
    reviews_file,
)
from .render import render_json, render_method, render_widget
from .review_feed import feed_chunks, render_feed
from .snapshot import Snapshot
from .views import reviews_page
from .widgets import WIDGETS

FILTER_OPTIONS = ("stars", "lang")  # the options reviews.json takes: they pick reviews

_REVIEWS_FILE = re.compile(rf"reviews(?:-({ONE_STAR.pattern})star)?(?:-({LATER_PAGE.pattern}))?\.json")
_WIDGET_FILE = re.compile(rf"([a-z]+)(?:{VARIANT_SEPARATOR}({SHOP_ID.pattern}))?\.html")
_LOADER_FILE = re.compile(rf"embed\.({LOADER_HASH.pattern})\.js")
_WIDGET_SCRIPT_FILE = re.compile(rf"widget\.({LOADER_HASH.pattern})\.js")

_HTML = "text/html; charset=utf-8"
_JSON = "application/json"
_JAVASCRIPT = "text/javascript; charset=utf-8"
_XML = "application/xml"


@dataclass(frozen=True, slots=True)
class DocumentRef:
    kind: DocumentKind
    shop: str = ""
    locale: str = ""
    widget: str = ""
    page: int = 1
    variant: str | None = None
    digest: str = ""  # a hashed script's content hash (the loader's or the widgets')
    product: str = ""  # a product's SKU: the product's summary, JSON-LD, reviews and widgets
    stars: int = 0  # reviews of one star rating only (reviews-3star.json: the list widget's), else 0

    @property
    def path(self) -> str:
        return self.kind.path(self)

    @property
    def shop_path(self) -> str:
        """The path inside the shop's folder (`nl/badge.html`), for shop documents."""
        return self.path.removeprefix(SHOP_PATH.format(shop=self.shop) + "/")

    @property
    def media_type(self) -> str:
        return self.kind.media_type

    @property
    def header_kind(self) -> str:
        return self.kind.header_kind

    @property
    def query_options(self) -> tuple[str, ...]:
        """The query options a request for it may give (none: the query is not read)."""
        return self.kind.query_options(self)


class DocumentKind:
    """What is true of one kind of document. Subclasses fill in the parts that differ."""

    name: str  # for messages and the tests
    media_type: str
    header_kind: str  # the header policy (headers.py): loader, loader-hashed, json or widget
    routes: tuple[Route, ...]  # its URL templates, for the OpenAPI document
    response: dict[str, Any]  # its OpenAPI 200 answer
    site = False  # outside any shop's folder: renders from nothing but its ref
    states_day = False  # its bytes name the day they are made for (a cache key holds that day)
    streams = False  # large enough to be written a piece at a time (`stream`), never held whole

    def path(self, ref: DocumentRef) -> str:
        raise NotImplementedError

    def parse(self, parts: list[str]) -> DocumentRef | None:
        """The document these path segments (below the prefix) name, if of this kind."""
        raise NotImplementedError

    def query_options(self, ref: DocumentRef) -> tuple[str, ...]:
        return ()

    def content_options(self, ref: DocumentRef) -> tuple[str, ...]:
        """The options its bytes depend on (a cache key's part)."""
        return ()

    def lists_products(self, ref: DocumentRef) -> bool:
        """Its bytes name the shop's products, so a change of any product changes it."""
        return False

    def render(self, snapshot: Snapshot, ref: DocumentRef, options: Resolved, directory: Path) -> bytes | None:
        """A shop document's bytes, or None when it does not exist (a page past the last)."""
        raise ValueError(f"{self.name} is a site document")

    def stream(
        self, snapshot: Snapshot, ref: DocumentRef, options: Resolved, directory: Path
    ) -> Iterator[bytes] | None:
        """The bytes of `render` in pieces, for a document too large to hold whole (the review feed)."""
        body = self.render(snapshot, ref, options, directory)
        return None if body is None else iter((body,))

    def render_site(self, ref: DocumentRef) -> bytes | None:
        """A site document's bytes, or None when it does not exist (an old hash)."""
        raise ValueError(f"{self.name} is a shop document")

    def __repr__(self) -> str:
        return f"<document kind {self.name}>"


class _Loader(DocumentKind):
    name, media_type, header_kind, site = "loader", _JAVASCRIPT, "loader", True
    routes = (Route(LOADER_PATH, "The embed loader"),)
    response = {"description": "the loader", "content": {"text/javascript": {"schema": {"type": "string"}}}}

    def path(self, ref: DocumentRef) -> str:
        return LOADER_PATH

    def parse(self, parts: list[str]) -> DocumentRef | None:
        return DocumentRef(self) if parts == ["embed.js"] else None

    def render_site(self, ref: DocumentRef) -> bytes | None:
        return loader().body


class _LoaderHashed(DocumentKind):
    name, media_type, header_kind, site = "loader-hashed", _JAVASCRIPT, "loader-hashed", True
    routes = (Route(LOADER_HASHED_PATH, "The embed loader under its content hash (immutable)"),)
    response = {"description": "the loader", "content": {"text/javascript": {"schema": {"type": "string"}}}}

    def path(self, ref: DocumentRef) -> str:
        return LOADER_HASHED_PATH.format(digest=ref.digest)

    def parse(self, parts: list[str]) -> DocumentRef | None:
        found = _LOADER_FILE.fullmatch(parts[0]) if len(parts) == 1 else None
        return DocumentRef(self, digest=found.group(1)) if found else None

    def render_site(self, ref: DocumentRef) -> bytes | None:
        script = loader()
        return script.body if ref.digest == script.digest else None


class _WidgetScript(DocumentKind):
    name, media_type, site = "widget-script", _JAVASCRIPT, True
    header_kind = "loader-hashed"  # immutable JavaScript too
    routes = (Route(WIDGET_SCRIPT_PATH, "The widgets' script under its content hash (immutable)"),)
    response = {"description": "the widgets' script", "content": {"text/javascript": {"schema": {"type": "string"}}}}

    def path(self, ref: DocumentRef) -> str:
        return WIDGET_SCRIPT_PATH.format(digest=ref.digest)

    def parse(self, parts: list[str]) -> DocumentRef | None:
        found = _WIDGET_SCRIPT_FILE.fullmatch(parts[0]) if len(parts) == 1 else None
        return DocumentRef(self, digest=found.group(1)) if found else None

    def render_site(self, ref: DocumentRef) -> bytes | None:
        return SCRIPTS.get(ref.digest)


class _OpenApi(DocumentKind):
    name, media_type, header_kind, site = "openapi", _JSON, "json", True
    routes = (Route(OPENAPI_PATH, "This document"),)
    response = {"description": "this document", "content": {"application/json": {"schema": {"type": "object"}}}}

    def path(self, ref: DocumentRef) -> str:
        return OPENAPI_PATH

    def parse(self, parts: list[str]) -> DocumentRef | None:
        return DocumentRef(self) if parts == ["openapi.json"] else None

    def render_site(self, ref: DocumentRef) -> bytes | None:
        return render_json(openapi(KINDS))


def _shop(parts: list[str], count: int) -> bool:
    """`count` segments, the first a shop id and (from three segments on) the second a locale."""
    return len(parts) == count and bool(SHOP_ID.fullmatch(parts[0])) and (count < 3 or _locale(parts[1]))


def _locale(segment: str) -> bool:
    return bool(LOCALE.fullmatch(segment))


def _product_parts(parts: list[str]) -> tuple[str, str, str] | None:
    """(shop, sku, file) of /v1/{shop}/products/{sku}/{file}."""
    if len(parts) == 4 and SHOP_ID.fullmatch(parts[0]) and parts[1] == PRODUCTS and SKU.fullmatch(parts[2]):
        return parts[0], parts[2], parts[3]
    return None


def _reviews_numbers(found: re.Match[str]) -> tuple[int, int]:
    """The star rating (0: all) and the page a reviews file's name holds."""
    return int(found.group(1) or 0), int(found.group(2) or 1)


def _product_locale_parts(parts: list[str]) -> tuple[str, str, str, str] | None:
    """(shop, locale, sku, file) of /v1/{shop}/{locale}/products/{sku}/{file}."""
    if len(parts) == 5 and _shop(parts[:3], 3) and parts[2] == PRODUCTS and SKU.fullmatch(parts[3]):
        return parts[0], parts[1], parts[3], parts[4]
    return None


class _Summary(DocumentKind):
    name, media_type, header_kind = "summary", _JSON, "json"
    states_day = True  # "as_of", and the window and its months end on it
    routes = (
        Route(f"{SHOP_PATH}/{SUMMARY_FILE}", f"Score, grade, counts and distribution of {WINDOW_WORDS}"),
        Route(
            f"{PRODUCT_PATH}/{SUMMARY_FILE}",
            "A product's score, grade, counts and distribution (its reviews never count toward the shop's)",
        ),
    )
    response = json_response("Summary", "the summary")

    def path(self, ref: DocumentRef) -> str:
        folder = PRODUCT_PATH.format(shop=ref.shop, sku=ref.product) if ref.product else SHOP_PATH.format(shop=ref.shop)
        return f"{folder}/{SUMMARY_FILE}"

    def parse(self, parts: list[str]) -> DocumentRef | None:
        if _shop(parts, 2) and parts[1] == SUMMARY_FILE:
            return DocumentRef(self, shop=parts[0])
        product = _product_parts(parts)
        if product and product[2] == SUMMARY_FILE:
            return DocumentRef(self, shop=product[0], product=product[1])
        return None

    def lists_products(self, ref: DocumentRef) -> bool:
        return not ref.product

    def render(self, snapshot: Snapshot, ref: DocumentRef, options: Resolved, directory: Path) -> bytes | None:
        return render_json(dict(snapshot.summary))


class _JsonLd(DocumentKind):
    name, media_type, header_kind = "jsonld", _JSON, "json"
    routes = (
        Route(
            JSONLD_PATH,
            "schema.org Product markup for the product's page (where the shop opted in and the source allows it)",
        ),
    )
    response = {
        "description": "schema.org Product JSON-LD, safe to paste inside <script type=application/ld+json>",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }

    def path(self, ref: DocumentRef) -> str:
        return JSONLD_PATH.format(shop=ref.shop, sku=ref.product)

    def parse(self, parts: list[str]) -> DocumentRef | None:
        product = _product_parts(parts)
        return DocumentRef(self, shop=product[0], product=product[1]) if product and product[2] == JSONLD_FILE else None

    def render(self, snapshot: Snapshot, ref: DocumentRef, options: Resolved, directory: Path) -> bytes | None:
        data = product_jsonld(snapshot)
        return None if data is None else (json_for_script(data) + "\n").encode()


class _ReviewFeed(DocumentKind):
    name, media_type, streams = "review-feed", _XML, True
    header_kind = "json"  # data for machines, as summary.json: the same caching, CORS and globs
    routes = (
        Route(
            REVIEW_FEED_PATH,
            "Google's Product Review Feed (schema 2.4): every shown product review of the shop, for Merchant Center",
        ),
    )
    response = {
        "description": "the whole feed, every time (Merchant Center drops what a feed leaves out)",
        "content": {"application/xml": {"schema": {"type": "string"}}},
    }

    def path(self, ref: DocumentRef) -> str:
        return REVIEW_FEED_PATH.format(shop=ref.shop)

    def parse(self, parts: list[str]) -> DocumentRef | None:
        found = len(parts) == 3 and SHOP_ID.fullmatch(parts[0]) and parts[1:] == [PRODUCTS, REVIEW_FEED_FILE]
        return DocumentRef(self, shop=parts[0]) if found else None

    def lists_products(self, ref: DocumentRef) -> bool:
        return True

    def render(self, snapshot: Snapshot, ref: DocumentRef, options: Resolved, directory: Path) -> bytes | None:
        return render_feed(snapshot)

    def stream(
        self, snapshot: Snapshot, ref: DocumentRef, options: Resolved, directory: Path
    ) -> Iterator[bytes] | None:
        return feed_chunks(snapshot)


class _Reviews(DocumentKind):
    name, media_type, header_kind = "reviews", _JSON, "json"
    states_day = True  # "as_of": the newest review's day (Snapshot.listed_on)
    routes = (
        Route(f"{SHOP_PATH}/{{locale}}/reviews.json", "The shown reviews, newest first (first page)", FILTER_OPTIONS),
        Route(f"{SHOP_PATH}/{{locale}}/reviews-{{page}}.json", "A later page of the shown reviews", FILTER_OPTIONS),
        Route(
            f"{PRODUCT_LOCALE_PATH}/reviews.json",
            "A product's shown reviews, newest first (first page)",
            FILTER_OPTIONS,
        ),
        Route(f"{PRODUCT_LOCALE_PATH}/reviews-{{page}}.json", "A later page of a product's reviews", FILTER_OPTIONS),
        *(
            Route(
                f"{folder}/reviews-{{stars}}star{page}.json",
                f"{what} reviews of one star rating, newest first{which}",
                ("lang",),
            )
            for folder, what in ((f"{SHOP_PATH}/{{locale}}", "The shown"), (PRODUCT_LOCALE_PATH, "A product's"))
            for page, which in (
                ("", " (first page; made where all of them take more than four pages)"),
                ("-{page}", " (a later page, up to the rating's newest 1,000 reviews)"),
            )
        ),
    )
    response = json_response("ReviewsPage", "a page of reviews")

    def path(self, ref: DocumentRef) -> str:
        if ref.product:
            folder = PRODUCT_LOCALE_PATH.format(shop=ref.shop, locale=ref.locale, sku=ref.product)
        else:
            folder = f"{SHOP_PATH.format(shop=ref.shop)}/{ref.locale}"
        return f"{folder}/{reviews_file(ref.page, ref.stars)}"

    def parse(self, parts: list[str]) -> DocumentRef | None:
        if _shop(parts, 3) and (found := _REVIEWS_FILE.fullmatch(parts[2])):
            stars, page = _reviews_numbers(found)
            return DocumentRef(self, shop=parts[0], locale=parts[1], page=page, stars=stars)
        product = _product_locale_parts(parts)
        if product and (found := _REVIEWS_FILE.fullmatch(product[3])):
            shop, locale, sku, _ = product
            stars, page = _reviews_numbers(found)
            return DocumentRef(self, shop=shop, locale=locale, page=page, product=sku, stars=stars)
        return None

    def query_options(self, ref: DocumentRef) -> tuple[str, ...]:
        return ("lang",) if ref.stars else FILTER_OPTIONS  # one rating's file names its stars itself

    def content_options(self, ref: DocumentRef) -> tuple[str, ...]:
        return self.query_options(ref)

    def render(self, snapshot: Snapshot, ref: DocumentRef, options: Resolved, directory: Path) -> bytes | None:
        options = options.every_language_by_default()
        if ref.stars:
            one = snapshot.by_star(options.filter).get(ref.stars)
            if one is None or ref.page > snapshot.rating_pages(one):
                return None
            options = replace(options, stars=one.stars)
        reviews = snapshot.page(options.filter, ref.page)
        if reviews is None:
            return None
        page = reviews_page(
            snapshot, reviews, locale=ref.locale, options=options, page=ref.page, directory=directory, stars=ref.stars
        )
        return render_json(page)


class _Method(DocumentKind):
    name, media_type = "method", _HTML
    states_day = True  # "Figures as of", and the month chart ends on it
    header_kind = "widget"  # a page opened from a widget: the same CSP, caching and framing rules
    routes = (
        Route(
            f"{SHOP_PATH}/{{locale}}/{METHOD_FILE}",
            "How the score is calculated: window, counted reviews, sources, month by month",
        ),
    )
    response = {"description": "the method page", "content": {"text/html": {"schema": {"type": "string"}}}}

    def path(self, ref: DocumentRef) -> str:
        return f"{SHOP_PATH.format(shop=ref.shop)}/{ref.locale}/{METHOD_FILE}"

    def parse(self, parts: list[str]) -> DocumentRef | None:
        return (
            DocumentRef(self, shop=parts[0], locale=parts[1]) if _shop(parts, 3) and parts[2] == METHOD_FILE else None
        )

    def render(self, snapshot: Snapshot, ref: DocumentRef, options: Resolved, directory: Path) -> bytes | None:
        return render_method(snapshot, ref.locale, directory)


class _Widget(DocumentKind):
    name, media_type, header_kind = "widget", _HTML, "widget"
    routes = (
        Route(WIDGET_PATH, "A widget as a standalone HTML document", OPTION_NAMES),
        Route(
            WIDGET_PATH.replace("{widget}", f"{{widget}}{VARIANT_SEPARATOR}{{variant}}"),
            "A shop's prebuilt widget variant",
        ),
        Route(
            PRODUCT_WIDGET_PATH.replace("{widget}", "{product_widget}"),
            "A product's star snippet or carousel",
            OPTION_NAMES,
        ),
    )
    response = {"description": "the widget document", "content": {"text/html": {"schema": {"type": "string"}}}}

    def path(self, ref: DocumentRef) -> str:
        if ref.product:
            if ref.variant is not None:
                raise ValueError("a product's widget has no variants")
            return PRODUCT_WIDGET_PATH.format(shop=ref.shop, locale=ref.locale, sku=ref.product, widget=ref.widget)
        file = ref.widget if ref.variant is None else f"{ref.widget}{VARIANT_SEPARATOR}{ref.variant}"
        return WIDGET_PATH.format(shop=ref.shop, locale=ref.locale, widget=file)

    def parse(self, parts: list[str]) -> DocumentRef | None:
        if _shop(parts, 3) and (found := _WIDGET_FILE.fullmatch(parts[2])) and found.group(1) in WIDGETS:
            return DocumentRef(self, shop=parts[0], locale=parts[1], widget=found.group(1), variant=found.group(2))
        product = _product_locale_parts(parts)
        if product and (found := _WIDGET_FILE.fullmatch(product[3])) and found.group(2) is None:
            shop, locale, sku, _ = product
            spec = WIDGETS.get(found.group(1))
            if spec is not None and spec.product:
                return DocumentRef(self, shop=shop, locale=locale, widget=spec.name, product=sku)
        return None

    def query_options(self, ref: DocumentRef) -> tuple[str, ...]:
        return OPTION_NAMES if ref.variant is None else ()

    def content_options(self, ref: DocumentRef) -> tuple[str, ...]:
        return WIDGETS[ref.widget].options

    def render(self, snapshot: Snapshot, ref: DocumentRef, options: Resolved, directory: Path) -> bytes | None:
        return render_widget(snapshot, ref.widget, ref.locale, options, directory)


LOADER = _Loader()
LOADER_HASHED = _LoaderHashed()
WIDGET_SCRIPT_KIND = _WidgetScript()
OPENAPI = _OpenApi()
SUMMARY = _Summary()
JSONLD = _JsonLd()
REVIEW_FEED = _ReviewFeed()
REVIEWS = _Reviews()
METHOD = _Method()
WIDGET = _Widget()
KINDS: tuple[DocumentKind, ...] = (
    LOADER,
    LOADER_HASHED,
    WIDGET_SCRIPT_KIND,
    OPENAPI,
    SUMMARY,
    JSONLD,
    REVIEW_FEED,
    REVIEWS,
    METHOD,
    WIDGET,
)


def parse(path: str) -> DocumentRef | None:
    """The document a request path names, or None; strict: one spelling per document."""
    if not path.startswith(PREFIX):
        return None
    parts = path[len(PREFIX) :].split("/")
    for kind in KINDS:
        found = kind.parse(parts)
        if found is not None:
            return found
    return None


def shop_documents(snapshot: Snapshot) -> Iterator[DocumentRef]:
    """Every document of one shop the static build writes (default options and variants).

    Pages come page by page across locales, so a build reads each page of reviews once.
    """
    shop = snapshot.shop
    yield DocumentRef(SUMMARY, shop=shop.id)
    yield from _reviews_pages(snapshot)
    for locale in shop.locales:
        yield DocumentRef(METHOD, shop=shop.id, locale=locale)
        for widget in WIDGETS:
            yield DocumentRef(WIDGET, shop=shop.id, locale=locale, widget=widget)
            for variant in shop.variants:
                yield DocumentRef(WIDGET, shop=shop.id, locale=locale, widget=widget, variant=variant.name)
    for product in snapshot.products.values():
        yield from product_documents(product)
    yield DocumentRef(REVIEW_FEED, shop=shop.id)  # every shop: a feed once registered never 404s


def product_documents(product: Snapshot) -> Iterator[DocumentRef]:
    """Every document of one product: its summary, its JSON-LD where allowed, reviews and widgets."""
    shop, sku = product.shop, product.product.sku if product.product else ""
    yield DocumentRef(SUMMARY, shop=shop.id, product=sku)
    if product_jsonld(product) is not None:
        yield DocumentRef(JSONLD, shop=shop.id, product=sku)
    yield from _reviews_pages(product)
    for locale in shop.locales:
        for name, spec in WIDGETS.items():
            if spec.product:
                yield DocumentRef(WIDGET, shop=shop.id, locale=locale, widget=name, product=sku)


def _reviews_pages(snapshot: Snapshot) -> Iterator[DocumentRef]:
    """The pages of reviews.json, then of each star rating's reviews where they exist (Snapshot.by_star),
    page by page across locales, so a build reads each page of reviews once."""
    shop, sku = snapshot.shop, snapshot.product.sku if snapshot.product else ""
    listed = listed_filter(shop)
    for stars, wanted in ((0, listed), *snapshot.by_star(listed).items()):
        for page in range(1, (snapshot.rating_pages(wanted) if stars else snapshot.pages(wanted)) + 1):
            for locale in shop.locales:
                yield DocumentRef(REVIEWS, shop=shop.id, locale=locale, page=page, product=sku, stars=stars)


def site_documents(loader_digest: str) -> list[DocumentRef]:
    """The documents outside any shop's folder."""
    return [
        DocumentRef(LOADER),
        DocumentRef(LOADER_HASHED, digest=loader_digest),
        DocumentRef(WIDGET_SCRIPT_KIND, digest=WIDGET_SCRIPT_DIGEST),
        DocumentRef(WIDGET_SCRIPT_KIND, digest=LIST_SCRIPT_DIGEST),
        DocumentRef(OPENAPI),
    ]


# Globs of a shop's documents by header kind, for server configurations (`_headers`, nginx).
SHOP_GLOBS = (
    (f"{SHOP_PATH}/{SUMMARY_FILE}", SUMMARY.header_kind),
    (f"{SHOP_PATH}/{PRODUCTS}/*", JSONLD.header_kind),
    (f"{SHOP_PATH}/{{locale}}/*.json", REVIEWS.header_kind),
    (f"{SHOP_PATH}/{{locale}}/*.html", WIDGET.header_kind),
)
# A regular expression for the widget documents of one shop (nginx location).
WIDGET_REGEX = f"^{PREFIX}{{shop}}/[a-z]+/(?:{PRODUCTS}/[A-Za-z0-9._-]+/)?[a-z0-9-]+\\.html$"

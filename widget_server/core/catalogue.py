"""The catalogue of public documents: the one place URLs are written and read (pure).

A DocumentRef names one document of the URL tree and knows its path; `parse` turns a path
back into a ref. The service routes by `parse`, the static build writes `shop_documents` and
`site_documents`, `_headers` and nginx.conf take their patterns from here, the loader gets
WIDGET_PATH, and the OpenAPI document lists ROUTES. So "the same URL tree" holds by
construction.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .csp import WIDGET_SCRIPT_DIGEST
from .jsonld import product_jsonld
from .models import SHOP_ID, SKU
from .options import OPTION_NAMES, Options
from .snapshot import Snapshot
from .widgets import WIDGETS

PREFIX = "/v1/"
LOCALE = re.compile(r"[a-z]{2,3}")
LOADER_HASH = re.compile(r"[0-9a-f]{12}")
LATER_PAGE = re.compile(r"[2-9]|[1-9][0-9]{1,5}")  # reviews-N.json: the first page is reviews.json
VARIANT_SEPARATOR = "--"
FILTER_OPTIONS = ("stars", "lang")  # the options reviews.json takes: they pick reviews
WIDGET_PATH = "/v1/{shop}/{locale}/{widget}.html"  # {widget} is `name` or `name--variant`
PRODUCT_WIDGET_PATH = "/v1/{shop}/{locale}/products/{sku}/{widget}.html"
JSONLD_PATH = "/v1/{shop}/products/{sku}/jsonld.json"

_REVIEWS_FILE = re.compile(rf"reviews(?:-({LATER_PAGE.pattern}))?\.json")
_WIDGET_FILE = re.compile(rf"([a-z]+)(?:{VARIANT_SEPARATOR}({SHOP_ID.pattern}))?\.html")
_LOADER_FILE = re.compile(rf"embed\.({LOADER_HASH.pattern})\.js")
_WIDGET_SCRIPT_FILE = re.compile(rf"widget\.({LOADER_HASH.pattern})\.js")

# What each kind of document is, for Content-Type and for the header policy (headers.py).
MEDIA_TYPES = {
    "loader": "text/javascript; charset=utf-8",
    "loader-hashed": "text/javascript; charset=utf-8",
    "widget-script": "text/javascript; charset=utf-8",
    "openapi": "application/json",
    "summary": "application/json",
    "reviews": "application/json",
    "widget": "text/html; charset=utf-8",
    "method": "text/html; charset=utf-8",
    "jsonld": "application/json",
}
HEADER_KINDS = {
    "loader": "loader",
    "loader-hashed": "loader-hashed",
    "widget-script": "loader-hashed",  # immutable JavaScript too
    "openapi": "json",
    "summary": "json",
    "reviews": "json",
    "widget": "widget",
    "method": "widget",  # a page opened from a widget: the same CSP, caching and framing rules
    "jsonld": "json",
}
PRODUCTS = "products"  # the folder of a shop's product documents
JSONLD_FILE = "jsonld.json"
METHOD_FILE = "method.html"
WINDOW_WORDS = "{window}"  # in a route's summary: the window in words, filled in when OpenAPI is made


@dataclass(frozen=True, slots=True)
class DocumentRef:
    kind: str  # a key of MEDIA_TYPES
    shop: str = ""
    locale: str = ""
    widget: str = ""
    page: int = 1
    variant: str | None = None
    digest: str = ""  # a hashed script's content hash (the loader's or the widgets')
    product: str = ""  # a product's SKU: the product's summary, JSON-LD, reviews and widgets

    @property
    def path(self) -> str:
        if self.product:
            return self._product_path()
        if self.kind == "loader":
            return f"{PREFIX}embed.js"
        if self.kind == "loader-hashed":
            return f"{PREFIX}embed.{self.digest}.js"
        if self.kind == "widget-script":
            return f"{PREFIX}widget.{self.digest}.js"
        if self.kind == "openapi":
            return f"{PREFIX}openapi.json"
        if self.kind == "summary":
            return f"{PREFIX}{self.shop}/summary.json"
        if self.kind == "reviews":
            return f"{PREFIX}{self.shop}/{self.locale}/{reviews_file(self.page)}"
        if self.kind == "method":
            return f"{PREFIX}{self.shop}/{self.locale}/{METHOD_FILE}"
        if self.kind == "widget":
            file = self.widget if self.variant is None else f"{self.widget}{VARIANT_SEPARATOR}{self.variant}"
            return WIDGET_PATH.format(shop=self.shop, locale=self.locale, widget=file)
        raise ValueError(f"unknown document kind {self.kind!r}")

    def _product_path(self) -> str:
        shop_level = f"{PREFIX}{self.shop}/{PRODUCTS}/{self.product}"
        if self.kind == "summary":
            return f"{shop_level}/summary.json"
        if self.kind == "jsonld":
            return f"{shop_level}/{JSONLD_FILE}"
        folder = f"{PREFIX}{self.shop}/{self.locale}/{PRODUCTS}/{self.product}"
        if self.kind == "reviews":
            return f"{folder}/{reviews_file(self.page)}"
        if self.kind == "widget" and self.variant is None:
            return f"{folder}/{self.widget}.html"
        raise ValueError(f"no {self.kind!r} document for a product")

    @property
    def shop_path(self) -> str:
        """The path inside the shop's folder (`nl/badge.html`), for shop documents."""
        return self.path.removeprefix(f"{PREFIX}{self.shop}/")

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.kind]

    @property
    def header_kind(self) -> str:
        return HEADER_KINDS[self.kind]


def method_href(product: bool) -> str:
    """The method page relative to a widget of the shop, or of one of its products."""
    return f"../../{METHOD_FILE}" if product else METHOD_FILE


def reviews_file(page: int) -> str:
    """`reviews.json` for the first page, `reviews-2.json` for the second, and so on."""
    return "reviews.json" if page == 1 else f"reviews-{page}.json"


def parse(path: str) -> DocumentRef | None:
    """The document a request path names, or None; strict: one spelling per document."""
    if not path.startswith(PREFIX):
        return None
    parts = path[len(PREFIX) :].split("/")
    if len(parts) == 1:
        (name,) = parts
        if name == "embed.js":
            return DocumentRef("loader")
        if name == "openapi.json":
            return DocumentRef("openapi")
        hashed = _LOADER_FILE.fullmatch(name)
        if hashed:
            return DocumentRef("loader-hashed", digest=hashed.group(1))
        script = _WIDGET_SCRIPT_FILE.fullmatch(name)
        return DocumentRef("widget-script", digest=script.group(1)) if script else None
    if not SHOP_ID.fullmatch(parts[0]):
        return None
    if len(parts) == 4 and parts[1] == PRODUCTS and SKU.fullmatch(parts[2]):
        shop, _, sku, name = parts
        if name == "summary.json":
            return DocumentRef("summary", shop=shop, product=sku)
        return DocumentRef("jsonld", shop=shop, product=sku) if name == JSONLD_FILE else None
    if len(parts) == 5 and parts[2] == PRODUCTS and LOCALE.fullmatch(parts[1]) and SKU.fullmatch(parts[3]):
        shop, locale, _, sku, name = parts
        reviews = _REVIEWS_FILE.fullmatch(name)
        if reviews:
            return DocumentRef("reviews", shop=shop, locale=locale, page=int(reviews.group(1) or 1), product=sku)
        widget = _WIDGET_FILE.fullmatch(name)
        if widget and widget.group(2) is None and widget.group(1) in WIDGETS and WIDGETS[widget.group(1)].product:
            return DocumentRef("widget", shop=shop, locale=locale, widget=widget.group(1), product=sku)
        return None
    if len(parts) == 2:
        return DocumentRef("summary", shop=parts[0]) if parts[1] == "summary.json" else None
    if len(parts) != 3 or not LOCALE.fullmatch(parts[1]):
        return None
    shop, locale, name = parts
    if name == METHOD_FILE:
        return DocumentRef("method", shop=shop, locale=locale)
    reviews = _REVIEWS_FILE.fullmatch(name)
    if reviews:
        return DocumentRef("reviews", shop=shop, locale=locale, page=int(reviews.group(1) or 1))
    widget = _WIDGET_FILE.fullmatch(name)
    if widget and widget.group(1) in WIDGETS:
        return DocumentRef("widget", shop=shop, locale=locale, widget=widget.group(1), variant=widget.group(2))
    return None


def shop_documents(snapshot: Snapshot) -> Iterator[DocumentRef]:
    """Every document of one shop the static build writes (default options and variants).

    Pages come page by page across locales, so a build reads each page of reviews once.
    """
    shop = snapshot.shop
    yield DocumentRef("summary", shop=shop.id)
    for page in range(1, snapshot.pages(Options().resolve(shop).every_language_by_default().filter) + 1):
        for locale in shop.locales:
            yield DocumentRef("reviews", shop=shop.id, locale=locale, page=page)
    for locale in shop.locales:
        yield DocumentRef("method", shop=shop.id, locale=locale)
        for widget in WIDGETS:
            yield DocumentRef("widget", shop=shop.id, locale=locale, widget=widget)
            for variant in shop.variants:
                yield DocumentRef("widget", shop=shop.id, locale=locale, widget=widget, variant=variant.name)
    for product in snapshot.products.values():
        yield from product_documents(product)


def product_documents(product: Snapshot) -> Iterator[DocumentRef]:
    """Every document of one product: its summary, its JSON-LD where allowed, reviews and widgets."""
    shop, sku = product.shop, product.product.sku if product.product else ""
    yield DocumentRef("summary", shop=shop.id, product=sku)
    if product_jsonld(product) is not None:
        yield DocumentRef("jsonld", shop=shop.id, product=sku)
    pages = product.pages(Options().resolve(shop).every_language_by_default().filter)
    for locale in shop.locales:
        for page in range(1, pages + 1):
            yield DocumentRef("reviews", shop=shop.id, locale=locale, page=page, product=sku)
        for name, spec in WIDGETS.items():
            if spec.product:
                yield DocumentRef("widget", shop=shop.id, locale=locale, widget=name, product=sku)


def site_documents(loader_digest: str) -> list[DocumentRef]:
    """The documents outside any shop's folder."""
    return [
        DocumentRef("loader"),
        DocumentRef("loader-hashed", digest=loader_digest),
        DocumentRef("widget-script", digest=WIDGET_SCRIPT_DIGEST),
        DocumentRef("openapi"),
    ]


# Globs of a shop's documents by header kind, for server configurations (`_headers`, nginx).
SHOP_GLOBS = (
    (f"{PREFIX}{{shop}}/summary.json", "json"),
    (f"{PREFIX}{{shop}}/{PRODUCTS}/*", "json"),
    (f"{PREFIX}{{shop}}/{{locale}}/*.json", "json"),
    (f"{PREFIX}{{shop}}/{{locale}}/*.html", "widget"),
)
# A regular expression for the widget documents of one shop (nginx location).
WIDGET_REGEX = f"^{PREFIX}{{shop}}/[a-z]+/(?:{PRODUCTS}/[A-Za-z0-9._-]+/)?[a-z0-9-]+\\.html$"


@dataclass(frozen=True, slots=True)
class Route:
    """A URL template of the tree, for the OpenAPI document and the server configurations."""

    template: str
    kind: str
    summary: str
    options: tuple[str, ...] = ()  # the query options it takes (a variant takes none: it has its own)


PARAMETERS = {
    "shop": SHOP_ID.pattern,
    "locale": LOCALE.pattern,
    "page": LATER_PAGE.pattern,
    "widget": "|".join(WIDGETS),
    "variant": SHOP_ID.pattern,
    "digest": LOADER_HASH.pattern,
    "sku": SKU.pattern,
    "product_widget": "|".join(name for name, spec in WIDGETS.items() if spec.product),
}
ROUTES = (
    Route(f"{PREFIX}embed.js", "loader", "The embed loader"),
    Route(f"{PREFIX}embed.{{digest}}.js", "loader-hashed", "The embed loader under its content hash (immutable)"),
    Route(f"{PREFIX}widget.{{digest}}.js", "widget-script", "The widgets' script under its content hash (immutable)"),
    Route(f"{PREFIX}openapi.json", "openapi", "This document"),
    Route(f"{PREFIX}{{shop}}/summary.json", "summary", f"Score, grade, counts and distribution of {WINDOW_WORDS}"),
    Route(
        f"{PREFIX}{{shop}}/{{locale}}/reviews.json",
        "reviews",
        "The shown reviews, newest first (first page)",
        FILTER_OPTIONS,
    ),
    Route(
        f"{PREFIX}{{shop}}/{{locale}}/reviews-{{page}}.json",
        "reviews",
        "A later page of the shown reviews",
        FILTER_OPTIONS,
    ),
    Route(
        f"{PREFIX}{{shop}}/{{locale}}/{METHOD_FILE}",
        "method",
        "How the score is calculated: window, counted reviews, sources, month by month",
    ),
    Route(WIDGET_PATH, "widget", "A widget as a standalone HTML document", OPTION_NAMES),
    Route(
        WIDGET_PATH.replace("{widget}", f"{{widget}}{VARIANT_SEPARATOR}{{variant}}"),
        "widget",
        "A shop's prebuilt widget variant",
    ),
    Route(
        f"{PREFIX}{{shop}}/{PRODUCTS}/{{sku}}/summary.json",
        "summary",
        "A product's score, grade, counts and distribution (its reviews never count toward the shop's)",
    ),
    Route(
        f"{PREFIX}{{shop}}/{PRODUCTS}/{{sku}}/{JSONLD_FILE}",
        "jsonld",
        "schema.org Product markup for the product's page (where the shop opted in and the source allows it)",
    ),
    Route(
        f"{PREFIX}{{shop}}/{{locale}}/{PRODUCTS}/{{sku}}/reviews.json",
        "reviews",
        "A product's shown reviews, newest first (first page)",
        FILTER_OPTIONS,
    ),
    Route(
        f"{PREFIX}{{shop}}/{{locale}}/{PRODUCTS}/{{sku}}/reviews-{{page}}.json",
        "reviews",
        "A later page of a product's reviews",
        FILTER_OPTIONS,
    ),
    Route(
        f"{PREFIX}{{shop}}/{{locale}}/{PRODUCTS}/{{sku}}/{{product_widget}}.html",
        "widget",
        "A product's star snippet or carousel",
        OPTION_NAMES,
    ),
)

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
from .models import SHOP_ID
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
}
METHOD_FILE = "method.html"


@dataclass(frozen=True, slots=True)
class DocumentRef:
    kind: str  # a key of MEDIA_TYPES
    shop: str = ""
    locale: str = ""
    widget: str = ""
    page: int = 1
    variant: str | None = None
    digest: str = ""  # a hashed script's content hash (the loader's or the widgets')

    @property
    def path(self) -> str:
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
    (f"{PREFIX}{{shop}}/{{locale}}/*.json", "json"),
    (f"{PREFIX}{{shop}}/{{locale}}/*.html", "widget"),
)
# A regular expression for the widget documents of one shop (nginx location).
WIDGET_REGEX = f"^{PREFIX}{{shop}}/[a-z]+/[a-z0-9-]+\\.html$"


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
}
ROUTES = (
    Route(f"{PREFIX}embed.js", "loader", "The embed loader"),
    Route(f"{PREFIX}embed.{{digest}}.js", "loader-hashed", "The embed loader under its content hash (immutable)"),
    Route(f"{PREFIX}widget.{{digest}}.js", "widget-script", "The widgets' script under its content hash (immutable)"),
    Route(f"{PREFIX}openapi.json", "openapi", "This document"),
    Route(f"{PREFIX}{{shop}}/summary.json", "summary", "Score, grade, counts and distribution of the last 12 months"),
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
)

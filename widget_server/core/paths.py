"""The names of the URL tree: its prefix, path templates and the patterns of their parts (pure).

The catalogue (catalogue.py) builds its document kinds from these; the modules the kinds
render with (the loader, the widget renderer, the views) take their few paths from here, so
that no module below the catalogue spells a path of its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .models import SHOP_ID, SKU
from .widgets import WIDGETS

PREFIX = "/v1/"  # every public document, and the push endpoint, lives below it
TREE = PREFIX.strip("/")  # the same as the static build's top folder
LOCALE = re.compile(r"[a-z]{2,3}")
LOADER_HASH = re.compile(r"[0-9a-f]{12}")
LATER_PAGE = re.compile(r"[2-9]|[1-9][0-9]{1,5}")  # reviews-N.json: the first page is reviews.json
ONE_STAR = re.compile(r"[1-5]")  # reviews-3star.json: the reviews of one star rating (the list widget's)
VARIANT_SEPARATOR = "--"
PRODUCTS = "products"  # the folder of a shop's product documents
JSONLD_FILE = "jsonld.json"
METHOD_FILE = "method.html"
REVIEW_FEED_FILE = "review-feed.xml"  # Google's Product Review Feed of all the shop's products
SUMMARY_FILE = "summary.json"

LOADER_PATH = f"{PREFIX}embed.js"
LOADER_HASHED_PATH = f"{PREFIX}embed.{{digest}}.js"
WIDGET_SCRIPT_PATH = f"{PREFIX}widget.{{digest}}.js"
OPENAPI_PATH = f"{PREFIX}openapi.json"
SHOP_PATH = f"{PREFIX}{{shop}}"  # a shop's folder
WIDGET_PATH = f"{SHOP_PATH}/{{locale}}/{{widget}}.html"  # {widget} is `name` or `name--variant`
PRODUCT_PATH = f"{SHOP_PATH}/{PRODUCTS}/{{sku}}"  # a product's locale-free documents
PRODUCT_LOCALE_PATH = f"{SHOP_PATH}/{{locale}}/{PRODUCTS}/{{sku}}"  # a product's documents in a locale
PRODUCT_WIDGET_PATH = f"{PRODUCT_LOCALE_PATH}/{{widget}}.html"
JSONLD_PATH = f"{PRODUCT_PATH}/{JSONLD_FILE}"
REVIEW_FEED_PATH = f"{SHOP_PATH}/{PRODUCTS}/{REVIEW_FEED_FILE}"
PUSH_PATH = f"{SHOP_PATH}/reviews"  # POST: a shop's back-office pushes reviews
WINDOW_WORDS = "{window}"  # in a route's summary: the window in words, filled in when OpenAPI is made

# Every {name} of a template above, as the pattern its value must match.
PARAMETERS = {
    "shop": SHOP_ID.pattern,
    "locale": LOCALE.pattern,
    "page": LATER_PAGE.pattern,
    "stars": ONE_STAR.pattern,
    "widget": "|".join(WIDGETS),
    "variant": SHOP_ID.pattern,
    "digest": LOADER_HASH.pattern,
    "sku": SKU.pattern,
    "product_widget": "|".join(name for name, spec in WIDGETS.items() if spec.product),
}


@dataclass(frozen=True, slots=True)
class Route:
    """A URL template of the tree, for the OpenAPI document."""

    template: str
    summary: str
    options: tuple[str, ...] = ()  # the query options it takes (a variant takes none: it has its own)


def shop_folder(shop_id: str) -> str:
    """A shop's folder inside the tree (`v1/wtw-winkel`): the static build's and publish's unit."""
    return SHOP_PATH.format(shop=shop_id).lstrip("/")


def method_href(product: bool) -> str:
    """The method page relative to a widget of the shop, or of one of its products."""
    return f"../../{METHOD_FILE}" if product else METHOD_FILE


def reviews_file(page: int, stars: int = 0) -> str:
    """`reviews.json` for the first page, `reviews-2.json` for the second, and so on; of one star
    rating's reviews, `reviews-3star.json`, `reviews-3star-2.json`."""
    name = f"reviews-{stars}star" if stars else "reviews"
    return f"{name}.json" if page == 1 else f"{name}-{page}.json"

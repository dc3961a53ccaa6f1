"""The embed loader script, and its content-hashed name for immutable caching and SRI."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, FileSystemLoader

from widget_templates import TEMPLATES_DIR

from .csp import minify
from .i18n import available_locales, locales_dir, translations
from .models import SKU
from .options import OPTION_NAMES, PRESENTATION_OPTIONS
from .paths import JSONLD_PATH, LOADER_HASHED_PATH, PRODUCT_WIDGET_PATH, VARIANT_SEPARATOR, WIDGET_PATH
from .widgets import HEIGHTS, WIDGETS


@dataclass(frozen=True, slots=True)
class Loader:
    body: bytes
    digest: str  # the first 12 hex digits of its SHA-256: the hashed file's name
    integrity: str

    @property
    def hashed_name(self) -> str:
        return LOADER_HASHED_PATH.format(digest=self.digest).rsplit("/", 1)[1]


def path_expression(template: str, names: dict[str, str]) -> str:
    """A JavaScript expression that builds a catalogue path by concatenation (no String methods).

    path_expression("/v1/{shop}/x.html", {"shop": "shop"}) == '"/v1/" + shop + "/x.html"'
    """
    parts = []
    for n, piece in enumerate(re.split(r"\{([a-z]+)\}", template)):
        if n % 2:
            parts.append(names[piece])
        elif piece:
            parts.append(json.dumps(piece))
    return " + ".join(parts)


def widget_labels() -> dict[str, dict[str, str]]:
    """Each widget's name in each locale, for iframe titles before the widget reports its own."""
    directory = locales_dir()
    labels = {}
    for locale in available_locales(directory):
        gettext = translations(locale, directory).gettext
        labels[locale] = {name: gettext(spec.label) for name, spec in WIDGETS.items()}
    return labels


@cache
def loader() -> Loader:
    env = Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=False)
    source = env.get_template("embed.js").render(
        heights=HEIGHTS,
        path_expression=path_expression(WIDGET_PATH, {"shop": "shop", "locale": "locale", "widget": "file"}),
        product_expression=path_expression(
            PRODUCT_WIDGET_PATH, {"shop": "shop", "locale": "locale", "sku": "sku", "widget": "file"}
        ),
        jsonld_expression=path_expression(JSONLD_PATH, {"shop": "shop", "sku": "sku"}),
        sku_pattern=SKU.pattern,
        product_widgets=[name for name, spec in WIDGETS.items() if spec.product],
        variant_separator=VARIANT_SEPARATOR,
        options=OPTION_NAMES,
        presentation=PRESENTATION_OPTIONS,
        titles=widget_labels(),
    )
    body = minify(source).encode()
    return Loader(
        body=body,
        digest=hashlib.sha256(body).hexdigest()[:12],
        integrity="sha384-" + base64.b64encode(hashlib.sha384(body).digest()).decode(),
    )

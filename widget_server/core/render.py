"""Rendering: the Jinja environment, widgets as HTML documents, JSON, and the render version.

The service and the static build both call these functions (through documents.py), so a file
on a CDN and a live response are the same bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, MutableMapping
from functools import cache
from pathlib import Path
from typing import Any, cast

import markupsafe
import orjson
from jinja2 import BytecodeCache, Environment, FileSystemLoader, StrictUndefined, Template
from jinja2.bccache import Bucket
from jinja2.runtime import Context, Macro
from markupsafe import Markup, escape

from widget_server import __version__
from widget_templates import TEMPLATES_DIR

from .csp import (
    DOCUMENT_CSP,
    LIST_SCRIPT_DIGEST,
    LIST_SCRIPT_INTEGRITY,
    METHOD_CSP,
    WIDGET_SCRIPT_DIGEST,
    WIDGET_SCRIPT_INTEGRITY,
)
from .formatting import language_names, star_list
from .i18n import available_locales, locales_dir, translations
from .method import CHART_WIDTH, method_view
from .options import Resolved, listed_filter
from .paths import WIDGET_SCRIPT_PATH, method_href
from .snapshot import Snapshot
from .themes import palette_css, theme_for
from .views import ago_phrases, list_view, review_view, summary_view
from .widgets import FOOTER_WIDE_FROM, WIDGETS

# markupsafe's C escaper, which markupsafe.escape wraps in a Markup (private: where it is gone,
# the public escape, as a str).
_escape_text: Callable[[str], str] = getattr(markupsafe, "_escape_inner", None) or (lambda text: str(escape(text)))


class _Message(Markup):
    """A translation in a template (`{% trans %}` makes each one `Markup(gettext(...)) % values`),
    its values escaped as Markup's `%` escapes them, without a helper object per value: Markup's
    `%` took an eighth of a product widget's render."""

    __slots__ = ()

    def __mod__(self, values: Any) -> _Message:
        if type(values) is not dict:
            return super().__mod__(values)
        escaped = {}
        for key, value in values.items():
            kind = type(value)
            if kind is str:
                escaped[key] = _escape_text(value)
            elif kind in _SAFE or kind is int:  # as Markup's `%` writes them (%s or %d)
                escaped[key] = value
            else:
                return super().__mod__(values)
        return _Message(str.__mod__(self, escaped))


_SAFE = (Markup, _Message)


def _escape_output(value: Any) -> str:
    """What `{{ value }}` writes, the characters markupsafe.escape writes, as a plain str.

    Jinja's compiled templates call `escape` only on what they write out, which they join into
    one str (a macro's or a block set's text is made Markup after the join), so a Markup per
    value is never needed: making one took a quarter of a product widget's render.
    """
    kind = type(value)
    if kind is str:
        return _escape_text(value)
    if kind in _SAFE:  # safe already: escape would copy it
        return cast(str, value)
    if kind is int:
        return str(value)
    return escape(value)


class _Template(Template):
    """A template whose compiled code escapes its output with `_escape_output` and makes its
    translations `_Message`s (the names `escape` and `Markup` in that code)."""

    @classmethod
    def _from_namespace(cls, environment: Environment, namespace: Any, globals: Any) -> Template:
        namespace["escape"] = _escape_output
        namespace["Markup"] = _Message
        return super()._from_namespace(environment, namespace, globals)


# What the compiled code adds to a call inside a loop or block, for a callable that takes the
# context; Context.call drops them for any other.
_CALL_VARS = frozenset(("_loop_vars", "_block_vars"))


class _Context(Context):
    """A render's context whose calls of a macro with all its arguments, by position, go
    straight to the macro's body, as Macro.__call__ would after sorting out the arguments
    (a product widget calls 5 to 15 macros: a review card each), and whose calls of the
    catalog's gettext and ngettext (each {% trans %}) go straight to the catalog: Context.call
    would look for a context, environment or eval context to pass them and find none."""

    def call(__self, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - Context.call's names
        gettext, ngettext = __self.environment.catalog_calls  # type: ignore[attr-defined]
        if (__obj is gettext or __obj is ngettext) and kwargs.keys() <= _CALL_VARS:
            return __obj(*args)
        if (
            type(__obj) is Macro
            and len(args) == __obj._argument_count
            and not (__obj.caller or __obj.catch_kwargs or __obj.catch_varargs)
            and kwargs.keys() <= _CALL_VARS
        ):
            return __obj._invoke(list(args), __self.eval_ctx.autoescape)
        return super().call(__obj, *args, **kwargs)


class _Environment(Environment):
    """Jinja with `view.name` read as the key of a plain dict first (views are dicts): the
    default tries the attribute, and the AttributeError it catches cost a fifth of a review
    card's render. No template calls a dict method."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)

    def make_globals(self, d: MutableMapping[str, Any] | None) -> MutableMapping[str, Any]:
        """A template's globals as one plain dict, not Jinja's ChainMap over the environment's:
        each render copies them into its context and each `{% from %}` compares their keys,
        through the ChainMap's Python methods a key at a time (a tenth of a star snippet's
        render). `environment()` sets every global before it loads a template."""
        return {**self.globals, **(d or {})}

    template_class = _Template
    context_class = _Context
    catalog_calls: tuple[Any, Any] = (object(), object())  # environment() installs the catalog's


class _SharedCode(BytecodeCache):
    """Compiled templates kept in memory and shared by the locales' environments (each
    environment would compile every template again: a tenth of a second per build process)."""

    def __init__(self) -> None:
        self.compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


_COMPILED = _SharedCode()


@cache
def environment(locale: str, directory: Path) -> Environment:
    env = _Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        bytecode_cache=_COMPILED,
        autoescape=True,
        extensions=["jinja2.ext.i18n"],
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,  # templates are package data; render_version() covers them
    )
    # Old-style gettext: the translation is marked safe and Markup % escapes the variables;
    # measured 0.36 ms → 0.27 ms for a badge against newstyle.
    catalog = translations(locale, directory)
    env.install_gettext_translations(catalog, newstyle=False)  # type: ignore[attr-defined]
    # `_` straight to the catalog: the extension's alias resolves `gettext` through the context
    # on every call, a third of a widget's Jinja calls; the words and escaping are the same.
    # The very object the extension installed (catalog.gettext), which _Context.call knows.
    env.globals["_"] = env.globals["gettext"]
    env.catalog_calls = (env.globals["gettext"], env.globals["ngettext"])
    return env


def widget_title(label: str, shop_name: str, locale: str, directory: Path) -> str:
    """The document's title, which the loader also gives its iframe: "Reviewbadge – Beoordelingen van X"."""
    gettext = translations(locale, directory).gettext
    return f"{gettext(label)} – {gettext('Reviews of %(name)s') % {'name': shop_name}}"


def shows_reviews(snapshot: Snapshot) -> bool:
    """Whether the shop (or the product) shows any review, counted or not: where there is no
    score, the widgets say "no reviews yet" only when it shows none."""
    return any(snapshot.shown.values())


def render_widget(
    snapshot: Snapshot,
    widget: str,
    locale: str,
    options: Resolved,
    directory: Path | None = None,
) -> bytes:
    """A widget as a complete, standalone HTML document (of the shop, or of `snapshot.product`)."""
    directory = directory or locales_dir()
    spec = WIDGETS[widget]
    options = options.settle(locale, snapshot.has_language)
    count = spec.review_count(options)
    # The list widget lists what reviews.json lists, whatever filter the query asked for (its
    # visitor filters): its bytes depend on presentation options only.
    wanted = listed_filter(snapshot.shop) if spec.grows else options.filter
    reviews = snapshot.newest(wanted, count) if count else []
    subject = snapshot.product.name if snapshot.product else snapshot.shop.name
    context = {
        "locale": locale,
        "widget": widget,
        "title": widget_title(spec.label, subject, locale, directory),
        "label": translations(locale, directory).gettext(spec.label),
        "subject": subject,
        "method_href": method_href(snapshot.product is not None),
        "theme": options.theme,
        "theme_class": theme_for(options.theme, options.background),
        "palette": palette_css(),
        "accent": options.accent,
        "background": options.background,
        "height": spec.inner_height,
        "wide_from": FOOTER_WIDE_FROM,
        "footer_reviews": WIDGETS["footer"].reviews,
        "csp": DOCUMENT_CSP,
        "script_path": WIDGET_SCRIPT_PATH.format(digest=WIDGET_SCRIPT_DIGEST),
        "script_integrity": WIDGET_SCRIPT_INTEGRITY,
        "list_script_path": WIDGET_SCRIPT_PATH.format(digest=LIST_SCRIPT_DIGEST),
        "list_script_integrity": LIST_SCRIPT_INTEGRITY,
        "list": list_view(snapshot, wanted, locale, directory) if spec.grows else None,
        "grows": spec.grows,
        "shop_name": snapshot.shop.name,
        "shows_reviews": shows_reviews(snapshot),
        "summary": snapshot.derived(
            ("summary", locale, directory), lambda: summary_view(snapshot.summary, locale, directory)
        ),
        "reviews": [review_view(r, locale, directory, snapshot.shop.source) for r in reviews],
        "ago": ago_phrases(locale, directory) if reviews else "",
        # What the widget leaves out, said in words: the filter it lists by (the list's too).
        "view": {
            "filter_stars": star_list(wanted.stars, locale) if wanted.stars else None,
            # "with 1 star", "with 1 and 2 stars": one star only when one rating of one is named
            "filter_stars_count": wanted.stars[0] if len(wanted.stars) == 1 else len(wanted.stars),
            "filter_languages": language_names(wanted.lang, locale) if wanted.lang else None,
        },
    }
    return environment(locale, directory).get_template(spec.template).render(context).encode()


def render_method(snapshot: Snapshot, locale: str, directory: Path | None = None) -> bytes:
    """The method page: how the shop's score is made, every number from its summary."""
    directory = directory or locales_dir()
    gettext = translations(locale, directory).gettext
    context = {
        "locale": locale,
        "title": gettext("How the review score of %(name)s is calculated") % {"name": snapshot.shop.name},
        "csp": METHOD_CSP,
        "accent": snapshot.shop.accent,
        "chart_width": CHART_WIDTH,
        "shop_name": snapshot.shop.name,
        "shows_reviews": shows_reviews(snapshot),
        "summary": method_view(snapshot.summary, locale, directory),
    }
    return environment(locale, directory).get_template("method.html").render(context).encode()


# Sorted keys; a date, datetime or dataclass is refused (TypeError) as json.dumps refuses it,
# rather than written in orjson's own form: every value a document holds is made JSON first.
_JSON_OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def render_json(value: Any) -> bytes:
    """Machine-readable JSON: sorted keys, dot decimals, UTF-8, one trailing newline.

    orjson writes what json.dumps(sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    writes (the same bytes on every document of a 1,000-shop build) ten times as fast.
    """
    return orjson.dumps(value, option=_JSON_OPTIONS) + b"\n"


@cache
def render_version(directory: Path | None = None) -> str:
    """A digest of all that changes rendered bytes besides data: core code, templates, catalogs.

    Only the core package counts: editing the CLI, the store or the service changes no bytes.
    """
    digest = hashlib.blake2b(__version__.encode(), digest_size=8)
    root = directory or locales_dir()
    files = sorted(TEMPLATES_DIR.glob("*.*")) + sorted(root.glob("*/LC_MESSAGES/*.mo"))
    files += sorted(Path(__file__).parent.glob("*.py"))
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    digest.update(",".join(available_locales(root)).encode())
    return digest.hexdigest()

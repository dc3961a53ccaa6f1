"""The staff preview: try a widget's options, see it at phone and desktop width, copy the snippet."""

from __future__ import annotations

import contextlib
import hmac
import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import escape
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from widget_templates import TEMPLATES_DIR

from ..core.catalogue import LOADER, LOADER_HASHED, WIDGET, DocumentRef
from ..core.formatting import format_score
from ..core.headers import response_headers
from ..core.i18n import locales_dir, translations
from ..core.loader import loader
from ..core.models import Shop
from ..core.options import OPTION_NAMES, PRESENTATION_OPTIONS, OptionError, Options, Resolved, parse_options
from ..core.paths import VARIANT_SEPARATOR, WIDGET_PATH
from ..core.rules import score_window
from ..core.widgets import HEIGHTS, WIDGETS
from .service import LOOPBACK_HOSTS, NotFound, service_of

ASSETS = {"preview.js": "text/javascript; charset=utf-8", "preview.css": "text/css; charset=utf-8"}
COUNTED_SHOWN = 500


@cache
def _env() -> Environment:
    return Environment(loader=FileSystemLoader(TEMPLATES_DIR), autoescape=True, undefined=StrictUndefined)


def widget_query(shop: Shop, query: dict[str, str]) -> dict[str, str]:
    """The options that differ from the shop's defaults, as they go in a URL or data- attributes."""
    defaults = Options().resolve(shop).texts()
    return {k: v for k, v in query.items() if k in OPTION_NAMES and v != defaults[k]}


def split_options(query: dict[str, str]) -> tuple[dict[str, str], dict[str, str]]:
    """Presentation options (for the URL fragment) and content options (for the query)."""
    shown = {k: v for k, v in query.items() if k in PRESENTATION_OPTIONS}
    return shown, {k: v for k, v in query.items() if k not in PRESENTATION_OPTIONS}


def valid_options(query: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Each option checked on its own: the valid ones, and what is wrong with the others."""
    valid, errors = {}, []
    for name, value in query.items():
        try:
            parse_options({name: value})
        except OptionError as problem:
            errors.append(str(problem))
        else:
            valid[name] = value
    return valid, errors


def fallback_label(shop: Shop, locale: str) -> str:
    """The no-script link text, also the iframe's title: "Beoordelingen van WTW Winkel via Trustpilot"."""
    gettext = translations(locale, locales_dir()).gettext
    return (
        f"{gettext('Reviews of %(name)s') % {'name': shop.name}} {gettext('via %(source)s') % {'source': shop.source}}"
    )


# Loads the loader once the page has loaded and gone quiet, so that no request to the widget
# host competes with the page's own largest paint (Lighthouse counts any that starts before it).
BOOTSTRAP = (
    "(function(w,d,u){{function add(){{var s=d.createElement('script');s.async=true;s.src=u;d.head.appendChild(s)}}"
    "function go(){{setTimeout(function(){{"
    "w.requestIdleCallback?w.requestIdleCallback(add,{{timeout:2000}}):add()}},250)}}"
    "if(d.readyState==='complete')go();else w.addEventListener('load',go)}})(window,document,{url})"
)


# Without script the link stays; one line, so it never needs more than the height reserved
# (the star snippet reserves 24 px) and the page does not move when the widget replaces it.
FALLBACK_STYLE = "display:block;line-height:24px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis"


def snippet_element(
    shop: Shop, widget: str, locale: str, query: dict[str, str], variant: str = "", product: str = ""
) -> str:
    """The element that reserves the widget's height and links the review policy without script."""
    attributes = {"data-shop": shop.id, "data-widget": widget, "data-locale": locale}
    if variant:
        attributes["data-variant"] = variant
    if product:
        attributes["data-product"] = product
    attributes.update({f"data-{k}": v for k, v in query.items()})
    rendered = " ".join(f'{name}="{escape(value)}"' for name, value in attributes.items())
    return (
        f'<div class="trustwidget" {rendered} style="min-height:{HEIGHTS[widget]}px">'
        f'<a href="{escape(shop.policy_url)}" style="{FALLBACK_STYLE}">{escape(fallback_label(shop, locale))}</a></div>'
    )


def embed_snippet(
    base_url: str, shop: Shop, widget: str, locale: str, query: dict[str, str], variant: str = "", product: str = ""
) -> str:
    """One element and one small inline script that loads the loader after the page has loaded."""
    url = json.dumps(base_url + DocumentRef(LOADER).path).replace("<", "\\u003c")
    element = snippet_element(shop, widget, locale, query, variant, product)
    return element + f"\n<script>{BOOTSTRAP.format(url=url)}</script>"


def plain_snippet(
    base_url: str, shop: Shop, widget: str, locale: str, query: dict[str, str], variant: str = "", product: str = ""
) -> str:
    """The same with a plain async script tag, for pages whose Content-Security-Policy forbids inline scripts."""
    return (
        snippet_element(shop, widget, locale, query, variant, product)
        + f'\n<script async src="{escape(base_url + DocumentRef(LOADER).path)}"></script>'
    )


def widget_src(
    shop: Shop, widget: str, locale: str, query: dict[str, str], variant: str = "", product: str = ""
) -> str:
    """The widget document's path: content options in the query, presentation in the fragment."""
    file = widget + (VARIANT_SEPARATOR + variant if variant else "")
    if product:
        path = DocumentRef(WIDGET, shop=shop.id, locale=locale, widget=widget, product=product).path
    else:
        path = WIDGET_PATH.format(shop=shop.id, locale=locale, widget=file)
    shown, content = split_options(query)
    if content and not variant:
        path += f"?{urlencode(content)}"
    return path + (f"#{urlencode(shown)}" if shown else "")


def iframe_snippet(
    base_url: str, shop: Shop, widget: str, locale: str, query: dict[str, str], variant: str = "", product: str = ""
) -> str:
    src = base_url + widget_src(shop, widget, locale, query, variant, product)
    label = f"{translations(locale, locales_dir()).gettext(WIDGETS[widget].label)} – {fallback_label(shop, locale)}"
    return (
        f'<iframe src="{escape(src)}" title="{escape(label)}" loading="lazy" '
        f'style="border:0;display:block;width:100%;color-scheme:light;height:{HEIGHTS[widget]}px"></iframe>'
    )


def _choices(request: Request, shop: Shop) -> tuple[dict[str, str], str, str]:
    params = request.query_params
    widget = params.get("widget", "badge")
    widget = widget if widget in WIDGETS else "badge"
    locale = params.get("locale", shop.default_locale)
    locale = locale if locale in shop.locales else shop.default_locale
    query = {name: params.get(name, "") for name in OPTION_NAMES}
    query["stars"] = ",".join(v for v in params.getlist("stars") if v) if "stars" in params else ""
    if params.get("origin") == "static":  # prebuilt files: content options come only with a variant
        query = {k: v for k, v in query.items() if k in PRESENTATION_OPTIONS}
    return {k: v for k, v in query.items() if v}, widget, locale


@dataclass(frozen=True, slots=True)
class Stage:
    """A page of one colour the preview shows the widget on."""

    page: str  # "light" or "dark": the colour around the frames (preview.css, from themes.PAGES)
    label: str
    theme: str  # the theme its frames show, or "" for what the options say


def stages(theme: str, background: str) -> tuple[Stage, ...]:
    """The pages a widget of this theme is made for: one for light or dark, both for auto.

    On its own an auto widget follows the visitor's preference, so each stage shows what that
    visitor sees; on a panel the panel's colour decides, whatever the page.
    """
    if theme in ("light", "dark"):
        return (Stage(theme, f"On a {theme} page", ""),)
    if background:
        return (
            Stage("light", "On a light page (the panel's colour decides the theme)", ""),
            Stage("dark", "On a dark page (the panel's colour decides the theme)", ""),
        )
    return (
        Stage("light", "On a light page, as a visitor who prefers light sees it", "light"),
        Stage("dark", "On a dark page, as a visitor who prefers dark sees it", "dark"),
    )


PLACEHOLDER_URL = "https://widgets.example.com"
STATIC_PLACEHOLDER_URL = "https://cdn.example.com"
# An address staff may type for the static files: no quotes, spaces or markup, so it can go in
# any snippet as it is; a query or fragment would end up in the middle of the loader's URL.
STATIC_URL = re.compile(r"https?://[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::\d{1,5})?(?:/[A-Za-z0-9._~%/-]*)?")


def static_base(value: str) -> str | None:
    """A typed address of the static files as the snippets' base (no trailing slash), or None."""
    value = value.strip()
    return value.rstrip("/") if STATIC_URL.fullmatch(value) else None


def snippet_base(live: str, static: bool, typed: str, configured: str) -> tuple[str, bool, str | None]:
    """The base URL the snippets load from: (base, a placeholder?, what is wrong with `typed`).

    Live: this service's address. Static files: the address typed in the preview, else the
    configured --static-url, else a placeholder; never the live service's, which a static
    setup does not run.
    """
    if not static:
        return live, False, None
    problem = None
    if typed.strip():
        base = static_base(typed)
        if base is not None:
            return base, False, None
        problem = "the static files' address must be http(s)://host[/path], such as https://cdn.example.com"
    if configured:
        return configured, False, problem
    return STATIC_PLACEHOLDER_URL, True, problem


TOKEN_COOKIE = "tw_preview"
# The default on a loopback address: on for this machine's own requests, off (404) for those a
# reverse proxy passes on (proxy-config's nginx, like most proxies, says so in X-Forwarded-For),
# which come from loopback too but from anyone on the internet.
LOCAL = "local"
PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip")


class PreviewForbidden(HTTPException):
    def __init__(self) -> None:
        super().__init__(403, "the preview needs its token: open /preview/?token=...")


def allow(request: Request) -> str | None:
    """Check the preview is open to this request: 404 when off, 403 without the token.

    Returns the token to remember in a cookie when it came in the query.
    """
    mode = service_of(request).preview
    if mode == LOCAL:  # this machine's own browser: not through a proxy, not under another name
        # (a site whose name was made to point at 127.0.0.1, DNS rebinding, sends its own Host)
        proxied = any(name in request.headers for name in PROXY_HEADERS)
        mode = "off" if proxied or request.url.hostname not in LOOPBACK_HOSTS else "on"
    if mode == "off":
        raise NotFound()
    if mode == "on":
        return None
    given = request.query_params.get("token")
    if given is not None and hmac.compare_digest(given.encode(), mode.encode()):
        return given
    cookie = request.cookies.get(TOKEN_COOKIE, "")
    if hmac.compare_digest(cookie.encode(), mode.encode()):
        return None
    raise PreviewForbidden()


def without_token(request: Request, token: str) -> Response:
    """A token that came in the address is kept in a cookie, and the browser sent to the same
    page without it (303): the address bar, the history and later requests' logs keep no token."""
    query = urlencode([(key, value) for key, value in request.query_params.multi_items() if key != "token"])
    response = RedirectResponse(request.url.path + (f"?{query}" if query else ""), status_code=303)
    response.headers.update(response_headers("preview"))
    secure = request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"
    response.set_cookie(TOKEN_COOKIE, token, path="/preview", httponly=True, samesite="strict", secure=secure)
    return response


def public_base(request: Request) -> tuple[str, bool]:
    """Where shops load widgets from, for the snippets; True when it is only a placeholder.

    The configured --public-url, else the request's own address when that is a loopback one;
    never an unchecked Host header.
    """
    configured = service_of(request).public_url
    if configured:
        return configured, False
    if request.url.hostname in LOOPBACK_HOSTS:
        return str(request.base_url).rstrip("/"), False
    return PLACEHOLDER_URL, True


def preview_index(request: Request) -> Response:
    token = allow(request)
    if token is not None:
        return without_token(request, token)
    service = service_of(request)
    as_of = service.as_of()
    rows = [(shop, service.standing(shop, version, as_of)) for shop, version in service.shops().values()]
    rows.sort(key=lambda row: row[0].id)
    html = _env().get_template("preview_index.html").render(rows=rows, format_score=format_score)
    return HTMLResponse(html, headers=response_headers("preview"))


def preview_shop(request: Request) -> Response:
    token = allow(request)
    if token is not None:
        return without_token(request, token)
    service = service_of(request)
    shop, version = service.shop(request.path_params["shop"])
    query, widget, locale = _choices(request, shop)
    static = request.query_params.get("origin") == "static"
    variant = request.query_params.get("variant", "") if static else ""
    variant = variant if shop.variant(variant) else ""
    valid, errors = valid_options(query)  # the form keeps what was typed; the widget what is valid
    typed_cdn = request.query_params.get("cdn", "")
    live_base, live_placeholder = public_base(request)
    base_url, static_placeholder, cdn_problem = snippet_base(live_base, static, typed_cdn, service.static_url)
    if cdn_problem:
        errors.append(cdn_problem)
    resolved: Resolved = parse_options(valid).resolve(shop)
    chosen = shop.variant(variant) if variant else None
    if chosen is not None:  # a variant's document renders with its own options: so do the stages
        with contextlib.suppress(OptionError):  # one stored before a rule changed: the asked ones
            resolved = parse_options(chosen.options).resolve(shop)
    as_of = service.as_of()
    snapshot = service.snapshot(shop.id, version, as_of)
    product = request.query_params.get("product", "")
    product = product if product in snapshot.products else ""
    if product and not WIDGETS[widget].product:
        widget = "stars"  # a product has a star snippet and a carousel
    if product:
        variant = ""
    summary = snapshot.summary if not product else snapshot.products[product].summary
    counted = service.store.counted_reviews(shop.id, score_window(as_of), COUNTED_SHOWN, product)
    extra = widget_query(shop, valid)
    context: dict[str, Any] = {
        "shop": shop,
        "widgets": WIDGETS,
        "widget": widget,
        "locale": locale,
        "typed": {**resolved.texts(), **query},
        "errors": errors,
        "static": static,
        "variant": variant,
        "summary": summary,
        "score_text": None if summary["score"] is None else format_score(summary["score"], "en"),
        "counted": counted,
        "counted_limit": COUNTED_SHOWN,
        "src": widget_src(shop, widget, locale, extra, variant, product),
        "stages": [
            (
                stage,
                widget_src(
                    shop, widget, locale, {**extra, "theme": stage.theme} if stage.theme else extra, variant, product
                ),
            )
            for stage in stages(resolved.theme, resolved.background)
        ],
        "height": HEIGHTS[widget],
        "snippet": embed_snippet(base_url, shop, widget, locale, extra, variant, product),
        "plain_snippet": plain_snippet(base_url, shop, widget, locale, extra, variant, product),
        "iframe_snippet": iframe_snippet(base_url, shop, widget, locale, extra, variant, product),
        "products": [(sku, p.product.name if p.product else sku) for sku, p in snapshot.products.items()],
        "product": product,
        "integrity": loader().integrity,
        "hashed_loader": base_url + DocumentRef(LOADER_HASHED, digest=loader().digest).path,
        "placeholder_url": live_placeholder and not static,
        "static_placeholder": static_placeholder,
        "cdn": typed_cdn if typed_cdn.strip() else service.static_url,
        # typed (or given in a link), not the service's --static-url: the page says where to before a copy
        "typed_base": base_url
        if static and not cdn_problem and typed_cdn.strip() and base_url != service.static_url
        else "",
    }
    html = _env().get_template("preview.html").render(context)
    return HTMLResponse(html, status_code=400 if errors else 200, headers=response_headers("preview"))


def preview_asset(request: Request) -> Response:
    allow(request)
    name = f"{request.path_params['name']}.{request.path_params['ext']}"
    if name not in ASSETS:
        raise NotFound()
    body = (TEMPLATES_DIR / name).read_bytes()
    return Response(body, media_type=ASSETS[name], headers=response_headers("preview"))

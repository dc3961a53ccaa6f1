"""The live widget service: the public URL tree, /healthz and the staff preview."""

from __future__ import annotations

import os
import re
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from .cache import RenderCache
from .dates import today_utc
from .documents import cache_key, reviews_bytes, summary_bytes, widget_bytes
from .headers import response_headers
from .loader import HASHED_NAME, loader
from .options import OptionError, parse_options
from .records import Shop
from .render import WIDGETS
from .response_memo import ResponseMemo
from .responses import document_response
from .store import Store

REVIEWS_PAGE = re.compile(r"reviews(?:-([1-9][0-9]{0,5}))?\.json")
WIDGET_FILE = re.compile(r"([a-z]+)(?:--([a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?))?\.html")
JSON_TYPE = "application/json"
HTML_TYPE = "text/html; charset=utf-8"
JS_TYPE = "text/javascript; charset=utf-8"


class NotFound(HTTPException):
    def __init__(self, detail: str = "not found") -> None:
        super().__init__(404, detail)


class StrictPaths:
    """404 for any request path holding an escape or a NUL: public URLs are plain ASCII."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            raw = scope.get("raw_path") or scope["path"].encode("utf-8", "surrogateescape")
            if b"%" in raw or b"\x00" in raw or "\x00" in scope["path"]:
                response = error_response(scope["path"], 404, "not found")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def error_response(path: str, status: int, detail: str, headers: dict[str, str] | None = None) -> Response:
    """A short plain error (JSON for .json paths), never a stack trace."""
    fixed = {**response_headers("error"), **(headers or {})}
    if path.endswith(".json"):
        return JSONResponse({"error": detail, "status": status}, status_code=status, headers=fixed)
    return PlainTextResponse(f"{status} {detail}\n", status_code=status, headers=fixed)


class Service:
    """The state behind the routes: the store, the shops by id, the render cache, the date."""

    def __init__(
        self,
        data_dir: Path,
        *,
        as_of: date | None = None,
        cache_dir: Path | None = None,
        shards: int = 1,
        memory_items: int = 1024,
    ) -> None:
        self.store = Store.open(data_dir)
        self.cache = RenderCache(
            cache_dir if cache_dir is not None else data_dir / "cache", shards=shards, memory_items=memory_items
        )
        self.pinned = as_of
        self._seen_version: int | None = None
        self._shops: dict[str, tuple[Shop, str]] = {}

    def as_of(self) -> date:
        return self.pinned or today_utc()

    def shops(self) -> dict[str, tuple[Shop, str]]:
        """Shops with their data versions, reloaded only when another connection committed."""
        version = self.store.data_version()
        if version != self._seen_version:
            self._shops = {shop.id: (shop, data) for shop, data in self.store.shops()}
            self._seen_version = version
        return self._shops

    def shop(self, shop_id: str) -> tuple[Shop, str]:
        found = self.shops().get(shop_id)
        if found is None:
            raise NotFound(f"no shop {shop_id!r}" if re.fullmatch(r"[a-z0-9-]{1,64}", shop_id) else "no such shop")
        return found

    def cached(self, key: str, make: Callable[[], bytes | None]) -> bytes | None:
        body = self.cache.get(key)
        if body is None:
            body = make()
            if body is not None:
                self.cache.set(key, body)
        return body


def _service(request: Request) -> Service:
    service: Service = request.app.state.service
    return service


def _locale(shop: Shop, locale: str) -> str:
    if locale not in shop.locales:
        raise NotFound(
            f"shop {shop.id!r} has no locale {locale!r}" if re.fullmatch(r"[a-z]{2,3}", locale) else "no such locale"
        )
    return locale


async def healthz(request: Request) -> Response:
    shops, _ = _service(request).store.counts()
    return PlainTextResponse(f"ok {shops} shops\n", headers=response_headers("health"))


async def embed(request: Request) -> Response:
    name = request.path_params["name"]
    script = loader()
    if name == "embed.js":
        kind = "loader"
    elif HASHED_NAME.fullmatch(name) and name == script.hashed_name:
        kind = "loader-hashed"
    else:
        raise NotFound()
    return document_response(request, script.body, JS_TYPE, kind, cache=_service(request).cache)


async def summary(request: Request) -> Response:
    service = _service(request)
    shop, version = service.shop(request.path_params["shop"])
    as_of = service.as_of()
    body = service.cached(cache_key("summary", version, as_of), lambda: summary_bytes(service.store, shop, as_of))
    assert body is not None
    return document_response(request, body, JSON_TYPE, "json", cache=service.cache)


async def localized(request: Request) -> Response:
    service = _service(request)
    shop, version = service.shop(request.path_params["shop"])
    locale = _locale(shop, request.path_params["locale"])
    name = request.path_params["name"]
    page_match = REVIEWS_PAGE.fullmatch(name)
    widget_match = WIDGET_FILE.fullmatch(name)
    if not page_match and not (widget_match and widget_match.group(1) in WIDGETS):
        raise NotFound("no such document")
    variant = widget_match.group(2) if widget_match else None
    try:
        if variant is None:
            options = parse_options(request.query_params).resolve(shop)
        else:  # a variant's options are the shop's, as the static build writes them
            found = [v for v in shop.variants if v.name == variant]
            if not found:
                raise NotFound(f"shop {shop.id!r} has no variant {variant!r}")
            options = parse_options(found[0].options).resolve(shop)
    except OptionError as error:
        return error_response(request.url.path, 400, str(error))
    as_of = service.as_of()
    if page_match:
        page = int(page_match.group(1) or 1)
        if page == 1 and page_match.group(1):
            raise NotFound("the first page is reviews.json")
        key = cache_key("reviews", version, as_of, locale, options.key(), str(page))
        body = service.cached(key, lambda: reviews_bytes(service.store, shop, locale, options, as_of, page))
        if body is None:
            raise NotFound("no such page")
        return document_response(request, body, JSON_TYPE, "json", cache=service.cache)
    widget = widget_match.group(1)  # type: ignore[union-attr]
    key = cache_key("widget", version, as_of, widget, locale, options.key())
    body = service.cached(key, lambda: widget_bytes(service.store, shop, widget, locale, options, as_of))
    assert body is not None
    return document_response(request, body, HTML_TYPE, "widget", cache=service.cache, domains=shop.allowed_domains)


async def openapi_document(request: Request) -> Response:
    from .openapi import openapi
    from .render import render_json

    return document_response(request, render_json(openapi()), JSON_TYPE, "json", cache=_service(request).cache)


async def home(request: Request) -> Response:
    return RedirectResponse("/preview/", status_code=302, headers=response_headers("preview"))


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    headers = dict(exc.headers or {})
    detail = exc.detail if exc.status_code == 404 else ("method not allowed" if exc.status_code == 405 else exc.detail)
    return error_response(request.url.path, exc.status_code, detail, headers)


async def server_error(request: Request, exc: Exception) -> Response:
    return error_response(request.url.path, 500, "internal error")


def create_app(
    data_dir: Path | str,
    *,
    as_of: date | None = None,
    cache_dir: Path | str | None = None,
    shards: int = 1,
    memory_items: int = 1024,
) -> ASGIApp:
    from .preview import preview_asset, preview_index, preview_shop

    service = Service(
        Path(data_dir),
        as_of=as_of,
        cache_dir=None if cache_dir is None else Path(cache_dir),
        shards=shards,
        memory_items=memory_items,
    )
    read = ["GET", "HEAD"]
    routes = [
        Route("/", home, methods=read),
        Route("/healthz", healthz, methods=read),
        Route("/v1/openapi.json", openapi_document, methods=read),
        Route("/v1/{name}", embed, methods=read),
        Route("/v1/{shop}/summary.json", summary, methods=read),
        Route("/v1/{shop}/{locale}/{name}", localized, methods=read),
        Route("/preview/", preview_index, methods=read),
        Route("/preview/{name}.{ext:str}", preview_asset, methods=read),
        Route("/preview/{shop}", preview_shop, methods=read),
    ]
    handlers: dict[Any, Callable[[Request, Exception], Awaitable[Response]]] = {
        HTTPException: http_error,
        Exception: server_error,
    }
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.router.redirect_slashes = False
    app.state.service = service
    memo = ResponseMemo(app, version=lambda: (service.store.data_version(), service.as_of()))
    return StrictPaths(memo)


def app_from_env() -> ASGIApp:
    """The app as `trustwidgets serve` (and uvicorn workers) build it, from the environment."""
    pinned = os.environ.get("TRUSTWIDGETS_AS_OF")
    return create_app(
        os.environ.get("TRUSTWIDGETS_DATA", "var"),
        as_of=date.fromisoformat(pinned) if pinned else None,
        shards=int(os.environ.get("TRUSTWIDGETS_WORKERS", "1")),
        memory_items=int(os.environ.get("TRUSTWIDGETS_MEMORY_ITEMS", "1024")),
    )
